/**
 * The token matrix: the ledger on a USDT-style token (no bool), a fee-on-transfer token (refused
 * where tokens come in), an 18-decimal token with amounts near the 128-bit bounds, a token that
 * re-enters the ledger during a transfer, and a token with a blocklist.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { encodeBytes32String, type ContractTransactionResponse, type Interface } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import type {
  AccessManager,
  BlocklistToken,
  BudgetLedger,
  FeeOnTransferToken,
  LedgerClientMock,
  MockToken,
  ReentrantToken,
  UsdtStyleToken,
} from "../../types/ethers-contracts/index.js";
import { wire } from "../helpers/suite.js";
import { expectBooksConsistent, PARKS, REF, ROADS } from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();

const MAX_128 = 2n ** 128n - 1n;

/** What the matrix needs of a test token (all of them have an open mint). */
interface TestToken {
  getAddress(): Promise<string>;
  balanceOf(account: string): Promise<bigint>;
  mint(to: string, amount: bigint): Promise<ContractTransactionResponse>;
}

interface TokenSuite<T extends TestToken> {
  admin: HardhatEthersSigner;
  officer: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  payee: HardhatEthersSigner;
  citizen: HardhatEthersSigner;
  manager: AccessManager;
  ledger: BudgetLedger;
  token: T;
  moduleA: LedgerClientMock;
  moduleB: LedgerClientMock;
}

