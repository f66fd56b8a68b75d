/**
 * The auditor on a full fiscal year through every module, in process: the books rebuilt from the
 * events must equal every view, each red-flag rule must fire on the story where it should, and
 * a provider that loses one log of a module must make the audit inconsistent (exit code 1).
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { INTERFACES, type ContractKind } from "../../scripts/lib/audit/abi.js";
import { exitCodeOf, runAudit, type AuditReport } from "../../scripts/lib/audit/index.js";
import type { RawLog } from "../../scripts/lib/audit/fetch.js";
import type { Eip1193 } from "../../scripts/lib/audit/rpc.js";
import { runScenario, usd, type ScenarioResult } from "./scenario.js";
import { expectReportMatchesViews } from "./views-check.js";

/** A provider that loses the first log of `event` it would return (as a faulty or lying node would). */
function dropping(provider: Eip1193, kind: ContractKind, event: string): Eip1193 & { dropped: number } {
  const topic = INTERFACES[kind].getEvent(event)!.topicHash;
  const wrapper = {
    dropped: 0,
    async request(args: { method: string; params?: unknown[] | object }) {
      const result = await provider.request(args);
      if (args.method !== "eth_getLogs" || wrapper.dropped > 0) return result;
      const logs = result as RawLog[];
      const index = logs.findIndex((l) => l.topics[0]?.toLowerCase() === topic);
      if (index < 0) return result;
      wrapper.dropped++;
      return logs.filter((_, i) => i !== index);
    },
  };
  return wrapper;
}

