/**
 * Test fixtures: deploy an AccessManager, a token and the BudgetLedger (and, through
 * `wire`, any module) the way the Ignition module wires them, from the shared table of
 * scripts/lib/wiring.ts.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract } from "ethers";

import { ROLES } from "../../scripts/lib/roles.js";
import { roleSelectors, type SuiteContract } from "../../scripts/lib/wiring.js";
import type { AccessManager, BudgetLedger, TestStablecoin } from "../../types/ethers-contracts/index.js";

export interface LedgerSuite {
  admin: HardhatEthersSigner;
  officer: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  others: HardhatEthersSigner[];
  manager: AccessManager;
  token: TestStablecoin;
  ledger: BudgetLedger;
}

/** Maps every restricted function of `target` to its role. `admin` must be the manager's admin. */
export async function wire(manager: AccessManager, target: BaseContract, contract: SuiteContract): Promise<void> {
  for (const { roleId, selectors } of roleSelectors(contract)) {
    await manager.setTargetFunctionRole(await target.getAddress(), selectors, roleId);
  }
}

/** AccessManager + TestStablecoin + BudgetLedger, wired; signer 0 is ADMIN, 1 BUDGET_OFFICER, 2 GUARDIAN. */
export async function deployLedgerSuite(ethers: HardhatEthers): Promise<LedgerSuite> {
  const [admin, officer, guardian, ...others] = await ethers.getSigners();
  const manager = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
  const token = (await ethers.deployContract("TestStablecoin")) as unknown as TestStablecoin;
  const ledger = (await ethers.deployContract("BudgetLedger", [
    await manager.getAddress(),
    await token.getAddress(),
  ])) as unknown as BudgetLedger;
  await wire(manager, ledger, "BudgetLedger");
  await manager.grantRole(ROLES.BUDGET_OFFICER, officer.address, 0);
  await manager.grantRole(ROLES.GUARDIAN, guardian.address, 0);
  return { admin, officer, guardian, others, manager, token, ledger };
}

/** Mints `amount` to the admin, deposits it and opens `lineId` with all of it appropriated. */
export async function fundLine(suite: LedgerSuite, lineId: string, amount: bigint, fiscalYear = 2027): Promise<void> {
  await suite.token.mint(suite.admin.address, amount);
  await suite.token.connect(suite.admin).approve(await suite.ledger.getAddress(), amount);
  await suite.ledger.connect(suite.admin).deposit(amount, lineId);
  await suite.ledger.connect(suite.officer).createLine(lineId, fiscalYear, amount, "test line");
}