async function deployOn<T extends TestToken>(hh: HardhatEthers, token: T): Promise<TokenSuite<T>> {
  const [admin, officer, guardian, payee, citizen] = await hh.getSigners();
  const manager = (await hh.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
  const ledger = (await hh.deployContract("BudgetLedger", [
    await manager.getAddress(),
    await token.getAddress(),
  ])) as unknown as BudgetLedger;
  await wire(manager, ledger, "BudgetLedger");
  await manager.grantRole(ROLES.BUDGET_OFFICER, officer.address, 0);
  await manager.grantRole(ROLES.GUARDIAN, guardian.address, 0);
  const modules: LedgerClientMock[] = [];
  for (let i = 0; i < 2; i++) {
    const m = (await hh.deployContract("LedgerClientMock", [await ledger.getAddress()])) as unknown as LedgerClientMock;
    await manager.grantRole(ROLES.LEDGER_CLIENT, await m.getAddress(), 0);
    modules.push(m);
  }
  return { admin, officer, guardian, payee, citizen, manager, ledger, token, moduleA: modules[0], moduleB: modules[1] };
}

/** Mints to `from`, approves the ledger through the given approve, deposits. */
async function deposit(
  s: TokenSuite<TestToken>,
  from: HardhatEthersSigner,
  amount: bigint,
  approve: (owner: HardhatEthersSigner, spender: string, value: bigint) => Promise<unknown>,
): Promise<ContractTransactionResponse> {
  await s.token.mint(from.address, amount);
  await approve(from, await s.ledger.getAddress(), amount);
  return s.ledger.connect(from).deposit(amount, encodeBytes32String("revenue"));
}

async function usdtSuite() {
  return deployOn(ethers, (await ethers.deployContract("UsdtStyleToken")) as unknown as UsdtStyleToken);
}
async function feeSuite() {
  return deployOn(ethers, (await ethers.deployContract("FeeOnTransferToken")) as unknown as FeeOnTransferToken);
}
async function wideSuite() {
  return deployOn(ethers, (await ethers.deployContract("MockToken", ["Wide", "W18", 18])) as unknown as MockToken);
}
async function reentrantSuite() {
  const s = await deployOn(ethers, (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken);
  await s.token.mint(s.admin.address, 10_000n);
  await s.token.connect(s.admin).approve(await s.ledger.getAddress(), 10_000n);
  await s.ledger.connect(s.admin).deposit(10_000n, REF);
  await s.ledger.connect(s.officer).createLine(ROADS, 2027, 6_000n, "Roads");
  await s.moduleA.commit(ROADS, 1_000n, REF);
  return s;
}
async function blocklistSuite() {
  return deployOn(ethers, (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken);
}

describe("BudgetLedger: token matrix", function () {
  describe("USDT-style token (no bool returned)", function () {
    it("works on every path", async function () {
      const s = await networkHelpers.loadFixture(usdtSuite);
      const approve = (o: HardhatEthersSigner, spender: string, v: bigint) => s.token.connect(o).approve(spender, v);
      const ledger = await s.ledger.getAddress();
      await expect(deposit(s, s.citizen, 10_000n, approve))
        .to.emit(s.ledger, "Deposited")
        .withArgs(s.citizen.address, 10_000n, encodeBytes32String("revenue"));
      await deposit(s, s.citizen, 5_000n, approve);
      await s.ledger.connect(s.officer).createLine(ROADS, 2027, 8_000n, "Roads");
      await s.ledger.connect(s.officer).createLine(PARKS, 2027, 1_000n, "Parks");
      await s.ledger.connect(s.officer).increaseAppropriation(PARKS, 1_000n);
      await s.ledger.connect(s.officer).decreaseAppropriation(PARKS, 500n);
      await s.ledger.connect(s.officer).reallocate(ROADS, PARKS, 500n, REF);
      await s.moduleA.commit(ROADS, 3_000n, REF);
      await s.moduleB.commit(ROADS, 1_000n, REF);
      await s.moduleA.payOut(ROADS, s.payee.address, 1_200n, REF);
      await s.moduleA.returnFunds(ROADS, 300n, REF);
      await s.moduleA.returnFunds(ROADS, 200n, REF); // a second approval from a zero allowance
      await s.ledger.connect(s.officer).pay(PARKS, s.payee.address, 700n, REF);
      await s.ledger.connect(s.officer).closeLine(ROADS);
      await s.moduleB.returnFunds(ROADS, 400n, REF);
      await s.moduleB.payOut(ROADS, s.payee.address, 600n, REF);
      const free = await s.ledger.unallocated();
      await s.ledger.connect(s.admin).withdrawUnallocated(s.citizen.address, free, REF);
      expect(await s.token.balanceOf(s.payee.address)).to.equal(2_500n);
      expect(await s.token.balanceOf(await s.moduleA.getAddress())).to.equal(1_300n);
      expect(await s.token.balanceOf(await s.moduleB.getAddress())).to.equal(0n);
      expect(await s.token.balanceOf(s.citizen.address)).to.equal(free);
      expect(await s.token.balanceOf(ledger)).to.equal(await s.ledger.available(PARKS));
      const roads = await s.ledger.getLine(ROADS);
      expect(roads.committed).to.equal(1_300n);
      expect(roads.spent).to.equal(1_800n);
      await expectBooksConsistent(s, [ROADS, PARKS], [s.moduleA, s.moduleB]);
    });
  });

  describe("fee-on-transfer token", function () {
    it("is refused on deposit, with the expected and received amounts", async function () {
      const s = await networkHelpers.loadFixture(feeSuite);
      const approve = (o: HardhatEthersSigner, spender: string, v: bigint) => s.token.connect(o).approve(spender, v);
      await expect(deposit(s, s.citizen, 10_000n, approve))
        .to.be.revertedWithCustomError(s.ledger, "Ledger_TransferShortfall")
        .withArgs(10_000n, 9_900n);
      expect(await s.token.balanceOf(await s.ledger.getAddress())).to.equal(0n);
    });

    it("is refused on returnFunds, with the expected and received amounts, books unchanged", async function () {
      const s = await networkHelpers.loadFixture(feeSuite);
      // cash that reached the ledger without deposit (minting charges no fee)
      await s.token.mint(await s.ledger.getAddress(), 20_000n);
      await s.ledger.connect(s.officer).createLine(ROADS, 2027, 20_000n, "Roads");
      await s.moduleA.commit(ROADS, 10_000n, REF); // the module receives 9,900
      await expect(s.moduleA.returnFunds(ROADS, 5_000n, REF))
        .to.be.revertedWithCustomError(s.ledger, "Ledger_TransferShortfall")
        .withArgs(5_000n, 4_950n);
      expect(await s.ledger.committedBy(ROADS, await s.moduleA.getAddress())).to.equal(10_000n);
      expect(await s.ledger.available(ROADS)).to.equal(10_000n);
    });
  });

  describe("18-decimal token with amounts near the 128-bit bounds", function () {
    it("runs a line of 2^128 - 1 through every stage", async function () {
      const s = await networkHelpers.loadFixture(wideSuite);
      const approve = (o: HardhatEthersSigner, spender: string, v: bigint) => s.token.connect(o).approve(spender, v);
      await deposit(s, s.citizen, MAX_128 + 10n ** 18n, approve);
      await s.ledger.connect(s.officer).createLine(ROADS, 2027, MAX_128, "Everything");
      expect(await s.ledger.available(ROADS)).to.equal(MAX_128);
      const big = MAX_128 - 10n ** 30n;
      await s.moduleA.commit(ROADS, big, REF);
      await s.moduleB.commit(ROADS, 10n ** 30n - 1n, REF);
      await s.moduleA.payOut(ROADS, s.payee.address, big - 5n, REF);
      await s.moduleA.returnFunds(ROADS, 5n, REF);
      await s.ledger.connect(s.officer).pay(ROADS, s.payee.address, 5n, REF);
      expect(await s.ledger.available(ROADS)).to.equal(1n);
      const line = await s.ledger.getLine(ROADS);
      expect(line.appropriated).to.equal(MAX_128);
      expect(line.committed).to.equal(10n ** 30n - 1n);
      expect(line.spent).to.equal(big);
      await s.ledger.connect(s.officer).closeLine(ROADS);
      await s.moduleB.returnFunds(ROADS, 10n ** 30n - 1n, REF);
      expect((await s.ledger.getLine(ROADS)).appropriated).to.equal(big);
      expect(await s.ledger.unallocated()).to.equal(10n ** 18n + 10n ** 30n);
      await expectBooksConsistent(s, [ROADS], [s.moduleA, s.moduleB]);
    });

    it("refuses amounts above 2^128 - 1 with Ledger_AmountTooLarge", async function () {
      const s = await networkHelpers.loadFixture(wideSuite);
      const approve = (o: HardhatEthersSigner, spender: string, v: bigint) => s.token.connect(o).approve(spender, v);
      await deposit(s, s.citizen, 3n * MAX_128, approve); // deposits are not bound to 128 bits
      expect(await s.ledger.unallocated()).to.equal(3n * MAX_128);
      await expect(s.ledger.connect(s.officer).createLine(ROADS, 2027, MAX_128 + 1n, "x"))
        .to.be.revertedWithCustomError(s.ledger, "Ledger_AmountTooLarge")
        .withArgs(MAX_128 + 1n);
      await s.ledger.connect(s.officer).createLine(ROADS, 2027, MAX_128, "full");
      await s.ledger.connect(s.officer).createLine(PARKS, 2027, 10n, "small");
      await expect(s.ledger.connect(s.officer).increaseAppropriation(ROADS, 1n))
        .to.be.revertedWithCustomError(s.ledger, "Ledger_AmountTooLarge")
        .withArgs(MAX_128 + 1n);
      await expect(s.ledger.connect(s.officer).increaseAppropriation(PARKS, MAX_128 + 1n))
        .to.be.revertedWithCustomError(s.ledger, "Ledger_AmountTooLarge")
        .withArgs(MAX_128 + 1n);
      await expect(s.ledger.connect(s.officer).reallocate(PARKS, ROADS, 1n, REF))
        .to.be.revertedWithCustomError(s.ledger, "Ledger_AmountTooLarge")
        .withArgs(MAX_128 + 1n);
      await expect(s.moduleA.commit(ROADS, MAX_128 + 1n, REF))
        .to.be.revertedWithCustomError(s.ledger, "Ledger_InsufficientAvailable")
        .withArgs(ROADS, MAX_128, MAX_128 + 1n);
      // what stays unallocated can be withdrawn whole, beyond 128 bits
      const free = await s.ledger.unallocated();
      expect(free).to.equal(2n * MAX_128 - 10n);
      await s.ledger.connect(s.admin).withdrawUnallocated(s.payee.address, free, REF);
      await expectBooksConsistent(s, [ROADS, PARKS], [s.moduleA, s.moduleB]);
    });
  });

  describe("a token that re-enters the ledger during a transfer", function () {
    type Suite = Awaited<ReturnType<typeof reentrantSuite>>;
    const GUARD_ERROR = "ReentrancyGuardReentrantCall";

    async function expectRefused(s: Suite, outer: () => Promise<unknown>, error = GUARD_ERROR): Promise<void> {
      const count = await s.token.reentryCount();
      await outer();
      expect(await s.token.reentryCount(), "the hook ran").to.equal(count + 1n);
      expect(await s.token.lastReentrySucceeded(), "the re-entry was refused").to.equal(false);
      const result = await s.token.lastReentryResult();
      expect(s.ledger.interface.parseError(result)?.name).to.equal(error);
      await expectBooksConsistent(s, [ROADS], [s.moduleA, s.moduleB]);
    }

    async function grantToken(s: Suite, role: bigint): Promise<void> {
      await s.manager.connect(s.admin).grantRole(role, await s.token.getAddress(), 0);
    }

    const call = (s: Suite, fn: string, args: unknown[]) =>
      (s.ledger.interface as Interface).encodeFunctionData(fn, args);

    it("refuses a deposit re-entered from deposit", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await s.token.arm(await s.ledger.getAddress(), call(s, "deposit", [1n, REF]));
      await s.token.mint(s.citizen.address, 500n);
      await s.token.connect(s.citizen).approve(await s.ledger.getAddress(), 500n);
      await expectRefused(s, () => s.ledger.connect(s.citizen).deposit(500n, REF));
      expect(await s.ledger.unallocated()).to.equal(4_500n);
    });

    it("refuses an appropriation of cash in flight (createLine re-entered from commit)", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await grantToken(s, ROLES.BUDGET_OFFICER);
      // while commit's 1,000 are in flight the balance still holds them: the hook tries to use them
      const inFlight = (await s.ledger.unallocated()) + 1_000n;
      await s.token.arm(await s.ledger.getAddress(), call(s, "createLine", [PARKS, 2027, inFlight, "grab"]));
      await expectRefused(s, () => s.moduleA.commit(ROADS, 1_000n, REF));
      expect(await s.ledger.lineCount()).to.equal(1n);
      expect(await s.ledger.committedBy(ROADS, await s.moduleA.getAddress())).to.equal(2_000n);
    });

    it("refuses a withdrawal re-entered from commit", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await grantToken(s, ROLES.ADMIN);
      await s.token.arm(await s.ledger.getAddress(), call(s, "withdrawUnallocated", [s.payee.address, 4_000n, REF]));
      await expectRefused(s, () => s.moduleA.commit(ROADS, 1_000n, REF));
      expect(await s.token.balanceOf(s.payee.address)).to.equal(0n);
    });

    it("refuses a payment re-entered from pay", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await grantToken(s, ROLES.BUDGET_OFFICER);
      await s.token.arm(await s.ledger.getAddress(), call(s, "pay", [ROADS, s.payee.address, 4_000n, REF]));
      await expectRefused(s, () => s.ledger.connect(s.officer).pay(ROADS, s.payee.address, 1_000n, REF));
      expect(await s.token.balanceOf(s.payee.address)).to.equal(1_000n);
    });

    it("refuses officers' bookkeeping re-entered from pay", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await grantToken(s, ROLES.BUDGET_OFFICER);
      for (const [fn, args] of [
        ["closeLine", [ROADS]],
        ["decreaseAppropriation", [ROADS, 1n]],
        ["increaseAppropriation", [ROADS, 1n]],
      ] as const) {
        await s.token.arm(await s.ledger.getAddress(), call(s, fn, [...args]));
        await expectRefused(s, () => s.ledger.connect(s.officer).pay(ROADS, s.payee.address, 10n, REF));
      }
      expect((await s.ledger.getLine(ROADS)).closed).to.equal(false);
    });

    it("refuses a spend or a commitment re-entered from returnFunds", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await grantToken(s, ROLES.LEDGER_CLIENT);
      await s.token.arm(await s.ledger.getAddress(), call(s, "commit", [ROADS, 1n, REF]));
      await expectRefused(s, () => s.moduleA.returnFunds(ROADS, 400n, REF));
      await s.token.arm(await s.ledger.getAddress(), call(s, "recordSpend", [ROADS, s.payee.address, 1n, REF]));
      await expectRefused(s, () => s.moduleA.returnFunds(ROADS, 100n, REF));
      expect(await s.ledger.committedBy(ROADS, await s.moduleA.getAddress())).to.equal(500n);
      expect(await s.ledger.committedBy(ROADS, await s.token.getAddress())).to.equal(0n);
    });

    it("refuses to read unallocated() while a transfer is in flight", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await s.token.arm(await s.ledger.getAddress(), call(s, "unallocated", []));
      await expectRefused(s, () => s.moduleA.commit(ROADS, 1_000n, REF));
      await s.token.arm(await s.ledger.getAddress(), call(s, "unallocated", []));
      await expectRefused(s, () => s.moduleA.returnFunds(ROADS, 1_000n, REF));
    });

    it("refuses a re-entering caller without a role through the AccessManager", async function () {
      const s = await networkHelpers.loadFixture(reentrantSuite);
      await s.token.arm(await s.ledger.getAddress(), call(s, "commit", [ROADS, 1n, REF]));
      await expectRefused(s, () => s.moduleA.commit(ROADS, 1n, REF), "AccessManagedUnauthorized");
    });
  });

  describe("token with a blocklist", function () {
    it("reverts a payment to a blocked payee and leaves the books unchanged", async function () {
      const s = await networkHelpers.loadFixture(blocklistSuite);
      const approve = (o: HardhatEthersSigner, spender: string, v: bigint) => s.token.connect(o).approve(spender, v);
      await deposit(s, s.citizen, 1_000n, approve);
      await s.ledger.connect(s.officer).createLine(ROADS, 2027, 1_000n, "Roads");
      await s.token.setBlocked(s.payee.address, true);
      await expect(s.ledger.connect(s.officer).pay(ROADS, s.payee.address, 100n, REF))
        .to.be.revertedWithCustomError(s.token, "BlocklistToken_Blocked")
        .withArgs(s.payee.address);
      expect(await s.ledger.available(ROADS)).to.equal(1_000n);
      await s.ledger.connect(s.officer).pay(ROADS, s.citizen.address, 100n, REF);
      await expectBooksConsistent(s, [ROADS], [s.moduleA, s.moduleB]);
    });
  });
});
