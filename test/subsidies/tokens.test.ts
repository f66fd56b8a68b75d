/**
 * The token matrix: the module on a USDT-style token (no return values, approve only from 0),
 * an 18-decimal token, a re-entering token, a fee-on-transfer token and a token with a
 * blocklist.
 */
import { expect } from "chai";
import { getAddress, hexlify, id, randomBytes } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import type { BlocklistToken, ReentrantToken } from "../../types/ethers-contracts/index.js";
import { wire } from "../helpers/suite.js";
import { DAY, FUNDS, LINE, META, createOutcome, createRoster, now, roster, subsidySuiteOn } from "./fixture.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const fresh = () => getAddress(hexlify(randomBytes(20)));
const people = (n: number, amount: bigint) => Array.from({ length: n }, () => ({ beneficiary: fresh(), amount }));

describe("SubsidyDisbursement token matrix", function () {
  const flows: Array<[string, string, unknown[]]> = [
    ["a USDT-style token", "UsdtStyleToken", []],
    ["an 18-decimal token", "MockToken", ["Token 18", "T18", 18]],
  ];
  for (const [label, tokenName, tokenArgs] of flows) {
    it(`runs the whole flow on ${label}`, async function () {
      const s = await subsidySuiteOn(ethers, tokenName, tokenArgs);
      const r = roster(people(4, 1_000_000n));
      const programId = await createRoster(s, r, ethers, { budget: r.total + 500n });
      await s.subsidies.claim(programId, ...r.args(0));
      await s.subsidies.claimBatch(
        programId,
        [1, 2].map((i) => ({
          index: i,
          beneficiary: r.values[i].beneficiary,
          amount: r.values[i].amount,
          proof: r.proof(i),
        })),
      );
      for (let i = 0; i < 3; i++) expect(await s.token.balanceOf(r.values[i].beneficiary)).to.equal(1_000_000n);
      const outcomeId = await createOutcome(s, ethers, { budget: 10n, rate: 3n });
      const b = fresh();
      await s.subsidies.connect(s.verifier).recordOutcome(outcomeId, b, 2n, id("e"));
      expect(await s.token.balanceOf(b)).to.equal(6n);
      await s.subsidies.connect(s.programManager).closeProgram(programId);
      await s.subsidies.connect(s.programManager).closeProgram(outcomeId);
      expect(await s.token.balanceOf(await s.subsidies.getAddress())).to.equal(0n);
      expect(await s.ledger.available(LINE)).to.equal(FUNDS - 3_000_000n - 6n);
    });
  }

  it("runs on an 18-decimal token with amounts near the 128-bit limit of a programme", async function () {
    const s = await subsidySuiteOn(ethers, "MockToken", ["Token 18", "T18", 18]);
    // a second line holding the most a programme can: 2^128 - 1 base units (3.4 x 10^20 tokens)
    const big = 2n ** 128n - 1n;
    const t = await now(ethers);
    await s.token.mint(s.admin.address, big);
    await s.token.approve(await s.ledger.getAddress(), big);
    await s.ledger.deposit(big, id("big"));
    const bigLine = id("BIG").slice(0, 66);
    await s.ledger.connect(s.officer).createLine(bigLine, 2027, big, "big line");
    const r = roster([
      { beneficiary: fresh(), amount: big / 2n },
      { beneficiary: fresh(), amount: big - big / 2n },
    ]);
    await s.subsidies.connect(s.programManager).createRosterProgram(bigLine, r.root, big, t, t + DAY, META);
    const programId = await s.subsidies.programCount();
    await s.subsidies.claim(programId, ...r.args(0));
    await s.subsidies.claim(programId, ...r.args(1));
    expect(await s.token.balanceOf(r.values[0].beneficiary)).to.equal(big / 2n);
    expect(await s.subsidies.remaining(programId)).to.equal(0n);
    expect((await s.subsidies.getProgram(programId)).paid).to.equal(big);
  });

  describe("a re-entering token cannot pay twice", function () {
    async function reentrant() {
      const s = await subsidySuiteOn(ethers, "ReentrantToken");
      const token = s.token as unknown as ReentrantToken;
      const r = roster(people(3, 1_000n));
      const programId = await createRoster(s, r, ethers, { budget: 10_000n });
      return { s, token, r, programId };
    }

    it("refuses a claim re-entered from the transfer of the same claim", async function () {
      const { s, token, r, programId } = await loadFixture(reentrant);
      const data = s.subsidies.interface.encodeFunctionData("claim", [programId, ...r.args(0)]);
      await token.arm(await s.subsidies.getAddress(), data);
      await s.subsidies.claim(programId, ...r.args(0));
      expect(await token.reentryCount()).to.equal(1n);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect((await token.lastReentryResult()).slice(0, 10)).to.equal(
        s.subsidies.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect(await token.balanceOf(r.values[0].beneficiary)).to.equal(1_000n);
      expect(await s.subsidies.remaining(programId)).to.equal(9_000n);
    });

    it("refuses a claim re-entered from a batch's transfer; the batch pays its entries once", async function () {
      const { s, token, r, programId } = await loadFixture(reentrant);
      const data = s.subsidies.interface.encodeFunctionData("claim", [programId, ...r.args(1)]);
      await token.arm(await s.subsidies.getAddress(), data);
      const entry = (i: number) => ({
        index: i,
        beneficiary: r.values[i].beneficiary,
        amount: r.values[i].amount,
        proof: r.proof(i),
      });
      await s.subsidies.claimBatch(programId, [entry(0), entry(1)]);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect((await token.lastReentryResult()).slice(0, 10)).to.equal(
        s.subsidies.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect(await token.balanceOf(r.values[1].beneficiary)).to.equal(1_000n);
      expect(await s.subsidies.remaining(programId)).to.equal(8_000n);
    });

    it("refuses a batch, an outcome, a close or a sweep re-entered from a payout", async function () {
      const { s, token, r, programId } = await loadFixture(reentrant);
      const outcomeId = await createOutcome(s, ethers, { budget: 100n, rate: 1n });
      const entry = (i: number) => ({
        index: i,
        beneficiary: r.values[i].beneficiary,
        amount: r.values[i].amount,
        proof: r.proof(i),
      });
      for (const data of [
        s.subsidies.interface.encodeFunctionData("claimBatch", [programId, [entry(1), entry(2)]]),
        s.subsidies.interface.encodeFunctionData("closeProgram", [programId]),
        s.subsidies.interface.encodeFunctionData("sweepSurplus"),
      ]) {
        await token.arm(await s.subsidies.getAddress(), data);
        await s.subsidies.connect(s.verifier).recordOutcome(outcomeId, fresh(), 5n, id("e"));
        expect(await token.lastReentrySucceeded()).to.equal(false);
      }
      expect(await s.subsidies.isClaimed(programId, 1)).to.equal(false);
      expect((await s.subsidies.getProgram(programId)).closed).to.equal(false);
      expect(await s.subsidies.remaining(outcomeId)).to.equal(85n); // three payouts of 5
    });
  });

  it("refuses a fee-on-transfer token where tokens come in (the commitment arrives short)", async function () {
    const s = await subsidySuiteOn(ethers, "TestStablecoin");
    const fee = await ethers.deployContract("FeeOnTransferToken");
    const ledger = await ethers.deployContract("BudgetLedger", [await s.manager.getAddress(), await fee.getAddress()]);
    await wire(s.manager, ledger, "BudgetLedger");
    const subsidies = await ethers.deployContract("SubsidyDisbursement", [
      await s.manager.getAddress(),
      await ledger.getAddress(),
    ]);
    await wire(s.manager, subsidies, "SubsidyDisbursement");
    await s.manager.grantRole(ROLES.LEDGER_CLIENT, await subsidies.getAddress(), 0);
    // tokens sent without deposit count as unallocated cash: the only way such a token gets in
    await fee.mint(await ledger.getAddress(), 1_000_000n);
    await ledger.connect(s.officer).createLine(LINE, 2027, 1_000_000n, "fee line");
    const t = await now(ethers);
    await expect(subsidies.connect(s.programManager).createOutcomeProgram(LINE, 1_000_000n, 1n, 0n, t, t + DAY, META))
      .to.be.revertedWithCustomError(subsidies, "Module_TransferShortfall")
      .withArgs(1_000_000n, 990_000n);
  });

  describe("a token that refuses a beneficiary (blocklist)", function () {
    async function blocklisted() {
      const s = await subsidySuiteOn(ethers, "BlocklistToken");
      const token = s.token as unknown as BlocklistToken;
      const r = roster(people(4, 700n));
      const programId = await createRoster(s, r, ethers);
      const entry = (i: number) => ({
        index: i,
        beneficiary: r.values[i].beneficiary,
        amount: r.values[i].amount,
        proof: r.proof(i),
      });
      return { s, token, r, programId, entry };
    }

    it("claimBatch skips the refused entry (not paid, not claimed, no event) and pays the others", async function () {
      const { s, token, r, programId, entry } = await loadFixture(blocklisted);
      await token.setBlocked(r.values[1].beneficiary, true);
      const tx = await s.subsidies.claimBatch(
        programId,
        [0, 1, 2].map((i) => entry(i)),
      );
      const receipt = await tx.wait();
      const claimed = receipt!.logs
        .map((log) => s.subsidies.interface.parseLog(log))
        .filter((e) => e?.name === "Claimed")
        .map((e) => Number(e!.args.index));
      expect(claimed).to.deep.equal([0, 2]);
      const spent = receipt!.logs
        .map((log) => s.ledger.interface.parseLog(log))
        .filter((e) => e?.name === "Spent")
        .map((e) => e!.args.payee as string);
      expect(spent).to.deep.equal([r.values[0].beneficiary, r.values[2].beneficiary]);
      expect(await s.subsidies.isClaimed(programId, 1)).to.equal(false);
      expect(await s.subsidies.remaining(programId)).to.equal(1_400n);
      expect(await token.balanceOf(await s.subsidies.getAddress())).to.equal(1_400n);
      expect((await s.ledger.getLine(LINE)).spent).to.equal(1_400n);
      // once the token lets it through, the entry is claimable as any other
      await token.setBlocked(r.values[1].beneficiary, false);
      await expect(s.subsidies.claim(programId, ...r.args(1)))
        .to.emit(s.subsidies, "Claimed")
        .withArgs(programId, 1, r.values[1].beneficiary, 700n);
    });

    it("a batch of refused entries changes nothing", async function () {
      const { s, token, r, programId, entry } = await loadFixture(blocklisted);
      await token.setBlocked(r.values[0].beneficiary, true);
      await token.setBlocked(r.values[3].beneficiary, true);
      await expect(s.subsidies.claimBatch(programId, [entry(3), entry(0)])).not.to.emit(s.subsidies, "Claimed");
      expect(await s.subsidies.remaining(programId)).to.equal(r.total);
      expect(await s.subsidies.isClaimed(programId, 0)).to.equal(false);
      expect(await s.subsidies.isClaimed(programId, 3)).to.equal(false);
    });

    it("a repeated refused entry stays unclaimed", async function () {
      const { s, token, r, programId, entry } = await loadFixture(blocklisted);
      await token.setBlocked(r.values[2].beneficiary, true);
      await s.subsidies.claimBatch(programId, [entry(2), entry(2), entry(3)]);
      expect(await s.subsidies.isClaimed(programId, 2)).to.equal(false);
      expect(await s.subsidies.remaining(programId)).to.equal(r.total - 700n);
    });
  });

  it("leaves no funds stuck when the token refuses a beneficiary: block the entry, close, return", async function () {
    const s = await subsidySuiteOn(ethers, "BlocklistToken");
    const token = s.token as unknown as BlocklistToken;
    const r = roster(people(2, 700n));
    const programId = await createRoster(s, r, ethers);
    await token.setBlocked(r.values[1].beneficiary, true);
    await expect(s.subsidies.claim(programId, ...r.args(1)))
      .to.be.revertedWithCustomError(token, "BlocklistToken_Blocked")
      .withArgs(r.values[1].beneficiary);
    await s.subsidies.claim(programId, ...r.args(0));
    await s.subsidies.connect(s.programManager).blockClaim(programId, 1, id("sanctioned by the token issuer"));
    await time.increase(31 * DAY);
    await expect(s.subsidies.closeProgram(programId)).to.emit(s.subsidies, "ProgramClosed").withArgs(programId, 700n);
    expect(await token.balanceOf(await s.subsidies.getAddress())).to.equal(0n);
  });
});
