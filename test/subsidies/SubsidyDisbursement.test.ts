import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, getAddress, hexlify, id, randomBytes, toBeHex, zeroPadValue } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import {
  DAY,
  FUNDS,
  LINE,
  META,
  OTHER_LINE,
  createOutcome,
  createRoster,
  now,
  roster,
  subsidySuite,
  type Roster,
  type SubsidySuite,
} from "./fixture.js";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const ROSTER = 0n;
const OUTCOME = 1n;
const STATUS = { None: 0n, Scheduled: 1n, Open: 2n, Ended: 3n, Closed: 4n };
/** Status bitmaps (bytes32) of Subsidy_UnexpectedProgramStatus: claims and outcomes need Open. */
const OPEN = toBeHex(1n << STATUS.Open, 32);
const NOT_CLOSED = toBeHex((1n << STATUS.Scheduled) | (1n << STATUS.Open) | (1n << STATUS.Ended), 32);
const MAX_UINT128 = 2n ** 128n - 1n;
const REASON = id("deceased before payment");
const EVIDENCE = id("yield record 2027-07");
const ref = (programId: bigint) => zeroPadValue(toBeHex(programId), 32);
const fresh = () => getAddress(hexlify(randomBytes(20)));

/** Five beneficiaries (fresh addresses) with distinct amounts. */
function smallRoster(n = 5): Roster {
  return roster(Array.from({ length: n }, (_, i) => ({ beneficiary: fresh(), amount: BigInt(1_000_000 * (i + 1)) })));
}

async function base() {
  return subsidySuite(ethers);
}

/** Suite + a roster programme (id 1) over five entries, open now, budget = total. */
async function withRoster() {
  const s = await subsidySuite(ethers);
  const r = smallRoster();
  const programId = await createRoster(s, r, ethers);
  return { s, r, programId };
}

/** Suite + an outcome programme (id 1): 1 token per unit, cap 5 tokens, budget 12 tokens. */
async function withOutcome() {
  const s = await subsidySuite(ethers);
  const programId = await createOutcome(s, ethers, { budget: 12_000_000n, rate: 1_000_000n, cap: 5_000_000n });
  return { s, programId };
}

