/**
 * Finds a civic-ledger deployment: the Ignition deployment of a chain
 * (`deploy/deployments/chain-<chainId>/deployed_addresses.json`, keys `<ModuleId>#<Contract>`)
 * or addresses given in a JSON file, plus the deployment's first block from the Ignition journal.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const SUITE_CONTRACTS = [
  "AccessManager",
  "BudgetLedger",
  "PermitRegistry",
  "ProcurementEscrow",
  "SubsidyDisbursement",
  "TestStablecoin",
] as const;
export type SuiteContractName = (typeof SUITE_CONTRACTS)[number];

export const MODULE_IDS = ["CivicLedger", "CivicLedgerWithToken"] as const;

export interface Deployment {
  chainId: bigint;
  /** Where the addresses came from (a file path). */
  source: string;
  moduleId: string;
  addresses: Partial<Record<SuiteContractName, string>>;
  /** The block of the deployment's first transaction, when the Ignition journal tells it. */
  firstBlock?: number;
}

export class DeploymentError extends Error {
  override name = "DeploymentError";
}

/** Directory of the Ignition deployment of `chainId` under the Ignition folder. */
export function deploymentDir(ignitionDir: string, chainId: bigint): string {
  return join(ignitionDir, "deployments", `chain-${chainId}`);
}

/** Reads the Ignition deployment of `chainId`; throws a DeploymentError naming what is missing. */
export async function readIgnitionDeployment(ignitionDir: string, chainId: bigint): Promise<Deployment> {
  const dir = deploymentDir(ignitionDir, chainId);
  const file = join(dir, "deployed_addresses.json");
  if (!existsSync(file)) {
    throw new DeploymentError(
      `No civic-ledger deployment for chain ${chainId} (${file} is missing). Deploy first: ` +
        "npx hardhat ignition deploy deploy/modules/CivicLedger.ts --network <name>",
    );
  }
  const raw = JSON.parse(await readFile(file, "utf8")) as Record<string, string>;
  const moduleId = MODULE_IDS.find((id) => raw[`${id}#BudgetLedger`] !== undefined);
  if (moduleId === undefined) {
    throw new DeploymentError(`${file} holds no BudgetLedger of module ${MODULE_IDS.join(" or ")}`);
  }
  const addresses: Deployment["addresses"] = {};
  for (const name of SUITE_CONTRACTS) {
    const address = raw[`${moduleId}#${name}`];
    if (address !== undefined) addresses[name] = address;
  }
  return { chainId, source: file, moduleId, addresses, firstBlock: await firstBlockOf(dir) };
}

/** Reads addresses from a JSON file `{ "BudgetLedger": "0x..", ... }` (keys with or without `<Module>#`). */
export async function readAddressFile(file: string, chainId: bigint): Promise<Deployment> {
  if (!existsSync(file)) throw new DeploymentError(`Address file ${file} does not exist`);
  const raw = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  const addresses: Deployment["addresses"] = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key.includes("#") ? key.split("#")[1] : key;
    if ((SUITE_CONTRACTS as readonly string[]).includes(name) && typeof value === "string") {
      addresses[name as SuiteContractName] = value;
    }
  }
  if (addresses.BudgetLedger === undefined) throw new DeploymentError(`${file} names no BudgetLedger address`);
  const firstBlock = typeof raw.firstBlock === "number" ? raw.firstBlock : undefined;
  return { chainId, source: file, moduleId: "addresses", addresses, firstBlock };
}

/** The lowest block number any receipt in the Ignition journal records. */
async function firstBlockOf(dir: string): Promise<number | undefined> {
  const journal = join(dir, "journal.jsonl");
  if (!existsSync(journal)) return undefined;
  let first: number | undefined;
  for (const line of (await readFile(journal, "utf8")).split("\n")) {
    if (!line.includes("blockNumber")) continue;
    const match = /"blockNumber":\s*(\d+)/.exec(line);
    if (match) first = Math.min(first ?? Number.MAX_SAFE_INTEGER, Number(match[1]));
  }
  return first;
}
