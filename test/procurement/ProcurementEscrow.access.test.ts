/**
 * ProcurementEscrow: who may call what (every restricted function of scripts/lib/wiring.ts) and
 * what a pause stops and never stops.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import type { ContractTransactionResponse, Interface } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import { FUNCTION_ROLES, selector } from "../../scripts/lib/wiring.js";
import {
  EVIDENCE,
  REASON,
  awardedAgreement,
  createTenderTx,
  deployProcurementSuite,
  fundBond,
  openTender,
  placeBid,
  revealTx,
  sealFor,
  termsAt,
  type ProcurementSuite,
} from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const suite = () => deployProcurementSuite(ethers);

type Call = (s: ProcurementSuite, from: HardhatEthersSigner) => Promise<ContractTransactionResponse>;

/** The restricted functions and a call of each (arguments need not be valid: access is checked first). */
const RESTRICTED: Array<[string, string, Call]> = [
  [
    "PROCUREMENT_OFFICER",
    "createTender",
    async (s, from) => createTenderTx(s, termsAt(BigInt(await time.latest())), from),
  ],
  ["PROCUREMENT_OFFICER", "cancelTender", (s, from) => s.escrow.connect(from).cancelTender(1n, REASON)],
  ["PROCUREMENT_OFFICER", "terminate", (s, from) => s.escrow.connect(from).terminate(1n, REASON)],
  ["INSPECTOR", "approveMilestone", (s, from) => s.escrow.connect(from).approveMilestone(1n, 0n)],
  ["INSPECTOR", "rejectMilestone", (s, from) => s.escrow.connect(from).rejectMilestone(1n, 0n, REASON)],
  ["GUARDIAN", "pause", (s, from) => s.escrow.connect(from).pause()],
  ["GUARDIAN", "unpause", (s, from) => s.escrow.connect(from).unpause()],
];

/** Shared behaviour: `call` from a caller without `role` reverts with AccessManagedUnauthorized(caller). */
function itRequiresRole(role: string, name: string, call: Call): void {
  it(`${name} requires ${role}`, async function () {
    const s = await networkHelpers.loadFixture(suite);
    for (const caller of [s.stranger, s.admin, s.bidders[0]]) {
      await expect(call(s, caller))
        .to.be.revertedWithCustomError(s.escrow, "AccessManagedUnauthorized")
        .withArgs(caller.address);
    }
  });
}

describe("ProcurementEscrow: access control", function () {
  for (const [role, name, call] of RESTRICTED) itRequiresRole(role, name, call);

  it("covers every function that wiring.ts restricts, with the role it maps", async function () {
    const s = await networkHelpers.loadFixture(suite);
    const wired = Object.entries(FUNCTION_ROLES.ProcurementEscrow).flatMap(([role, signatures]) =>
      (signatures ?? []).map((signature) => [role, signature.slice(0, signature.indexOf("("))]),
    );
    expect(wired.map(([r, n]) => `${r} ${n}`).sort()).to.deep.equal(RESTRICTED.map(([r, n]) => `${r} ${n}`).sort());
    const escrow = await s.escrow.getAddress();
    for (const [role, signatures] of Object.entries(FUNCTION_ROLES.ProcurementEscrow)) {
      for (const signature of signatures ?? []) {
        // the signature exists in the ABI, so the wiring maps a real function
        const fragment = (s.escrow.interface as Interface).getFunction(signature);
        expect(fragment?.selector, signature).to.equal(selector(signature));
        expect(await s.manager.getTargetFunctionRole(escrow, selector(signature))).to.equal(
          ROLES[role as keyof typeof ROLES],
        );
      }
    }
  });

  it("refuses an inspector whose role carries an execution delay unless the call was scheduled", async function () {
    const s = await networkHelpers.loadFixture(suite);
    const { agreementId, contractor } = await awardedAgreement(s, networkHelpers);
    const delayed = s.stranger;
    await s.manager.grantRole(ROLES.INSPECTOR, delayed.address, 3_600);
    await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
    await expect(s.escrow.connect(delayed).approveMilestone(agreementId, 0n)).to.be.revertedWithCustomError(
      s.manager,
      "AccessManagerNotScheduled",
    );
  });

  it("lets the holders of each role call their functions", async function () {
    const s = await networkHelpers.loadFixture(suite);
    await expect(s.escrow.connect(s.guardian).pause()).to.emit(s.escrow, "Paused").withArgs(s.guardian.address);
    await expect(s.escrow.connect(s.guardian).unpause()).to.emit(s.escrow, "Unpaused").withArgs(s.guardian.address);
    const { tenderId } = await openTender(s, networkHelpers);
    await expect(s.escrow.connect(s.procurer).cancelTender(tenderId, REASON)).to.emit(s.escrow, "TenderCancelled");
  });
});

