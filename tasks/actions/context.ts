/**
 * What every task action shares: the connection to the selected network, the deployed
 * contracts (typed), the signer, sending a transaction, and one place that turns failures into
 * one clear `Error: ...` line (never a stack trace).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Contract, formatUnits, type Interface, type Log, type Result, type TransactionReceipt } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress } from "../../scripts/lib/args.js";
import {
  DeploymentError,
  SUITE_CONTRACTS,
  readIgnitionDeployment,
  type Deployment,
  type SuiteContractName,
} from "../../scripts/lib/deployment.js";
import { RevertDecoder, explainStatusError, findRevertData, roleLabel, wiredRole } from "../../scripts/lib/revert.js";
import { ROLES, roleName } from "../../scripts/lib/roles.js";
import { formatInstant } from "../../scripts/lib/time.js";

export type Connection = Awaited<ReturnType<HardhatRuntimeEnvironment["network"]["getOrCreate"]>>;
export type Ethers = Connection["ethers"];

export interface TaskContext {
  hre: HardhatRuntimeEnvironment;
  ethers: Ethers;
  networkName: string;
  chainId: bigint;
  deployment: Deployment;
  signer: HardhatEthersSigner;
  decimals: number;
  /** Amount in base units -> whole token units as text. */
  format: (amount: bigint) => string;
  /** Address of a deployed contract, or a UserError if the deployment has none. */
  address: (name: SuiteContractName) => string;
  /** The deployment's name for an address (`ProcurementEscrow`), if it is one of its contracts. */
  nameOf: (address: string) => SuiteContractName | undefined;
  /** The latest block's timestamp (the chain's clock, which a local node may have moved). */
  now: () => Promise<bigint>;
}

/** Decodes the custom errors of every civic-ledger contract (and of OpenZeppelin's inside them). */
const decoder = new RevertDecoder();

/** Opens the selected network, finds the deployment, checks code is there and picks the signer. */
export async function openContext(hre: HardhatRuntimeEnvironment, signerArg: string): Promise<TaskContext> {
  const connection = await hre.network.getOrCreate();
  const { ethers } = connection;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const deployment = await readIgnitionDeployment(hre.config.paths.ignition, chainId);
  const ledgerAddress = deployment.addresses.BudgetLedger as string;
  if ((await ethers.provider.getCode(ledgerAddress)) === "0x") {
    throw new UserError(
      `Network "${connection.networkName}" (chain ${chainId}) has no contract at the BudgetLedger address of ` +
        `${deployment.source}: wrong network, or the node was restarted since the deployment.`,
    );
  }
  const signer = await pickSigner(ethers, signerArg);
  for (const name of SUITE_CONTRACTS) {
    if (!decoder.has(name)) decoder.register(name, (await hre.artifacts.readArtifact(name)).abi);
  }
  const ledger = await ethers.getContractAt("BudgetLedger", ledgerAddress);
  const token = new Contract(await ledger.token(), ["function decimals() view returns (uint8)"], ethers.provider);
  let decimals = 18;
  try {
    decimals = Number(await token.decimals());
  } catch {
    // a token without decimals(): amounts are shown with 18 decimals
  }
  const byAddress = new Map(
    Object.entries(deployment.addresses).map(([name, address]) => [address.toLowerCase(), name as SuiteContractName]),
  );
  return {
    hre,
    ethers,
    networkName: connection.networkName,
    chainId,
    deployment,
    signer,
    decimals,
    format: (amount) => formatUnits(amount, decimals),
    address: (name) => {
      const address = deployment.addresses[name];
      if (address === undefined) throw new UserError(`The deployment (${deployment.source}) has no ${name}`);
      return address;
    },
    nameOf: (address) => byAddress.get(address.toLowerCase()),
    now: async () => BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000)),
  };
}

/** The signer by account index ("0") or address among the network's accounts. */
export async function pickSigner(ethers: Ethers, value: string): Promise<HardhatEthersSigner> {
  const signers = await ethers.getSigners();
  if (/^\d+$/.test(value.trim())) {
    const signer = signers[Number(value)];
    if (signer === undefined)
      throw new UserError(`--signer: account #${value} does not exist (${signers.length} accounts)`);
    return signer;
  }
  const address = parseAddress(value, "signer");
  const signer = signers.find((s) => s.address === address);
  if (signer === undefined) throw new UserError(`--signer: ${address} is not an account of this network`);
  return signer;
}

/** A call the chain refused, with what was called, so that the refusal can be explained. */
class CallRefused extends Error {
  override name = "CallRefused";
  constructor(
    readonly ctx: TaskContext,
    readonly target: string,
    readonly data: string,
    override readonly cause: unknown,
  ) {
    super("call refused");
  }
}

interface Callable {
  getAddress(): Promise<string>;
  interface: Interface;
}

/**
 * Sends `contract.fn(...args)` from the context's signer, waits for it, prints `label: tx ...`
 * and returns the receipt.
 */
