/**
 * Every write of the portal: simulate with viem first (`simulateContract` against the node,
 * as the connected account), and send through the wallet only when the simulation passes.
 * A refusal is decoded with the error ABIs of every contract of the suite (from artifacts,
 * web/src/chain/abi.ts) and told in one sentence of the catalogue.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  UserRejectedRequestError,
  decodeErrorResult,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hash,
  type TransactionReceipt,
} from "viem";
import { getWalletClient } from "wagmi/actions";

import { suiteErrorsAbi } from "../chain/abi";
import { useI18n, type Formatters, type MessageKey, type Translate } from "../i18n";
import { en } from "../i18n/en";
import { getPublicClient, getWagmiConfig } from "./chain";

type WriteName<abi extends Abi> = ContractFunctionName<abi, "nonpayable" | "payable">;

/** One contract call, typed at the call site by its ABI. */
export interface Call {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

export function contractCall<const abi extends Abi, name extends WriteName<abi>>(
  address: Address,
  abi: abi,
  functionName: name,
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", name>,
): Call {
  return { address, abi, functionName, args: args as readonly unknown[] };
}

/** A decoded custom error: its name and arguments by name. */
export interface Decoded {
  name: string;
  args: Record<string, unknown>;
  list: readonly unknown[];
}

/** Thrown when the simulation (or, rarely, the mined transaction) refuses a call. */
export class Refusal extends Error {
  override name = "Refusal";
  constructor(
    readonly decoded: Decoded | undefined,
    readonly cause_: unknown,
  ) {
    super(decoded?.name ?? (cause_ instanceof Error ? cause_.message : String(cause_)));
  }
}

const ERRORS = suiteErrorsAbi as unknown as Abi;

function named(name: string, list: readonly unknown[]): Decoded {
  const item = (suiteErrorsAbi as readonly { type: string; name: string; inputs: readonly { name: string }[] }[]).find(
    (e) => e.name === name && e.inputs.length === list.length,
  );
  const args: Record<string, unknown> = {};
  item?.inputs.forEach((input, i) => (args[input.name || String(i)] = list[i]));
  return { name, args, list };
}

/** The custom error inside whatever viem or the wallet threw, if any. */
export function decodeError(error: unknown): Decoded | undefined {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      if (reverted.data?.errorName) return named(reverted.data.errorName, reverted.data.args ?? []);
      if (reverted.raw) {
        try {
          const d = decodeErrorResult({ abi: ERRORS, data: reverted.raw });
          return named(d.errorName, d.args ?? []);
        } catch {
          // an error no ABI of the suite knows
        }
      }
      if (reverted.reason) return { name: "Error", args: { reason: reverted.reason }, list: [reverted.reason] };
    }
  }
  return undefined;
}

export function isUserRejection(error: unknown): boolean {
  return error instanceof BaseError && error.walk((e) => e instanceof UserRejectedRequestError) !== null;
}

export interface Sent {
  hash: Hash;
  receipt: TransactionReceipt;
}

/**
 * Simulates `call` as `account`; throws a Refusal (nothing sent) when it would fail; otherwise
 * sends it through the connected wallet and waits for the receipt.
 */
export async function simulateAndSend(call: Call, account: Address): Promise<Sent> {
  const client = getPublicClient();
  const abi = [...call.abi, ...ERRORS];
  let request;
  try {
    ({ request } = await client.simulateContract({
      address: call.address,
      abi,
      functionName: call.functionName,
      args: call.args,
      account,
    }));
  } catch (error) {
    throw new Refusal(decodeError(error), error);
  }
  const wallet = await getWalletClient(getWagmiConfig(), { account });
  const hash = await wallet.writeContract({ ...request, account, chain: wallet.chain });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Refusal(undefined, new Error(`transaction ${hash} reverted`));
  return { hash, receipt };
}

/** Names of the contracts' enums, for refusals that carry a status or a bitmask of them. */
const STATUS_NAMES = {
  tender: ["None", "Bidding", "Revealing", "Awardable", "Awarded", "Failed", "Cancelled"],
  agreement: ["None", "Active", "Completed", "Terminated"],
  milestone: ["None", "Pending", "Submitted", "Rejected", "Paid", "Cancelled"],
  application: ["None", "Pending", "Approved", "Rejected", "Withdrawn"],
  permit: ["None", "Active", "Suspended", "Revoked", "Expired"],
  program: ["None", "Scheduled", "Open", "Ended", "Closed"],
} as const;
const STATUS_PREFIX: Record<keyof typeof STATUS_NAMES, string> = {
  tender: "tenderStatus",
  agreement: "agreementStatus",
  milestone: "milestoneStatus",
  application: "applicationStatus",
  permit: "permitStatusName",
  program: "programState",
};

/** Which enum the `current`/`status`/`allowed` arguments of an error name. */
const STATUS_OF: Record<string, keyof typeof STATUS_NAMES> = {
  Procurement_UnexpectedTenderStatus: "tender",
  Procurement_UnexpectedAgreementStatus: "agreement",
  Procurement_UnexpectedMilestoneStatus: "milestone",
  Permit_ApplicationNotPending: "application",
  Permit_InvalidPermitStatus: "permit",
  Subsidy_NotOpen: "program",
};
/** Arguments that are amounts of the settlement token. */
const AMOUNT_ARGS = new Set([
  "balance",
  "needed",
  "allowance",
  "remaining",
  "amount",
  "expected",
  "received",
  "price",
  "maxPrice",
]);
const TIME_ARGS = new Set(["opensAt", "closesAt", "deadline"]);

/** One sentence for a refusal, in the visitor's language. */
export function explainRefusal(
  error: unknown,
  t: Translate,
  fmt: Formatters,
  token: { decimals: number; symbol: string } | undefined,
): string {
  if (isUserRejection(error)) return t("refusal.userRejected");
  const decoded = error instanceof Refusal ? error.decoded : decodeError(error);
  if (decoded === undefined) {
    const message =
      error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error);
    return t("refusal.failed", { message });
  }
  const vars: Record<string, string> = {};
  const enumKind = STATUS_OF[decoded.name];
  for (const [key, value] of Object.entries(decoded.args)) {
    if (enumKind !== undefined && (key === "current" || key === "status")) {
      const name = STATUS_NAMES[enumKind][Number(value)] ?? String(value);
      vars[key] = t(`${STATUS_PREFIX[enumKind]}.${name}` as MessageKey);
    } else if (enumKind !== undefined && key === "allowed") {
      const bits = BigInt(value as bigint | string);
      const names = STATUS_NAMES[enumKind].filter((_, i) => (bits >> BigInt(i)) & 1n);
      vars[key] = names.map((n) => t(`${STATUS_PREFIX[enumKind]}.${n}` as MessageKey)).join(` ${t("or")} `);
    } else if (AMOUNT_ARGS.has(key) && typeof value === "bigint" && token !== undefined) {
      vars[key] = fmt.amount(value, token.decimals, token.symbol);
    } else if (TIME_ARGS.has(key) && typeof value === "bigint") {
      vars[key] = fmt.dateTime(Number(value));
    } else {
      vars[key] = String(value);
    }
  }
  const key = `refusal.${decoded.name}`;
  if (key in en) return t(key as MessageKey, vars);
  const text = `${decoded.name}(${decoded.list.map(String).join(", ")})`;
  return t("refusal.generic", { error: text });
}

/** `explainRefusal` bound to the current language and token. */
export function useExplain(token: { decimals: number; symbol: string } | undefined) {
  const { t, fmt } = useI18n();
  return (error: unknown) => explainRefusal(error, t, fmt, token);
}
