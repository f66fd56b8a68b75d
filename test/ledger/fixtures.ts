/**
 * Fixtures of the ledger's tests: the wired suite with two test modules (LedgerClientMock) holding
 * LEDGER_CLIENT, two funded lines and some unallocated cash, and a check of the SPEC invariants
 * that the example tests run after each scenario.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { ROLES } from "../../scripts/lib/roles.js";
import type { BudgetLedger, LedgerClientMock } from "../../types/ethers-contracts/index.js";
import { deployLedgerSuite, fundLine, type LedgerSuite } from "../helpers/suite.js";

export const ROADS = encodeBytes32String("roads-2027");
export const PARKS = encodeBytes32String("parks-2027");
export const UNKNOWN = encodeBytes32String("nowhere");
export const REF = encodeBytes32String("invoice-17");
export const ROADS_BUDGET = 1_000_000_000n; // 1,000 tokens of 6 decimals
export const PARKS_BUDGET = 400_000_000n;
export const SPARE = 250_000_000n; // unallocated after the fixture

export interface LedgerWorld extends LedgerSuite {
  moduleA: LedgerClientMock;
  moduleB: LedgerClientMock;
  /** A payee that holds no role. */
  payee: HardhatEthersSigner;
  /** Signers that hold no role (for the behaviour suites). */
  strangers: HardhatEthersSigner[];
}

/** Deploys a LedgerClientMock on `ledger` and grants it LEDGER_CLIENT. */
export async function deployClient(ethers: HardhatEthers, suite: LedgerSuite): Promise<LedgerClientMock> {
  const client = (await ethers.deployContract("LedgerClientMock", [
    await suite.ledger.getAddress(),
  ])) as unknown as LedgerClientMock;
  await suite.manager.connect(suite.admin).grantRole(ROLES.LEDGER_CLIENT, await client.getAddress(), 0);
  return client;
}

/** Mints `amount` to `from` and deposits it into the ledger. */
export async function depositFrom(suite: LedgerSuite, from: HardhatEthersSigner, amount: bigint): Promise<void> {
  await suite.token.mint(from.address, amount);
  await suite.token.connect(from).approve(await suite.ledger.getAddress(), amount);
  await suite.ledger.connect(from).deposit(amount, encodeBytes32String("revenue"));
}

/** The suite, two client modules, ROADS and PARKS funded, SPARE unallocated. */
export async function deployLedgerWorld(ethers: HardhatEthers): Promise<LedgerWorld> {
  const suite = await deployLedgerSuite(ethers);
  const moduleA = await deployClient(ethers, suite);
  const moduleB = await deployClient(ethers, suite);
  await fundLine(suite, ROADS, ROADS_BUDGET);
  await fundLine(suite, PARKS, PARKS_BUDGET);
  await depositFrom(suite, suite.admin, SPARE);
  const [payee, ...strangers] = suite.others;
  return { ...suite, moduleA, moduleB, payee, strangers };
}

/**
 * Asserts SPEC invariants 1-3 on the given lines and modules: committed + spent <= appropriated;
 * the modules' commitments sum to committed; and, when `lines` are all the ledger's lines, token
 * balance == unallocated + sum of available over open lines.
 */
export async function expectBooksConsistent(
  suite: { ledger: BudgetLedger; token: { balanceOf(a: string): Promise<bigint> } },
  lines: readonly string[],
  modules: readonly { getAddress(): Promise<string> }[],
): Promise<void> {
  const ledger = suite.ledger;
  expect(await ledger.lineCount(), "every line listed").to.equal(BigInt(lines.length));
  let sumAvailable = 0n;
  for (const lineId of lines) {
    const line = await ledger.getLine(lineId);
    expect(line.committed + line.spent <= line.appropriated, "committed + spent <= appropriated").to.equal(true);
    const available = await ledger.available(lineId);
    expect(available).to.equal(line.closed ? 0n : line.appropriated - line.committed - line.spent);
    if (!line.closed) sumAvailable += available;
    let sumCommitted = 0n;
    for (const module of modules) sumCommitted += await ledger.committedBy(lineId, await module.getAddress());
    expect(sumCommitted, "sum of committedBy == committed").to.equal(line.committed);
  }
  const balance = await suite.token.balanceOf(await ledger.getAddress());
  expect(balance, "balance == unallocated + sum of available").to.equal((await ledger.unallocated()) + sumAvailable);
}
