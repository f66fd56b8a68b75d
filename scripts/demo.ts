/**
 * `npm run demo`: the project's main job on the in-process chain. Deploys the treasury's
 * AccessManager, a test stablecoin and the BudgetLedger, funds the treasury, opens budget lines
 * and walks money through appropriation, reallocation, payment and year-end close, printing the
 * books after each step.
 */
import { encodeBytes32String, formatUnits } from "ethers";
import { network } from "hardhat";

import { ROLES } from "./lib/roles.js";
import { roleSelectors } from "./lib/wiring.js";

const { ethers } = await network.create();
const [treasury, budgetOfficer, supplier] = await ethers.getSigners();
const usd = (n: bigint) => `${formatUnits(n, 6)} tUSD`;

console.log("civic-ledger demo: one fiscal year of a treasury on the in-process chain\n");
const manager = await ethers.deployContract("AccessManager", [treasury.address]);
const token = await ethers.deployContract("TestStablecoin");
const ledger = await ethers.deployContract("BudgetLedger", [await manager.getAddress(), await token.getAddress()]);
for (const { roleId, selectors } of roleSelectors("BudgetLedger")) {
  await manager.setTargetFunctionRole(await ledger.getAddress(), selectors, roleId);
}
await manager.grantRole(ROLES.BUDGET_OFFICER, budgetOfficer.address, 0);
console.log(`Deployed AccessManager ${await manager.getAddress()}, BudgetLedger ${await ledger.getAddress()}`);

const revenue = 1_000_000n * 10n ** 6n;
await token.mint(treasury.address, revenue);
await token.approve(await ledger.getAddress(), revenue);
await ledger.deposit(revenue, encodeBytes32String("tax revenue"));
console.log(`Treasury deposits ${usd(revenue)} of tax revenue; unallocated: ${usd(await ledger.unallocated())}`);

const roads = encodeBytes32String("ROADS-2027");
const schools = encodeBytes32String("SCHOOLS-2027");
const officer = ledger.connect(budgetOfficer);
await officer.createLine(roads, 2027, 600_000n * 10n ** 6n, "Roads 2027");
await officer.createLine(schools, 2027, 300_000n * 10n ** 6n, "Schools 2027");
await officer.reallocate(roads, schools, 50_000n * 10n ** 6n, encodeBytes32String("school roofs"));
await officer.pay(roads, supplier.address, 120_000n * 10n ** 6n, encodeBytes32String("INV-0001"));
await officer.closeLine(roads);

console.log("\nBooks at year end:");
for (let i = 0n; i < (await ledger.lineCount()); i++) {
  const id = await ledger.lineIdAt(i);
  const line = await ledger.getLine(id);
  console.log(
    `  ${line.label.padEnd(14)} appropriated ${usd(line.appropriated)}, committed ${usd(line.committed)}, ` +
      `spent ${usd(line.spent)}, available ${usd(await ledger.available(id))}${line.closed ? " (closed)" : ""}`,
  );
}
console.log(
  `  unallocated cash ${usd(await ledger.unallocated())}; supplier holds ${usd(await token.balanceOf(supplier))}`,
);
