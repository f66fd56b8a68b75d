/**
 * ProcurementEscrow on the token matrix: a whole lifecycle on each supported token (6-decimal
 * stablecoin, USDT-style without return values, 18 decimals, blocklist, hook-bearing), fee-on-
 * transfer tokens refused where tokens come in, a blocklisted payee that cannot hold up anyone
 * else's money, and a re-entering token that cannot pay twice.
 */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import type { BlocklistToken, ReentrantToken } from "../../types/ethers-contracts/index.js";
import {
  BOND,
  EVIDENCE,
  LINE,
  LINE_FUNDS,
  MAX_PRICE,
  REASON,
  THREE_MILESTONES,
  amountsOf,
  awardedAgreement,
  createTenderTx,
  deployProcurementSuite,
  fundBond,
  netOf,
  openTender,
  placeBid,
  revealTx,
  sealFor,
  termsAt,
  type ProcurementSuite,
  type TokenKind,
} from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;

const FIXTURES: Record<string, () => Promise<ProcurementSuite>> = {
  TestStablecoin: () => deployProcurementSuite(ethers),
  UsdtStyleToken: () => deployProcurementSuite(ethers, "UsdtStyleToken"),
  MockToken18: () => deployProcurementSuite(ethers, "MockToken18"),
  BlocklistToken: () => deployProcurementSuite(ethers, "BlocklistToken"),
  ReentrantToken: () => deployProcurementSuite(ethers, "ReentrantToken"),
};
const feeTokenSuite = () => deployProcurementSuite(ethers, "FeeOnTransferToken" satisfies TokenKind);
const feeSwitchSuite = () => deployProcurementSuite(ethers, "FeeSwitchToken");
const blocklistSuite = FIXTURES.BlocklistToken;
const reentrantSuite = FIXTURES.ReentrantToken;

const PRICE = 800_000_000n;
const RETENTION = 500;

