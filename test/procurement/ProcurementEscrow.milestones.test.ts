/**
 * ProcurementEscrow, agreement side: submitMilestone, approveMilestone (quorum, payment,
 * retention, completion), rejectMilestone (rounds), terminate, owed payments and the agreement
 * views.
 */
import { expect } from "chai";
import { ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import {
  AgreementStatus,
  EVIDENCE,
  LINE,
  LINE_FUNDS,
  MAX_PRICE,
  MilestoneStatus,
  REASON,
  THREE_MILESTONES,
  TenderStatus,
  allowed,
  amountsOf,
  awardedAgreement,
  deployProcurementSuite,
  netOf,
  ref,
  type ProcurementSuite,
} from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const suite = () => deployProcurementSuite(ethers);

const PRICE = 800_000_000n;
const RETENTION = 500;
const AMOUNTS = amountsOf(PRICE, THREE_MILESTONES);
const EVIDENCE_2 = keccak256(toUtf8Bytes("evidence, second try"));
const submittable = allowed(MilestoneStatus.Pending, MilestoneStatus.Rejected);
const approvable = allowed(MilestoneStatus.Submitted);
const active = allowed(AgreementStatus.Active);

describe("ProcurementEscrow: milestones", function () {
  let s: ProcurementSuite;
  let agreementId: bigint;
  let tenderId: bigint;
  let contractor: ProcurementSuite["bidders"][number];
  let escrowAddress: string;

  async function pay(index: bigint): Promise<void> {
    await s.escrow.connect(contractor).submitMilestone(agreementId, index, EVIDENCE);
    await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, index);
    await s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, index);
  }

  beforeEach(async function () {
    s = await networkHelpers.loadFixture(suite);
    ({ agreementId, tenderId, contractor } = await awardedAgreement(s, networkHelpers, [PRICE, PRICE + 1n]));
    escrowAddress = await s.escrow.getAddress();
  });

  describe("submitMilestone", function () {
    it("records the evidence and emits MilestoneSubmitted", async function () {
      await expect(s.escrow.connect(contractor).submitMilestone(agreementId, 1n, EVIDENCE))
        .to.emit(s.escrow, "MilestoneSubmitted")
        .withArgs(agreementId, 1n, EVIDENCE);
      const m = await s.escrow.getMilestone(agreementId, 1n);
      expect(m.status).to.equal(MilestoneStatus.Submitted);
      expect(m.evidenceHash).to.equal(EVIDENCE);
    });

    it("refuses anyone but the contractor", async function () {
      await expect(s.escrow.connect(s.bidders[1]).submitMilestone(agreementId, 0n, EVIDENCE))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_NotContractor")
        .withArgs(agreementId, s.bidders[1].address, contractor.address);
    });

    it("refuses an unknown agreement or index and a milestone already submitted or paid", async function () {
      await expect(s.escrow.connect(contractor).submitMilestone(99n, 0n, EVIDENCE))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownAgreement")
        .withArgs(99n);
      await expect(s.escrow.connect(contractor).submitMilestone(agreementId, 3n, EVIDENCE))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownMilestone")
        .withArgs(agreementId, 3n, 3n);
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      await expect(s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE_2))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedMilestoneStatus")
        .withArgs(agreementId, 0n, MilestoneStatus.Submitted, submittable);
      await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n);
      await s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, 0n);
      await expect(s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedMilestoneStatus")
        .withArgs(agreementId, 0n, MilestoneStatus.Paid, submittable);
    });
  });

  describe("approveMilestone", function () {
    it("counts a first approval without paying", async function () {
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      const [i1] = s.inspectors;
      const tx = s.escrow.connect(i1).approveMilestone(agreementId, 0n);
      await expect(tx).to.emit(s.escrow, "MilestoneApproved").withArgs(agreementId, 0n, i1.address, 1n);
      await expect(tx).to.not.emit(s.escrow, "MilestonePaid");
      await expect(tx).to.changeTokenBalances(ethers, s.token, [contractor, s.escrow], [0n, 0n]);
      expect((await s.escrow.getMilestone(agreementId, 0n)).approvals).to.equal(1n);
      expect(await s.escrow.hasApproved(agreementId, 0n, i1.address)).to.equal(true);
      expect(await s.escrow.hasApproved(agreementId, 0n, s.inspectors[1].address)).to.equal(false);
    });

    it("pays at quorum: net to the contractor, retention held, booked on the line", async function () {
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      const [i1, i2] = s.inspectors;
      await s.escrow.connect(i1).approveMilestone(agreementId, 0n);
      const net = netOf(AMOUNTS[0], RETENTION);
      const retained = AMOUNTS[0] - net;
      const tx = s.escrow.connect(i2).approveMilestone(agreementId, 0n);
      await expect(tx).to.emit(s.escrow, "MilestoneApproved").withArgs(agreementId, 0n, i2.address, 2n);
      await expect(tx).to.emit(s.escrow, "MilestonePaid").withArgs(agreementId, 0n, contractor.address, net, retained);
      await expect(tx)
        .to.emit(s.ledger, "Spent")
        .withArgs(LINE, contractor.address, net, ref(2, agreementId, 0n), escrowAddress);
      await expect(tx).to.not.emit(s.escrow, "RetentionReleased");
      await expect(tx).to.changeTokenBalances(ethers, s.token, [contractor, s.escrow], [net, -net]);
      const m = await s.escrow.getMilestone(agreementId, 0n);
      expect(m.status).to.equal(MilestoneStatus.Paid);
      expect(m.approvals).to.equal(2n);
      const a = await s.escrow.getAgreement(agreementId);
      expect(a.paid).to.equal(net);
      expect(a.retentionHeld).to.equal(retained);
      expect(a.status).to.equal(AgreementStatus.Active);
      expect((await s.ledger.getLine(LINE)).spent).to.equal(net);
      expect(await s.ledger.committedBy(LINE, escrowAddress)).to.equal(PRICE - net);
    });

    it("pays milestones in any order; the last one releases all retention and completes", async function () {
      await pay(2n);
      await pay(0n);
      await s.escrow.connect(contractor).submitMilestone(agreementId, 1n, EVIDENCE);
      await s.escrow.connect(s.inspectors[2]).approveMilestone(agreementId, 1n);
      const nets = AMOUNTS.map((a) => netOf(a, RETENTION));
      const retainedTotal = PRICE - nets.reduce((x, y) => x + y, 0n);
      const tx = s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 1n);
      await expect(tx)
        .to.emit(s.escrow, "MilestonePaid")
        .withArgs(agreementId, 1n, contractor.address, nets[1], AMOUNTS[1] - nets[1]);
      await expect(tx).to.emit(s.escrow, "RetentionReleased").withArgs(agreementId, contractor.address, retainedTotal);
      await expect(tx).to.emit(s.escrow, "AgreementCompleted").withArgs(agreementId);
      await expect(tx)
        .to.emit(s.ledger, "Spent")
        .withArgs(LINE, contractor.address, nets[1] + retainedTotal, ref(2, agreementId, 1n), escrowAddress);
      await expect(tx).to.changeTokenBalance(ethers, s.token, contractor, nets[1] + retainedTotal);
      const a = await s.escrow.getAgreement(agreementId);
      expect(a.status).to.equal(AgreementStatus.Completed);
      expect(a.paid).to.equal(PRICE);
      expect(a.retentionHeld).to.equal(0n);
      expect(await s.token.balanceOf(escrowAddress)).to.equal(0n);
      expect(await s.ledger.committedBy(LINE, escrowAddress)).to.equal(0n);
      const line = await s.ledger.getLine(LINE);
      expect(line.spent).to.equal(PRICE);
      expect(line.committed).to.equal(0n);
      // the bid bond of the losing bidder came back at its reveal: nothing was forfeited
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS - PRICE);
      await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedAgreementStatus")
        .withArgs(agreementId, AgreementStatus.Completed, active);
    });

    it("emits no RetentionReleased without retention", async function () {
      const other = await awardedAgreement(s, networkHelpers, [PRICE], { retentionBps: 0, quorum: 1 });
      for (const i of [0n, 1n]) {
        await s.escrow.connect(other.contractor).submitMilestone(other.agreementId, i, EVIDENCE);
        await s.escrow.connect(s.inspectors[0]).approveMilestone(other.agreementId, i);
      }
      await s.escrow.connect(other.contractor).submitMilestone(other.agreementId, 2n, EVIDENCE);
      const tx = s.escrow.connect(s.inspectors[0]).approveMilestone(other.agreementId, 2n);
      await expect(tx).to.emit(s.escrow, "AgreementCompleted").withArgs(other.agreementId);
      await expect(tx).to.not.emit(s.escrow, "RetentionReleased");
      expect((await s.escrow.getAgreement(other.agreementId)).paid).to.equal(PRICE);
    });

    it("holds everything until the end at 100 % retention", async function () {
      const other = await awardedAgreement(s, networkHelpers, [PRICE], { retentionBps: 10_000, quorum: 1 });
      await s.escrow.connect(other.contractor).submitMilestone(other.agreementId, 0n, EVIDENCE);
      const tx = s.escrow.connect(s.inspectors[0]).approveMilestone(other.agreementId, 0n);
      await expect(tx)
        .to.emit(s.escrow, "MilestonePaid")
        .withArgs(other.agreementId, 0n, other.contractor.address, 0n, AMOUNTS[0]);
      await expect(tx).to.not.emit(s.ledger, "Spent");
      expect((await s.escrow.getAgreement(other.agreementId)).retentionHeld).to.equal(AMOUNTS[0]);
    });

    it("pays milestones whose amount rounds to 0 without a transfer", async function () {
      const other = await awardedAgreement(s, networkHelpers, [2n], { quorum: 1 });
      // amounts 0, 0, 2
      await s.escrow.connect(other.contractor).submitMilestone(other.agreementId, 0n, EVIDENCE);
      const tx = s.escrow.connect(s.inspectors[0]).approveMilestone(other.agreementId, 0n);
      await expect(tx)
        .to.emit(s.escrow, "MilestonePaid")
        .withArgs(other.agreementId, 0n, other.contractor.address, 0n, 0n);
      await expect(tx).to.not.emit(s.ledger, "Spent");
      await s.escrow.connect(other.contractor).submitMilestone(other.agreementId, 2n, EVIDENCE);
      await s.escrow.connect(s.inspectors[0]).approveMilestone(other.agreementId, 2n);
      await s.escrow.connect(other.contractor).submitMilestone(other.agreementId, 1n, EVIDENCE);
      await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(other.agreementId, 1n))
        .to.emit(s.escrow, "AgreementCompleted")
        .withArgs(other.agreementId);
      expect((await s.escrow.getAgreement(other.agreementId)).paid).to.equal(2n);
    });

    it("refuses a second approval by the same inspector in a round", async function () {
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      const [i1] = s.inspectors;
      await s.escrow.connect(i1).approveMilestone(agreementId, 0n);
      await expect(s.escrow.connect(i1).approveMilestone(agreementId, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_AlreadyApproved")
        .withArgs(agreementId, 0n, i1.address);
    });

    it("refuses the contractor even if it holds INSPECTOR", async function () {
      await s.manager.grantRole(ROLES.INSPECTOR, contractor.address, 0);
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      await expect(s.escrow.connect(contractor).approveMilestone(agreementId, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_ContractorCannotInspect")
        .withArgs(agreementId, contractor.address);
      await expect(s.escrow.connect(contractor).rejectMilestone(agreementId, 0n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_ContractorCannotInspect")
        .withArgs(agreementId, contractor.address);
    });

    it("refuses a milestone not submitted, already paid, or unknown", async function () {
      await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedMilestoneStatus")
        .withArgs(agreementId, 0n, MilestoneStatus.Pending, approvable);
      await pay(0n);
      await expect(s.escrow.connect(s.inspectors[2]).approveMilestone(agreementId, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedMilestoneStatus")
        .withArgs(agreementId, 0n, MilestoneStatus.Paid, approvable);
      await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 3n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownMilestone")
        .withArgs(agreementId, 3n, 3n);
      await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(99n, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownAgreement")
        .withArgs(99n);
    });

    it("refuses a paying approval while the ledger is paused (the ledger's pause)", async function () {
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n);
      await s.ledger.connect(s.guardian).pause();
      await expect(s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, 0n)).to.be.revertedWithCustomError(
        s.ledger,
        "EnforcedPause",
      );
      await s.ledger.connect(s.guardian).unpause();
      await expect(s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, 0n)).to.emit(
        s.escrow,
        "MilestonePaid",
      );
    });
  });

  describe("rejectMilestone", function () {
    it("voids the round's approvals; the contractor resubmits; old approvals do not count", async function () {
      const [i1, i2, i3] = s.inspectors;
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      await s.escrow.connect(i1).approveMilestone(agreementId, 0n);
      const tx = s.escrow.connect(i2).rejectMilestone(agreementId, 0n, REASON);
      await expect(tx).to.emit(s.escrow, "MilestoneRejected").withArgs(agreementId, 0n, i2.address, REASON);
      let m = await s.escrow.getMilestone(agreementId, 0n);
      expect(m.status).to.equal(MilestoneStatus.Rejected);
      expect(m.approvals).to.equal(0n);
      expect(await s.escrow.hasApproved(agreementId, 0n, i1.address)).to.equal(false);
      await expect(s.escrow.connect(i3).approveMilestone(agreementId, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedMilestoneStatus")
        .withArgs(agreementId, 0n, MilestoneStatus.Rejected, approvable);

      await expect(s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE_2))
        .to.emit(s.escrow, "MilestoneSubmitted")
        .withArgs(agreementId, 0n, EVIDENCE_2);
      // i1 approves again in the new round: one approval, not two
      await expect(s.escrow.connect(i1).approveMilestone(agreementId, 0n))
        .to.emit(s.escrow, "MilestoneApproved")
        .withArgs(agreementId, 0n, i1.address, 1n);
      await expect(s.escrow.connect(i3).approveMilestone(agreementId, 0n)).to.emit(s.escrow, "MilestonePaid");
      m = await s.escrow.getMilestone(agreementId, 0n);
      expect(m.status).to.equal(MilestoneStatus.Paid);
      expect(m.evidenceHash).to.equal(EVIDENCE_2);
    });

    it("refuses a milestone not submitted, an unknown one, or an inactive agreement", async function () {
      await expect(s.escrow.connect(s.inspectors[0]).rejectMilestone(agreementId, 0n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedMilestoneStatus")
        .withArgs(agreementId, 0n, MilestoneStatus.Pending, approvable);
      await expect(s.escrow.connect(s.inspectors[0]).rejectMilestone(agreementId, 5n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownMilestone")
        .withArgs(agreementId, 5n, 3n);
      await expect(s.escrow.connect(s.inspectors[0]).rejectMilestone(99n, 0n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownAgreement")
        .withArgs(99n);
      await s.escrow.connect(s.procurer).terminate(agreementId, REASON);
      await expect(s.escrow.connect(s.inspectors[0]).rejectMilestone(agreementId, 0n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedAgreementStatus")
        .withArgs(agreementId, AgreementStatus.Terminated, active);
    });
  });

  describe("terminate", function () {
    it("returns unpaid amounts and held retention mid-way; unpaid milestones become Cancelled", async function () {
      await pay(1n);
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n);
      const net = netOf(AMOUNTS[1], RETENTION);
      const refund = PRICE - net;
      const tx = s.escrow.connect(s.procurer).terminate(agreementId, REASON);
      await expect(tx).to.emit(s.escrow, "AgreementTerminated").withArgs(agreementId, refund, REASON);
      await expect(tx).to.emit(s.ledger, "FundsReturned").withArgs(LINE, escrowAddress, refund, ref(3, agreementId));
      await expect(tx).to.changeTokenBalances(ethers, s.token, [s.escrow, s.ledger, contractor], [-refund, refund, 0n]);
      const a = await s.escrow.getAgreement(agreementId);
      expect(a.status).to.equal(AgreementStatus.Terminated);
      expect(a.paid).to.equal(net);
      expect(a.retentionHeld).to.equal(0n);
      expect((await s.escrow.getMilestone(agreementId, 0n)).status).to.equal(MilestoneStatus.Cancelled);
      expect((await s.escrow.getMilestone(agreementId, 1n)).status).to.equal(MilestoneStatus.Paid);
      expect((await s.escrow.getMilestone(agreementId, 2n)).status).to.equal(MilestoneStatus.Cancelled);
      expect(await s.token.balanceOf(escrowAddress)).to.equal(0n);
      expect(await s.ledger.committedBy(LINE, escrowAddress)).to.equal(0n);
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS - net);
      await expect(s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedAgreementStatus")
        .withArgs(agreementId, AgreementStatus.Terminated, active);
      await expect(s.escrow.connect(contractor).submitMilestone(agreementId, 2n, EVIDENCE))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedAgreementStatus")
        .withArgs(agreementId, AgreementStatus.Terminated, active);
      await expect(s.escrow.connect(s.procurer).terminate(agreementId, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedAgreementStatus")
        .withArgs(agreementId, AgreementStatus.Terminated, active);
    });

    it("returns the whole price before any payment", async function () {
      await expect(s.escrow.connect(s.procurer).terminate(agreementId, REASON))
        .to.emit(s.escrow, "AgreementTerminated")
        .withArgs(agreementId, PRICE, REASON);
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS);
    });

    it("refuses a completed or unknown agreement", async function () {
      await expect(s.escrow.connect(s.procurer).terminate(99n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownAgreement")
        .withArgs(99n);
      await pay(0n);
      await pay(1n);
      await pay(2n);
      await expect(s.escrow.connect(s.procurer).terminate(agreementId, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedAgreementStatus")
        .withArgs(agreementId, AgreementStatus.Completed, active);
    });

    it("works on a line closed at year end: the return lapses to unallocated", async function () {
      await s.ledger.connect(s.budgetOfficer).closeLine(LINE);
      await pay(0n); // open commitments stay spendable on a closed line
      const refund = PRICE - netOf(AMOUNTS[0], RETENTION);
      const before = await s.ledger.unallocated();
      await expect(s.escrow.connect(s.procurer).terminate(agreementId, REASON))
        .to.emit(s.escrow, "AgreementTerminated")
        .withArgs(agreementId, refund, REASON);
      expect(await s.ledger.unallocated()).to.equal(before + refund);
    });

    it("cannot cancel the awarded tender", async function () {
      await expect(s.escrow.connect(s.procurer).cancelTender(tenderId, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(
          tenderId,
          TenderStatus.Awarded,
          allowed(TenderStatus.Bidding, TenderStatus.Revealing, TenderStatus.Awardable),
        );
    });
  });

  describe("views", function () {
    it("revert for unknown agreements and milestones", async function () {
      await expect(s.escrow.getAgreement(99n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownAgreement")
        .withArgs(99n);
      await expect(s.escrow.getMilestone(99n, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownAgreement")
        .withArgs(99n);
      await expect(s.escrow.getMilestone(agreementId, 3n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownMilestone")
        .withArgs(agreementId, 3n, 3n);
      expect(await s.escrow.agreementCount()).to.equal(1n);
      expect(await s.escrow.owedTo(contractor.address)).to.equal(0n);
      expect(await s.escrow.totalOwed()).to.equal(0n);
      expect(await s.escrow.hasApproved(99n, 0n, ZeroAddress)).to.equal(false);
    });

    it("keep the maxPrice commitment whole: price plus returned equals maxPrice", async function () {
      expect(await s.ledger.committedBy(LINE, escrowAddress)).to.equal(PRICE);
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS - MAX_PRICE + (MAX_PRICE - PRICE));
    });
  });
});
