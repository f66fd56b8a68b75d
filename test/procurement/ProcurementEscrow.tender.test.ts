/**
 * ProcurementEscrow, tender side: createTender, submitBid, revealBid, award, cancelTender,
 * reclaimBond and the tender views, with the time windows tested at their exact edges.
 */
import { expect } from "chai";
import { AbiCoder, ZeroAddress, ZeroHash, hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import {
  BOND,
  LINE,
  LINE_FUNDS,
  MAX_PRICE,
  REASON,
  SPEC_HASH,
  THREE_MILESTONES,
  TenderStatus,
  allowed,
  amountsOf,
  createTenderTx,
  deployProcurementSuite,
  fundBond,
  openTender,
  placeBid,
  proposalOf,
  ref,
  revealTx,
  saltOf,
  sealFor,
  sealOf,
  termsAt,
  type MilestoneSpec,
  type ProcurementSuite,
} from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const suite = () => deployProcurementSuite(ethers);

const MAX_AMOUNT = 2n ** 112n - 1n;

describe("ProcurementEscrow: tenders", function () {
  let s: ProcurementSuite;

  beforeEach(async function () {
    s = await networkHelpers.loadFixture(suite);
  });

  describe("constructor", function () {
    it("takes the ledger's token and lets the ledger pull from the escrow", async function () {
      const escrow = await s.escrow.getAddress();
      expect(await s.escrow.ledger()).to.equal(await s.ledger.getAddress());
      expect(await s.escrow.token()).to.equal(await s.token.getAddress());
      expect(await s.token.allowance(escrow, await s.ledger.getAddress())).to.equal(2n ** 256n - 1n);
      expect(await s.escrow.MAX_MILESTONES()).to.equal(32n);
      expect(await s.escrow.MAX_QUORUM()).to.equal(16n);
      expect(await s.escrow.MAX_BPS()).to.equal(10_000n);
      expect(await s.escrow.MAX_AMOUNT()).to.equal(MAX_AMOUNT);
    });

    it("refuses a zero ledger", async function () {
      const actions = await ethers.deployContract("ProcurementActions");
      const factory = await ethers.getContractFactory("ProcurementEscrow", {
        libraries: { ProcurementActions: await actions.getAddress() },
      });
      await expect(factory.deploy(await s.manager.getAddress(), ZeroAddress)).to.be.revertedWithCustomError(
        s.escrow,
        "Module_ZeroAddress",
      );
    });
  });

  describe("createTender", function () {
    it("stores the tender, commits maxPrice from the line and emits TenderCreated", async function () {
      const now = BigInt(await time.latest());
      const terms = termsAt(now);
      const tx = createTenderTx(s, terms);
      await expect(tx)
        .to.emit(s.escrow, "TenderCreated")
        .withArgs(1n, LINE, MAX_PRICE, terms.bidDeadline, terms.revealDeadline, SPEC_HASH);
      await expect(tx)
        .to.emit(s.ledger, "Committed")
        .withArgs(LINE, await s.escrow.getAddress(), MAX_PRICE, ref(1, 1n));
      await expect(tx).to.changeTokenBalances(ethers, s.token, [s.ledger, s.escrow], [-MAX_PRICE, MAX_PRICE]);
      expect(await s.escrow.tenderCount()).to.equal(1n);
      expect(await s.ledger.committedBy(LINE, await s.escrow.getAddress())).to.equal(MAX_PRICE);
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS - MAX_PRICE);
      const t = await s.escrow.getTender(1n);
      expect(t.lineId).to.equal(LINE);
      expect(t.specHash).to.equal(SPEC_HASH);
      expect(t.maxPrice).to.equal(MAX_PRICE);
      expect(t.bidBond).to.equal(BOND);
      expect(t.bidDeadline).to.equal(terms.bidDeadline);
      expect(t.revealDeadline).to.equal(terms.revealDeadline);
      expect(t.retentionBps).to.equal(500n);
      expect(t.quorum).to.equal(2n);
      expect(t.milestoneCount).to.equal(3n);
      expect(t.status).to.equal(TenderStatus.Bidding);
      expect(t.agreementId).to.equal(0n);
      for (let i = 0; i < 3; i++) {
        const spec = await s.escrow.getMilestoneSpec(1n, i);
        expect(spec.shareBps).to.equal(THREE_MILESTONES[i].shareBps);
        expect(spec.duration).to.equal(THREE_MILESTONES[i].duration);
        expect(spec.descriptionHash).to.equal(THREE_MILESTONES[i].descriptionHash);
      }
    });

    it("returns the new id and numbers tenders from 1", async function () {
      const now = BigInt(await time.latest());
      const terms = termsAt(now);
      expect(
        await s.escrow
          .connect(s.procurer)
          .createTender.staticCall(
            terms.lineId,
            terms.specHash,
            terms.maxPrice,
            terms.bidBond,
            terms.bidDeadline,
            terms.revealDeadline,
            terms.retentionBps,
            terms.quorum,
            terms.milestones,
          ),
      ).to.equal(1n);
      await createTenderTx(s, terms);
      await createTenderTx(s, terms);
      expect(await s.escrow.tenderCount()).to.equal(2n);
    });

    it("accepts the bounds: 32 milestones, quorum 16, retention 10,000, no bond, bidDeadline = now + 1", async function () {
      const now = BigInt(await time.latest());
      const milestones: MilestoneSpec[] = Array.from({ length: 32 }, (_, i) => ({
        shareBps: i === 0 ? 10_000 - 31 * 312 : 312,
        duration: 100n * 365n * 86_400n,
        descriptionHash: ZeroHash,
      }));
      await time.setNextBlockTimestamp(now + 10n);
      await expect(
        createTenderTx(
          s,
          termsAt(now, {
            milestones,
            quorum: 16,
            retentionBps: 10_000,
            bidBond: 0n,
            bidDeadline: now + 11n,
            revealDeadline: now + 12n,
            maxPrice: LINE_FUNDS,
          }),
        ),
      ).to.emit(s.escrow, "TenderCreated");
      expect((await s.escrow.getTender(1n)).milestoneCount).to.equal(32n);
    });

    describe("refuses bad terms", function () {
      let now: bigint;
      beforeEach(async function () {
        now = BigInt(await time.latest());
      });

      it("maxPrice 0", async function () {
        await expect(createTenderTx(s, termsAt(now, { maxPrice: 0n })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidMaxPrice")
          .withArgs(0n);
      });

      it("maxPrice or bond above 2^112 - 1", async function () {
        await expect(createTenderTx(s, termsAt(now, { maxPrice: MAX_AMOUNT + 1n })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_AmountTooLarge")
          .withArgs(MAX_AMOUNT + 1n, MAX_AMOUNT);
        await expect(createTenderTx(s, termsAt(now, { bidBond: MAX_AMOUNT + 1n })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_AmountTooLarge")
          .withArgs(MAX_AMOUNT + 1n, MAX_AMOUNT);
      });

      it("bidDeadline not after now (exactly now)", async function () {
        await time.setNextBlockTimestamp(now + 100n);
        await expect(createTenderTx(s, termsAt(now, { bidDeadline: now + 100n, revealDeadline: now + 200n })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidDeadlines")
          .withArgs(now + 100n, now + 100n, now + 200n);
      });

      it("revealDeadline not after bidDeadline", async function () {
        await time.setNextBlockTimestamp(now + 10n);
        await expect(createTenderTx(s, termsAt(now, { bidDeadline: now + 50n, revealDeadline: now + 50n })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidDeadlines")
          .withArgs(now + 10n, now + 50n, now + 50n);
      });

      it("retention above 10,000", async function () {
        await expect(createTenderTx(s, termsAt(now, { retentionBps: 10_001 })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidRetention")
          .withArgs(10_001n, 10_000n);
      });

      it("quorum 0 or above 16", async function () {
        await expect(createTenderTx(s, termsAt(now, { quorum: 0 })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidQuorum")
          .withArgs(0n, 16n);
        await expect(createTenderTx(s, termsAt(now, { quorum: 17 })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidQuorum")
          .withArgs(17n, 16n);
      });

      it("no milestone or more than 32", async function () {
        await expect(createTenderTx(s, termsAt(now, { milestones: [] })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidMilestoneCount")
          .withArgs(0n, 32n);
        const many = Array.from({ length: 33 }, () => ({ shareBps: 1, duration: 0n, descriptionHash: ZeroHash }));
        await expect(createTenderTx(s, termsAt(now, { milestones: many })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidMilestoneCount")
          .withArgs(33n, 32n);
      });

      it("a zero share", async function () {
        const milestones = [
          { shareBps: 10_000, duration: 0n, descriptionHash: ZeroHash },
          { shareBps: 0, duration: 0n, descriptionHash: ZeroHash },
        ];
        await expect(createTenderTx(s, termsAt(now, { milestones })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_ZeroShare")
          .withArgs(1n);
      });

      it("shares not summing to 10,000", async function () {
        const milestones = [
          { shareBps: 5_000, duration: 0n, descriptionHash: ZeroHash },
          { shareBps: 4_999, duration: 0n, descriptionHash: ZeroHash },
        ];
        await expect(createTenderTx(s, termsAt(now, { milestones })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidShareSum")
          .withArgs(9_999n, 10_000n);
      });

      it("a duration above 100 years", async function () {
        const max = 100n * 365n * 86_400n;
        const milestones = [{ shareBps: 10_000, duration: max + 1n, descriptionHash: ZeroHash }];
        await expect(createTenderTx(s, termsAt(now, { milestones })))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_DurationTooLong")
          .withArgs(0n, max + 1n, max);
      });

      it("more than the line has available (the ledger's error)", async function () {
        await expect(createTenderTx(s, termsAt(now, { maxPrice: LINE_FUNDS + 1n })))
          .to.be.revertedWithCustomError(s.ledger, "Ledger_InsufficientAvailable")
          .withArgs(LINE, LINE_FUNDS, LINE_FUNDS + 1n);
      });
    });
  });

  describe("submitBid", function () {
    it("pulls the bond once, replaces the seal and emits BidSubmitted each time", async function () {
      const { tenderId } = await openTender(s, networkHelpers);
      const [b1] = s.bidders;
      await fundBond(s, b1, BOND * 2n);
      const first = await sealFor(s, tenderId, b1, 900n);
      const tx = s.escrow.connect(b1).submitBid(tenderId, first);
      await expect(tx).to.emit(s.escrow, "BidSubmitted").withArgs(tenderId, b1.address);
      await expect(tx).to.changeTokenBalances(ethers, s.token, [b1, s.escrow], [-BOND, BOND]);
      const second = await sealFor(s, tenderId, b1, 800n);
      const replace = s.escrow.connect(b1).submitBid(tenderId, second);
      await expect(replace).to.emit(s.escrow, "BidSubmitted").withArgs(tenderId, b1.address);
      await expect(replace).to.changeTokenBalances(ethers, s.token, [b1, s.escrow], [0n, 0n]);
      const bid = await s.escrow.getBid(tenderId, b1.address);
      expect(bid.sealedBid).to.equal(second);
      expect(bid.bond).to.equal(BOND);
      expect(bid.revealed).to.equal(false);
      expect(bid.price).to.equal(0n);
      expect(bid.proposalHash).to.equal(ZeroHash);
    });

    it("pulls nothing when the tender has no bond", async function () {
      const { tenderId } = await openTender(s, networkHelpers, { bidBond: 0n });
      const [b1] = s.bidders;
      await expect(s.escrow.connect(b1).submitBid(tenderId, await sealFor(s, tenderId, b1, 900n)))
        .to.emit(s.escrow, "BidSubmitted")
        .withArgs(tenderId, b1.address);
      expect((await s.escrow.getBid(tenderId, b1.address)).bond).to.equal(0n);
    });

    it("refuses a zero seal, an unknown tender and a bidder without allowance", async function () {
      const { tenderId } = await openTender(s, networkHelpers);
      const [b1] = s.bidders;
      await expect(s.escrow.connect(b1).submitBid(tenderId, ZeroHash))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_EmptySeal")
        .withArgs(tenderId);
      await expect(s.escrow.connect(b1).submitBid(99n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
      await expect(s.escrow.connect(b1).submitBid(tenderId, REASON)).to.be.revertedWithCustomError(
        s.token,
        "ERC20InsufficientAllowance",
      );
    });

    it("is open until bidDeadline - 1 and closed at bidDeadline", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2] = s.bidders;
      await fundBond(s, b1, BOND);
      await fundBond(s, b2, BOND);
      await time.setNextBlockTimestamp(terms.bidDeadline - 1n);
      await expect(s.escrow.connect(b1).submitBid(tenderId, REASON)).to.emit(s.escrow, "BidSubmitted");
      await time.setNextBlockTimestamp(terms.bidDeadline);
      await expect(s.escrow.connect(b2).submitBid(tenderId, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Revealing, allowed(TenderStatus.Bidding));
    });
  });

  describe("revealBid", function () {
    it("verifies the seal, records the bid, refunds the bond and emits BidRevealed", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1] = s.bidders;
      await placeBid(s, tenderId, b1, 700n);
      await time.increaseTo(terms.bidDeadline);
      const tx = revealTx(s, tenderId, b1, 700n);
      await expect(tx).to.emit(s.escrow, "BidRevealed").withArgs(tenderId, b1.address, 700n, proposalOf(b1));
      await expect(tx).to.changeTokenBalances(ethers, s.token, [b1, s.escrow], [BOND, -BOND]);
      const bid = await s.escrow.getBid(tenderId, b1.address);
      expect(bid.revealed).to.equal(true);
      expect(bid.price).to.equal(700n);
      expect(bid.bond).to.equal(0n);
      expect(bid.proposalHash).to.equal(proposalOf(b1));
      const [leader, price] = await s.escrow.bestBid(tenderId);
      expect(leader).to.equal(b1.address);
      expect(price).to.equal(700n);
    });

    it("accepts a seal computed locally as docs/procurement.md shows", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1] = s.bidders;
      const escrowAddress = await s.escrow.getAddress();
      // the snippet of docs/procurement.md
      const price = 123_456n;
      const proposalHash = keccak256(toUtf8Bytes("our proposal, version 3"));
      const salt = hexlify(randomBytes(32));
      const { chainId } = await ethers.provider.getNetwork();
      const sealedBid = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["uint256", "address", "uint256", "address", "uint256", "bytes32", "bytes32"],
          [chainId, escrowAddress, tenderId, b1.address, price, proposalHash, salt],
        ),
      );
      await fundBond(s, b1, BOND);
      await s.escrow.connect(b1).submitBid(tenderId, sealedBid);
      await time.increaseTo(terms.bidDeadline);
      await expect(s.escrow.connect(b1).revealBid(tenderId, price, proposalHash, salt))
        .to.emit(s.escrow, "BidRevealed")
        .withArgs(tenderId, b1.address, price, proposalHash);
    });

    it("refuses a price of 0, above maxPrice, a wrong salt, a second reveal and a non-bidder", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2] = s.bidders;
      await placeBid(s, tenderId, b1, 700n);
      await time.increaseTo(terms.bidDeadline);
      await expect(revealTx(s, tenderId, b1, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidPrice")
        .withArgs(tenderId, 0n, MAX_PRICE);
      await expect(revealTx(s, tenderId, b1, MAX_PRICE + 1n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_InvalidPrice")
        .withArgs(tenderId, MAX_PRICE + 1n, MAX_PRICE);
      const sealed = await sealFor(s, tenderId, b1, 700n);
      const wrong = sealOf(s.chainId, await s.escrow.getAddress(), tenderId, b1.address, 700n, proposalOf(b1), REASON);
      await expect(s.escrow.connect(b1).revealBid(tenderId, 700n, proposalOf(b1), REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_SealMismatch")
        .withArgs(tenderId, b1.address, sealed, wrong);
      await expect(revealTx(s, tenderId, b2, 700n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_NoBid")
        .withArgs(tenderId, b2.address);
      await revealTx(s, tenderId, b1, 700n);
      await expect(revealTx(s, tenderId, b1, 700n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_AlreadyRevealed")
        .withArgs(tenderId, b1.address);
    });

    it("refuses someone else's seal revealed by a copier (the seal binds the bidder)", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2] = s.bidders;
      await placeBid(s, tenderId, b1, 700n);
      const copied = await sealFor(s, tenderId, b1, 700n);
      await fundBond(s, b2, BOND);
      await s.escrow.connect(b2).submitBid(tenderId, copied);
      await time.increaseTo(terms.bidDeadline);
      const computed = sealOf(
        s.chainId,
        await s.escrow.getAddress(),
        tenderId,
        b2.address,
        700n,
        proposalOf(b1),
        saltOf(b1, 700n),
      );
      await expect(s.escrow.connect(b2).revealBid(tenderId, 700n, proposalOf(b1), saltOf(b1, 700n)))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_SealMismatch")
        .withArgs(tenderId, b2.address, copied, computed);
    });

    it("opens exactly at bidDeadline and closes exactly at revealDeadline", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2, b3] = s.bidders;
      await placeBid(s, tenderId, b1, 700n);
      await placeBid(s, tenderId, b2, 600n);
      await placeBid(s, tenderId, b3, 500n);
      await time.setNextBlockTimestamp(terms.bidDeadline - 1n);
      await expect(revealTx(s, tenderId, b1, 700n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Bidding, allowed(TenderStatus.Revealing));
      await time.setNextBlockTimestamp(terms.bidDeadline);
      await expect(revealTx(s, tenderId, b1, 700n)).to.emit(s.escrow, "BidRevealed");
      await time.setNextBlockTimestamp(terms.revealDeadline - 1n);
      await expect(revealTx(s, tenderId, b2, 600n)).to.emit(s.escrow, "BidRevealed");
      await time.setNextBlockTimestamp(terms.revealDeadline);
      await expect(revealTx(s, tenderId, b3, 500n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Awardable, allowed(TenderStatus.Revealing));
    });
  });

  describe("award", function () {
    it("awards the lowest price, fixes the milestones, returns the rest and forfeits unrevealed bonds", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2, b3, b4] = s.bidders;
      await placeBid(s, tenderId, b1, 900_000_000n);
      await placeBid(s, tenderId, b2, 700_000_000n);
      await placeBid(s, tenderId, b3, 100n); // never revealed
      await placeBid(s, tenderId, b4, 800_000_000n);
      await time.increaseTo(terms.bidDeadline);
      await revealTx(s, tenderId, b1, 900_000_000n);
      await revealTx(s, tenderId, b2, 700_000_000n);
      await revealTx(s, tenderId, b4, 800_000_000n);
      await time.setNextBlockTimestamp(terms.revealDeadline);
      const price = 700_000_000n;
      const tx = s.escrow.connect(s.stranger).award(tenderId);
      await expect(tx).to.emit(s.escrow, "TenderAwarded").withArgs(tenderId, 1n, b2.address, price);
      await expect(tx).to.emit(s.escrow, "BondsForfeited").withArgs(tenderId, BOND);
      await expect(tx)
        .to.emit(s.ledger, "FundsReturned")
        .withArgs(LINE, await s.escrow.getAddress(), MAX_PRICE - price, ref(1, tenderId));
      await expect(tx)
        .to.emit(s.ledger, "Deposited")
        .withArgs(await s.escrow.getAddress(), BOND, ref(1, tenderId));
      await expect(tx).to.changeTokenBalances(
        ethers,
        s.token,
        [s.escrow, s.ledger],
        [-(MAX_PRICE - price + BOND), MAX_PRICE - price + BOND],
      );
      const t = await s.escrow.getTender(tenderId);
      expect(t.status).to.equal(TenderStatus.Awarded);
      expect(t.agreementId).to.equal(1n);
      expect((await s.escrow.getBid(tenderId, b3.address)).bond).to.equal(0n);
      const a = await s.escrow.getAgreement(1n);
      expect(a.tenderId).to.equal(tenderId);
      expect(a.contractor).to.equal(b2.address);
      expect(a.price).to.equal(price);
      expect(a.status).to.equal(1n);
      expect(a.paid).to.equal(0n);
      expect(a.retentionHeld).to.equal(0n);
      expect(a.milestoneCount).to.equal(3n);
      const amounts = amountsOf(price, THREE_MILESTONES);
      for (let i = 0; i < 3; i++) {
        const m = await s.escrow.getMilestone(1n, i);
        expect(m.amount).to.equal(amounts[i]);
        expect(m.dueAt).to.equal(terms.revealDeadline + BigInt(THREE_MILESTONES[i].duration));
        expect(m.descriptionHash).to.equal(THREE_MILESTONES[i].descriptionHash);
        expect(m.status).to.equal(1n);
        expect(m.approvals).to.equal(0n);
        expect(m.evidenceHash).to.equal(ZeroHash);
      }
      expect(await s.ledger.committedBy(LINE, await s.escrow.getAddress())).to.equal(price);
      expect(await s.ledger.unallocated()).to.equal(BOND);
    });

    it("gives the rounding remainder to the last milestone", async function () {
      const milestones = [
        { shareBps: 3_333, duration: 0n, descriptionHash: ZeroHash },
        { shareBps: 3_333, duration: 0n, descriptionHash: ZeroHash },
        { shareBps: 3_334, duration: 0n, descriptionHash: ZeroHash },
      ];
      const { tenderId, terms } = await openTender(s, networkHelpers, { milestones });
      await placeBid(s, tenderId, s.bidders[0], 1_000n);
      await time.increaseTo(terms.bidDeadline);
      await revealTx(s, tenderId, s.bidders[0], 1_000n);
      await time.increaseTo(terms.revealDeadline);
      await s.escrow.award(tenderId);
      expect((await s.escrow.getMilestone(1n, 0n)).amount).to.equal(333n);
      expect((await s.escrow.getMilestone(1n, 1n)).amount).to.equal(333n);
      expect((await s.escrow.getMilestone(1n, 2n)).amount).to.equal(334n);
    });

    it("breaks a tie for the earliest reveal, not the earliest bid", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2, b3] = s.bidders;
      await placeBid(s, tenderId, b1, 500n);
      await placeBid(s, tenderId, b2, 500n);
      await placeBid(s, tenderId, b3, 501n);
      await time.increaseTo(terms.bidDeadline);
      await revealTx(s, tenderId, b3, 501n);
      await revealTx(s, tenderId, b2, 500n); // strictly lower: leads
      await revealTx(s, tenderId, b1, 500n); // equal: the earlier reveal keeps the lead
      await time.increaseTo(terms.revealDeadline);
      await expect(s.escrow.award(tenderId))
        .to.emit(s.escrow, "TenderAwarded")
        .withArgs(tenderId, 1n, b2.address, 500n);
    });

    it("fails without a valid bid, returns all of maxPrice and forfeits bad reveals' bonds", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1, b2] = s.bidders;
      await placeBid(s, tenderId, b1, MAX_PRICE + 1n); // can never reveal validly
      await placeBid(s, tenderId, b2, 500n); // never revealed
      await time.increaseTo(terms.bidDeadline);
      await expect(revealTx(s, tenderId, b1, MAX_PRICE + 1n)).to.be.revertedWithCustomError(
        s.escrow,
        "Procurement_InvalidPrice",
      );
      await time.increaseTo(terms.revealDeadline);
      expect(await s.escrow.award.staticCall(tenderId)).to.equal(0n);
      const tx = s.escrow.award(tenderId);
      await expect(tx).to.emit(s.escrow, "TenderFailed").withArgs(tenderId);
      await expect(tx)
        .to.emit(s.escrow, "BondsForfeited")
        .withArgs(tenderId, 2n * BOND);
      await expect(tx)
        .to.emit(s.ledger, "FundsReturned")
        .withArgs(LINE, await s.escrow.getAddress(), MAX_PRICE, ref(1, tenderId));
      await expect(tx).to.not.emit(s.escrow, "TenderAwarded");
      expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus.Failed);
      expect(await s.escrow.agreementCount()).to.equal(0n);
      expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS);
      expect(await s.token.balanceOf(await s.escrow.getAddress())).to.equal(0n);
    });

    it("fails a tender nobody bid on, without forfeiting anything", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      await time.increaseTo(terms.revealDeadline);
      const tx = s.escrow.award(tenderId);
      await expect(tx).to.emit(s.escrow, "TenderFailed").withArgs(tenderId);
      await expect(tx).to.not.emit(s.escrow, "BondsForfeited");
      await expect(tx).to.not.emit(s.ledger, "Deposited");
    });

    it("awards at the full maxPrice without a return", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      await placeBid(s, tenderId, s.bidders[0], MAX_PRICE);
      await time.increaseTo(terms.bidDeadline);
      await revealTx(s, tenderId, s.bidders[0], MAX_PRICE);
      await time.increaseTo(terms.revealDeadline);
      await expect(s.escrow.award(tenderId)).to.not.emit(s.ledger, "FundsReturned");
    });

    it("is closed until revealDeadline and happens once", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      await expect(s.escrow.award(tenderId))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Bidding, allowed(TenderStatus.Awardable));
      await time.setNextBlockTimestamp(terms.revealDeadline - 1n);
      await expect(s.escrow.award(tenderId))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Revealing, allowed(TenderStatus.Awardable));
      await time.setNextBlockTimestamp(terms.revealDeadline);
      await expect(s.escrow.award(tenderId)).to.emit(s.escrow, "TenderFailed");
      await expect(s.escrow.award(tenderId))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Failed, allowed(TenderStatus.Awardable));
      await expect(s.escrow.award(99n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
    });
  });

  describe("cancelTender and reclaimBond", function () {
    const open = allowed(TenderStatus.Bidding, TenderStatus.Revealing, TenderStatus.Awardable);

    for (const stage of ["Bidding", "Revealing", "Awardable"] as const) {
      it(`cancels while ${stage}, returns maxPrice; bidders reclaim their bonds`, async function () {
        const { tenderId, terms } = await openTender(s, networkHelpers);
        const [b1, b2] = s.bidders;
        await placeBid(s, tenderId, b1, 700n);
        await placeBid(s, tenderId, b2, 800n);
        if (stage !== "Bidding") {
          await time.increaseTo(terms.bidDeadline);
          await revealTx(s, tenderId, b1, 700n);
        }
        if (stage === "Awardable") await time.increaseTo(terms.revealDeadline);
        expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus[stage]);
        const tx = s.escrow.connect(s.procurer).cancelTender(tenderId, REASON);
        await expect(tx).to.emit(s.escrow, "TenderCancelled").withArgs(tenderId, REASON);
        await expect(tx)
          .to.emit(s.ledger, "FundsReturned")
          .withArgs(LINE, await s.escrow.getAddress(), MAX_PRICE, ref(1, tenderId));
        expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus.Cancelled);
        expect(await s.ledger.available(LINE)).to.equal(LINE_FUNDS);

        const reclaim = s.escrow.connect(b2).reclaimBond(tenderId);
        await expect(reclaim).to.emit(s.escrow, "BondReclaimed").withArgs(tenderId, b2.address, BOND);
        await expect(reclaim).to.changeTokenBalances(ethers, s.token, [b2, s.escrow], [BOND, -BOND]);
        expect((await s.escrow.getBid(tenderId, b2.address)).bond).to.equal(0n);
        await expect(s.escrow.connect(b2).reclaimBond(tenderId))
          .to.be.revertedWithCustomError(s.escrow, "Procurement_NoBondHeld")
          .withArgs(tenderId, b2.address);
        if (stage === "Bidding") {
          await expect(s.escrow.connect(b1).reclaimBond(tenderId)).to.emit(s.escrow, "BondReclaimed");
        } else {
          // b1 revealed: its bond came back then
          await expect(s.escrow.connect(b1).reclaimBond(tenderId))
            .to.be.revertedWithCustomError(s.escrow, "Procurement_NoBondHeld")
            .withArgs(tenderId, b1.address);
        }
        expect(await s.token.balanceOf(await s.escrow.getAddress())).to.equal(0n);
      });
    }

    it("refuses to cancel an awarded, failed or cancelled tender, or an unknown one", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      await time.increaseTo(terms.revealDeadline);
      await s.escrow.award(tenderId);
      await expect(s.escrow.connect(s.procurer).cancelTender(tenderId, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Failed, open);
      const second = await openTender(s, networkHelpers);
      await s.escrow.connect(s.procurer).cancelTender(second.tenderId, REASON);
      await expect(s.escrow.connect(s.procurer).cancelTender(second.tenderId, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(second.tenderId, TenderStatus.Cancelled, open);
      await expect(s.escrow.connect(s.procurer).cancelTender(99n, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
    });

    it("refuses a reclaim before cancellation, by a non-bidder, or on an unknown tender", async function () {
      const { tenderId } = await openTender(s, networkHelpers);
      const [b1, b2] = s.bidders;
      await placeBid(s, tenderId, b1, 700n);
      await expect(s.escrow.connect(b1).reclaimBond(tenderId))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Bidding, allowed(TenderStatus.Cancelled));
      await s.escrow.connect(s.procurer).cancelTender(tenderId, REASON);
      await expect(s.escrow.connect(b2).reclaimBond(tenderId))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_NoBondHeld")
        .withArgs(tenderId, b2.address);
      await expect(s.escrow.connect(b1).reclaimBond(99n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
    });

    it("refuses bids and reveals on a cancelled tender", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      const [b1] = s.bidders;
      await placeBid(s, tenderId, b1, 700n);
      await s.escrow.connect(s.procurer).cancelTender(tenderId, REASON);
      await expect(s.escrow.connect(b1).submitBid(tenderId, REASON))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Cancelled, allowed(TenderStatus.Bidding));
      await time.increaseTo(terms.bidDeadline);
      await expect(revealTx(s, tenderId, b1, 700n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnexpectedTenderStatus")
        .withArgs(tenderId, TenderStatus.Cancelled, allowed(TenderStatus.Revealing));
    });
  });

  describe("views", function () {
    it("derive the status from the clock: Bidding, Revealing, Awardable at the exact edges", async function () {
      const { tenderId, terms } = await openTender(s, networkHelpers);
      expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus.Bidding);
      await time.increaseTo(terms.bidDeadline - 1n);
      expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus.Bidding);
      await time.increaseTo(terms.bidDeadline);
      expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus.Revealing);
      await time.increaseTo(terms.revealDeadline - 1n);
      expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus.Revealing);
      await time.increaseTo(terms.revealDeadline);
      expect((await s.escrow.getTender(tenderId)).status).to.equal(TenderStatus.Awardable);
    });

    it("revert for unknown tenders and milestone specs; a stranger's bid is empty", async function () {
      const { tenderId } = await openTender(s, networkHelpers);
      await expect(s.escrow.getTender(99n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
      await expect(s.escrow.getBid(99n, s.stranger.address))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
      await expect(s.escrow.bestBid(99n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
      await expect(s.escrow.getMilestoneSpec(99n, 0n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownTender")
        .withArgs(99n);
      await expect(s.escrow.getMilestoneSpec(tenderId, 3n))
        .to.be.revertedWithCustomError(s.escrow, "Procurement_UnknownMilestone")
        .withArgs(0n, 3n, 3n);
      const bid = await s.escrow.getBid(tenderId, s.stranger.address);
      expect(bid.sealedBid).to.equal(ZeroHash);
      expect(bid.bond).to.equal(0n);
      const [leader, price] = await s.escrow.bestBid(tenderId);
      expect(leader).to.equal(ZeroAddress);
      expect(price).to.equal(0n);
    });
  });
});
