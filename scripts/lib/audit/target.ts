/**
 * What to audit: the Ignition deployment of the chain (scripts/lib/deployment.ts), or addresses
 * given as a JSON file or inline JSON; and where to start reading: --from-block, else the
 * deployment's first block (the earliest receipt in the Ignition journal), else 0.
 */
import { getAddress } from "ethers";

import { UserError } from "../args.js";
import {
  SUITE_CONTRACTS,
  readAddressFile,
  readIgnitionDeployment,
  type Deployment,
  type SuiteContractName,
} from "../deployment.js";

/** Addresses from inline JSON: `{"BudgetLedger":"0x..","AccessManager":"0x..","firstBlock":12}` (keys may carry `<Module>#`). */
export function parseInlineAddresses(json: string, chainId: bigint): Deployment {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new UserError(`--addresses: not valid JSON: ${json.slice(0, 80)}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError("--addresses: expected a JSON object of contract names to addresses");
  }
  const addresses: Deployment["addresses"] = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const name = key.includes("#") ? key.split("#")[1] : key;
    if (!(SUITE_CONTRACTS as readonly string[]).includes(name)) continue;
    try {
      addresses[name as SuiteContractName] = getAddress(String(value));
    } catch {
      throw new UserError(`--addresses: ${key} is not a valid address: ${String(value)}`);
    }
  }
  if (addresses.BudgetLedger === undefined) throw new UserError("--addresses names no BudgetLedger address");
  const firstBlock = (raw as { firstBlock?: unknown }).firstBlock;
  return {
    chainId,
    source: "--addresses",
    moduleId: "addresses",
    addresses,
    firstBlock: typeof firstBlock === "number" ? firstBlock : undefined,
  };
}

/** The deployment to audit on `chainId`. */
export async function findTarget(ignitionDir: string, chainId: bigint, addresses: string): Promise<Deployment> {
  const given = addresses.trim();
  if (given === "") return readIgnitionDeployment(ignitionDir, chainId);
  const deployment = given.startsWith("{")
    ? parseInlineAddresses(given, chainId)
    : await readAddressFile(given, chainId);
  for (const [name, address] of Object.entries(deployment.addresses)) {
    try {
      deployment.addresses[name as SuiteContractName] = getAddress(address);
    } catch {
      throw new UserError(`--addresses: ${name} is not a valid address: ${address}`);
    }
  }
  return deployment;
}

/** The first block to read: --from-block, else the deployment's first block, else 0. */
export function startBlock(deployment: Deployment, fromBlock: number | undefined): number {
  return fromBlock ?? deployment.firstBlock ?? 0;
}
