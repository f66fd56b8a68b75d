import { expect } from "chai";
import { encodeBytes32String, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import type { LedgerClientMock } from "../../types/ethers-contracts/index.js";
import {
  deployClient,
  deployLedgerWorld,
  expectBooksConsistent,
  PARKS,
  PARKS_BUDGET,
  REF,
  ROADS,
  ROADS_BUDGET,
  SPARE,
  UNKNOWN,
} from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const world = () => deployLedgerWorld(ethers);
const load = () => networkHelpers.loadFixture(world);

const MAX_128 = 2n ** 128n - 1n;
const NEW = encodeBytes32String("schools-2027");

async function addr(contract: { getAddress(): Promise<string> }): Promise<string> {
  return contract.getAddress();
}

/** Commits `amount` of `lineId` to `module`. */
async function commit(module: LedgerClientMock, lineId: string, amount: bigint): Promise<void> {
  await module.commit(lineId, amount, encodeBytes32String("tender-1"));
}

describe("BudgetLedger", function () {
  describe("constructor and token", function () {
    it("keeps the authority and the settlement token", async function () {
      const w = await load();
      expect(await w.ledger.token()).to.equal(await addr(w.token));
      expect(await w.ledger.authority()).to.equal(await addr(w.manager));
      expect(await w.ledger.paused()).to.equal(false);
    });

    it("refuses the zero token", async function () {
      const w = await load();
      const factory = await ethers.getContractFactory("BudgetLedger");
      await expect(factory.deploy(await addr(w.manager), ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAddress")
        .withArgs();
    });
  });

  describe("createLine", function () {
    it("opens a line out of unallocated cash and lists it", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).createLine(NEW, 2028, 100n, "Schools 2028"))
        .to.emit(w.ledger, "LineCreated")
        .withArgs(NEW, 2028, 100n, "Schools 2028");
      const line = await w.ledger.getLine(NEW);
      expect(line.fiscalYear).to.equal(2028n);
      expect(line.closed).to.equal(false);
      expect(line.appropriated).to.equal(100n);
      expect(line.committed).to.equal(0n);
      expect(line.spent).to.equal(0n);
      expect(line.label).to.equal("Schools 2028");
      expect(await w.ledger.available(NEW)).to.equal(100n);
      expect(await w.ledger.unallocated()).to.equal(SPARE - 100n);
      expect(await w.ledger.lineCount()).to.equal(3n);
      expect(await w.ledger.lineIdAt(2)).to.equal(NEW);
      await expectBooksConsistent(w, [ROADS, PARKS, NEW], [w.moduleA, w.moduleB]);
    });

    it("opens an empty line (appropriation 0) to be funded later", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).createLine(NEW, 2027, 0n, ""))
        .to.emit(w.ledger, "LineCreated")
        .withArgs(NEW, 2027, 0n, "");
      expect(await w.ledger.available(NEW)).to.equal(0n);
      expect(await w.ledger.unallocated()).to.equal(SPARE);
    });

    it("may appropriate all unallocated cash, not one unit more", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).createLine(NEW, 2027, SPARE + 1n, "x"))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientUnallocated")
        .withArgs(SPARE, SPARE + 1n);
      await w.ledger.connect(w.officer).createLine(NEW, 2027, SPARE, "x");
      expect(await w.ledger.unallocated()).to.equal(0n);
    });

    it("refuses line id 0", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).createLine(ZeroHash, 2027, 1n, "x"))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InvalidLineId")
        .withArgs(ZeroHash);
    });

    it("refuses a duplicate id, a closed line's id included", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).createLine(ROADS, 2028, 1n, "again"))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineExists")
        .withArgs(ROADS);
      await w.ledger.connect(w.officer).closeLine(PARKS);
      await expect(w.ledger.connect(w.officer).createLine(PARKS, 2028, 1n, "again"))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineExists")
        .withArgs(PARKS);
    });

    it("refuses an appropriation that does not fit 128 bits", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).createLine(NEW, 2027, MAX_128 + 1n, "x"))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_AmountTooLarge")
        .withArgs(MAX_128 + 1n);
    });

    it("appropriates tokens sent to the ledger without deposit", async function () {
      const w = await load();
      await w.token.mint(await addr(w.ledger), 77n);
      await w.ledger.connect(w.officer).createLine(NEW, 2027, SPARE + 77n, "x");
      expect(await w.ledger.unallocated()).to.equal(0n);
      await expectBooksConsistent(w, [ROADS, PARKS, NEW], [w.moduleA, w.moduleB]);
    });
  });

  describe("increaseAppropriation", function () {
    it("adds unallocated cash to an open line", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).increaseAppropriation(ROADS, 50n))
        .to.emit(w.ledger, "AppropriationChanged")
        .withArgs(ROADS, ROADS_BUDGET, ROADS_BUDGET + 50n);
      expect((await w.ledger.getLine(ROADS)).appropriated).to.equal(ROADS_BUDGET + 50n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET + 50n);
      expect(await w.ledger.unallocated()).to.equal(SPARE - 50n);
    });

    it("refuses more than the unallocated cash", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).increaseAppropriation(ROADS, SPARE + 1n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientUnallocated")
        .withArgs(SPARE, SPARE + 1n);
    });

    it("refuses a zero amount, an unknown line and a closed line", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).increaseAppropriation(ROADS, 0n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await expect(w.ledger.connect(w.officer).increaseAppropriation(UNKNOWN, 1n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
      await w.ledger.connect(w.officer).closeLine(PARKS);
      await expect(w.ledger.connect(w.officer).increaseAppropriation(PARKS, 1n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineClosed")
        .withArgs(PARKS);
    });

    it("refuses amounts beyond 128 bits with the contract's error, never an overflow", async function () {
      const w = await load();
      const max256 = 2n ** 256n - 1n;
      await expect(w.ledger.connect(w.officer).increaseAppropriation(ROADS, max256))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_AmountTooLarge")
        .withArgs(max256);
      await expect(w.ledger.connect(w.officer).increaseAppropriation(ROADS, MAX_128))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_AmountTooLarge")
        .withArgs(MAX_128 + ROADS_BUDGET);
    });
  });

  describe("decreaseAppropriation", function () {
    it("returns part of the appropriation to unallocated cash", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).decreaseAppropriation(ROADS, 300n))
        .to.emit(w.ledger, "AppropriationChanged")
        .withArgs(ROADS, ROADS_BUDGET, ROADS_BUDGET - 300n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET - 300n);
      expect(await w.ledger.unallocated()).to.equal(SPARE + 300n);
    });

    it("goes down to committed + spent and not below", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 600n);
      await w.moduleA.payOut(ROADS, w.payee.address, 100n, REF);
      await w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 150n, REF);
      const avail = ROADS_BUDGET - 750n;
      await expect(w.ledger.connect(w.officer).decreaseAppropriation(ROADS, avail + 1n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientAvailable")
        .withArgs(ROADS, avail, avail + 1n);
      await w.ledger.connect(w.officer).decreaseAppropriation(ROADS, avail);
      const line = await w.ledger.getLine(ROADS);
      expect(line.appropriated).to.equal(750n);
      expect(line.committed + line.spent).to.equal(750n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("refuses a zero amount, an unknown line and a closed line", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).decreaseAppropriation(ROADS, 0n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await expect(w.ledger.connect(w.officer).decreaseAppropriation(UNKNOWN, 1n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
      await w.ledger.connect(w.officer).closeLine(PARKS);
      await expect(w.ledger.connect(w.officer).decreaseAppropriation(PARKS, 1n))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineClosed")
        .withArgs(PARKS);
    });
  });

  describe("reallocate", function () {
    it("moves available money between open lines", async function () {
      const w = await load();
      const reason = encodeBytes32String("flood repairs");
      await expect(w.ledger.connect(w.officer).reallocate(PARKS, ROADS, 1_000n, reason))
        .to.emit(w.ledger, "Reallocated")
        .withArgs(PARKS, ROADS, 1_000n, reason);
      expect(await w.ledger.available(PARKS)).to.equal(PARKS_BUDGET - 1_000n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET + 1_000n);
      expect((await w.ledger.getLine(ROADS)).appropriated).to.equal(ROADS_BUDGET + 1_000n);
      expect(await w.ledger.unallocated()).to.equal(SPARE);
    });

    it("never moves committed or spent money", async function () {
      const w = await load();
      await commit(w.moduleA, PARKS, PARKS_BUDGET - 10n);
      await expect(w.ledger.connect(w.officer).reallocate(PARKS, ROADS, 11n, ZeroHash))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientAvailable")
        .withArgs(PARKS, 10n, 11n);
      await w.ledger.connect(w.officer).reallocate(PARKS, ROADS, 10n, ZeroHash);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("refuses the same line, unknown and closed lines, and a zero amount", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).reallocate(ROADS, ROADS, 1n, ZeroHash))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_SameLine")
        .withArgs(ROADS);
      await expect(w.ledger.connect(w.officer).reallocate(UNKNOWN, ROADS, 1n, ZeroHash))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
      await expect(w.ledger.connect(w.officer).reallocate(ROADS, UNKNOWN, 1n, ZeroHash))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
      await expect(w.ledger.connect(w.officer).reallocate(ROADS, PARKS, 0n, ZeroHash))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await w.ledger.connect(w.officer).closeLine(PARKS);
      await expect(w.ledger.connect(w.officer).reallocate(PARKS, ROADS, 1n, ZeroHash))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineClosed")
        .withArgs(PARKS);
      await expect(w.ledger.connect(w.officer).reallocate(ROADS, PARKS, 1n, ZeroHash))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineClosed")
        .withArgs(PARKS);
    });
  });

  describe("closeLine", function () {
    it("lapses the available rest to unallocated cash", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 300n);
      await w.moduleA.payOut(ROADS, w.payee.address, 100n, REF);
      await w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 50n, REF);
      const lapsed = ROADS_BUDGET - 350n;
      await expect(w.ledger.connect(w.officer).closeLine(ROADS))
        .to.emit(w.ledger, "LineClosed")
        .withArgs(ROADS, lapsed);
      const line = await w.ledger.getLine(ROADS);
      expect(line.closed).to.equal(true);
      expect(line.appropriated).to.equal(350n);
      expect(line.committed).to.equal(200n);
      expect(line.spent).to.equal(150n);
      expect(await w.ledger.available(ROADS)).to.equal(0n);
      expect(await w.ledger.unallocated()).to.equal(SPARE + lapsed);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("lapses nothing from a fully used line", async function () {
      const w = await load();
      await commit(w.moduleA, PARKS, PARKS_BUDGET);
      await expect(w.ledger.connect(w.officer).closeLine(PARKS)).to.emit(w.ledger, "LineClosed").withArgs(PARKS, 0n);
      expect(await w.ledger.unallocated()).to.equal(SPARE);
    });

    it("refuses an unknown or already closed line", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).closeLine(UNKNOWN))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
      await w.ledger.connect(w.officer).closeLine(ROADS);
      await expect(w.ledger.connect(w.officer).closeLine(ROADS))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineClosed")
        .withArgs(ROADS);
    });

    it("takes no new commitment or payment on the closed line", async function () {
      const w = await load();
      await w.ledger.connect(w.officer).closeLine(ROADS);
      await expect(w.moduleA.commit(ROADS, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineClosed")
        .withArgs(ROADS);
      await expect(w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_LineClosed")
        .withArgs(ROADS);
    });
  });

  describe("deposit", function () {
    it("pulls tokens from anyone into unallocated cash", async function () {
      const w = await load();
      const citizen = w.strangers[0];
      await w.token.mint(citizen.address, 500n);
      await w.token.connect(citizen).approve(await addr(w.ledger), 500n);
      const ref = encodeBytes32String("fee-2027-001");
      const tx = w.ledger.connect(citizen).deposit(500n, ref);
      await expect(tx).to.emit(w.ledger, "Deposited").withArgs(citizen.address, 500n, ref);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [citizen, w.ledger], [-500n, 500n]);
      expect(await w.ledger.unallocated()).to.equal(SPARE + 500n);
    });

    it("refuses a zero amount and a deposit without allowance", async function () {
      const w = await load();
      const citizen = w.strangers[0];
      await expect(w.ledger.connect(citizen).deposit(0n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await w.token.mint(citizen.address, 500n);
      await expect(w.ledger.connect(citizen).deposit(500n, REF))
        .to.be.revertedWithCustomError(w.token, "ERC20InsufficientAllowance")
        .withArgs(await addr(w.ledger), 0n, 500n);
    });
  });

  describe("pay", function () {
    it("pays a payee directly from an open line", async function () {
      const w = await load();
      const tx = w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 250n, REF);
      await expect(tx)
        .to.emit(w.ledger, "Spent")
        .withArgs(ROADS, w.payee.address, 250n, REF, await addr(w.ledger));
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.ledger, w.payee], [-250n, 250n]);
      const line = await w.ledger.getLine(ROADS);
      expect(line.spent).to.equal(250n);
      expect(line.committed).to.equal(0n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET - 250n);
      expect(await w.ledger.unallocated()).to.equal(SPARE);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("pays the whole available amount, not one unit more", async function () {
      const w = await load();
      await expect(w.ledger.connect(w.officer).pay(PARKS, w.payee.address, PARKS_BUDGET + 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientAvailable")
        .withArgs(PARKS, PARKS_BUDGET, PARKS_BUDGET + 1n);
      await w.ledger.connect(w.officer).pay(PARKS, w.payee.address, PARKS_BUDGET, REF);
      expect(await w.ledger.available(PARKS)).to.equal(0n);
    });

    it("refuses the zero payee, the ledger itself, a zero amount and an unknown line", async function () {
      const w = await load();
      const officer = w.ledger.connect(w.officer);
      await expect(officer.pay(ROADS, ZeroAddress, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAddress")
        .withArgs();
      await expect(officer.pay(ROADS, await addr(w.ledger), 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InvalidRecipient")
        .withArgs(await addr(w.ledger));
      await expect(officer.pay(ROADS, w.payee.address, 0n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await expect(officer.pay(UNKNOWN, w.payee.address, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
    });
  });

  describe("withdrawUnallocated", function () {
    it("sends unallocated cash to the treasury's address", async function () {
      const w = await load();
      const ref = encodeBytes32String("transfer-to-reserve");
      const tx = w.ledger.connect(w.admin).withdrawUnallocated(w.payee.address, SPARE, ref);
      await expect(tx).to.emit(w.ledger, "Withdrawn").withArgs(w.payee.address, SPARE, ref);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.ledger, w.payee], [-SPARE, SPARE]);
      expect(await w.ledger.unallocated()).to.equal(0n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET);
    });

    it("never touches appropriated or committed money", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 100n);
      await expect(w.ledger.connect(w.admin).withdrawUnallocated(w.payee.address, SPARE + 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientUnallocated")
        .withArgs(SPARE, SPARE + 1n);
    });

    it("withdraws tokens sent without deposit and lapsed money", async function () {
      const w = await load();
      await w.token.mint(await addr(w.ledger), 9n);
      await w.ledger.connect(w.officer).closeLine(PARKS);
      const free = SPARE + 9n + PARKS_BUDGET;
      expect(await w.ledger.unallocated()).to.equal(free);
      await w.ledger.connect(w.admin).withdrawUnallocated(w.payee.address, free, REF);
      expect(await w.ledger.unallocated()).to.equal(0n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("refuses the zero address, the ledger itself and a zero amount", async function () {
      const w = await load();
      const admin = w.ledger.connect(w.admin);
      await expect(admin.withdrawUnallocated(ZeroAddress, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAddress")
        .withArgs();
      await expect(admin.withdrawUnallocated(await addr(w.ledger), 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InvalidRecipient")
        .withArgs(await addr(w.ledger));
      await expect(admin.withdrawUnallocated(w.payee.address, 0n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
    });
  });

  describe("commit", function () {
    it("hands the tokens to the calling module and books them as committed", async function () {
      const w = await load();
      const tx = w.moduleA.commit(ROADS, 400n, REF);
      await expect(tx)
        .to.emit(w.ledger, "Committed")
        .withArgs(ROADS, await addr(w.moduleA), 400n, REF);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.ledger, w.moduleA], [-400n, 400n]);
      expect(await w.ledger.committedBy(ROADS, await addr(w.moduleA))).to.equal(400n);
      const line = await w.ledger.getLine(ROADS);
      expect(line.committed).to.equal(400n);
      expect(line.spent).to.equal(0n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET - 400n);
      expect(await w.ledger.unallocated()).to.equal(SPARE);
    });

    it("commits the whole available amount, not one unit more", async function () {
      const w = await load();
      await commit(w.moduleA, PARKS, 1n);
      await expect(w.moduleB.commit(PARKS, PARKS_BUDGET, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientAvailable")
        .withArgs(PARKS, PARKS_BUDGET - 1n, PARKS_BUDGET);
      await w.moduleB.commit(PARKS, PARKS_BUDGET - 1n, REF);
      expect(await w.ledger.available(PARKS)).to.equal(0n);
    });

    it("refuses a zero amount and an unknown line", async function () {
      const w = await load();
      await expect(w.moduleA.commit(ROADS, 0n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await expect(w.moduleA.commit(UNKNOWN, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
    });

    it("books a module that returned everything and commits again once", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 100n);
      await w.moduleA.returnFunds(ROADS, 100n, REF);
      await commit(w.moduleA, ROADS, 70n);
      await w.moduleA.payOut(ROADS, w.payee.address, 20n, REF);
      const line = await w.ledger.getLine(ROADS);
      expect(line.committed).to.equal(50n);
      expect(line.spent).to.equal(20n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("holds books of at most 16 modules per line", async function () {
      const w = await load();
      const modules = [w.moduleA, w.moduleB];
      for (let i = 0; i < 14; i++) modules.push(await deployClient(ethers, w));
      for (const m of modules) await commit(m, PARKS, 1n);
      const extra = await deployClient(ethers, w);
      await expect(extra.commit(PARKS, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_TooManyModules")
        .withArgs(PARKS, 16n);
      // the same module commits again on the line, and commits on another line
      await commit(w.moduleA, PARKS, 1n);
      await commit(extra, ROADS, 1n);
      const line = await w.ledger.getLine(PARKS);
      expect(line.committed).to.equal(17n);
      await expectBooksConsistent(w, [ROADS, PARKS], [...modules, extra]);
    });
  });

  describe("recordSpend", function () {
    it("books a payment the module made out of its commitment", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 400n);
      const tx = w.moduleA.payOut(ROADS, w.payee.address, 150n, REF);
      await expect(tx)
        .to.emit(w.ledger, "Spent")
        .withArgs(ROADS, w.payee.address, 150n, REF, await addr(w.moduleA));
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.moduleA, w.payee], [-150n, 150n]);
      expect(await w.ledger.committedBy(ROADS, await addr(w.moduleA))).to.equal(250n);
      const line = await w.ledger.getLine(ROADS);
      expect(line.committed).to.equal(250n);
      expect(line.spent).to.equal(150n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET - 400n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("books up to the whole commitment, not one unit more", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 400n);
      await expect(w.moduleA.recordSpend(ROADS, w.payee.address, 401n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(ROADS, await addr(w.moduleA), 400n, 401n);
      await w.moduleA.payOut(ROADS, w.payee.address, 400n, REF);
      expect(await w.ledger.committedBy(ROADS, await addr(w.moduleA))).to.equal(0n);
    });

    it("refuses a zero amount, the zero payee, the ledger as payee and an unknown line", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 400n);
      await expect(w.moduleA.recordSpend(ROADS, w.payee.address, 0n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await expect(w.moduleA.recordSpend(ROADS, ZeroAddress, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAddress")
        .withArgs();
      await expect(w.moduleA.recordSpend(ROADS, await addr(w.ledger), 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InvalidRecipient")
        .withArgs(await addr(w.ledger));
      await expect(w.moduleA.recordSpend(UNKNOWN, w.payee.address, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(UNKNOWN, await addr(w.moduleA), 0n, 1n);
    });
  });

  describe("returnFunds", function () {
    it("pulls unspent funds back; on an open line they are available again", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 400n);
      const tx = w.moduleA.returnFunds(ROADS, 300n, REF);
      await expect(tx)
        .to.emit(w.ledger, "FundsReturned")
        .withArgs(ROADS, await addr(w.moduleA), 300n, REF);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.moduleA, w.ledger], [-300n, 300n]);
      expect(await w.ledger.committedBy(ROADS, await addr(w.moduleA))).to.equal(100n);
      expect(await w.ledger.available(ROADS)).to.equal(ROADS_BUDGET - 100n);
      expect((await w.ledger.getLine(ROADS)).appropriated).to.equal(ROADS_BUDGET);
      expect(await w.ledger.unallocated()).to.equal(SPARE);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("returns up to the whole commitment, not one unit more", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 400n);
      await w.moduleA.payOut(ROADS, w.payee.address, 100n, REF);
      await expect(w.moduleA.returnFunds(ROADS, 301n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(ROADS, await addr(w.moduleA), 300n, 301n);
      await w.moduleA.returnFunds(ROADS, 300n, REF);
      const line = await w.ledger.getLine(ROADS);
      expect(line.committed).to.equal(0n);
      expect(line.spent).to.equal(100n);
    });

    it("refuses a zero amount, an unknown line and a return without approval", async function () {
      const w = await load();
      await commit(w.moduleA, ROADS, 400n);
      await expect(w.moduleA.returnFunds(ROADS, 0n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_ZeroAmount")
        .withArgs();
      await expect(w.moduleA.returnFunds(UNKNOWN, 1n, REF))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
        .withArgs(UNKNOWN, await addr(w.moduleA), 0n, 1n);
      await expect(w.moduleA.returnFundsWithoutApproval(ROADS, 1n, REF))
        .to.be.revertedWithCustomError(w.token, "ERC20InsufficientAllowance")
        .withArgs(await addr(w.ledger), 0n, 1n);
      expect(await w.ledger.committedBy(ROADS, await addr(w.moduleA))).to.equal(400n);
    });
  });

  describe("views", function () {
    it("getLine and available revert for an unknown id", async function () {
      const w = await load();
      await expect(w.ledger.getLine(UNKNOWN))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
      await expect(w.ledger.available(UNKNOWN))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_UnknownLine")
        .withArgs(UNKNOWN);
    });

    it("committedBy is 0 for a module or line without books", async function () {
      const w = await load();
      expect(await w.ledger.committedBy(UNKNOWN, await addr(w.moduleA))).to.equal(0n);
      expect(await w.ledger.committedBy(ROADS, w.payee.address)).to.equal(0n);
    });

    it("unallocated counts tokens sent directly to the ledger", async function () {
      const w = await load();
      await w.token.mint(w.payee.address, 1_234n);
      await w.token.connect(w.payee).transfer(await addr(w.ledger), 1_234n);
      expect(await w.ledger.unallocated()).to.equal(SPARE + 1_234n);
      await expectBooksConsistent(w, [ROADS, PARKS], [w.moduleA, w.moduleB]);
    });

    it("lineCount and lineIdAt list every line ever created, closed ones included", async function () {
      const w = await load();
      await w.ledger.connect(w.officer).closeLine(ROADS);
      await w.ledger.connect(w.officer).createLine(NEW, 2028, 0n, "next year");
      expect(await w.ledger.lineCount()).to.equal(3n);
      expect(await w.ledger.lineIdAt(0)).to.equal(ROADS);
      expect(await w.ledger.lineIdAt(1)).to.equal(PARKS);
      expect(await w.ledger.lineIdAt(2)).to.equal(NEW);
      await expect(w.ledger.lineIdAt(3))
        .to.be.revertedWithCustomError(w.ledger, "Ledger_IndexOutOfBounds")
        .withArgs(3n, 3n);
    });
  });
});
