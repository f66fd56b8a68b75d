/**
 * What every task action shares: the connection to the selected network, the deployed
 * contracts (typed), the signer, and one place that turns failures into a clear message.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Contract, Interface, decodeBytes32String, formatUnits, isHexString, type InterfaceAbi } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress } from "../../scripts/lib/args.js";
import {
  DeploymentError,
  readIgnitionDeployment,
  type Deployment,
  type SuiteContractName,
} from "../../scripts/lib/deployment.js";
import { roleName } from "../../scripts/lib/roles.js";

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
}

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
  const ledger = await ethers.getContractAt("BudgetLedger", ledgerAddress);
  const token = new Contract(await ledger.token(), ["function decimals() view returns (uint8)"], ethers.provider);
  let decimals = 18;
  try {
    decimals = Number(await token.decimals());
  } catch {
    // a token without decimals(): amounts are shown with 18 decimals
  }
  for (const name of ["AccessManager", "BudgetLedger", "TestStablecoin"] as const) {
    registerErrors((await hre.artifacts.readArtifact(name)).abi);
  }
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
  };
}

/** The signer by account index ("0") or address among the network's accounts. */
export async function pickSigner(ethers: Ethers, value: string): Promise<HardhatEthersSigner> {
  const signers = await ethers.getSigners();
  if (/^\d+$/.test(value)) {
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

/** Interfaces used to decode custom errors of any civic-ledger contract. */
const errorInterfaces: Interface[] = [];

/** Registers a contract interface for error decoding (done by actions as they load contracts). */
export function registerErrors(abi: InterfaceAbi): void {
  errorInterfaces.push(new Interface(abi));
}

/** Decodes revert data into `ErrorName(arg, ...)`, or undefined. */
export function decodeRevert(data: string | undefined): { name: string; args: unknown[]; text: string } | undefined {
  if (data === undefined || data === "0x") return undefined;
  for (const iface of errorInterfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed !== null) {
        const args = [...parsed.args];
        return { name: parsed.name, args, text: `${parsed.name}(${args.map(showArg).join(", ")})` };
      }
    } catch {
      // not this interface
    }
  }
  return undefined;
}

/** An error argument for people: a bytes32 that holds short text is shown as that text. */
function showArg(arg: unknown): string {
  if (typeof arg === "string" && isHexString(arg, 32)) {
    try {
      const text = decodeBytes32String(arg);
      if (/^[\x20-\x7e]+$/.test(text)) return `"${text}"`;
    } catch {
      // not a short string
    }
  }
  return String(arg);
}

function revertData(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x")) return data;
    e = (e as { error?: unknown; cause?: unknown }).error ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Runs a task body; prints a clear one-paragraph error (never a stack trace) and sets a
 * non-zero exit code on failure. `explain` may turn a decoded revert into a better sentence.
 */
export async function runTask(
  body: () => Promise<void>,
  explain?: (revert: { name: string; args: unknown[]; text: string }) => Promise<string | undefined>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.exitCode = 1;
    if (error instanceof UserError || error instanceof DeploymentError) {
      console.error(`Error: ${error.message}`);
      return;
    }
    const revert = decodeRevert(revertData(error));
    if (revert !== undefined) {
      const better =
        (await explainUnauthorized(revert).catch(() => undefined)) ??
        (explain ? await explain(revert).catch(() => undefined) : undefined);
      console.error(`Error: the transaction was refused: ${better ?? revert.text}`);
      return;
    }
    const message =
      error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
    console.error(`Error: ${message}`);
  }
}

/** What the last transaction called, so that an AccessManagedUnauthorized can name the role. */
let lastCall: { ctx: TaskContext; target: string; data: string } | undefined;

/**
 * Sends a call to `contract.fn(...args)` from the context's signer, waits for it and prints its
 * hash and gas.
 */
export async function send(
  ctx: TaskContext,
  label: string,
  contract: { getAddress(): Promise<string>; interface: Interface },
  fn: string,
  args: unknown[],
): Promise<void> {
  const target = await contract.getAddress();
  const data = contract.interface.encodeFunctionData(fn, args);
  lastCall = { ctx, target, data };
  const sent = await ctx.signer.sendTransaction({ to: target, data });
  const receipt = await sent.wait();
  console.log(`${label}: tx ${sent.hash} (block ${receipt?.blockNumber ?? "?"}, gas ${receipt?.gasUsed ?? "?"})`);
}

/** For AccessManagedUnauthorized: which role the last call needed. */
async function explainUnauthorized(revert: { name: string; args: unknown[] }): Promise<string | undefined> {
  if (revert.name !== "AccessManagedUnauthorized" || lastCall === undefined) return undefined;
  const { ctx, target, data } = lastCall;
  const manager = await ctx.ethers.getContractAt("AccessManager", ctx.address("AccessManager"));
  const role = await manager.getTargetFunctionRole(target, data.slice(0, 10));
  return `${String(revert.args[0])} does not hold the role this needs: ${roleName(role)} (role id ${role}). Grant it with: npx hardhat roles grant --role ${roleName(role)} --account ${String(revert.args[0])}`;
}