describe("Audit: a full fiscal year through every module (in process)", function () {
  this.timeout(600_000);
  let connection: NetworkConnection;
  let scenario: ScenarioResult;
  let report: AuditReport;
  const audit = (provider: Eip1193) =>
    runAudit({ provider, addresses: scenario.suite.addresses, fromBlock: scenario.firstBlock });

  before(async function () {
    connection = await network.create();
    scenario = await runScenario(connection);
    report = await audit(connection.provider as unknown as Eip1193);
  });

  after(async function () {
    await connection?.close();
  });

  it("is consistent: no mismatch, exit code 0", function () {
    expect(report.mismatches).to.deep.equal([]);
    expect(report.consistent).to.equal(true);
    expect(exitCodeOf(report)).to.equal(0);
    expect(report.stats.unknownLogs).to.equal(0); // every log of the suite is an event of its ABI
  });

  it("rebuilds every line, tender, agreement, permit and programme as the views show them", async function () {
    await expectReportMatchesViews(report, scenario.suite);
  });

  it("rebuilds each path of the story", function () {
    const tender = (id: number) => report.tenders.find((t) => t.tenderId === String(id));
    expect([1, 2, 3, 4, 5].map((id) => tender(id)?.status)).to.deep.equal([
      "awarded",
      "awarded",
      "cancelled",
      "failed",
      "open",
    ]);
    expect(tender(1)).to.include({ bidders: 4, revealed: 3, price: usd(2_615_000).toString() });
    expect(tender(1)!.bondsForfeited).to.equal(usd(20_000).toString()); // the inspector's, never revealed
    expect(tender(3)!.bondsHeld).to.equal(usd(10_000).toString()); // one bond reclaimed, one still held
    expect(tender(4)!.bondsForfeited).to.equal(usd(10_000).toString());
    expect(report.agreements.map((x) => x.status)).to.deep.equal(["completed", "terminated"]);
    const terminated = report.agreements[1];
    expect(BigInt(String(terminated.paid)) + BigInt(String(terminated.refunded))).to.equal(usd(550_000));
    expect(report.applications.map((x) => x.status)).to.deep.equal([
      "approved",
      "rejected",
      "withdrawn",
      "approved",
      "approved",
      "pending",
      "approved",
    ]);
    expect(report.applications[6]).to.include({ renewal: true, permitId: "1", checksBitmap: 3 });
    expect(report.permits.map((p) => `${p.permitId} ${p.suspended} ${p.revoked} ${p.renewals}`)).to.deep.equal([
      "1 false false 1",
      "2 true false 1",
      "3 false true 0",
    ]);
    expect(report.programmes.map((p) => `${p.kind} ${p.paid} ${p.closed} ${p.blocked}`)).to.deep.equal([
      `roster ${usd(2_850)} true 1`,
      `outcome ${usd(7_200)} true 0`,
      `roster ${usd(300)} false 0`,
    ]);
    const registry = report.modules.find((m) => m.kind === "PermitRegistry")!;
    expect(registry).to.include({ held: usd(150).toString(), directIn: usd(7).toString(), swept: usd(7).toString() });
    const escrow = report.modules.find((m) => m.kind === "ProcurementEscrow")!;
    expect(escrow.held).to.equal((usd(250_000) + usd(10_000) + usd(5_000)).toString()); // tender 5, bonds
    expect(escrow).to.include({ directIn: usd(4).toString(), swept: usd(3).toString() });
    const lines = new Map(report.lines.map((l) => [l.name, l]));
    expect(lines.get("FARM-SUPPORT-2027")).to.include({ closed: true, committed: "0" });
    expect(report.ledger.directIn).to.equal(usd(5).toString());
    expect(report.ledger.withdrawals).to.equal(usd(1_000).toString());
  });

  it("keeps roster payouts apart from paidTo, which counts outcome payouts only", async function () {
    const { subsidies } = scenario.suite;
    const roster = report.programmes[0];
    expect(roster).to.include({ kind: "roster", claims: 3, beneficiaries: 3 });
    // Farmer Ade claimed 1,200 from programme 1, yet the view says 0 for her there.
    expect(await subsidies.paidTo(1n, scenario.who.farmerA)).to.equal(0n);
    expect(await subsidies.paidTo(2n, scenario.who.farmerC)).to.equal(usd(6_000)); // the outcome cap
  });

  it("raises each red-flag rule where the story calls for it", function () {
    const flags = (rule: string) => report.redFlags.filter((f) => f.rule === rule).map((f) => f.record);
    expect(flags("single-bidder-tender")).to.deep.equal(["tender 2"]);
    expect(flags("approver-also-bidder")).to.deep.equal([
      "agreement 1 milestone 0",
      "agreement 1 milestone 1",
      "agreement 1 milestone 2",
    ]);
    expect(flags("programme-closed-mostly-unclaimed")).to.deep.equal(["programme 2"]);
    expect(flags("reallocation-before-overspend")).to.deep.equal(["line SCHOOLS-2027"]);
    const payout = report.redFlags.filter((f) => f.rule === "payout-to-official");
    expect(payout).to.have.length(1);
    expect(payout[0].detail).to.include(scenario.who.inspectorB).and.include("INSPECTOR");
    expect(payout[0].tx).to.equal(scenario.txs["claim-batch"]);
  });

  describe("a provider that loses one log makes the audit inconsistent (exit code 1)", function () {
    const cases: Array<[ContractKind, string, RegExp]> = [
      ["ProcurementEscrow", "MilestonePaid", /ProcurementEscrow event for ledger Spent/],
      ["ProcurementEscrow", "BidSubmitted", /ProcurementEscrow .*token balance/],
      ["SubsidyDisbursement", "Claimed", /SubsidyDisbursement event for ledger Spent/],
      ["SubsidyDisbursement", "OutcomeRecorded", /SubsidyDisbursement event for ledger Spent/],
      ["PermitRegistry", "ApplicationSubmitted", /no ApplicationSubmitted/],
      ["PermitRegistry", "PermitRenewed", /PermitRegistry event for ledger Deposited/],
      ["BudgetLedger", "Spent", /token Transfer out of the ledger/],
    ];
    for (const [kind, event, pattern] of cases) {
      it(`${kind}.${event}`, async function () {
        const provider = dropping(connection.provider as unknown as Eip1193, kind, event);
        const corrupted = await audit(provider);
        if (provider.dropped === 0) this.skip(); // the story has no such event
        expect(corrupted.consistent).to.equal(false);
        expect(exitCodeOf(corrupted)).to.equal(1);
        const text = corrupted.mismatches.map((m) => `${m.record} ${m.field} ${m.expected} ${m.found}`).join("\n");
        expect(text, text).to.match(pattern);
      });
    }
  });
});