describe("ProcurementEscrow: token matrix", function () {
  for (const [name, fixture] of Object.entries(FIXTURES)) {
    it(`runs a whole lifecycle on ${name}: every token that entered leaves through a documented way`, async function () {
      const s = await networkHelpers.loadFixture(fixture);
      const escrow = await s.escrow.getAddress();
      const [b1, b2, b3] = s.bidders;
      const { tenderId, terms } = await openTender(s, networkHelpers);
      await placeBid(s, tenderId, b1, PRICE);
      await placeBid(s, tenderId, b2, PRICE + 1n);
      await placeBid(s, tenderId, b3, 1n); // never revealed: forfeited
      await time.increaseTo(terms.bidDeadline);
      await revealTx(s, tenderId, b1, PRICE);
      await revealTx(s, tenderId, b2, PRICE + 1n);
      await time.increaseTo(terms.revealDeadline);
      await s.escrow.award(tenderId);
      const agreementId = await s.escrow.agreementCount();
      for (const index of [0n, 1n, 2n]) {
        await s.escrow.connect(b1).submitMilestone(agreementId, index, EVIDENCE);
        await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, index);
        await s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, index);
      }
      expect(await s.token.balanceOf(b1.address)).to.equal(BOND + PRICE);
      expect(await s.token.balanceOf(b2.address)).to.equal(BOND);
      expect(await s.token.balanceOf(escrow)).to.equal(0n);
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS - PRICE);
      expect(await s.ledger.unallocated()).to.equal(BOND);
      expect(await s.ledger.committedBy(LINE, escrow)).to.equal(0n);

      // a second tender, cancelled, and an agreement terminated mid-way
      const second = await openTender(s, networkHelpers);
      await placeBid(s, second.tenderId, b2, PRICE);
      await s.escrow.connect(s.procurer).cancelTender(second.tenderId, REASON);
      await s.escrow.connect(b2).reclaimBond(second.tenderId);
      const third = await awardedAgreement(s, networkHelpers, [PRICE]);
      await s.escrow.connect(third.contractor).submitMilestone(third.agreementId, 0n, EVIDENCE);
      await s.escrow.connect(s.inspectors[0]).approveMilestone(third.agreementId, 0n);
      await s.escrow.connect(s.inspectors[2]).approveMilestone(third.agreementId, 0n);
      await s.escrow.connect(s.procurer).terminate(third.agreementId, REASON);
      expect(await s.token.balanceOf(escrow)).to.equal(0n);
      const paidThird = netOf(amountsOf(PRICE, THREE_MILESTONES)[0], RETENTION);
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS - PRICE - paidThird);
    });
  }

  describe("tokens sent to the escrow directly", function () {
    it("are surplus: anyone sweeps them into the ledger's unallocated cash, not while paused", async function () {
      const s = await networkHelpers.loadFixture(FIXTURES.TestStablecoin);
      const escrow = await s.escrow.getAddress();
      await expect(s.escrow.sweepSurplus())
        .to.be.revertedWithCustomError(s.escrow, "Module_NoSurplus")
        .withArgs(0n, 0n);
      const { tenderId } = await openTender(s, networkHelpers);
      await placeBid(s, tenderId, s.bidders[0], PRICE);
      expect(await s.escrow.totalBondsHeld()).to.equal(BOND);
      expect(await s.escrow.surplus()).to.equal(0n);
      const donated = 1_234_567n;
      await s.token.mint(s.stranger.address, donated);
      await s.token.connect(s.stranger).transfer(escrow, donated);
      expect(await s.escrow.surplus()).to.equal(donated);
      expect(await s.escrow.reserved()).to.equal(MAX_PRICE + BOND);
      await s.escrow.connect(s.guardian).pause();
      await expect(s.escrow.connect(s.stranger).sweepSurplus()).to.be.revertedWithCustomError(
        s.escrow,
        "EnforcedPause",
      );
      await s.escrow.connect(s.guardian).unpause();
      const before = await s.ledger.unallocated();
      const tx = s.escrow.connect(s.stranger).sweepSurplus();
      await expect(tx).to.emit(s.escrow, "SurplusSwept").withArgs(s.stranger.address, donated);
      await expect(tx).to.emit(s.ledger, "Deposited").withArgs(escrow, donated, ZeroHash);
      await expect(tx).to.changeTokenBalances(ethers, s.token, [s.escrow, s.ledger], [-donated, donated]);
      expect(await s.ledger.unallocated()).to.equal(before + donated);
      expect(await s.escrow.surplus()).to.equal(0n);
      // what the escrow still holds is exactly its obligations
      expect(await s.token.balanceOf(escrow)).to.equal(MAX_PRICE + BOND);
      await expect(s.escrow.sweepSurplus())
        .to.be.revertedWithCustomError(s.escrow, "Module_NoSurplus")
        .withArgs(MAX_PRICE + BOND, MAX_PRICE + BOND);
    });
  });

  describe("fee-on-transfer tokens", function () {
    it("refuses a tender whose commitment arrives short", async function () {
      const s = await networkHelpers.loadFixture(feeTokenSuite);
      // Tokens sent to the ledger without `deposit` count as unallocated: fund a line that way.
      await s.token.mint(await s.ledger.getAddress(), LINE_FUNDS);
      await s.ledger.connect(s.budgetOfficer).createLine(LINE, 2027, LINE_FUNDS, "Roads 2027");
      const fee = (MAX_PRICE * 100n) / 10_000n;
      await expect(createTenderTx(s, termsAt(BigInt(await time.latest()))))
        .to.be.revertedWithCustomError(s.escrow, "Module_TransferShortfall")
        .withArgs(MAX_PRICE, MAX_PRICE - fee);
    });

    it("refuses a bond that arrives short", async function () {
      const s = await networkHelpers.loadFixture(feeSwitchSuite);
      const { tenderId } = await openTender(s, networkHelpers);
      const token = await ethers.getContractAt("FeeSwitchToken", await s.token.getAddress());
      await token.setFeeOn(true);
      const [b1] = s.bidders;
      await fundBond(s, b1, BOND);
      const fee = (BOND * 100n) / 10_000n;
      await expect(s.escrow.connect(b1).submitBid(tenderId, await sealFor(s, tenderId, b1, PRICE)))
        .to.be.revertedWithCustomError(s.escrow, "Module_TransferShortfall")
        .withArgs(BOND, BOND - fee);
      expect((await s.escrow.getBid(tenderId, b1.address)).sealedBid).to.equal(
        "0x0000000000000000000000000000000000000000000000000000000000000000",
      );
    });
  });

  describe("blocklisted payees", function () {
    let s: ProcurementSuite;
    let token: BlocklistToken;

    beforeEach(async function () {
      s = await networkHelpers.loadFixture(blocklistSuite);
      token = s.token as unknown as BlocklistToken;
    });

    it("credits a blocked contractor's payments as owed, books them, and lets it withdraw elsewhere", async function () {
      const { agreementId, contractor } = await awardedAgreement(s, networkHelpers, [PRICE]);
      const escrow = await s.escrow.getAddress();
      await token.setBlocked(contractor.address, true);
      const amounts = amountsOf(PRICE, THREE_MILESTONES);
      const net0 = netOf(amounts[0], RETENTION);
      await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
      await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n);
      const tx = s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, 0n);
      await expect(tx).to.emit(s.escrow, "PaymentDeferred").withArgs(contractor.address, net0, net0);
      await expect(tx).to.emit(s.escrow, "MilestonePaid");
      await expect(tx).to.emit(s.ledger, "Spent");
      await expect(tx).to.changeTokenBalances(ethers, s.token, [contractor, s.escrow], [0n, 0n]);
      expect(await s.escrow.owedTo(contractor.address)).to.equal(net0);
      expect(await s.escrow.totalOwed()).to.equal(net0);
      expect((await s.escrow.getAgreement(agreementId)).paid).to.equal(net0);

      // another contractor is paid as usual meanwhile
      const b2 = s.bidders[1];
      const next = await openTender(s, networkHelpers, { quorum: 1 });
      await placeBid(s, next.tenderId, b2, PRICE);
      await time.increaseTo(next.terms.bidDeadline);
      await revealTx(s, next.tenderId, b2, PRICE);
      await time.increaseTo(next.terms.revealDeadline);
      await s.escrow.award(next.tenderId);
      const other = { agreementId: await s.escrow.agreementCount(), contractor: b2 };
      await s.escrow.connect(b2).submitMilestone(other.agreementId, 0n, EVIDENCE);
      await expect(s.escrow.connect(s.inspectors[0]).approveMilestone(other.agreementId, 0n)).to.changeTokenBalance(
        ethers,
        s.token,
        b2,
        netOf(amountsOf(PRICE, THREE_MILESTONES)[0], RETENTION),
      );

      // withdrawal: never to address 0, not to a blocked address, even while paused
      await expect(
        s.escrow.connect(contractor).withdrawOwed("0x0000000000000000000000000000000000000000"),
      ).to.be.revertedWithCustomError(s.escrow, "Module_ZeroAddress");
      // Finding 6 of issue #12: never to the escrow itself (the money would become surplus)
      const self = await s.escrow.getAddress();
      await expect(s.escrow.connect(contractor).withdrawOwed(self))
        .to.be.revertedWithCustomError(s.escrow, "Module_InvalidRecipient")
        .withArgs(self);
      await token.setBlocked(s.stranger.address, true);
      await expect(s.escrow.connect(contractor).withdrawOwed(s.stranger.address))
        .to.be.revertedWithCustomError(token, "BlocklistToken_Blocked")
        .withArgs(s.stranger.address);
      await s.escrow.connect(s.guardian).pause();
      const withdraw = s.escrow.connect(contractor).withdrawOwed(s.recipient.address);
      await expect(withdraw).to.emit(s.escrow, "OwedWithdrawn").withArgs(contractor.address, s.recipient.address, net0);
      await expect(withdraw).to.changeTokenBalances(ethers, s.token, [s.recipient, s.escrow], [net0, -net0]);
      expect(await s.escrow.owedTo(contractor.address)).to.equal(0n);
      expect(await s.escrow.totalOwed()).to.equal(0n);
      await expect(s.escrow.connect(contractor).withdrawOwed(s.recipient.address))
        .to.be.revertedWithCustomError(s.escrow, "Module_NothingOwed")
        .withArgs(contractor.address);
      await s.escrow.connect(s.guardian).unpause();

      // termination still returns everything unpaid; the owed money is the contractor's
      await s.escrow.connect(contractor).submitMilestone(agreementId, 1n, EVIDENCE);
      await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 1n);
      await s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, 1n);
      const net1 = netOf(amounts[1], RETENTION);
      expect(await s.escrow.owedTo(contractor.address)).to.equal(net1);
      await expect(s.escrow.connect(s.procurer).terminate(agreementId, REASON))
        .to.emit(s.escrow, "AgreementTerminated")
        .withArgs(agreementId, PRICE - net0 - net1, REASON);
      const otherAgreement = await s.escrow.getAgreement(other.agreementId);
      expect(await s.token.balanceOf(escrow)).to.equal(net1 + otherAgreement.price - otherAgreement.paid);
    });

    it("defers a blocked bidder's bond refund at reveal and at reclaim", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2] = s.bidders;
      await placeBid(s, tenderId, b1, PRICE);
      await placeBid(s, tenderId, b2, PRICE);
      await token.setBlocked(b1.address, true);
      await token.setBlocked(b2.address, true);
      await time.increaseTo(terms.bidDeadline);
      await expect(revealTx(s, tenderId, b1, PRICE))
        .to.emit(s.escrow, "PaymentDeferred")
        .withArgs(b1.address, BOND, BOND);
      await s.escrow.connect(s.procurer).cancelTender(tenderId, REASON);
      await expect(s.escrow.connect(b2).reclaimBond(tenderId))
        .to.emit(s.escrow, "PaymentDeferred")
        .withArgs(b2.address, BOND, BOND);
      expect(await s.escrow.totalOwed()).to.equal(2n * BOND);
      await s.escrow.connect(b1).withdrawOwed(s.recipient.address);
      await s.escrow.connect(b2).withdrawOwed(s.recipient.address);
      expect(await s.token.balanceOf(s.recipient.address)).to.equal(2n * BOND);
      expect(await s.token.balanceOf(await s.escrow.getAddress())).to.equal(0n);
    });
  });

  describe("a re-entering token", function () {
    let s: ProcurementSuite;
    let token: ReentrantToken;
    let agreementId: bigint;
    let contractor: ProcurementSuite["bidders"][number];

    beforeEach(async function () {
      s = await networkHelpers.loadFixture(reentrantSuite);
      token = s.token as unknown as ReentrantToken;
      ({ agreementId, contractor } = await awardedAgreement(s, networkHelpers, [PRICE]));
      // The token itself holds INSPECTOR, so only the reentrancy guard stands in its way.
      await s.manager.grantRole(ROLES.INSPECTOR, await token.getAddress(), 0);
      for (const index of [0n, 1n]) {
        await s.escrow.connect(contractor).submitMilestone(agreementId, index, EVIDENCE);
        await s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, index);
      }
    });

    for (const target of [0n, 1n]) {
      it(`cannot approve milestone ${target} from inside the payment of milestone 0`, async function () {
        const escrow = await s.escrow.getAddress();
        await token.arm(escrow, s.escrow.interface.encodeFunctionData("approveMilestone", [agreementId, target]));
        const net0 = netOf(amountsOf(PRICE, THREE_MILESTONES)[0], RETENTION);
        const tx = s.escrow.connect(s.inspectors[1]).approveMilestone(agreementId, 0n);
        await expect(tx).to.changeTokenBalance(ethers, s.token, contractor, net0);
        expect(await token.reentryCount()).to.equal(1n);
        expect(await token.lastReentrySucceeded()).to.equal(false);
        expect(await token.lastReentryResult()).to.equal(
          s.escrow.interface.getError("ReentrancyGuardReentrantCall")?.selector,
        );
        const m1 = await s.escrow.getMilestone(agreementId, 1n);
        expect(m1.approvals).to.equal(1n);
        expect((await s.escrow.getAgreement(agreementId)).paid).to.equal(net0);
        expect(await s.ledger.committedBy(LINE, escrow)).to.equal(PRICE - net0);
      });
    }
  });
});
