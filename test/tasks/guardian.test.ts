/** The guardian tasks in-process: pause and unpause each contract, and their refusals. */
import { expect } from "chai";

import { ROLES } from "../../scripts/lib/roles.js";
import { deployForTasks, type TaskHarness } from "./harness.js";

describe("guardian tasks", function () {
  let h: TaskHarness;
  const guardian = "7";

  before(async function () {
    h = await deployForTasks();
    await h.manager.grantRole(ROLES.GUARDIAN, h.signers[7].address, 0);
  });
  after(() => h.close());

  for (const contract of ["BudgetLedger", "PermitRegistry", "ProcurementEscrow", "SubsidyDisbursement"]) {
    it(`pauses and unpauses ${contract}`, async function () {
      const target = (await h.ethers.getContractAt(contract, h.deployed(contract))) as unknown as {
        paused(): Promise<boolean>;
      };
      expect(await h.ok(["guardian", "pause"], { contract: contract.toLowerCase(), signer: guardian })).to.match(
        new RegExp(`Paused ${contract}: tx 0x`),
      );
      expect(await target.paused()).to.equal(true);
      await h.fails(["guardian", "pause"], { contract, signer: guardian }, new RegExp(`${contract} is already paused`));
      expect(await h.ok(["guardian", "unpause"], { contract, signer: guardian })).to.match(/Unpaused/);
      expect(await target.paused()).to.equal(false);
      await h.fails(["guardian", "unpause"], { contract, signer: guardian }, /is already running/);
    });
  }

  it("a paused ledger refuses deposits with a sentence that says so", async function () {
    await h.ok(["budget", "faucet"], { to: h.signers[0].address, amount: "10" });
    await h.ok(["guardian", "pause"], { contract: "BudgetLedger", signer: guardian });
    await h.fails(
      ["budget", "deposit"],
      { amount: "10" },
      /the transaction was refused: EnforcedPause\(\): the contract is paused by a GUARDIAN \(npx hardhat guardian unpause\)/,
    );
    await h.ok(["guardian", "unpause"], { contract: "BudgetLedger", signer: guardian });
  });

  it("refuses an unknown contract and a signer without GUARDIAN, naming the role", async function () {
    await h.fails(
      ["guardian", "pause"],
      { contract: "Treasury", signer: guardian },
      /--contract: "Treasury" is not one of BudgetLedger, PermitRegistry, ProcurementEscrow, SubsidyDisbursement/,
    );
    await h.fails(["guardian", "pause"], { contract: "", signer: guardian }, /--contract is required/);
    await h.fails(
      ["guardian", "pause"],
      { contract: "ProcurementEscrow" },
      /does not hold GUARDIAN \(role 7\), which ProcurementEscrow\.pause\(\) needs\. An ADMIN grants it with: npx hardhat roles grant --role GUARDIAN/,
    );
  });
});
