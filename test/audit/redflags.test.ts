/** Each red-flag rule alone, on plain data. */
import { expect } from "chai";
import { encodeBytes32String, getAddress } from "ethers";

import {
  DEFAULT_REALLOCATION_WINDOW,
  RULES,
  approverAlsoBidder,
  documentOfTwoApplicants,
  isOfficialRole,
  payoutToOfficial,
  programmeClosedMostlyUnclaimed,
  reallocationBeforeOverspend,
  singleBidderTender,
} from "../../scripts/lib/audit/redflags.js";
import { ROLES } from "../../scripts/lib/roles.js";

const A = getAddress("0x000000000000000000000000000000000000000a");
const B = getAddress("0x000000000000000000000000000000000000000b");
const C = getAddress("0x000000000000000000000000000000000000000c");
const ROADS = encodeBytes32String("ROADS");
const FLOOD = encodeBytes32String("FLOOD");
const DAY = 24 * 3600;

describe("Audit: red flags", function () {
  describe("approver also bidder", function () {
    const bidders = new Map([[1n, [A, B]]]);
    const approval = { agreementId: 9n, tenderId: 1n, index: 0n, block: 10, tx: "0x01" };

    it("flags an inspector who bid on the tender", function () {
      const flags = approverAlsoBidder({ approvals: [{ ...approval, inspector: B }], bidders });
      expect(flags).to.have.length(1);
      expect(flags[0]).to.include({ rule: RULES.approverAlsoBidder, record: "agreement 9 milestone 0", block: 10 });
      expect(flags[0].detail).to.include(B);
    });

    it("leaves an independent inspector, and bidders of other tenders, alone", function () {
      expect(approverAlsoBidder({ approvals: [{ ...approval, inspector: C }], bidders })).to.deep.equal([]);
      expect(approverAlsoBidder({ approvals: [{ ...approval, tenderId: 2n, inspector: B }], bidders })).to.deep.equal(
        [],
      );
    });
  });

  describe("payout to an official", function () {
    const grant = (roleId: bigint, account: string, block: number, granted = true) => ({
      roleId,
      account,
      granted,
      block,
      logIndex: 0,
    });
    const pay = (payee: string, block: number, logIndex = 1) => ({
      lineId: ROADS,
      payee,
      amount: 500n,
      module: C,
      block,
      logIndex,
      tx: `0x${block}`,
    });

    it("flags a payee holding an officer, inspector or check role at the time", function () {
      const flags = payoutToOfficial({
        roleChanges: [grant(ROLES.BUDGET_OFFICER, A, 1), grant(ROLES.INSPECTOR, A, 2), grant(150n, B, 2)],
        payouts: [pay(A, 5), pay(B, 6)],
      });
      expect(flags.map((f) => f.detail)).to.deep.equal([
        `paid 500 to ${A}, who holds BUDGET_OFFICER, INSPECTOR`,
        `paid 500 to ${B}, who holds check role 150`,
      ]);
      expect(flags[0]).to.include({ rule: RULES.payoutToOfficial, record: "line ROADS", block: 5 });
    });

    it("follows grants and revocations in chain order", function () {
      const roleChanges = [grant(ROLES.PROCUREMENT_OFFICER, A, 3), grant(ROLES.PROCUREMENT_OFFICER, A, 7, false)];
      const flags = payoutToOfficial({ roleChanges, payouts: [pay(A, 2), pay(A, 3, 1), pay(A, 8)] });
      expect(flags.map((f) => f.block)).to.deep.equal([3]); // before the grant and after the revocation: no flag
      // a payout earlier in the same block than the grant is not flagged
      expect(
        payoutToOfficial({ roleChanges: [{ ...grant(ROLES.INSPECTOR, A, 3), logIndex: 5 }], payouts: [pay(A, 3, 4)] }),
      ).to.deep.equal([]);
    });

    it("does not count the guardian or the modules' LEDGER_CLIENT as officials", function () {
      expect(isOfficialRole(ROLES.GUARDIAN)).to.equal(false);
      expect(isOfficialRole(ROLES.LEDGER_CLIENT)).to.equal(false);
      expect(isOfficialRole(ROLES.ADMIN)).to.equal(true);
      expect(isOfficialRole(ROLES.OUTCOME_VERIFIER)).to.equal(true);
      const roleChanges = [grant(ROLES.GUARDIAN, A, 1), grant(ROLES.LEDGER_CLIENT, B, 1)];
      expect(payoutToOfficial({ roleChanges, payouts: [pay(A, 2), pay(B, 2)] })).to.deep.equal([]);
    });
  });

  describe("reallocation before overspend", function () {
    const realloc = { from: ROADS, to: FLOOD, amount: 5_000n, block: 10, tx: "0x0a", timestamp: 1_000_000 };
    const overspend = (timestamp: number, block = 11) => ({
      lineId: FLOOD,
      used: 12_000n,
      own: 10_000n,
      block,
      tx: "0x0b",
      timestamp,
    });

    it("flags a reallocation into a line that uses more than its own appropriation within the window", function () {
      const flags = reallocationBeforeOverspend({
        reallocations: [realloc],
        overspends: [overspend(1_000_000 + 2 * DAY)],
      });
      expect(flags).to.have.length(1);
      expect(flags[0]).to.include({ rule: RULES.reallocationBeforeOverspend, record: "line ROADS", block: 10 });
      expect(flags[0].detail).to.equal(
        "5000 reallocated to FLOOD, which 48.0 h later used 12000 against its own appropriation of 10000",
      );
    });

    it("ignores an overspend after the window, before the reallocation, or on another line", function () {
      expect(DEFAULT_REALLOCATION_WINDOW).to.equal(7 * DAY);
      const late = overspend(1_000_000 + 7 * DAY + 1);
      const early = overspend(999_000, 9);
      const other = { ...overspend(1_000_100), lineId: ROADS };
      expect(reallocationBeforeOverspend({ reallocations: [realloc], overspends: [late, early, other] })).to.deep.equal(
        [],
      );
    });

    it("takes a configurable window and flags once per reallocation", function () {
      const points = [overspend(1_000_000 + 3600), overspend(1_000_000 + 7200, 12)];
      expect(
        reallocationBeforeOverspend({ reallocations: [realloc], overspends: points, windowSeconds: 1800 }),
      ).to.deep.equal([]);
      expect(
        reallocationBeforeOverspend({ reallocations: [realloc], overspends: points, windowSeconds: 3600 }),
      ).to.have.length(1);
    });
  });

  describe("programme closed mostly unclaimed", function () {
    const p = (paid: bigint, closed = true) => ({
      id: 4n,
      budget: 1_000n,
      paid,
      closed,
      closedAtBlock: 20,
      closedTx: "0x14",
    });

    it("flags a closed programme with more than half of its budget unclaimed", function () {
      const flags = programmeClosedMostlyUnclaimed({ programmes: [p(499n)] });
      expect(flags).to.have.length(1);
      expect(flags[0]).to.include({ rule: RULES.programmeMostlyUnclaimed, record: "programme 4", block: 20 });
      expect(flags[0].detail).to.equal("closed with 501 of 1000 unclaimed (50.1%)");
    });

    it("leaves exactly half, open programmes and a custom threshold's passes alone", function () {
      expect(programmeClosedMostlyUnclaimed({ programmes: [p(500n), p(0n, false)] })).to.deep.equal([]);
      expect(programmeClosedMostlyUnclaimed({ programmes: [p(300n)], thresholdBps: 8_000 })).to.deep.equal([]);
      expect(programmeClosedMostlyUnclaimed({ programmes: [p(100n)], thresholdBps: 8_000 })).to.have.length(1);
    });
  });

  describe("single bidder", function () {
    it("flags an awarded tender with one bidder only", function () {
      const tenders = [
        { id: 1n, status: "awarded", bidders: 1, block: 5, tx: "0x05" },
        { id: 2n, status: "awarded", bidders: 3, block: 6, tx: "0x06" },
        { id: 3n, status: "open", bidders: 1, block: 7, tx: "0x07" },
        { id: 4n, status: "cancelled", bidders: 1, block: 8, tx: "0x08" },
      ];
      expect(singleBidderTender({ tenders })).to.deep.equal([
        { rule: RULES.singleBidder, record: "tender 1", detail: "awarded with a single bidder", block: 5, tx: "0x05" },
      ]);
    });
  });

  describe("one document, two applicants", function () {
    it("flags each later applicant of a document hash, never a single applicant's resubmissions", function () {
      const deed = encodeBytes32String("deed");
      const other = encodeBytes32String("other");
      const uses = new Map([
        [
          deed,
          [
            { applicant: A, applicationId: 1n, block: 3, tx: "0x03" },
            { applicant: B, applicationId: 2n, block: 4, tx: "0x04" },
          ],
        ],
        [other, [{ applicant: C, applicationId: 3n, block: 5, tx: "0x05" }]],
      ]);
      expect(documentOfTwoApplicants({ uses })).to.deep.equal([
        {
          rule: RULES.documentOfTwoApplicants,
          record: `document ${deed}`,
          detail: `submitted by ${B} (application 2) after ${A} (application 1)`,
          block: 4,
          tx: "0x04",
        },
      ]);
    });
  });
});
