/** Matching a module's events with the ledger's bookings, transaction by transaction. */
import { expect } from "chai";

import { matchFlows } from "../../scripts/lib/audit/books/flows.js";
import type { LedgerFlow } from "../../scripts/lib/audit/books/types.js";

const M = "0x00000000000000000000000000000000000000Bb";
const flow = (kind: LedgerFlow["kind"], amount: bigint, tx = "0x1", payee?: string): LedgerFlow => ({
  tx,
  kind,
  module: M,
  lineId: kind === "deposit" ? undefined : "0xline",
  payee,
  amount,
  source: kind,
  block: 1,
});

describe("Audit: module events against ledger bookings", function () {
  it("accepts every booking matched by a module event in the same transaction", function () {
    const events = [
      flow("commit", 100n),
      flow("spend", 40n, "0x2", "0xP"),
      flow("spend", 40n, "0x2", "0xP"),
      flow("deposit", 5n, "0x3"),
    ];
    const booked = [
      flow("deposit", 5n, "0x3"),
      flow("spend", 40n, "0x2", "0xP"),
      flow("commit", 100n),
      flow("spend", 40n, "0x2", "0xP"),
    ];
    expect(matchFlows("ProcurementEscrow", events, booked)).to.deep.equal([]);
  });

  it("reports a Spent without its module payout event, and a payout event without its Spent", function () {
    const out = matchFlows(
      "SubsidyDisbursement",
      [flow("spend", 40n, "0x2", "0xP")],
      [flow("spend", 40n, "0x9", "0xP")],
    );
    expect(out).to.have.length(2);
    expect(out[0]).to.include({ record: "tx 0x2", field: "ledger Spent for spend", found: "none in the transaction" });
    expect(out[1]).to.include({ record: "tx 0x9", field: "SubsidyDisbursement event for ledger Spent" });
  });

  it("matches amounts and payees exactly", function () {
    expect(matchFlows("X", [flow("spend", 40n, "0x2", "0xP")], [flow("spend", 41n, "0x2", "0xP")])).to.have.length(2);
    expect(matchFlows("X", [flow("spend", 40n, "0x2", "0xP")], [flow("spend", 40n, "0x2", "0xQ")])).to.have.length(2);
  });
});
