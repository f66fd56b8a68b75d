import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";

import {
  deployLedgerWorld,
  expectBooksConsistent,
  PARKS,
  PARKS_BUDGET,
  REF,
  ROADS,
  ROADS_BUDGET,
  SPARE,
} from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const world = () => deployLedgerWorld(ethers);
const load = () => networkHelpers.loadFixture(world);

describe("BudgetLedger: the books of several modules", function () {
  describe("two modules on one line", function () {
    it("keeps each module's commitment apart and sums them in the line", async function () {
      const w = await load();
      const [a, b] = [await w.moduleA.getAddress(), await w.moduleB.getAddress()];
      await w.moduleA.commit(ROADS, 300n, REF);
      await w.moduleB.commit(ROADS, 200n, REF);
      await w.moduleA.payOut(ROADS, w.payee.address, 120n, REF);
      await w.moduleB.payOut(ROADS, w.payee.address, 50n, REF);
      await w.moduleB.returnFunds(ROADS, 30n, REF);
      await w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 10n, REF);
      expect(await w.ledger.committedBy(ROADS, a)).to.equal(180n);
      expect(await w.ledger.committedBy(ROADS, b)).to.equal(120n);
      const line = await w.ledger.getLine(ROADS);
      expect(line.committed).to.equal(300n);
      expect(line.spent).to.equal(180n);
      expect(line.appropriated).to.equal(ROADS_BUDGET);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET - 480n);
      expect(await w.token.balanceOf(w.payee.address)).to.equal(180n);
      expect(await w.token.balanceOf(a)).to.equal(180n);
      expect(await w.token.balanceOf(b)).to.equal(120n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("keeps a module's books apart per line", async function () {
      const w = await load();
      const a = await w.moduleA.getAddress();
      await w.moduleA.commit(ROADS, 300n, REF);
      await w.moduleA.commit(PARKS, 100n, REF);
      await expect(w.moduleA.recordSpend(PARKS, w.payee.address, 101n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(PARKS, a, 100n, 101n);
      await w.moduleA.payOut(PARKS, w.payee.address, 100n, REF);
      expect(await w.ledger.committedBy(ROADS, a)).to.equal(300n);
      expect(await w.ledger.committedBy(PARKS, a)).to.equal(0n);
      expect((await w.ledger.getLine(PARKS)).spent).to.equal(100n);
      expect((await w.ledger.getLine(ROADS)).spent).to.equal(0n);
    });

    it("lets no module spend or return another module's commitment", async function () {
      const w = await load();
      const b = await w.moduleB.getAddress();
      await w.moduleA.commit(ROADS, 300n, REF);
      await expect(w.moduleB.recordSpend(ROADS, w.payee.address, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(ROADS, b, 0n, 1n);
      // moduleB holds tokens of its own (sent to it) but no commitment: it cannot return them either
      await w.token.mint(b, 10n);
      await expect(w.moduleB.returnFunds(ROADS, 10n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(ROADS, b, 0n, 10n);
      await w.moduleB.commit(ROADS, 5n, REF);
      await expect(w.moduleB.recordSpend(ROADS, w.payee.address, 6n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(ROADS, b, 5n, 6n);
      await expect(w.moduleB.returnFunds(ROADS, 6n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(ROADS, b, 5n, 6n);
      expect(await w.ledger.committedBy(ROADS, await w.moduleA.getAddress())).to.equal(300n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("lets a plain account holding LEDGER_CLIENT keep books like a module", async function () {
      const w = await load();
      const [client] = w.strangers;
      await w.manager.connect(w.admin).grantRole(ROLES.LEDGER_CLIENT, client.address, 0);
      await w.ledger.connect(client).commit(PARKS, 40n, REF);
      await w.ledger.connect(client).recordSpend(PARKS, w.payee.address, 15n, REF);
      await w.token.connect(client).approve(await w.ledger.getAddress(), 25n);
      await w.ledger.connect(client).returnFunds(PARKS, 25n, REF);
      expect(await w.ledger.committedBy(PARKS, client.address)).to.equal(0n);
      const line = await w.ledger.getLine(PARKS);
      expect(line.committed).to.equal(0n);
      expect(line.spent).to.equal(15n);
      expect(await w.ledger.available(PARKS)).to.equal(PARKS_BUDGET - 15n);
    });
  });

  describe("year end: a line closed with open commitments", function () {
    async function closedWithCommitments() {
      const w = await load();
      await w.moduleA.commit(ROADS, 500n, REF);
      await w.moduleB.commit(ROADS, 200n, REF);
      await w.moduleA.payOut(ROADS, w.payee.address, 100n, REF);
      await w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 50n, REF);
      await expect(w.ledger.connect(w.officer).closeLine(ROADS))
        .to.emit(w.ledger, "LineClosed")
        .withArgs(ROADS, ROADS_BUDGET - 750n);
      return w;
    }

    it("keeps the open commitments and lapses only the available rest", async function () {
      const w = await closedWithCommitments();
      const line = await w.ledger.getLine(ROADS);
      expect(line.appropriated).to.equal(750n);
      expect(line.committed).to.equal(600n);
      expect(line.spent).to.equal(150n);
      expect(await w.ledger.committedBy(ROADS, await w.moduleA.getAddress())).to.equal(400n);
      expect(await w.ledger.committedBy(ROADS, await w.moduleB.getAddress())).to.equal(200n);
      expect(await w.ledger.unallocated()).to.equal(SPARE + ROADS_BUDGET - 750n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("lets the modules spend their commitments after the close", async function () {
      const w = await closedWithCommitments();
      await expect(w.moduleA.payOut(ROADS, w.payee.address, 400n, REF))
        .to.emit(w.ledger, "Spent")
        .withArgs(ROADS, w.payee.address, 400n, REF, await w.moduleA.getAddress());
      const line = await w.ledger.getLine(ROADS);
      expect(line.appropriated).to.equal(750n);
      expect(line.committed).to.equal(200n);
      expect(line.spent).to.equal(550n);
      expect(await w.ledger.available(ROADS)).to.equal(0n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("turns a return on the closed line into unallocated cash, lowering committed and appropriated", async function () {
      const w = await closedWithCommitments();
      const before = await w.ledger.unallocated();
      await expect(w.moduleB.returnFunds(ROADS, 150n, REF))
        .to.emit(w.ledger, "FundsReturned")
        .withArgs(ROADS, await w.moduleB.getAddress(), 150n, REF);
      const line = await w.ledger.getLine(ROADS);
      expect(line.appropriated).to.equal(600n);
      expect(line.committed).to.equal(450n);
      expect(line.spent).to.equal(150n);
      expect(await w.ledger.available(ROADS)).to.equal(0n);
      expect(await w.ledger.unallocated()).to.equal(before + 150n);
      // the returned cash can fund next year's line
      const next = encodeBytes32String("roads-2028");
      await w.ledger.connect(w.officer).createLine(next, 2028, before + 150n, "Roads 2028");
      expect(await w.ledger.unallocated()).to.equal(0n);
      await expectBooksConsistent(w, [ROADS, PARKS, next], [w.moduleA, w.moduleB]);
    });

    it("settles the closed line completely: spent plus returned equals what was committed", async function () {
      const w = await closedWithCommitments();
      await w.moduleA.payOut(ROADS, w.payee.address, 300n, REF);
      await w.moduleA.returnFunds(ROADS, 100n, REF);
      await w.moduleB.returnFunds(ROADS, 200n, REF);
      const line = await w.ledger.getLine(ROADS);
      expect(line.committed).to.equal(0n);
      expect(line.spent).to.equal(450n);
      expect(line.appropriated).to.equal(450n);
      expect(await w.token.balanceOf(await w.moduleA.getAddress())).to.equal(0n);
      expect(await w.token.balanceOf(await w.moduleB.getAddress())).to.equal(0n);
      expect(await w.ledger.unallocated()).to.equal(SPARE + ROADS_BUDGET - 450n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });
  });
});
