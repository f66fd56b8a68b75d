/**
 * The auditor on the in-process chain: a ledger scenario (lines, deposits, appropriation
 * changes, a reallocation, commitments through a module, payouts, returns, a close with an open
 * commitment, a direct payment, a direct token transfer, a withdrawal) must audit as consistent
 * with every figure equal to the views; a provider that drops one log must produce a mismatch
 * and exit code 1.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, encodeBytes32String } from "ethers";
import { network } from "hardhat";

import { INTERFACES, TRANSFER_TOPIC } from "../../scripts/lib/audit/abi.js";
import { exitCodeOf, runAudit, type AuditReport } from "../../scripts/lib/audit/index.js";
import { renderText, writeCsv, writeJson } from "../../scripts/lib/audit/report.js";
import type { Eip1193 } from "../../scripts/lib/audit/rpc.js";
import { RULES } from "../../scripts/lib/audit/redflags.js";
import { ROLES } from "../../scripts/lib/roles.js";
import type { AuditLoadModule } from "../../types/ethers-contracts/index.js";
import { deployLedgerSuite, type LedgerSuite } from "../helpers/suite.js";

const { ethers, networkHelpers, provider } = await network.create();

const U = 1_000_000n; // 6 decimals
const ROADS = encodeBytes32String("ROADS-2027");
const SCHOOLS = encodeBytes32String("SCHOOLS-2027");
const PARKS = encodeBytes32String("PARKS-2027");
const FLOOD = encodeBytes32String("FLOOD-2027");
const ref = (text: string) => encodeBytes32String(text);

interface Scenario {
  suite: LedgerSuite;
  module: AuditLoadModule;
  supplier: HardhatEthersSigner;
  addresses: { AccessManager: string; BudgetLedger: string };
}

async function scenario(): Promise<Scenario> {
  const suite = await deployLedgerSuite(ethers);
  const { admin, officer, ledger, token, manager } = suite;
  const supplier = suite.others[0];
  const module = (await ethers.deployContract("AuditLoadModule", [
    await ledger.getAddress(),
  ])) as unknown as AuditLoadModule;
  await manager.grantRole(ROLES.LEDGER_CLIENT, await module.getAddress(), 0);
  const ledgerAddress = await ledger.getAddress();
  await token.mint(admin.address, 2_000_000n * U);
  await token.approve(ledgerAddress, 2_000_000n * U);
  await ledger.deposit(600_000n * U, ref("TAX-Q1"));
  await ledger.deposit(100_000n * U, ref("GRANT"));
  const o = ledger.connect(officer);
  await o.createLine(ROADS, 2027, 300_000n * U, "Roads 2027");
  await o.createLine(SCHOOLS, 2027, 200_000n * U, "Schools 2027");
  await o.createLine(PARKS, 2027, 50_000n * U, "Parks 2027");
  await o.createLine(FLOOD, 2027, 10_000n * U, "Flood defence 2027");
  await o.increaseAppropriation(ROADS, 10_000n * U);
  await o.decreaseAppropriation(PARKS, 5_000n * U);
  await o.reallocate(ROADS, SCHOOLS, 20_000n * U, ref("school roofs"));
  // Through a module: commit, pay out, return; on SCHOOLS a commitment stays open over the close.
  await module.commit(ROADS, 100_000n * U, ref("TENDER-1"));
  await module.spend(ROADS, supplier.address, 60_000n * U, ref("MS-1"));
  await module.giveBack(ROADS, 10_000n * U, ref("TENDER-1"));
  await module.commit(SCHOOLS, 50_000n * U, ref("TENDER-2"));
  await module.spend(SCHOOLS, supplier.address, 5_000n * U, ref("MS-2"));
  await o.pay(PARKS, supplier.address, 1_000n * U, ref("INV-7"));
  await o.pay(PARKS, officer.address, 250n * U, ref("INV-8")); // a payout to the budget officer: a red flag
  await o.closeLine(SCHOOLS);
  await module.giveBack(SCHOOLS, 5_000n * U, ref("TENDER-2"));
  await module.spend(SCHOOLS, supplier.address, 10_000n * U, ref("MS-3"));
  // Money moved into FLOOD is used the next day beyond FLOOD's own appropriation: a red flag.
  await o.reallocate(ROADS, FLOOD, 5_000n * U, ref("storm"));
  await networkHelpers.time.increase(24 * 3600);
  await o.pay(FLOOD, supplier.address, 12_000n * U, ref("INV-9"));
  await token.transfer(ledgerAddress, 777n * U); // tokens sent without deposit: unallocated
  await ledger.withdrawUnallocated(admin.address, 1_000n * U, ref("REFUND"));
  await module.churn(PARKS, supplier.address, 5, 100n * U);
  return {
    suite,
    module,
    supplier,
    addresses: { AccessManager: await manager.getAddress(), BudgetLedger: ledgerAddress },
  };
}

/** A provider that hides one log from eth_getLogs answers (a node or indexer that lost it). */
function dropping(inner: Eip1193, drop: (log: { topics: string[]; data: string }) => boolean): Eip1193 {
  let dropped = false;
  return {
    async request(args) {
      const result = await inner.request(args);
      if (args.method !== "eth_getLogs" || dropped || !Array.isArray(result)) return result;
      const index = result.findIndex(drop);
      if (index < 0) return result;
      dropped = true;
      return result.filter((_, i) => i !== index);
    },
  };
}

