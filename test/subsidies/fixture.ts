/**
 * Fixtures of the SubsidyDisbursement tests: the ledger suite (test/helpers/suite.ts), the
 * subsidies module wired from scripts/lib/wiring.ts and holding LEDGER_CLIENT, a programme
 * manager, an outcome verifier, a funded budget line, and rosters built with the project's
 * roster library.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { encodeBytes32String, id, type BaseContract } from "ethers";

import { ROLES } from "../../scripts/lib/roles.js";
import { buildTree, proofOf, rowsFromValues, type RosterTree } from "../../scripts/lib/roster/index.js";
import type {
  AccessManager,
  BudgetLedger,
  SubsidyDisbursement,
  TestStablecoin,
} from "../../types/ethers-contracts/index.js";
import { deployLedgerSuite, fundLine, wire, type LedgerSuite } from "../helpers/suite.js";

export const LINE = encodeBytes32String("SUBSIDY-2027");
export const OTHER_LINE = encodeBytes32String("OTHER-2027");
export const FUNDS = 10_000_000_000n; // 10,000 tokens of 6 decimals on LINE
export const META = id("programme rules v1");
export const DAY = 86_400;

export interface SubsidySuite extends LedgerSuite {
  subsidies: SubsidyDisbursement;
  programManager: HardhatEthersSigner;
  verifier: HardhatEthersSigner;
  /** Signers with no role. */
  people: HardhatEthersSigner[];
}

/** The module on an existing ledger suite, wired as the deployment wires it. */
export async function deploySubsidies(ethers: HardhatEthers, suite: LedgerSuite): Promise<SubsidySuite> {
  const [programManager, verifier, ...people] = suite.others;
  const subsidies = (await ethers.deployContract("SubsidyDisbursement", [
    await suite.manager.getAddress(),
    await suite.ledger.getAddress(),
  ])) as unknown as SubsidyDisbursement;
  await wire(suite.manager, subsidies as unknown as BaseContract, "SubsidyDisbursement");
  await suite.manager.grantRole(ROLES.LEDGER_CLIENT, await subsidies.getAddress(), 0);
  await suite.manager.grantRole(ROLES.PROGRAM_MANAGER, programManager.address, 0);
  await suite.manager.grantRole(ROLES.OUTCOME_VERIFIER, verifier.address, 0);
  return { ...suite, subsidies, programManager, verifier, people };
}

/** Ledger suite + module + LINE funded with FUNDS. */
export async function subsidySuite(ethers: HardhatEthers): Promise<SubsidySuite> {
  const suite = await deploySubsidies(ethers, await deployLedgerSuite(ethers));
  await fundLine(suite, LINE, FUNDS);
  return suite;
}

export interface Roster {
  values: Array<{ beneficiary: string; amount: bigint }>;
  tree: RosterTree;
  root: string;
  total: bigint;
  proof: (index: number) => string[];
  /** The claim of `index` as call arguments. */
  args: (index: number) => [number, string, bigint, string[]];
}

/** A roster of `values` built by scripts/lib/roster. */
export function roster(values: Array<{ beneficiary: string; amount: bigint }>): Roster {
  const rows = rowsFromValues(values);
  const tree = buildTree(rows);
  return {
    values,
    tree,
    root: tree.root,
    total: rows.total,
    proof: (index) => proofOf(tree, index),
    args: (index) => [index, values[index].beneficiary, values[index].amount, proofOf(tree, index)],
  };
}

export async function now(ethers: HardhatEthers): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}

/** Creates a roster programme open from now for 30 days; returns its id. */
/** What the creation helpers need of a suite. */
type Creator = Pick<SubsidySuite, "subsidies" | "programManager">;

export async function createRoster(
  s: Creator,
  r: Roster,
  ethers: HardhatEthers,
  { budget = r.total, opensIn = -1, closesIn = 30 * DAY, line = LINE } = {},
): Promise<bigint> {
  const t = await now(ethers);
  await s.subsidies
    .connect(s.programManager)
    .createRosterProgram(line, r.root, budget, t + opensIn, t + closesIn, META);
  return s.subsidies.programCount();
}

/** Creates an outcome programme open from now for 30 days; returns its id. */
export async function createOutcome(
  s: Creator,
  ethers: HardhatEthers,
  { budget = 1_000_000_000n, rate = 1_000_000n, cap = 0n, opensIn = -1, closesIn = 30 * DAY, line = LINE } = {},
): Promise<bigint> {
  const t = await now(ethers);
  await s.subsidies
    .connect(s.programManager)
    .createOutcomeProgram(line, budget, rate, cap, t + opensIn, t + closesIn, META);
  return s.subsidies.programCount();
}

/** A token of the matrix: anything with an open mint (test tokens). */
export interface MatrixToken extends BaseContract {
  mint(to: string, amount: bigint): Promise<unknown>;
  balanceOf(account: string): Promise<bigint>;
  approve(spender: string, amount: bigint): Promise<unknown>;
}

export interface MatrixSuite extends Omit<SubsidySuite, "token"> {
  token: MatrixToken;
}

/**
 * The suite on another settlement token (contracts/test/): the ledger, the module and LINE
 * funded with FUNDS, as subsidySuite does for TestStablecoin.
 */
export async function subsidySuiteOn(
  ethers: HardhatEthers,
  tokenContract: string,
  tokenArgs: unknown[] = [],
): Promise<MatrixSuite> {
  const [admin, officer, guardian, ...others] = await ethers.getSigners();
  const manager = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
  const token = (await ethers.deployContract(tokenContract, tokenArgs)) as unknown as MatrixToken;
  const ledger = (await ethers.deployContract("BudgetLedger", [
    await manager.getAddress(),
    await token.getAddress(),
  ])) as unknown as BudgetLedger;
  await wire(manager, ledger, "BudgetLedger");
  await manager.grantRole(ROLES.BUDGET_OFFICER, officer.address, 0);
  await manager.grantRole(ROLES.GUARDIAN, guardian.address, 0);
  const ledgerSuite = { admin, officer, guardian, others, manager, token: token as unknown as TestStablecoin, ledger };
  const suite = await deploySubsidies(ethers, ledgerSuite);
  await token.mint(admin.address, FUNDS);
  await token.approve(await ledger.getAddress(), FUNDS);
  await ledger.deposit(FUNDS, LINE);
  await ledger.connect(officer).createLine(LINE, 2027, FUNDS, "test line");
  return { ...suite, token };
}

export type { AccessManager, BudgetLedger, SubsidyDisbursement, TestStablecoin };
