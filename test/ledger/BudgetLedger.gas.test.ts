/**
 * Receipt gas of every ledger operation, held under ceilings so that a regression shows up as a
 * failing test. `CIVIC_GAS_REPORT=1 npx hardhat test mocha test/ledger/BudgetLedger.gas.test.ts`
 * prints the table. The floor rows are a bare ERC-20 transfer from an account and from a contract
 * (BaselineDisperse with one recipient): what any payout costs before books and access control.
 */
import { expect } from "chai";
import { encodeBytes32String, Wallet } from "ethers";
import { network } from "hardhat";

import type { BaselineDisperse } from "../../types/ethers-contracts/index.js";
import { deployClient, deployLedgerWorld, PARKS, ROADS } from "./fixtures.js";

const { ethers, networkHelpers, provider } = await network.create();
const world = () => deployLedgerWorld(ethers);

async function gas(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

const ref = (s: string) => encodeBytes32String(s);

/** The number of SSTORE operations a transaction ran (transient TSTOREs of the reentrancy guard aside). */
async function storageWrites(hash: string): Promise<number> {
  const trace = (await provider.request({ method: "debug_traceTransaction", params: [hash] })) as {
    structLogs: Array<{ op: string }>;
  };
  return trace.structLogs.filter((step) => step.op === "SSTORE").length;
}
const fresh = () => Wallet.createRandom().address;

/** Ceilings: today's figures plus about 1%. */
const CEILINGS: Record<string, number> = {
  deposit: 50_000,
  createLine: 146_000,
  createLineEmpty: 123_000,
  increaseAppropriation: 74_000, // the first funds of an empty line: a new slot
  increaseAppropriationFundedLine: 56_500,
  decreaseAppropriation: 51_500,
  reallocate: 55_000,
  closeLine: 53_500,
  payFirstOnLine: 85_500,
  payFreshPayee: 85_500,
  payExistingPayee: 68_500,
  commitFirstOnLine: 175_500, // the module's new books on the line
  commit: 73_000,
  recordSpendFirst: 45_000,
  recordSpend: 45_000,
  returnFunds: 80_000,
  returnFundsClosedLine: 75_500,
  withdrawUnallocated: 75_000, // to a fresh address
  pause: 40_000,
  unpause: 40_000,
};

describe("BudgetLedger gas", function () {
  it("keeps every operation under its ceiling", async function () {
    const w = await networkHelpers.loadFixture(world);
    const ledger = await w.ledger.getAddress();
    const officer = w.ledger.connect(w.officer);
    const rows: Record<string, bigint> = {};

    await w.token.mint(w.admin.address, 10n ** 15n);
    await w.token.approve(ledger, 10n ** 15n);
    rows.deposit = await gas(w.ledger.deposit(10n ** 12n, ref("revenue")));
    const schools = ref("schools");
    const clinics = ref("clinics");
    rows.createLine = await gas(officer.createLine(schools, 2027, 10n ** 11n, "Schools 2027"));
    rows.createLineEmpty = await gas(officer.createLine(clinics, 2027, 0n, "Clinics 2027"));
    rows.increaseAppropriation = await gas(officer.increaseAppropriation(clinics, 10n ** 10n));
    rows.increaseAppropriationFundedLine = await gas(officer.increaseAppropriation(ROADS, 10n ** 9n));
    rows.decreaseAppropriation = await gas(officer.decreaseAppropriation(clinics, 10n ** 9n));
    rows.reallocate = await gas(officer.reallocate(schools, clinics, 10n ** 9n, ref("r")));

    rows.payFirstOnLine = await gas(officer.pay(schools, fresh(), 1_000n, ref("inv-1")));
    rows.payFreshPayee = await gas(officer.pay(schools, fresh(), 1_000n, ref("inv-2")));
    const known = fresh();
    await officer.pay(schools, known, 1_000n, ref("inv-3"));
    rows.payExistingPayee = await gas(officer.pay(schools, known, 1_000n, ref("inv-4")));

    // a module's flows, measured on the ledger call itself (the module is impersonated)
    const moduleAddress = await w.moduleA.getAddress();
    await networkHelpers.setBalance(moduleAddress, 10n ** 18n);
    const module = await ethers.getImpersonatedSigner(moduleAddress);
    const asModule = w.ledger.connect(module);
    rows.commitFirstOnLine = await gas(asModule.commit(schools, 10n ** 6n, ref("c-1")));
    rows.commit = await gas(asModule.commit(schools, 10n ** 6n, ref("c-2")));
    rows.recordSpendFirst = await gas(asModule.recordSpend(schools, known, 100n, ref("s-1")));
    rows.recordSpend = await gas(asModule.recordSpend(schools, known, 100n, ref("s-2")));
    await w.token.connect(module).approve(ledger, 10n ** 6n);
    rows.returnFunds = await gas(asModule.returnFunds(schools, 100n, ref("back-1")));
    rows.withdrawUnallocated = await gas(w.ledger.withdrawUnallocated(fresh(), 100n, ref("w")));
    rows.closeLine = await gas(officer.closeLine(schools));
    rows.returnFundsClosedLine = await gas(asModule.returnFunds(schools, 100n, ref("back-2")));
    rows.pause = await gas(w.ledger.connect(w.guardian).pause());
    rows.unpause = await gas(w.ledger.connect(w.guardian).unpause());

    // the floors: a bare transfer to a fresh / known holder, from an account and from a contract
    await w.token.mint(w.admin.address, 2_000n);
    const floorPayee = fresh();
    rows.floorTransferFresh = await gas(w.token.transfer(floorPayee, 1_000n));
    rows.floorTransferExisting = await gas(w.token.transfer(floorPayee, 1_000n));
    const disperse = (await ethers.deployContract("BaselineDisperse")) as unknown as BaselineDisperse;
    await w.token.mint(await disperse.getAddress(), 10_000n);
    const token = await w.token.getAddress();
    const contractPayee = fresh();
    rows.floorContractTransferFresh = await gas(disperse.disperse(token, [contractPayee], [1_000n]));
    rows.floorContractTransferExisting = await gas(disperse.disperse(token, [contractPayee], [1_000n]));

    if (process.env.CIVIC_GAS_REPORT !== undefined) {
      console.table(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Number(v)])));
    }
    for (const [name, ceiling] of Object.entries(CEILINGS)) {
      expect(Number(rows[name]), name).to.be.at.most(ceiling);
    }
  });

  it("writes one slot for a module's payout, and one line slot for a direct payment", async function () {
    const w = await networkHelpers.loadFixture(world);
    const client = await deployClient(ethers, w);
    await client.commit(PARKS, 500n, ref("c"));
    const moduleAddress = await client.getAddress();
    await networkHelpers.setBalance(moduleAddress, 10n ** 18n);
    const module = await ethers.getImpersonatedSigner(moduleAddress);
    const spend = await (await w.ledger.connect(module).recordSpend(PARKS, w.payee.address, 1n, ref("a"))).wait();
    expect(await storageWrites(spend!.hash)).to.equal(1);
    const pay = await (await w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 1n, ref("b"))).wait();
    // the line's slot and the sum of available, then the token's two balances
    expect(await storageWrites(pay!.hash)).to.equal(4);
  });
});