describe("SubsidyDisbursement", function () {
  describe("constructor", function () {
    it("takes the ledger and its token, and approves the ledger once for returns", async function () {
      const s = await loadFixture(base);
      expect(await s.subsidies.ledger()).to.equal(await s.ledger.getAddress());
      expect(await s.subsidies.token()).to.equal(await s.token.getAddress());
      expect(await s.subsidies.authority()).to.equal(await s.manager.getAddress());
      expect(await s.token.allowance(await s.subsidies.getAddress(), await s.ledger.getAddress())).to.equal(
        2n ** 256n - 1n,
      );
      expect(await s.subsidies.programCount()).to.equal(0n);
    });

    it("refuses a zero ledger", async function () {
      const s = await loadFixture(base);
      const factory = await ethers.getContractFactory("SubsidyDisbursement");
      await expect(factory.deploy(await s.manager.getAddress(), ZeroAddress)).to.be.revertedWithCustomError(
        s.subsidies,
        "Module_ZeroAddress",
      );
    });
  });

  describe("createRosterProgram", function () {
    it("commits the budget from the line, stores the programme and emits ProgramCreated", async function () {
      const s = await loadFixture(base);
      const r = smallRoster();
      const t = (await now(ethers)) + 10;
      await time.setNextBlockTimestamp(t);
      const tx = s.subsidies.connect(s.programManager).createRosterProgram(LINE, r.root, r.total, t, t + DAY, META);
      await expect(tx)
        .to.emit(s.subsidies, "ProgramCreated")
        .withArgs(1n, LINE, ROSTER, r.total, t, t + DAY, r.root, META);
      await expect(tx)
        .to.emit(s.ledger, "Committed")
        .withArgs(LINE, await s.subsidies.getAddress(), r.total, ref(1n));
      await expect(tx).to.changeTokenBalances(ethers, s.token, [s.ledger, s.subsidies], [-r.total, r.total]);
      expect(await s.subsidies.programCount()).to.equal(1n);
      const p = await s.subsidies.getProgram(1n);
      expect(p.kind).to.equal(ROSTER);
      expect(p.lineId).to.equal(LINE);
      expect(p.budget).to.equal(r.total);
      expect(p.paid).to.equal(0n);
      expect(p.opensAt).to.equal(BigInt(t));
      expect(p.closesAt).to.equal(BigInt(t + DAY));
      expect(p.closed).to.equal(false);
      expect(p.merkleRoot).to.equal(r.root);
      expect(p.ratePerUnit).to.equal(0n);
      expect(p.capPerBeneficiary).to.equal(0n);
      expect(p.metadataHash).to.equal(META);
      expect(await s.subsidies.remaining(1n)).to.equal(r.total);
      expect(await s.subsidies.programStatus(1n)).to.equal(STATUS.Open);
      expect(await s.ledger.committedBy(LINE, await s.subsidies.getAddress())).to.equal(r.total);
    });

    it("numbers programmes from 1 and may open later (Scheduled until opensAt)", async function () {
      const s = await loadFixture(base);
      const r = smallRoster();
      expect(await createRoster(s, r, ethers)).to.equal(1n);
      expect(await createRoster(s, r, ethers, { opensIn: DAY, closesIn: 2 * DAY })).to.equal(2n);
      expect(await s.subsidies.programStatus(2n)).to.equal(STATUS.Scheduled);
    });

    // Finding 7 of issue #12: creating a programme commits money into the module, so a pause stops it.
    it("is stopped by the module's pause (it commits money into the module), like an outcome programme", async function () {
      const s = await loadFixture(base);
      await s.subsidies.connect(s.guardian).pause();
      const t = await now(ethers);
      const pm = s.subsidies.connect(s.programManager);
      await expect(pm.createRosterProgram(LINE, id("root"), 1n, t, t + DAY, META))
        .to.be.revertedWithCustomError(s.subsidies, "EnforcedPause")
        .withArgs();
      await expect(pm.createOutcomeProgram(LINE, 1n, 1n, 0n, t, t + DAY, META))
        .to.be.revertedWithCustomError(s.subsidies, "EnforcedPause")
        .withArgs();
      expect(await s.subsidies.programCount()).to.equal(0n);
      await s.subsidies.connect(s.guardian).unpause();
      expect(await createRoster(s, smallRoster(), ethers)).to.equal(1n);
    });

    describe("reverts", function () {
      it("for a caller without PROGRAM_MANAGER", async function () {
        const s = await loadFixture(base);
        const t = await now(ethers);
        await expect(s.subsidies.connect(s.people[0]).createRosterProgram(LINE, id("r"), 1n, t, t + DAY, META))
          .to.be.revertedWithCustomError(s.subsidies, "AccessManagedUnauthorized")
          .withArgs(s.people[0].address);
      });

      it("for a zero root", async function () {
        const s = await loadFixture(base);
        const t = await now(ethers);
        await expect(
          s.subsidies.connect(s.programManager).createRosterProgram(LINE, ZeroHash, 1n, t, t + DAY, META),
        ).to.be.revertedWithCustomError(s.subsidies, "Subsidy_ZeroRoot");
      });

      it("for a zero budget or one above 2^128 - 1", async function () {
        const s = await loadFixture(base);
        const t = await now(ethers);
        const pm = s.subsidies.connect(s.programManager);
        await expect(pm.createRosterProgram(LINE, id("r"), 0n, t, t + DAY, META)).to.be.revertedWithCustomError(
          s.subsidies,
          "Subsidy_ZeroBudget",
        );
        await expect(pm.createRosterProgram(LINE, id("r"), MAX_UINT128 + 1n, t, t + DAY, META))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_BudgetTooLarge")
          .withArgs(MAX_UINT128 + 1n, MAX_UINT128);
      });

      it("for a window in the wrong order, an empty one, or one closing after 2^40 - 1", async function () {
        const s = await loadFixture(base);
        const t = await now(ethers);
        const pm = s.subsidies.connect(s.programManager);
        for (const [o, c] of [
          [t + DAY, t + 10],
          [t + DAY, t + DAY],
          [t, 2 ** 40],
        ]) {
          await expect(pm.createRosterProgram(LINE, id("r"), 1n, o, c, META))
            .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidWindow")
            .withArgs(o, c);
        }
      });

      it("for a window closing in the past (or now)", async function () {
        const s = await loadFixture(base);
        const t = (await now(ethers)) + 100;
        await time.setNextBlockTimestamp(t);
        await expect(s.subsidies.connect(s.programManager).createRosterProgram(LINE, id("r"), 1n, t - 50, t, META))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_ClosesInPast")
          .withArgs(t, t);
      });

      it("for an unknown line or one without enough available (the ledger refuses)", async function () {
        const s = await loadFixture(base);
        const t = await now(ethers);
        const pm = s.subsidies.connect(s.programManager);
        await expect(pm.createRosterProgram(OTHER_LINE, id("r"), 1n, t, t + DAY, META))
          .to.be.revertedWithCustomError(s.ledger, "Ledger_UnknownLine")
          .withArgs(OTHER_LINE);
        await expect(pm.createRosterProgram(LINE, id("r"), FUNDS + 1n, t, t + DAY, META))
          .to.be.revertedWithCustomError(s.ledger, "Ledger_InsufficientAvailable")
          .withArgs(LINE, FUNDS, FUNDS + 1n);
      });

      it("while the ledger is paused (commit stops)", async function () {
        const s = await loadFixture(base);
        await s.ledger.connect(s.guardian).pause();
        const t = await now(ethers);
        await expect(
          s.subsidies.connect(s.programManager).createRosterProgram(LINE, id("r"), 1n, t, t + DAY, META),
        ).to.be.revertedWithCustomError(s.ledger, "EnforcedPause");
      });
    });
  });

  describe("createOutcomeProgram", function () {
    it("commits the budget and stores rate and cap; the event's root is 0", async function () {
      const s = await loadFixture(base);
      const t = (await now(ethers)) + 10;
      await time.setNextBlockTimestamp(t);
      const tx = s.subsidies
        .connect(s.programManager)
        .createOutcomeProgram(LINE, 7_000_000n, 250_000n, 2_000_000n, t, t + DAY, META);
      await expect(tx)
        .to.emit(s.subsidies, "ProgramCreated")
        .withArgs(1n, LINE, OUTCOME, 7_000_000n, t, t + DAY, ZeroHash, META);
      await expect(tx)
        .to.emit(s.ledger, "Committed")
        .withArgs(LINE, await s.subsidies.getAddress(), 7_000_000n, ref(1n));
      const p = await s.subsidies.getProgram(1n);
      expect([p.kind, p.budget, p.paid, p.ratePerUnit, p.capPerBeneficiary, p.merkleRoot]).to.deep.equal([
        OUTCOME,
        7_000_000n,
        0n,
        250_000n,
        2_000_000n,
        ZeroHash,
      ]);
    });

    it("reverts for a zero rate, a stranger, and the common budget and window rules", async function () {
      const s = await loadFixture(base);
      const t = await now(ethers);
      const pm = s.subsidies.connect(s.programManager);
      await expect(pm.createOutcomeProgram(LINE, 1n, 0n, 0n, t, t + DAY, META)).to.be.revertedWithCustomError(
        s.subsidies,
        "Subsidy_ZeroRate",
      );
      await expect(pm.createOutcomeProgram(LINE, 0n, 1n, 0n, t, t + DAY, META)).to.be.revertedWithCustomError(
        s.subsidies,
        "Subsidy_ZeroBudget",
      );
      await expect(pm.createOutcomeProgram(LINE, 1n, 1n, 0n, t + DAY, t, META))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidWindow")
        .withArgs(t + DAY, t);
      await expect(s.subsidies.connect(s.verifier).createOutcomeProgram(LINE, 1n, 1n, 0n, t, t + DAY, META))
        .to.be.revertedWithCustomError(s.subsidies, "AccessManagedUnauthorized")
        .withArgs(s.verifier.address);
    });
  });

  describe("claim", function () {
    it("pays the listed beneficiary whoever submits, books the payout and marks the index", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      const [index, beneficiary, amount, proof] = r.args(2);
      const tx = s.subsidies.connect(s.people[5]).claim(programId, index, beneficiary, amount, proof);
      await expect(tx).to.emit(s.subsidies, "Claimed").withArgs(programId, index, beneficiary, amount);
      await expect(tx)
        .to.emit(s.ledger, "Spent")
        .withArgs(LINE, beneficiary, amount, ref(programId), await s.subsidies.getAddress());
      await expect(tx).to.changeTokenBalances(
        ethers,
        s.token,
        [s.subsidies, beneficiary, s.people[5]],
        [-amount, amount, 0n],
      );
      expect(await s.subsidies.isClaimed(programId, index)).to.equal(true);
      expect(await s.subsidies.isClaimed(programId, 3)).to.equal(false);
      expect(await s.subsidies.remaining(programId)).to.equal(r.total - amount);
      expect((await s.subsidies.getProgram(programId)).paid).to.equal(amount);
      expect(await s.ledger.committedBy(LINE, await s.subsidies.getAddress())).to.equal(r.total - amount);
      expect((await s.ledger.getLine(LINE)).spent).to.equal(amount);
    });

    it("pays every entry of a roster once (all five)", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      for (let i = 0; i < 5; i++) await s.subsidies.claim(programId, ...r.args(i));
      expect(await s.subsidies.remaining(programId)).to.equal(0n);
      for (let i = 0; i < 5; i++) {
        expect(await s.token.balanceOf(r.values[i].beneficiary)).to.equal(r.values[i].amount);
      }
    });

    it("accepts the empty proof of a one-entry roster", async function () {
      const s = await loadFixture(base);
      const r = smallRoster(1);
      const programId = await createRoster(s, r, ethers);
      expect(r.proof(0)).to.deep.equal([]);
      await expect(s.subsidies.claim(programId, ...r.args(0)))
        .to.emit(s.subsidies, "Claimed")
        .withArgs(programId, 0, r.values[0].beneficiary, r.values[0].amount);
    });

    it("pays indices anywhere in uint256 (bitmap word index >> 8, bit index & 0xff)", async function () {
      const s = await loadFixture(base);
      const indices = [2n ** 256n - 1n, 2n ** 255n, 255n, 256n];
      const values: Array<[bigint, string, bigint]> = indices.map((i) => [i, fresh(), 3n]);
      const oz = StandardMerkleTree.of(values, ["uint256", "address", "uint256"]);
      const t = await now(ethers);
      await s.subsidies.connect(s.programManager).createRosterProgram(LINE, oz.root, 12n, t, t + DAY, META);
      for (const [k, [i, b, a]] of values.entries()) {
        await expect(s.subsidies.claim(1n, i, b, a, oz.getProof(k)))
          .to.emit(s.subsidies, "Claimed")
          .withArgs(1n, i, b, a);
        expect(await s.subsidies.isClaimed(1n, i)).to.equal(true);
      }
      for (const i of [2n ** 256n - 2n, 2n ** 255n + 1n, 254n, 257n, 0n]) {
        expect(await s.subsidies.isClaimed(1n, i)).to.equal(false);
      }
    });

    it("keeps programmes apart: the same roster in two programmes pays once in each", async function () {
      const s = await loadFixture(base);
      const r = smallRoster();
      const first = await createRoster(s, r, ethers);
      const second = await createRoster(s, r, ethers);
      await s.subsidies.claim(first, ...r.args(0));
      expect(await s.subsidies.isClaimed(second, 0)).to.equal(false);
      await expect(s.subsidies.claim(second, ...r.args(0)))
        .to.emit(s.subsidies, "Claimed")
        .withArgs(second, 0, r.values[0].beneficiary, r.values[0].amount);
      expect(await s.token.balanceOf(r.values[0].beneficiary)).to.equal(2n * r.values[0].amount);
      expect(await s.subsidies.remaining(first)).to.equal(r.total - r.values[0].amount);
    });

    it("pays at opensAt and refuses at closesAt", async function () {
      const s = await loadFixture(base);
      const r = smallRoster();
      const programId = await createRoster(s, r, ethers, { opensIn: 100, closesIn: 200 });
      const p = await s.subsidies.getProgram(programId);
      await time.setNextBlockTimestamp(p.opensAt);
      await s.subsidies.claim(programId, ...r.args(0));
      await time.setNextBlockTimestamp(p.closesAt);
      await expect(s.subsidies.claim(programId, ...r.args(1)))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
        .withArgs(programId, STATUS.Ended, OPEN);
    });

    describe("reverts", function () {
      it("for an unknown programme", async function () {
        const { s, r } = await loadFixture(withRoster);
        for (const bad of [0n, 2n]) {
          await expect(s.subsidies.claim(bad, ...r.args(0)))
            .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnknownProgram")
            .withArgs(bad);
        }
      });

      it("for an outcome programme", async function () {
        const { s, r } = await loadFixture(withRoster);
        const outcomeId = await createOutcome(s, ethers);
        await expect(s.subsidies.claim(outcomeId, ...r.args(0)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_WrongKind")
          .withArgs(outcomeId, OUTCOME, ROSTER);
      });

      it("before opensAt, after closesAt and once closed", async function () {
        const s = await loadFixture(base);
        const r = smallRoster();
        const programId = await createRoster(s, r, ethers, { opensIn: 100, closesIn: 200 });
        const p = await s.subsidies.getProgram(programId);
        await expect(s.subsidies.claim(programId, ...r.args(0)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Scheduled, OPEN);
        await time.increaseTo(p.closesAt);
        await expect(s.subsidies.claim(programId, ...r.args(0)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Ended, OPEN);
        await s.subsidies.closeProgram(programId);
        await expect(s.subsidies.claim(programId, ...r.args(0)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Closed, OPEN);
      });

      it("once a PROGRAM_MANAGER closed it early, inside its window (claim and batch)", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        await s.subsidies.connect(s.programManager).closeProgram(programId);
        const p = await s.subsidies.getProgram(programId);
        expect(await now(ethers)).to.be.below(Number(p.closesAt));
        await expect(s.subsidies.claim(programId, ...r.args(0)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Closed, OPEN);
        const entry = { index: 0, beneficiary: r.values[0].beneficiary, amount: r.values[0].amount, proof: r.proof(0) };
        await expect(s.subsidies.claimBatch(programId, [entry]))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Closed, OPEN);
      });

      it("for a claimed index", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        await s.subsidies.claim(programId, ...r.args(1));
        await expect(s.subsidies.claim(programId, ...r.args(1)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_AlreadyClaimed")
          .withArgs(programId, 1);
      });

      it("for a blocked index", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        await s.subsidies.connect(s.programManager).blockClaim(programId, 1, REASON);
        await expect(s.subsidies.claim(programId, ...r.args(1)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_ClaimBlocked")
          .withArgs(programId, 1);
      });

      it("for a tampered amount, index, beneficiary or proof", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        const [index, beneficiary, amount, proof] = r.args(2);
        const other = fresh();
        const badNode = [...proof];
        badNode[0] = id("not a node");
        for (const [i, b, a, p] of [
          [index, beneficiary, amount + 1n, proof],
          [3, beneficiary, amount, proof],
          [index, other, amount, proof],
          [index, beneficiary, amount, badNode],
          [index, beneficiary, amount, proof.slice(1)],
        ] as Array<[number, string, bigint, string[]]>) {
          await expect(s.subsidies.claim(programId, i, b, a, p))
            .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidProof")
            .withArgs(programId, i, b, a);
        }
      });

      it("for a claim above what the programme has left", async function () {
        const s = await loadFixture(base);
        const r = smallRoster();
        const programId = await createRoster(s, r, ethers, { budget: r.total - 1n });
        for (let i = 0; i < 4; i++) await s.subsidies.claim(programId, ...r.args(i));
        await expect(s.subsidies.claim(programId, ...r.args(4)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InsufficientBudget")
          .withArgs(programId, r.values[4].amount - 1n, r.values[4].amount);
      });

      it("for a listed amount of 0 or a zero beneficiary (a roster built elsewhere)", async function () {
        const s = await loadFixture(base);
        const b = fresh();
        const oz = StandardMerkleTree.of(
          [
            [0n, b, 0n],
            [1n, ZeroAddress, 5n],
            [2n, fresh(), 5n],
          ],
          ["uint256", "address", "uint256"],
        );
        const t = await now(ethers);
        await s.subsidies.connect(s.programManager).createRosterProgram(LINE, oz.root, 10n, t, t + DAY, META);
        await expect(s.subsidies.claim(1n, 0, b, 0n, oz.getProof(0)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_ZeroAmount")
          .withArgs(1n, 0);
        await expect(s.subsidies.claim(1n, 1, ZeroAddress, 5n, oz.getProof(1))).to.be.revertedWithCustomError(
          s.subsidies,
          "Subsidy_ZeroAddress",
        );
      });

      it("for this contract as beneficiary (its tokens would be counted twice)", async function () {
        const s = await loadFixture(base);
        const self = await s.subsidies.getAddress();
        const oz = StandardMerkleTree.of(
          [
            [0n, self, 5n],
            [1n, fresh(), 5n],
          ],
          ["uint256", "address", "uint256"],
        );
        const t = await now(ethers);
        await s.subsidies.connect(s.programManager).createRosterProgram(LINE, oz.root, 10n, t, t + DAY, META);
        await expect(s.subsidies.claim(1n, 0, self, 5n, oz.getProof(0)))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidBeneficiary")
          .withArgs(1n, self);
        await expect(s.subsidies.claimBatch(1n, [{ index: 0, beneficiary: self, amount: 5n, proof: oz.getProof(0) }]))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidBeneficiary")
          .withArgs(1n, self);
      });

      it("while the module or the ledger is paused", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        await s.subsidies.connect(s.guardian).pause();
        await expect(s.subsidies.claim(programId, ...r.args(0))).to.be.revertedWithCustomError(
          s.subsidies,
          "EnforcedPause",
        );
        await s.subsidies.connect(s.guardian).unpause();
        await s.ledger.connect(s.guardian).pause();
        await expect(s.subsidies.claim(programId, ...r.args(0))).to.be.revertedWithCustomError(
          s.ledger,
          "EnforcedPause",
        );
        await s.ledger.connect(s.guardian).unpause();
        await s.subsidies.claim(programId, ...r.args(0));
      });
    });

    describe("OpenZeppelin merkle-tree cross-check", function () {
      async function ozProgramme() {
        const s = await subsidySuite(ethers);
        const values: Array<[bigint, string, bigint]> = Array.from({ length: 9 }, (_, i) => [
          BigInt(i),
          fresh(),
          BigInt(1000 + i),
        ]);
        const oz = StandardMerkleTree.of(values, ["uint256", "address", "uint256"]);
        const t = await now(ethers);
        await s.subsidies.connect(s.programManager).createRosterProgram(LINE, oz.root, 20_000n, t, t + DAY, META);
        return { s, oz, values };
      }

      it("accepts the library's proofs for every entry, and its multiproof-free verify agrees", async function () {
        const { s, oz, values } = await loadFixture(ozProgramme);
        const lib = roster(values.map(([, beneficiary, amount]) => ({ beneficiary, amount })));
        expect(lib.root).to.equal(oz.root);
        for (const [i, v] of oz.entries()) {
          expect(lib.proof(i)).to.deep.equal(oz.getProof(i));
          expect(StandardMerkleTree.verify(oz.root, ["uint256", "address", "uint256"], v, lib.proof(i))).to.equal(true);
          await expect(s.subsidies.claim(1n, v[0], v[1], v[2], oz.getProof(i)))
            .to.emit(s.subsidies, "Claimed")
            .withArgs(1n, v[0], v[1], v[2]);
        }
      });

      it("refuses a tampered amount, index or beneficiary with the library's proof", async function () {
        const { s, oz, values } = await loadFixture(ozProgramme);
        const [i, b, a] = values[4];
        const proof = oz.getProof(4);
        for (const [ti, tb, ta] of [
          [i, b, a + 1n],
          [i + 1n, b, a],
          [i, values[5][1], a],
        ] as Array<[bigint, string, bigint]>) {
          expect(StandardMerkleTree.verify(oz.root, ["uint256", "address", "uint256"], [ti, tb, ta], proof)).to.equal(
            false,
          );
          await expect(s.subsidies.claim(1n, ti, tb, ta, proof))
            .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidProof")
            .withArgs(1n, ti, tb, ta);
        }
      });
    });
  });

  describe("claimBatch", function () {
    const entry = (r: Roster, i: number) => ({
      index: i,
      beneficiary: r.values[i].beneficiary,
      amount: r.values[i].amount,
      proof: r.proof(i),
    });

    it("pays every entry, emits Claimed and Spent for each and writes the budget once", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      const tx = s.subsidies.connect(s.people[3]).claimBatch(
        programId,
        [0, 1, 2, 3, 4].map((i) => entry(r, i)),
      );
      for (let i = 0; i < 5; i++) {
        await expect(tx)
          .to.emit(s.subsidies, "Claimed")
          .withArgs(programId, i, r.values[i].beneficiary, r.values[i].amount);
        await expect(tx)
          .to.emit(s.ledger, "Spent")
          .withArgs(LINE, r.values[i].beneficiary, r.values[i].amount, ref(programId), await s.subsidies.getAddress());
      }
      await expect(tx).to.changeTokenBalance(ethers, s.token, s.subsidies, -r.total);
      expect(await s.subsidies.remaining(programId)).to.equal(0n);
      for (let i = 0; i < 5; i++) expect(await s.subsidies.isClaimed(programId, i)).to.equal(true);
    });

    it("skips claimed, blocked and repeated entries", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.subsidies.claim(programId, ...r.args(0));
      await s.subsidies.connect(s.programManager).blockClaim(programId, 1, REASON);
      const tx = await s.subsidies.claimBatch(
        programId,
        [0, 1, 2, 2, 3].map((i) => entry(r, i)),
      );
      const receipt = await tx.wait();
      const claimed = receipt!.logs
        .map((log) => s.subsidies.interface.parseLog(log))
        .filter((e) => e?.name === "Claimed")
        .map((e) => Number(e!.args.index));
      expect(claimed).to.deep.equal([2, 3]);
      // the blocked entry's amount stays in the budget, for the return at close
      expect(await s.subsidies.remaining(programId)).to.equal(r.values[1].amount + r.values[4].amount);
      expect(await s.token.balanceOf(r.values[2].beneficiary)).to.equal(r.values[2].amount);
    });

    it("does nothing when every entry is skipped", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.subsidies.claim(programId, ...r.args(0));
      await expect(s.subsidies.claimBatch(programId, [entry(r, 0)])).not.to.emit(s.subsidies, "Claimed");
      expect(await s.subsidies.remaining(programId)).to.equal(r.total - r.values[0].amount);
    });

    it("handles entries over several bitmap words, in any order", async function () {
      const s = await loadFixture(base);
      const r = roster(Array.from({ length: 700 }, () => ({ beneficiary: fresh(), amount: 10n })));
      const programId = await createRoster(s, r, ethers);
      const order = [0, 300, 1, 600, 299, 300, 256, 255, 699];
      const tx = await s.subsidies.claimBatch(
        programId,
        order.map((i) => entry(r, i)),
      );
      const receipt = await tx.wait();
      const claimed = receipt!.logs
        .map((log) => s.subsidies.interface.parseLog(log))
        .filter((e) => e?.name === "Claimed")
        .map((e) => Number(e!.args.index));
      expect(claimed).to.deep.equal([0, 300, 1, 600, 299, 256, 255, 699]);
      for (const i of order) expect(await s.subsidies.isClaimed(programId, i)).to.equal(true);
      for (const i of [2, 257, 301, 601, 698]) expect(await s.subsidies.isClaimed(programId, i)).to.equal(false);
      await expect(s.subsidies.claim(programId, ...r.args(256)))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_AlreadyClaimed")
        .withArgs(programId, 256);
      expect(await s.subsidies.remaining(programId)).to.equal(r.total - 80n);
    });

    describe("reverts", function () {
      it("as a whole on an invalid proof", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        const bad = { ...entry(r, 3), amount: r.values[3].amount + 1n };
        await expect(s.subsidies.claimBatch(programId, [entry(r, 0), bad]))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidProof")
          .withArgs(programId, 3, bad.beneficiary, bad.amount);
        expect(await s.subsidies.isClaimed(programId, 0)).to.equal(false);
      });

      it("when the entries together ask for more than is left", async function () {
        const s = await loadFixture(base);
        const r = smallRoster();
        const programId = await createRoster(s, r, ethers, { budget: 4_000_000n });
        await expect(
          s.subsidies.claimBatch(
            programId,
            [0, 1, 2].map((i) => entry(r, i)),
          ),
        )
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InsufficientBudget")
          .withArgs(programId, 1_000_000n, 3_000_000n);
      });

      it("for an empty batch, an unknown, outcome, unopened or paused programme", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        await expect(s.subsidies.claimBatch(programId, []))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_EmptyBatch")
          .withArgs(programId);
        await expect(s.subsidies.claimBatch(9n, [entry(r, 0)]))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnknownProgram")
          .withArgs(9n);
        const outcomeId = await createOutcome(s, ethers);
        await expect(s.subsidies.claimBatch(outcomeId, [entry(r, 0)]))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_WrongKind")
          .withArgs(outcomeId, OUTCOME, ROSTER);
        const later = await createRoster(s, r, ethers, { opensIn: DAY, closesIn: 2 * DAY });
        await expect(s.subsidies.claimBatch(later, [entry(r, 0)]))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(later, STATUS.Scheduled, OPEN);
        await s.subsidies.connect(s.guardian).pause();
        await expect(s.subsidies.claimBatch(programId, [entry(r, 0)])).to.be.revertedWithCustomError(
          s.subsidies,
          "EnforcedPause",
        );
        await s.subsidies.connect(s.guardian).unpause();
        await s.ledger.connect(s.guardian).pause();
        await expect(s.subsidies.claimBatch(programId, [entry(r, 0)])).to.be.revertedWithCustomError(
          s.ledger,
          "EnforcedPause",
        );
        expect(await s.subsidies.isClaimed(programId, 0)).to.equal(false);
      });

      it("for a zero amount in an entry not skipped, even after valid entries", async function () {
        const s = await loadFixture(base);
        const b = fresh();
        const oz = StandardMerkleTree.of<[bigint, string, bigint]>(
          [
            [0n, fresh(), 4n],
            [1n, b, 0n],
          ],
          ["uint256", "address", "uint256"],
        );
        const t = await now(ethers);
        await s.subsidies.connect(s.programManager).createRosterProgram(LINE, oz.root, 10n, t, t + DAY, META);
        const entries = [...oz.entries()].map(([k, [index, beneficiary, amount]]) => ({
          index,
          beneficiary,
          amount,
          proof: oz.getProof(k),
        }));
        await expect(s.subsidies.claimBatch(1n, entries))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_ZeroAmount")
          .withArgs(1n, 1n);
      });
    });
  });

  describe("blockClaim", function () {
    it("blocks an unclaimed index (also while paused) and emits ClaimBlocked", async function () {
      const { s, programId } = await loadFixture(withRoster);
      await s.subsidies.connect(s.guardian).pause();
      await expect(s.subsidies.connect(s.programManager).blockClaim(programId, 3, REASON))
        .to.emit(s.subsidies, "ClaimBlocked")
        .withArgs(programId, 3, REASON);
      expect(await s.subsidies.isBlocked(programId, 3)).to.equal(true);
      expect(await s.subsidies.isClaimed(programId, 3)).to.equal(false);
      expect(await s.subsidies.isBlocked(programId, 2)).to.equal(false);
    });

    it("keeps claimed and blocked apart in one bitmap word, and a blocked index never pays", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.subsidies.claim(programId, ...r.args(2));
      await s.subsidies.connect(s.programManager).blockClaim(programId, 3, REASON);
      const views = async (i: number) => [
        await s.subsidies.isClaimed(programId, i),
        await s.subsidies.isBlocked(programId, i),
      ];
      expect(await views(2)).to.deep.equal([true, false]);
      expect(await views(3)).to.deep.equal([false, true]);
      expect(await views(4)).to.deep.equal([false, false]);
      await expect(s.subsidies.claim(programId, ...r.args(3)))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_ClaimBlocked")
        .withArgs(programId, 3);
      await s.subsidies.claim(programId, ...r.args(4));
      expect(await views(3)).to.deep.equal([false, true]);
      expect(await s.token.balanceOf(r.values[3].beneficiary)).to.equal(0n);
    });

    it("blocks after closesAt until the programme is closed, and any index", async function () {
      const { s, programId } = await loadFixture(withRoster);
      await time.increaseTo((await s.subsidies.getProgram(programId)).closesAt);
      const far = 2n ** 255n + 7n;
      await expect(s.subsidies.connect(s.programManager).blockClaim(programId, far, REASON))
        .to.emit(s.subsidies, "ClaimBlocked")
        .withArgs(programId, far, REASON);
      expect(await s.subsidies.isBlocked(programId, far)).to.equal(true);
      expect(await s.subsidies.isBlocked(programId, far - 1n)).to.equal(false);
    });

    it("keeps the blocked amount for the return at close", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.subsidies.connect(s.programManager).blockClaim(programId, 4, REASON);
      for (let i = 0; i < 4; i++) await s.subsidies.claim(programId, ...r.args(i));
      await expect(s.subsidies.connect(s.programManager).closeProgram(programId))
        .to.emit(s.subsidies, "ProgramClosed")
        .withArgs(programId, r.values[4].amount);
    });

    describe("reverts", function () {
      it("for a stranger", async function () {
        const { s, programId } = await loadFixture(withRoster);
        await expect(s.subsidies.connect(s.verifier).blockClaim(programId, 0, REASON))
          .to.be.revertedWithCustomError(s.subsidies, "AccessManagedUnauthorized")
          .withArgs(s.verifier.address);
      });

      it("for a claimed or already blocked index", async function () {
        const { s, r, programId } = await loadFixture(withRoster);
        await s.subsidies.claim(programId, ...r.args(0));
        const pm = s.subsidies.connect(s.programManager);
        await expect(pm.blockClaim(programId, 0, REASON))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_AlreadyClaimed")
          .withArgs(programId, 0);
        await pm.blockClaim(programId, 1, REASON);
        await expect(pm.blockClaim(programId, 1, REASON))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_AlreadyBlocked")
          .withArgs(programId, 1);
      });

      it("for an unknown, outcome or closed programme", async function () {
        const { s, programId } = await loadFixture(withRoster);
        const pm = s.subsidies.connect(s.programManager);
        await expect(pm.blockClaim(7n, 0, REASON))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnknownProgram")
          .withArgs(7n);
        const outcomeId = await createOutcome(s, ethers);
        await expect(pm.blockClaim(outcomeId, 0, REASON))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_WrongKind")
          .withArgs(outcomeId, OUTCOME, ROSTER);
        await pm.closeProgram(programId);
        await expect(pm.blockClaim(programId, 0, REASON))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Closed, NOT_CLOSED);
      });
    });
  });

  describe("recordOutcome", function () {
    it("pays quantity x rate at once, books it and emits OutcomeRecorded", async function () {
      const { s, programId } = await loadFixture(withOutcome);
      const b = fresh();
      const verifier = s.subsidies.connect(s.verifier);
      expect(await verifier.recordOutcome.staticCall(programId, b, 3n, EVIDENCE)).to.equal(3_000_000n);
      const tx = verifier.recordOutcome(programId, b, 3n, EVIDENCE);
      await expect(tx).to.emit(s.subsidies, "OutcomeRecorded").withArgs(programId, b, 3n, 3_000_000n, EVIDENCE);
      await expect(tx)
        .to.emit(s.ledger, "Spent")
        .withArgs(LINE, b, 3_000_000n, ref(programId), await s.subsidies.getAddress());
      await expect(tx).to.changeTokenBalances(ethers, s.token, [s.subsidies, b], [-3_000_000n, 3_000_000n]);
      expect(await s.subsidies.paidTo(programId, b)).to.equal(3_000_000n);
      expect(await s.subsidies.remaining(programId)).to.equal(9_000_000n);
      expect((await s.subsidies.getProgram(programId)).paid).to.equal(3_000_000n);
    });

    it("pays up to the cap per beneficiary, then refuses with Subsidy_CapReached", async function () {
      const { s, programId } = await loadFixture(withOutcome);
      const b = fresh();
      const verifier = s.subsidies.connect(s.verifier);
      await verifier.recordOutcome(programId, b, 4n, EVIDENCE);
      await expect(verifier.recordOutcome(programId, b, 4n, EVIDENCE))
        .to.emit(s.subsidies, "OutcomeRecorded")
        .withArgs(programId, b, 4n, 1_000_000n, EVIDENCE);
      expect(await s.subsidies.paidTo(programId, b)).to.equal(5_000_000n);
      await expect(verifier.recordOutcome(programId, b, 1n, EVIDENCE))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_CapReached")
        .withArgs(programId, b, 5_000_000n);
    });

    it("pays the rest of the budget, then stops with Subsidy_BudgetExhausted", async function () {
      const { s, programId } = await loadFixture(withOutcome);
      const verifier = s.subsidies.connect(s.verifier);
      const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
      await verifier.recordOutcome(programId, a, 5n, EVIDENCE);
      await verifier.recordOutcome(programId, b, 5n, EVIDENCE);
      await expect(verifier.recordOutcome(programId, c, 5n, EVIDENCE))
        .to.emit(s.subsidies, "OutcomeRecorded")
        .withArgs(programId, c, 5n, 2_000_000n, EVIDENCE);
      expect(await s.subsidies.remaining(programId)).to.equal(0n);
      await expect(verifier.recordOutcome(programId, d, 1n, EVIDENCE))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_BudgetExhausted")
        .withArgs(programId);
    });

    it("treats a quantity x rate that overflows as unbounded (cap and budget still apply)", async function () {
      const s = await loadFixture(base);
      const programId = await createOutcome(s, ethers, { budget: 5n, rate: 2n ** 200n, cap: 0n });
      const b = fresh();
      await expect(s.subsidies.connect(s.verifier).recordOutcome(programId, b, 2n ** 100n, EVIDENCE))
        .to.emit(s.subsidies, "OutcomeRecorded")
        .withArgs(programId, b, 2n ** 100n, 5n, EVIDENCE);
    });

    it("pays at opensAt and at closesAt - 1, refuses at closesAt", async function () {
      const s = await loadFixture(base);
      const programId = await createOutcome(s, ethers, { opensIn: 100, closesIn: 200 });
      const p = await s.subsidies.getProgram(programId);
      const verifier = s.subsidies.connect(s.verifier);
      await time.setNextBlockTimestamp(p.opensAt);
      await expect(verifier.recordOutcome(programId, fresh(), 1n, EVIDENCE)).to.emit(s.subsidies, "OutcomeRecorded");
      await time.setNextBlockTimestamp(p.closesAt - 1n);
      await expect(verifier.recordOutcome(programId, fresh(), 1n, EVIDENCE)).to.emit(s.subsidies, "OutcomeRecorded");
      await time.setNextBlockTimestamp(p.closesAt);
      await expect(verifier.recordOutcome(programId, fresh(), 1n, EVIDENCE))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
        .withArgs(programId, STATUS.Ended, OPEN);
    });

    it("caps the first payout when the cap is below quantity x rate, and the budget binds below the cap", async function () {
      const s = await loadFixture(base);
      const programId = await createOutcome(s, ethers, { budget: 25n, rate: 10n, cap: 15n });
      const [a, b] = [fresh(), fresh()];
      const verifier = s.subsidies.connect(s.verifier);
      await expect(verifier.recordOutcome(programId, a, 2n, EVIDENCE))
        .to.emit(s.subsidies, "OutcomeRecorded")
        .withArgs(programId, a, 2n, 15n, EVIDENCE);
      // b could get 15 by the cap, but only 10 are left
      await expect(verifier.recordOutcome(programId, b, 9n, EVIDENCE))
        .to.emit(s.subsidies, "OutcomeRecorded")
        .withArgs(programId, b, 9n, 10n, EVIDENCE);
      expect([await s.subsidies.paidTo(programId, a), await s.subsidies.paidTo(programId, b)]).to.deep.equal([
        15n,
        10n,
      ]);
      // the cap is checked before the budget: a is told it reached its cap
      await expect(verifier.recordOutcome(programId, a, 1n, EVIDENCE))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_CapReached")
        .withArgs(programId, a, 15n);
    });

    it("keeps paidTo per programme", async function () {
      const s = await loadFixture(base);
      const one = await createOutcome(s, ethers, { budget: 100n, rate: 10n, cap: 20n });
      const two = await createOutcome(s, ethers, { budget: 100n, rate: 10n, cap: 20n });
      const b = fresh();
      await s.subsidies.connect(s.verifier).recordOutcome(one, b, 2n, EVIDENCE);
      expect(await s.subsidies.paidTo(two, b)).to.equal(0n);
      await expect(s.subsidies.connect(s.verifier).recordOutcome(two, b, 5n, EVIDENCE))
        .to.emit(s.subsidies, "OutcomeRecorded")
        .withArgs(two, b, 5n, 20n, EVIDENCE);
    });

    it("has no cap per beneficiary when the cap is 0", async function () {
      const s = await loadFixture(base);
      const programId = await createOutcome(s, ethers, { budget: 100n, rate: 10n, cap: 0n });
      const b = fresh();
      const verifier = s.subsidies.connect(s.verifier);
      for (let k = 0; k < 3; k++) await verifier.recordOutcome(programId, b, 3n, EVIDENCE);
      expect(await s.subsidies.paidTo(programId, b)).to.equal(90n);
    });

    describe("reverts", function () {
      it("for a payout of 0 (quantity 0)", async function () {
        const { s, programId } = await loadFixture(withOutcome);
        const b = fresh();
        await expect(s.subsidies.connect(s.verifier).recordOutcome(programId, b, 0n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_ZeroPayout")
          .withArgs(programId, b, 0n);
      });

      it("for a zero beneficiary, a stranger, an unknown or roster programme", async function () {
        const { s, programId } = await loadFixture(withOutcome);
        const verifier = s.subsidies.connect(s.verifier);
        await expect(verifier.recordOutcome(programId, ZeroAddress, 1n, EVIDENCE)).to.be.revertedWithCustomError(
          s.subsidies,
          "Subsidy_ZeroAddress",
        );
        const self = await s.subsidies.getAddress();
        await expect(verifier.recordOutcome(programId, self, 1n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_InvalidBeneficiary")
          .withArgs(programId, self);
        await expect(s.subsidies.connect(s.programManager).recordOutcome(programId, fresh(), 1n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "AccessManagedUnauthorized")
          .withArgs(s.programManager.address);
        await expect(verifier.recordOutcome(5n, fresh(), 1n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnknownProgram")
          .withArgs(5n);
        const rosterId = await createRoster(s, smallRoster(), ethers);
        await expect(verifier.recordOutcome(rosterId, fresh(), 1n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_WrongKind")
          .withArgs(rosterId, ROSTER, OUTCOME);
      });

      it("once a PROGRAM_MANAGER closed it early, inside its window", async function () {
        const { s, programId } = await loadFixture(withOutcome);
        await s.subsidies.connect(s.programManager).closeProgram(programId);
        await expect(s.subsidies.connect(s.verifier).recordOutcome(programId, fresh(), 1n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Closed, OPEN);
      });

      it("outside the window and while paused", async function () {
        const s = await loadFixture(base);
        const programId = await createOutcome(s, ethers, { opensIn: 100, closesIn: 200 });
        const p = await s.subsidies.getProgram(programId);
        const verifier = s.subsidies.connect(s.verifier);
        await expect(verifier.recordOutcome(programId, fresh(), 1n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Scheduled, OPEN);
        await time.increaseTo(p.opensAt);
        await s.subsidies.connect(s.guardian).pause();
        await expect(verifier.recordOutcome(programId, fresh(), 1n, EVIDENCE)).to.be.revertedWithCustomError(
          s.subsidies,
          "EnforcedPause",
        );
        await time.increaseTo(p.closesAt);
        await s.subsidies.connect(s.guardian).unpause();
        await expect(verifier.recordOutcome(programId, fresh(), 1n, EVIDENCE))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Ended, OPEN);
      });
    });
  });

  describe("closeProgram", function () {
    it("lets anyone close after closesAt and returns budget - paid to the line", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.subsidies.claim(programId, ...r.args(0));
      const left = r.total - r.values[0].amount;
      const p = await s.subsidies.getProgram(programId);
      await time.increaseTo(p.closesAt);
      expect(await s.subsidies.programStatus(programId)).to.equal(STATUS.Ended);
      const availableBefore = await s.ledger.available(LINE);
      const tx = s.subsidies.connect(s.people[0]).closeProgram(programId);
      await expect(tx).to.emit(s.subsidies, "ProgramClosed").withArgs(programId, left);
      await expect(tx)
        .to.emit(s.ledger, "FundsReturned")
        .withArgs(LINE, await s.subsidies.getAddress(), left, ref(programId));
      await expect(tx).to.changeTokenBalances(ethers, s.token, [s.subsidies, s.ledger], [-left, left]);
      expect(await s.ledger.available(LINE)).to.equal(availableBefore + left);
      expect(await s.ledger.committedBy(LINE, await s.subsidies.getAddress())).to.equal(0n);
      expect(await s.subsidies.programStatus(programId)).to.equal(STATUS.Closed);
      expect(await s.subsidies.remaining(programId)).to.equal(0n);
      expect(await s.subsidies.openProgramCount()).to.equal(0n);
      const closed = await s.subsidies.getProgram(programId);
      expect([closed.closed, closed.paid, closed.budget]).to.deep.equal([true, r.values[0].amount, r.total]);
    });

    it("opens to anyone at the exact second closesAt, when claims stop (not one second before)", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      const p = await s.subsidies.getProgram(programId);
      await time.setNextBlockTimestamp(p.closesAt - 1n);
      await expect(s.subsidies.connect(s.people[0]).closeProgram(programId))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_CloseNotAllowed")
        .withArgs(programId, s.people[0].address, p.closesAt);
      await time.setNextBlockTimestamp(p.closesAt - 1n);
      await s.subsidies.claim(programId, ...r.args(0));
      await time.setNextBlockTimestamp(p.closesAt);
      await expect(s.subsidies.connect(s.people[0]).closeProgram(programId))
        .to.emit(s.subsidies, "ProgramClosed")
        .withArgs(programId, r.total - r.values[0].amount);
    });

    it("lets anyone close after closesAt while the module and the ledger are paused", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.subsidies.connect(s.guardian).pause();
      await s.ledger.connect(s.guardian).pause();
      await time.increaseTo((await s.subsidies.getProgram(programId)).closesAt);
      await expect(s.subsidies.connect(s.people[2]).closeProgram(programId))
        .to.emit(s.subsidies, "ProgramClosed")
        .withArgs(programId, r.total);
      expect(await s.token.balanceOf(await s.subsidies.getAddress())).to.equal(0n);
    });

    it("refuses the early close while the AccessManager holds the contract closed; after closesAt anyone closes", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      const target = await s.subsidies.getAddress();
      await s.manager.setTargetClosed(target, true);
      const p = await s.subsidies.getProgram(programId);
      await expect(s.subsidies.connect(s.programManager).closeProgram(programId))
        .to.be.revertedWithCustomError(s.subsidies, "Subsidy_CloseNotAllowed")
        .withArgs(programId, s.programManager.address, p.closesAt);
      // the restricted functions are closed too
      await expect(s.subsidies.connect(s.programManager).blockClaim(programId, 0, REASON))
        .to.be.revertedWithCustomError(s.subsidies, "AccessManagedUnauthorized")
        .withArgs(s.programManager.address);
      await time.increaseTo(p.closesAt);
      await expect(s.subsidies.connect(s.people[0]).closeProgram(programId))
        .to.emit(s.subsidies, "ProgramClosed")
        .withArgs(programId, r.total);
    });

    it("lets a PROGRAM_MANAGER close at any time, also while the module and the ledger are paused", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.subsidies.connect(s.guardian).pause();
      await s.ledger.connect(s.guardian).pause();
      await expect(s.subsidies.connect(s.programManager).closeProgram(programId))
        .to.emit(s.subsidies, "ProgramClosed")
        .withArgs(programId, r.total);
    });

    it("closes a fully paid programme without a ledger return", async function () {
      const s = await loadFixture(base);
      const programId = await createOutcome(s, ethers, { budget: 10n, rate: 10n });
      await s.subsidies.connect(s.verifier).recordOutcome(programId, fresh(), 1n, EVIDENCE);
      const tx = s.subsidies.connect(s.programManager).closeProgram(programId);
      await expect(tx).to.emit(s.subsidies, "ProgramClosed").withArgs(programId, 0n);
      await expect(tx).not.to.emit(s.ledger, "FundsReturned");
    });

    it("returns to a closed line: the cash becomes unallocated", async function () {
      const { s, r, programId } = await loadFixture(withRoster);
      await s.ledger.connect(s.officer).closeLine(LINE);
      const unallocated = await s.ledger.unallocated();
      await s.subsidies.claim(programId, ...r.args(0));
      await s.subsidies.connect(s.programManager).closeProgram(programId);
      const left = r.total - r.values[0].amount;
      expect(await s.ledger.unallocated()).to.equal(unallocated + left);
      const line = await s.ledger.getLine(LINE);
      expect([line.committed, line.spent, line.appropriated]).to.deep.equal([
        0n,
        r.values[0].amount,
        r.values[0].amount,
      ]);
    });

    describe("reverts", function () {
      it("for a stranger before closesAt", async function () {
        const { s, programId } = await loadFixture(withRoster);
        const p = await s.subsidies.getProgram(programId);
        await expect(s.subsidies.connect(s.verifier).closeProgram(programId))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_CloseNotAllowed")
          .withArgs(programId, s.verifier.address, p.closesAt);
      });

      it("for a PROGRAM_MANAGER holding the role with an execution delay", async function () {
        const { s, programId } = await loadFixture(withRoster);
        const delayed = s.people[1];
        await s.manager.grantRole(ROLES.PROGRAM_MANAGER, delayed.address, 3600);
        await expect(s.subsidies.connect(delayed).closeProgram(programId))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_ExecutionDelayed")
          .withArgs(delayed.address, ROLES.PROGRAM_MANAGER, 3600);
        // after closesAt the delayed holder may close like anyone
        await time.increaseTo((await s.subsidies.getProgram(programId)).closesAt);
        await s.subsidies.connect(delayed).closeProgram(programId);
      });

      it("for a closed or unknown programme", async function () {
        const { s, programId } = await loadFixture(withRoster);
        const pm = s.subsidies.connect(s.programManager);
        await pm.closeProgram(programId);
        await expect(pm.closeProgram(programId))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnexpectedProgramStatus")
          .withArgs(programId, STATUS.Closed, NOT_CLOSED);
        await expect(pm.closeProgram(42n))
          .to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnknownProgram")
          .withArgs(42n);
      });
    });
  });

  describe("sweepSurplus", function () {
    /** Two open programmes (1 roster with one claim paid, 3 outcome), one closed (2), and a donation. */
    async function withSurplus() {
      const s = await subsidySuite(ethers);
      const r = smallRoster();
      await createRoster(s, r, ethers);
      await s.subsidies.claim(1n, ...r.args(0));
      await createOutcome(s, ethers, { budget: 50n, rate: 1n });
      await s.subsidies.connect(s.programManager).closeProgram(2n);
      await createOutcome(s, ethers, { budget: 70n, rate: 1n });
      const donation = 1_234n;
      await s.token.mint(await s.subsidies.getAddress(), donation);
      return { s, r, donation, held: r.total - r.values[0].amount + 70n };
    }

    it("sends tokens held beyond the open programmes' unpaid budgets to the ledger as unallocated cash", async function () {
      const { s, donation, held } = await loadFixture(withSurplus);
      expect(await s.subsidies.openProgramCount()).to.equal(2n);
      expect(await s.subsidies.reserved()).to.equal(held);
      expect(await s.subsidies.surplus()).to.equal(donation);
      const module = await s.subsidies.getAddress();
      const unallocated = await s.ledger.unallocated();
      const lineBefore = await s.ledger.getLine(LINE);
      expect(await s.subsidies.connect(s.people[0]).sweepSurplus.staticCall()).to.equal(donation);
      const tx = s.subsidies.connect(s.people[0]).sweepSurplus();
      await expect(tx).to.emit(s.subsidies, "SurplusSwept").withArgs(s.people[0].address, donation);
      await expect(tx).to.emit(s.ledger, "Deposited").withArgs(module, donation, ZeroHash);
      await expect(tx).to.changeTokenBalances(ethers, s.token, [s.subsidies, s.ledger], [-donation, donation]);
      expect(await s.token.balanceOf(module)).to.equal(held);
      expect(await s.ledger.unallocated()).to.equal(unallocated + donation);
      expect(await s.ledger.getLine(LINE)).to.deep.equal(lineBefore);
      await expect(s.subsidies.sweepSurplus())
        .to.be.revertedWithCustomError(s.subsidies, "Module_NoSurplus")
        .withArgs(held, held);
    });

    it("keeps the reserved total in step with claims, outcomes and closures (no list of programmes)", async function () {
      const { s, r, held } = await loadFixture(withSurplus);
      await s.subsidies.claim(1n, ...r.args(1));
      expect(await s.subsidies.reserved()).to.equal(held - r.values[1].amount);
      await s.subsidies.connect(s.verifier).recordOutcome(3n, fresh(), 20n, EVIDENCE);
      expect(await s.subsidies.reserved()).to.equal(held - r.values[1].amount - 20n);
      await s.subsidies.connect(s.programManager).closeProgram(3n);
      expect(await s.subsidies.reserved()).to.equal(r.total - r.values[0].amount - r.values[1].amount);
    });

    it("works with no open programme, and stops while paused", async function () {
      const s = await loadFixture(base);
      await s.token.mint(await s.subsidies.getAddress(), 5n);
      await s.subsidies.connect(s.guardian).pause();
      await expect(s.subsidies.sweepSurplus()).to.be.revertedWithCustomError(s.subsidies, "EnforcedPause");
      await s.subsidies.connect(s.guardian).unpause();
      await expect(s.subsidies.sweepSurplus()).to.emit(s.subsidies, "SurplusSwept").withArgs(s.admin.address, 5n);
      await expect(s.subsidies.sweepSurplus())
        .to.be.revertedWithCustomError(s.subsidies, "Module_NoSurplus")
        .withArgs(0n, 0n);
    });
  });

  describe("openProgramCount", function () {
    it("counts programmes created and not closed", async function () {
      const s = await loadFixture(base);
      expect(await s.subsidies.openProgramCount()).to.equal(0n);
      await createRoster(s, smallRoster(), ethers);
      await createOutcome(s, ethers);
      expect(await s.subsidies.openProgramCount()).to.equal(2n);
      await s.subsidies.connect(s.programManager).closeProgram(1n);
      expect([await s.subsidies.openProgramCount(), await s.subsidies.programCount()]).to.deep.equal([1n, 2n]);
    });
  });

  describe("pause", function () {
    it("is GUARDIAN's: Paused and Unpaused name the guardian", async function () {
      const s = await loadFixture(base);
      await expect(s.subsidies.connect(s.guardian).pause()).to.emit(s.subsidies, "Paused").withArgs(s.guardian.address);
      expect(await s.subsidies.paused()).to.equal(true);
      await expect(s.subsidies.connect(s.guardian).unpause())
        .to.emit(s.subsidies, "Unpaused")
        .withArgs(s.guardian.address);
      for (const fn of ["pause", "unpause"] as const) {
        await expect(s.subsidies.connect(s.programManager)[fn]())
          .to.be.revertedWithCustomError(s.subsidies, "AccessManagedUnauthorized")
          .withArgs(s.programManager.address);
      }
    });

    it("keeps the pause flag, the reserved total and the counters in one slot (a claim writes one slot for all)", async function () {
      const s = await loadFixture(base);
      const r = smallRoster();
      await createRoster(s, r, ethers);
      await s.subsidies.connect(s.guardian).pause();
      // LedgerModule's hot slot: slot 3 after the authority, the owed balances and their total
      const hot = BigInt(await ethers.provider.getStorage(await s.subsidies.getAddress(), 3));
      expect(hot & (2n ** 128n - 1n), "reserved").to.equal(r.total);
      expect((hot >> 128n) & 0xffn, "paused").to.equal(1n);
      expect((hot >> 136n) & (2n ** 40n - 1n), "programmes").to.equal(1n);
      expect((hot >> 176n) & (2n ** 40n - 1n), "open programmes").to.equal(1n);
    });
  });

  describe("views", function () {
    it("revert for an unknown programme", async function () {
      const s = await loadFixture(base);
      for (const call of [
        () => s.subsidies.getProgram(1n),
        () => s.subsidies.programStatus(1n),
        () => s.subsidies.remaining(1n),
        () => s.subsidies.isClaimed(1n, 0),
        () => s.subsidies.isBlocked(1n, 0),
        () => s.subsidies.paidTo(1n, fresh()),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(s.subsidies, "Subsidy_UnknownProgram").withArgs(1n);
      }
    });
  });

  describe("access control", function () {
    type Fn = "createRosterProgram" | "createOutcomeProgram" | "blockClaim" | "recordOutcome" | "pause" | "unpause";
    const restricted: Array<[Fn, keyof typeof ROLES, (s: SubsidySuite, t: number) => Promise<unknown>]> = [
      [
        "createRosterProgram",
        "PROGRAM_MANAGER",
        (s, t) => s.subsidies.createRosterProgram(LINE, id("r"), 1n, t, t + DAY, META),
      ],
      [
        "createOutcomeProgram",
        "PROGRAM_MANAGER",
        (s, t) => s.subsidies.createOutcomeProgram(LINE, 1n, 1n, 0n, t, t + DAY, META),
      ],
      ["blockClaim", "PROGRAM_MANAGER", (s) => s.subsidies.blockClaim(1n, 0, REASON)],
      ["recordOutcome", "OUTCOME_VERIFIER", (s) => s.subsidies.recordOutcome(1n, fresh(), 1n, EVIDENCE)],
      ["pause", "GUARDIAN", (s) => s.subsidies.pause()],
      ["unpause", "GUARDIAN", (s) => s.subsidies.unpause()],
    ];
    for (const [fn, role, call] of restricted) {
      it(`${fn} needs ${role}: anyone else gets AccessManagedUnauthorized`, async function () {
        const s = await loadFixture(base);
        const t = await now(ethers);
        for (const caller of [s.people[0], s.admin]) {
          await expect(call({ ...s, subsidies: s.subsidies.connect(caller) }, t))
            .to.be.revertedWithCustomError(s.subsidies, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        expect(
          await s.manager.getTargetFunctionRole(
            await s.subsidies.getAddress(),
            s.subsidies.interface.getFunction(fn)!.selector,
          ),
        ).to.equal(ROLES[role]);
      });
    }

    it("leaves claim, claimBatch, closeProgram and sweepSurplus open to anyone (closeProgram checks itself)", async function () {
      const s = await loadFixture(base);
      const target = await s.subsidies.getAddress();
      for (const fn of ["claim", "claimBatch", "closeProgram", "sweepSurplus"] as const) {
        const selector = s.subsidies.interface.getFunction(fn)!.selector;
        expect(await s.manager.getTargetFunctionRole(target, selector)).to.equal(ROLES.ADMIN);
      }
    });
  });
});