describe("Audit: the ledger book on the in-process chain", function () {
  let s: Scenario;
  let report: AuditReport;
  let latest: number;

  before(async function () {
    s = await networkHelpers.loadFixture(scenario);
    latest = await ethers.provider.getBlockNumber();
    // small windows: the fetch crosses many of them
    report = await runAudit({
      provider,
      addresses: s.addresses,
      fromBlock: 0,
      fetch: { initialWindow: 4, maxWindow: 16 },
    });
  });

  it("finds the books consistent, read at the latest block", function () {
    expect(report.mismatches, renderText(report)).to.deep.equal([]);
    expect(report.consistent).to.equal(true);
    expect(exitCodeOf(report)).to.equal(0);
    expect(report.chainId).to.equal(31337);
    expect(report.block).to.equal(latest);
    expect(report.stats.windows).to.be.greaterThan(3);
  });

  it("rebuilds every line with the figures the views give", async function () {
    const { ledger } = s.suite;
    expect(report.lines.map((l) => l.lineId)).to.deep.equal([ROADS, SCHOOLS, PARKS, FLOOD]);
    for (const row of report.lines) {
      const view = await ledger.getLine(String(row.lineId));
      expect(row, String(row.name)).to.deep.include({
        fiscalYear: Number(view.fiscalYear),
        label: view.label,
        appropriated: view.appropriated.toString(),
        committed: view.committed.toString(),
        spent: view.spent.toString(),
        available: (await ledger.available(String(row.lineId))).toString(),
        closed: view.closed,
      });
    }
    const schools = report.lines.find((l) => l.lineId === SCHOOLS)!;
    expect(schools).to.include({ closed: true, committed: (30_000n * U).toString(), spent: (15_000n * U).toString() });
  });

  it("accounts for the ledger's cash, direct transfers included", async function () {
    const { ledger, token } = s.suite;
    expect(report.ledger.balance).to.equal((await token.balanceOf(s.addresses.BudgetLedger)).toString());
    expect(report.ledger.unallocated).to.equal((await ledger.unallocated()).toString());
    expect(report.ledger.directIn).to.equal((777n * U).toString());
    expect(report.directTransfers).to.have.length(1);
    expect(report.ledger.deposits).to.equal((700_000n * U).toString());
    expect(report.ledger.withdrawals).to.equal((1_000n * U).toString());
  });

  it("lists the module with its open commitments and balance", async function () {
    const { ledger, token } = s.suite;
    const address = await s.module.getAddress();
    const open = (await ledger.committedBy(SCHOOLS, address)) + (await ledger.committedBy(ROADS, address));
    expect(report.modules).to.deep.equal([
      {
        address,
        kind: "not in the deployment",
        outstandingCommitments: open.toString(),
        held: null,
        deferred: null,
        directIn: "0",
        swept: "0",
        balance: (await token.balanceOf(address)).toString(),
      },
    ]);
  });

  it("raises the red flags without calling the books inconsistent", function () {
    const rules = report.redFlags.map((f) => f.rule);
    expect(rules).to.include(RULES.payoutToOfficial);
    expect(rules).to.include(RULES.reallocationBeforeOverspend);
    const flood = report.redFlags.find((f) => f.rule === RULES.reallocationBeforeOverspend)!;
    expect(flood.detail).to.match(
      /5000 reallocated to FLOOD-2027, which 24\.0 h later used 12000 against its own appropriation of 10000/,
    );
    const official = report.redFlags.find((f) => f.rule === RULES.payoutToOfficial)!;
    expect(official.detail).to.include(`${s.suite.officer.address}, who holds BUDGET_OFFICER`);
    expect(report.roles.map((r) => r.role)).to.include.members([
      "ADMIN",
      "BUDGET_OFFICER",
      "GUARDIAN",
      "LEDGER_CLIENT",
    ]);
  });

  it("writes SPEC's JSON shape and one CSV file per record kind", async function () {
    const dir = mkdtempSync(join(tmpdir(), "audit-"));
    try {
      await writeJson(report, join(dir, "audit.json"));
      await writeCsv(report, join(dir, "csv"));
      const json = JSON.parse(readFileSync(join(dir, "audit.json"), "utf8"));
      expect(json).to.include({ chainId: 31337, block: report.block, consistent: true });
      expect(json.mismatches).to.deep.equal([]);
      expect(Object.keys(json.lines[0])).to.include.members([
        "lineId",
        "fiscalYear",
        "label",
        "appropriated",
        "committed",
        "spent",
        "available",
        "closed",
      ]);
      expect(json.lines[0].appropriated).to.match(/^\d+$/);
      for (const key of ["tenders", "agreements", "permits", "programmes", "redFlags"])
        expect(json[key], key).to.be.an("array");
      const files = readdirSync(join(dir, "csv"));
      expect(files).to.include.members([
        "lines.csv",
        "mismatches.csv",
        "red-flags.csv",
        "tenders.csv",
        "programmes.csv",
      ]);
      const lines = readFileSync(join(dir, "csv", "lines.csv"), "utf8")
        .trim()
        .split("\r\n");
      expect(lines).to.have.length(5);
      expect(lines[0]).to.match(/^lineId,name,fiscalYear,label,appropriated,committed,spent,available,closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints a readable report", function () {
    const text = renderText(report);
    expect(text).to.match(/ROADS-2027\s+2027\s+Roads 2027\s+285000\s+30000\s+60000\s+195000\s+open/);
    expect(text).to.include("No mismatches");
    expect(text).to.include("Result: CONSISTENT");
  });

  describe("with one log lost", function () {
    const ledgerTopic = (name: string) => INTERFACES.BudgetLedger.getEvent(name)!.topicHash;
    const direct = INTERFACES.Token.encodeEventLog("Transfer", [ZeroAddress, ZeroAddress, 777n * U]).data;
    const cases: Array<[string, (log: { topics: string[]; data: string }) => boolean, RegExp]> = [
      ["a Spent by the module", (l) => l.topics[0] === ledgerTopic("Spent") && l.topics.length === 4, /spent/],
      ["a Committed", (l) => l.topics[0] === ledgerTopic("Committed"), /invariant 4|committed/],
      ["a LineCreated", (l) => l.topics[0] === ledgerTopic("LineCreated"), /lineCount/],
      ["a Deposited", (l) => l.topics[0] === ledgerTopic("Deposited"), /token Transfer into the ledger/],
      ["the direct token transfer", (l) => l.topics[0] === TRANSFER_TOPIC && l.data === direct, /token balance/],
    ];
    for (const [what, drop, field] of cases) {
      it(`reports a mismatch and exit code 1 when ${what} is missing`, async function () {
        const bad = await runAudit({ provider: dropping(provider, drop), addresses: s.addresses, fromBlock: 0 });
        expect(bad.consistent, what).to.equal(false);
        expect(exitCodeOf(bad)).to.equal(1);
        expect(bad.mismatches.map((m) => `${m.record}: ${m.field}`).join("\n")).to.match(field);
        for (const m of bad.mismatches) {
          expect(m.expected, m.field).to.not.equal(m.found);
          expect(m.record).to.be.a("string").and.not.equal("");
        }
      });
    }
  });
});