export async function send(
  ctx: TaskContext,
  label: string,
  contract: Callable,
  fn: string,
  args: unknown[],
): Promise<TransactionReceipt> {
  const target = await contract.getAddress();
  const data = contract.interface.encodeFunctionData(fn, args);
  let receipt: TransactionReceipt | null;
  let hash: string;
  try {
    const sent = await ctx.signer.sendTransaction({ to: target, data });
    hash = sent.hash;
    receipt = await sent.wait();
  } catch (error) {
    throw new CallRefused(ctx, target, data, error);
  }
  if (receipt === null) throw new UserError(`Transaction ${hash} was dropped`);
  console.log(`${label}: tx ${hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`);
  return receipt;
}

/** Simulates `contract.fn(...args)` from the signer (eth_call) and returns its decoded result. */
export async function preview(ctx: TaskContext, contract: Callable, fn: string, args: unknown[]): Promise<Result> {
  const target = await contract.getAddress();
  const data = contract.interface.encodeFunctionData(fn, args);
  try {
    const raw = await ctx.ethers.provider.call({ to: target, data, from: ctx.signer.address });
    return contract.interface.decodeFunctionResult(fn, raw);
  } catch (error) {
    throw new CallRefused(ctx, target, data, error);
  }
}

/** The arguments of every `event` the contract emitted in the receipt. */
export function eventsIn(
  receipt: TransactionReceipt,
  contract: { interface: Interface; target: unknown },
  event: string,
): Result[] {
  const out: Result[] = [];
  const address = String(contract.target).toLowerCase();
  for (const log of receipt.logs as readonly Log[]) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === event) out.push(parsed.args);
  }
  return out;
}

/** The first `event` of the receipt, or a UserError (the contract always emits it). */
export function eventIn(
  receipt: TransactionReceipt,
  contract: { interface: Interface; target: unknown },
  event: string,
): Result {
  const found = eventsIn(receipt, contract, event)[0];
  if (found === undefined) throw new UserError(`Transaction ${receipt.hash} emitted no ${event}`);
  return found;
}

/**
 * Runs a task body; prints one clear line (never a stack trace) and sets a non-zero exit code
 * on failure.
 */
export async function runTask(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.exitCode = 1;
    console.error(`Error: ${(await describeFailure(error)).replace(/\s*\n\s*/g, " ")}`);
  }
}

async function describeFailure(error: unknown): Promise<string> {
  if (error instanceof UserError || error instanceof DeploymentError) return error.message;
  const cause = error instanceof CallRefused ? error.cause : error;
  const revert = decoder.decode(findRevertData(cause));
  if (revert !== undefined) {
    let sentence: string | undefined;
    if (error instanceof CallRefused && revert.name === "AccessManagedUnauthorized") {
      sentence = await explainUnauthorized(error, String(revert.args[0])).catch(() => undefined);
    }
    sentence ??= explainStatusError(revert);
    return `the transaction was refused: ${revert.text}${sentence === undefined ? "" : `: ${sentence}`}`;
  }
  return plainMessage(cause);
}

/** A provider's or ethers' error without its stack and payload dumps. */
function plainMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const short = (error as { shortMessage?: string }).shortMessage;
  const message = short ?? error.message;
  return message.split("\n")[0];
}

/**
 * AccessManagedUnauthorized(caller): which role the called function needs (from the wiring of
 * scripts/lib/wiring.ts, else the AccessManager's own mapping) and why the caller is refused.
 */
async function explainUnauthorized(call: CallRefused, caller: string): Promise<string> {
  const { ctx, target, data } = call;
  const manager = await ctx.ethers.getContractAt("AccessManager", ctx.address("AccessManager"));
  if (caller.toLowerCase() !== ctx.signer.address.toLowerCase()) {
    // refused in a call a contract of the suite makes on its own (a module calling the ledger)
    const module = ctx.nameOf(caller) ?? "contract";
    return (
      `the ${module} at ${caller} is refused by the AccessManager in a call it makes to the ledger: ` +
      `it needs LEDGER_CLIENT (role ${ROLES.LEDGER_CLIENT}); see npx hardhat roles list --role LEDGER_CLIENT`
    );
  }
  const contract = ctx.nameOf(target) ?? target;
  const functionSelector = data.slice(0, 10);
  const wired = wiredRole(contract, functionSelector);
  const onChain = await manager.getTargetFunctionRole(target, functionSelector).catch(() => undefined);
  const role = wired !== undefined ? ROLES[wired.role] : (onChain ?? ROLES.ADMIN);
  const fn = wired?.signature ?? functionSelector;
  if (onChain !== undefined && onChain !== role) {
    return `${contract}.${fn} is wired to ${roleLabel(role)}, but this chain's AccessManager maps it to ${roleLabel(onChain)}, which ${caller} does not hold`;
  }
  const [isMember, executionDelay] = await manager.hasRole(role, caller);
  if (isMember && executionDelay > 0n) {
    return (
      `${caller} holds ${roleLabel(role)} with an execution delay of ${executionDelay} s, so ${contract}.${fn} ` +
      "must be scheduled through the AccessManager (schedule, then execute after the delay)"
    );
  }
  const [since] = await manager.getAccess(role, caller);
  if (since > 0n) {
    return `${caller} was granted ${roleLabel(role)}, which ${contract}.${fn} needs, effective only from ${formatInstant(since)}`;
  }
  return (
    `${caller} does not hold ${roleLabel(role)}, which ${contract}.${fn} needs. ` +
    `An ADMIN grants it with: npx hardhat roles grant --role ${role >= 100n ? role : roleName(role)} --account ${caller}`
  );
}
