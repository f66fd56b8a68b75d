/**
 * Runs the civic-ledger tasks in-process, as the CLI does, on an in-process chain: a Hardhat
 * runtime built from the project's config (which registers every task) with an Ignition folder
 * of its own, holding the addresses of a suite this harness deployed with the project's
 * Ignition module. Captures what a task prints and the exit code it sets.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import config from "../../hardhat.config.js";
import CivicLedgerModule from "../../deploy/modules/CivicLedger.js";
import type {
  AccessManager,
  BudgetLedger,
  PermitRegistry,
  ProcurementEscrow,
  SubsidyDisbursement,
  TestStablecoin,
} from "../../types/ethers-contracts/index.js";

export interface Run {
  out: string;
  err: string;
  code: number | string | undefined;
}

export interface TaskHarness {
  hre: HardhatRuntimeEnvironment;
  ethers: Awaited<ReturnType<HardhatRuntimeEnvironment["network"]["getOrCreate"]>>["ethers"];
  /** A scratch folder for files (tender files, bid secrets, evidence); removed by `close`. */
  dir: string;
  signers: HardhatEthersSigner[];
  /** The deployed address of a contract of the suite. */
  deployed(name: string): string;
  manager: AccessManager;
  token: TestStablecoin;
  ledger: BudgetLedger;
  permits: PermitRegistry;
  escrow: ProcurementEscrow;
  subsidies: SubsidyDisbursement;
  /** Runs a task (`["budget", "pay"]`) with its options, capturing output and exit code. */
  run(id: string[], args?: Record<string, string>): Promise<Run>;
  /** Runs a task that must succeed; returns what it printed. */
  ok(id: string[], args?: Record<string, string>): Promise<string>;
  /** Runs a task that must fail with exactly one `Error: ...` line matching `message`. */
  fails(id: string[], args: Record<string, string>, message: RegExp): Promise<void>;
  /** Moves the chain's clock forward and mines a block. */
  advance(seconds: number): Promise<void>;
  close(): void;
}

/** Runs a task of `hre` as the CLI does, capturing what it prints and the exit code it sets. */
export async function runTask(
  hre: HardhatRuntimeEnvironment,
  id: string[],
  args: Record<string, string> = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  process.exitCode = undefined;
  try {
    await hre.tasks.getTask(id).run(args);
  } finally {
    console.log = log;
    console.error = error;
  }
  const code = process.exitCode;
  process.exitCode = undefined;
  return { out: out.join("\n"), err: err.join("\n"), code };
}

/** Asserts a run failed with one clear `Error: ...` line (no stack trace) matching `message`. */
export function expectClearError(result: Run, message: RegExp, what: string): void {
  expect(result.code, `${what}\n${result.out}\n${result.err}`).to.equal(1);
  expect(result.err, what).to.match(/^Error: /);
  expect(result.err.split("\n"), `${what}: one line\n${result.err}`).to.have.length(1);
  expect(result.err, what).to.match(message);
  expect(result.err, what).not.to.match(/\n\s*at |\(\S+:\d+:\d+\)/); // no stack trace
}

/** A fresh runtime whose Ignition folder is a new temporary folder (no deployment in it). */
export async function runtimeWithIgnition(ignition: string): Promise<HardhatRuntimeEnvironment> {
  return createHardhatRuntimeEnvironment({ ...config, paths: { ...config.paths, ignition } });
}

/**
 * Deploys the suite with the CivicLedger Ignition module on a fresh in-process chain and writes
 * its addresses where the tasks look for them. Signer 0 is the deployer and only ADMIN.
 */
export async function deployForTasks({ adminDelay = 0 }: { adminDelay?: number } = {}): Promise<TaskHarness> {
  const dir = mkdtempSync(join(tmpdir(), "civic-tasks-"));
  const ignition = join(dir, "ignition");
  const hre = await runtimeWithIgnition(ignition);
  const connection = await hre.network.getOrCreate();
  const { ethers } = connection;
  const deployed = await connection.ignition.deploy(CivicLedgerModule, {
    parameters: { CivicLedger: { adminDelay } },
  });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const folder = join(ignition, "deployments", `chain-${chainId}`);
  mkdirSync(folder, { recursive: true });
  const addresses: Record<string, string> = {};
  for (const [name, contract] of Object.entries(deployed)) {
    addresses[`CivicLedger#${name}`] = await contract.getAddress();
  }
  writeFileSync(join(folder, "deployed_addresses.json"), JSON.stringify(addresses, null, 2));

  const at = async <T>(name: string): Promise<T> =>
    (await ethers.getContractAt(name, addresses[`CivicLedger#${name}`])) as unknown as T;
  const harness: TaskHarness = {
    hre,
    ethers,
    dir,
    signers: await ethers.getSigners(),
    deployed: (name) => addresses[`CivicLedger#${name}`],
    manager: await at<AccessManager>("AccessManager"),
    token: await at<TestStablecoin>("TestStablecoin"),
    ledger: await at<BudgetLedger>("BudgetLedger"),
    permits: await at<PermitRegistry>("PermitRegistry"),
    escrow: await at<ProcurementEscrow>("ProcurementEscrow"),
    subsidies: await at<SubsidyDisbursement>("SubsidyDisbursement"),
    run: (id, args) => runTask(hre, id, args),
    async ok(id, args) {
      const result = await runTask(hre, id, args);
      expect(result.code, `${id.join(" ")}\n${result.out}\n${result.err}`).to.equal(undefined);
      expect(result.err, id.join(" ")).to.equal("");
      return result.out;
    },
    async fails(id, args, message) {
      expectClearError(await runTask(hre, id, args), message, `${id.join(" ")} ${JSON.stringify(args)}`);
    },
    async advance(seconds) {
      await ethers.provider.send("evm_increaseTime", [seconds]);
      await ethers.provider.send("evm_mine", []);
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