describe("ProcurementEscrow: pause", function () {
  let s: ProcurementSuite;

  beforeEach(async function () {
    s = await networkHelpers.loadFixture(suite);
  });

  it("stops bids, reveals, awards and approvals, and resumes them on unpause", async function () {
    const { tenderId, terms } = await openTender(s, networkHelpers);
    const [b1, b2] = s.bidders;
    await placeBid(s, tenderId, b1, 700n);
    await fundBond(s, b2, terms.bidBond);
    await s.escrow.connect(s.guardian).pause();
    await expect(
      s.escrow.connect(b2).submitBid(tenderId, await sealFor(s, tenderId, b2, 600n)),
    ).to.be.revertedWithCustomError(s.escrow, "EnforcedPause");
    await time.increaseTo(terms.bidDeadline);
    await expect(revealTx(s, tenderId, b1, 700n)).to.be.revertedWithCustomError(s.escrow, "EnforcedPause");
    await s.escrow.connect(s.guardian).unpause();
    await revealTx(s, tenderId, b1, 700n);
    await time.increaseTo(terms.revealDeadline);
    await s.escrow.connect(s.guardian).pause();
    await expect(s.escrow.award(tenderId)).to.be.revertedWithCustomError(s.escrow, "EnforcedPause");
    await s.escrow.connect(s.guardian).unpause();
    await s.escrow.award(tenderId);
    const agreementId = await s.escrow.agreementCount();
    await s.escrow.connect(b1).submitMilestone(agreementId, 0n, EVIDENCE);
    await s.escrow.connect(s.guardian).pause();
    await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n)).to.be.revertedWithCustomError(
      s.escrow,
      "EnforcedPause",
    );
    await s.escrow.connect(s.guardian).unpause();
    await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n)).to.emit(
      s.escrow,
      "MilestoneApproved",
    );
  });

  // Finding 7 of issue #12: creating a tender commits money into the escrow, so a pause stops it.
  it("stops createTender (it commits money into the escrow), and resumes it on unpause", async function () {
    await s.escrow.connect(s.guardian).pause();
    const terms = termsAt(BigInt(await time.latest()));
    await expect(createTenderTx(s, terms)).to.be.revertedWithCustomError(s.escrow, "EnforcedPause").withArgs();
    expect(await s.escrow.tenderCount()).to.equal(0n);
    expect(await s.escrow.reserved()).to.equal(0n);
    await s.escrow.connect(s.guardian).unpause();
    await expect(createTenderTx(s, terms)).to.emit(s.escrow, "TenderCreated");
  });

  it("never stops cancelTender, reclaimBond, terminate, nor officers' and contractors' bookkeeping", async function () {
    const { agreementId, contractor } = await awardedAgreement(s, networkHelpers);
    const { tenderId } = await openTender(s, networkHelpers);
    await placeBid(s, tenderId, s.bidders[1], 700n);
    await s.escrow.connect(s.guardian).pause();
    await expect(s.escrow.connect(s.procurer).cancelTender(tenderId, REASON)).to.emit(s.escrow, "TenderCancelled");
    await expect(s.escrow.connect(s.bidders[1]).reclaimBond(tenderId)).to.emit(s.escrow, "BondReclaimed");
    await expect(s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE)).to.emit(
      s.escrow,
      "MilestoneSubmitted",
    );
    await expect(s.escrow.connect(s.inspectors[0]).rejectMilestone(agreementId, 0n, REASON)).to.emit(
      s.escrow,
      "MilestoneRejected",
    );
    await expect(s.escrow.connect(s.procurer).terminate(agreementId, REASON)).to.emit(s.escrow, "AgreementTerminated");
  });

  it("refuses a second pause and an unpause when not paused", async function () {
    await expect(s.escrow.connect(s.guardian).unpause()).to.be.revertedWithCustomError(s.escrow, "ExpectedPause");
    await s.escrow.connect(s.guardian).pause();
    await expect(s.escrow.connect(s.guardian).pause()).to.be.revertedWithCustomError(s.escrow, "EnforcedPause");
  });
});
