/**
 * The module books (permits, procurement, subsidies) on synthetic event streams encoded with
 * the compiled ABIs: what each module must hold, the ledger flows its events imply, the
 * inconsistencies it notices, and a reconciliation against scripted views. The same books on
 * the real contracts: scenario.test.ts, deferred.test.ts and anvil.test.ts.
 */
import { expect } from "chai";
import { encodeBytes32String, getAddress } from "ethers";

import { INTERFACES, type ContractKind } from "../../scripts/lib/audit/abi.js";
import { PermitsBook } from "../../scripts/lib/audit/books/permits.js";
import { ProcurementBook } from "../../scripts/lib/audit/books/procurement.js";
import { SubsidiesBook } from "../../scripts/lib/audit/books/subsidies.js";
import { TokenTrail } from "../../scripts/lib/audit/books/trail.js";
import type { ModuleBook } from "../../scripts/lib/audit/books/types.js";
import { decodeLog, type AuditEvent } from "../../scripts/lib/audit/decode.js";
import {
  approverAlsoBidder,
  programmeClosedMostlyUnclaimed,
  singleBidderTender,
} from "../../scripts/lib/audit/redflags.js";
import { PinnedReader, type Eip1193 } from "../../scripts/lib/audit/rpc.js";

const addr = (n: number) => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
const ESCROW = addr(0xe5);
const SUBSIDIES = addr(0x5b);
const REGISTRY = addr(0x9e);
const TOKEN = addr(0x70);
const ZERO = addr(0);
const [A, B, C, D, E, I1] = [addr(0xa), addr(0xb), addr(0xc), addr(0xd), addr(0xee), addr(0x11)];
const LINE = encodeBytes32String("ROADS-2027");
const H = encodeBytes32String("hash");

/** Builds events as the chain would hold them: encoded with SPEC's signatures, decoded back. */
function stream() {
  let block = 0;
  const events: AuditEvent[] = [];
  return {
    events,
    /** Starts a new transaction (its own block). */
    tx() {
      block++;
      return this;
    },
    emit(kind: ContractKind, address: string, name: string, args: unknown[]) {
      const { topics, data } = INTERFACES[kind].encodeEventLog(name, args);
      const log = {
        address,
        topics,
        data,
        blockNumber: `0x${block.toString(16)}`,
        logIndex: `0x${events.filter((e) => e.block === block).length.toString(16)}`,
        transactionHash: `0x${block.toString(16).padStart(64, "0")}`,
      };
      events.push(decodeLog(log, kind, address)!);
      return this;
    },
    transfer(from: string, to: string, value: bigint) {
      return this.emit("Token", TOKEN, "Transfer", [from, to, value]);
    },
  };
}

function run(book: ModuleBook, events: AuditEvent[]) {
  for (const e of events) book.apply(e);
  return book;
}

const flowsOf = (book: ModuleBook) =>
  book.expectedFlows().map((f) => `${f.kind} ${f.amount}${f.payee ? ` ${f.payee}` : ""}`);

describe("Audit: module books on synthetic events", function () {
  describe("procurement", function () {
    function awardedAndPaid() {
      const s = stream();
      const P = (name: string, args: unknown[]) => s.emit("ProcurementEscrow", ESCROW, name, args);
      s.tx();
      P("TenderCreated", [1n, LINE, 1_000n, 100n, 200n, H]);
      s.tx().transfer(A, ESCROW, 50n);
      P("BidSubmitted", [1n, A]);
      s.tx();
      P("BidSubmitted", [1n, A]); // a new seal pays nothing more
      s.tx();
      P("BidSubmitted", [1n, B]).transfer(B, ESCROW, 50n);
      s.tx().transfer(C, ESCROW, 50n);
      P("BidSubmitted", [1n, C]);
      s.tx();
      P("BidRevealed", [1n, A, 900n, H]).transfer(ESCROW, A, 50n);
      s.tx();
      P("BidRevealed", [1n, B, 800n, H]).transfer(ESCROW, B, 50n);
      s.tx();
      P("TenderAwarded", [1n, 1n, B, 800n]);
      P("BondsForfeited", [1n, 50n]);
      s.tx();
      P("MilestoneSubmitted", [1n, 0n, H]);
      s.tx();
      P("MilestoneApproved", [1n, 0n, I1, 1n]);
      s.tx();
      P("MilestoneApproved", [1n, 0n, A, 2n]); // A bid on the tender: a red flag
      P("MilestonePaid", [1n, 0n, B, 360n, 40n]);
      s.tx();
      P("MilestonePaid", [1n, 1n, B, 360n, 40n]);
      P("AgreementCompleted", [1n]); // before the release, in the same transaction
      P("RetentionReleased", [1n, B, 80n]);
      return s;
    }

    it("holds nothing once the tender is awarded and the agreement completed", function () {
      const book = run(new ProcurementBook(ESCROW), awardedAndPaid().events) as ProcurementBook;
      expect(book.held()).to.equal(0n);
      expect(book.anomalies).to.deep.equal([]);
      expect(flowsOf(book)).to.deep.equal([
        "commit 1000",
        "return 200",
        "deposit 50",
        `spend 360 ${B}`,
        `spend 440 ${B}`, // the last payment and the retention it releases: one Spent
      ]);
      const { tenders, bids, agreements } = book.tables();
      expect(tenders[0]).to.include({ status: "awarded", bidders: 3, revealed: 2, price: "800", bondsForfeited: "50" });
      expect(bids.map((b) => `${b.bidder} ${b.bondPaid} ${b.bondHeld}`)).to.deep.equal([
        `${A} 50 0`,
        `${B} 50 0`,
        `${C} 50 0`,
      ]);
      expect(agreements[0]).to.include({ status: "completed", paid: "800", retentionHeld: "0" });
      const flags = approverAlsoBidder({
        approvals: book.approvals,
        bidders: new Map([...book.tenders.values()].map((t) => [t.id, [...t.bidders.keys()]])),
      });
      expect(flags.map((f) => f.record)).to.deep.equal(["agreement 1 milestone 0"]);
    });

    it("holds open tenders, bonds and unpaid agreements; returns what a cancel or termination frees", function () {
      const s = stream();
      const P = (name: string, args: unknown[]) => s.emit("ProcurementEscrow", ESCROW, name, args);
      s.tx();
      P("TenderCreated", [2n, LINE, 500n, 100n, 200n, H]);
      s.tx().transfer(D, ESCROW, 20n);
      P("BidSubmitted", [2n, D]);
      const open = run(new ProcurementBook(ESCROW), s.events);
      expect(open.held()).to.equal(520n);
      s.tx();
      P("TenderCancelled", [2n, H]);
      s.tx();
      P("BondReclaimed", [2n, D, 20n]);
      s.tx();
      P("TenderCreated", [3n, LINE, 400n, 100n, 200n, H]);
      s.tx();
      P("BidSubmitted", [3n, E]);
      s.tx();
      P("BidRevealed", [3n, E, 300n, H]);
      s.tx();
      P("TenderAwarded", [3n, 2n, E, 300n]);
      s.tx();
      P("MilestonePaid", [2n, 0n, E, 90n, 10n]);
      const paying = run(new ProcurementBook(ESCROW), s.events) as ProcurementBook;
      expect(paying.held()).to.equal(210n); // 300 - 90 paid, retention held
      s.tx();
      P("AgreementTerminated", [2n, 210n, H]);
      const book = run(new ProcurementBook(ESCROW), s.events) as ProcurementBook;
      expect(book.held()).to.equal(0n);
      expect(book.anomalies).to.deep.equal([]);
      expect(flowsOf(book)).to.deep.equal([
        "commit 500",
        "return 500",
        "commit 400",
        "return 100",
        `spend 90 ${E}`,
        "return 210",
      ]);
      const single = singleBidderTender({
        tenders: [...book.tenders.values()].map((t) => ({
          ...t,
          bidders: t.bidders.size,
          block: t.endBlock!,
          tx: t.endTx!,
        })),
      });
      expect(single.map((f) => f.record)).to.deep.equal(["tender 3"]);
    });

    it("notices awards, releases, forfeits and refunds that do not add up", function () {
      const s = stream();
      const P = (name: string, args: unknown[]) => s.emit("ProcurementEscrow", ESCROW, name, args);
      s.tx();
      P("TenderCreated", [1n, LINE, 1_000n, 100n, 200n, H]);
      s.tx().transfer(A, ESCROW, 50n);
      P("BidSubmitted", [1n, A]);
      s.tx().transfer(B, ESCROW, 50n);
      P("BidSubmitted", [1n, B]);
      s.tx();
      P("BidRevealed", [1n, A, 900n, H]);
      s.tx();
      P("BidRevealed", [1n, B, 700n, H]);
      s.tx();
      P("TenderAwarded", [1n, 1n, A, 900n]); // not the lowest price
      P("BondsForfeited", [1n, 50n]); // nobody left unrevealed
      s.tx();
      P("MilestonePaid", [1n, 0n, A, 450n, 50n]);
      s.tx();
      P("RetentionReleased", [1n, A, 60n]); // 50 held
      s.tx();
      P("AgreementTerminated", [1n, 500n, H]); // 900 - 510 = 390 left
      const book = run(new ProcurementBook(ESCROW), s.events);
      book.held();
      expect(book.anomalies.map((m) => m.field)).to.deep.equal([
        "TenderAwarded.contractor",
        "TenderAwarded.price",
        "RetentionReleased.amount",
        "RetentionReleased",
        "AgreementTerminated.refunded",
        "BondsForfeited.amount",
      ]);
    });
  });

  describe("subsidies", function () {
    function programmes() {
      const s = stream();
      const S = (name: string, args: unknown[]) => s.emit("SubsidyDisbursement", SUBSIDIES, name, args);
      s.tx();
      S("ProgramCreated", [1n, LINE, 0, 1_000n, 10n, 20n, H, H]);
      s.tx();
      S("Claimed", [1n, 0n, A, 100n]).transfer(SUBSIDIES, A, 100n);
      s.tx();
      S("Claimed", [1n, 1n, B, 150n]).transfer(SUBSIDIES, B, 150n);
      s.tx();
      S("ClaimBlocked", [1n, 2n, H]);
      s.tx();
      S("ProgramCreated", [2n, LINE, 1, 500n, 10n, 20n, encodeBytes32String(""), H]);
      s.tx();
      S("OutcomeRecorded", [2n, A, 10n, 200n, H]).transfer(SUBSIDIES, A, 200n);
      s.tx();
      S("ProgramClosed", [1n, 750n]);
      return s;
    }

    it("holds the unpaid budget of open programmes and returns the rest at closure", function () {
      const book = run(new SubsidiesBook(SUBSIDIES), programmes().events) as SubsidiesBook;
      expect(book.held()).to.equal(300n);
      expect(book.anomalies).to.deep.equal([]);
      expect(flowsOf(book)).to.deep.equal([
        "commit 1000",
        `spend 100 ${A}`,
        `spend 150 ${B}`,
        "commit 500",
        `spend 200 ${A}`,
        "return 750",
      ]);
      expect(book.tables().programmes.map((p) => `${p.kind} ${p.paid} ${p.closed}`)).to.deep.equal([
        "roster 250 true",
        "outcome 200 false",
      ]);
      const flags = programmeClosedMostlyUnclaimed({ programmes: [...book.programmes.values()] });
      expect(flags.map((f) => f.detail)).to.deep.equal(["closed with 750 of 1000 unclaimed (75%)"]);
    });

    it("notices a claim paid twice, a blocked claim paid and a wrong return", function () {
      const s = programmes();
      const S = (name: string, args: unknown[]) => s.emit("SubsidyDisbursement", SUBSIDIES, name, args);
      s.tx();
      S("ProgramCreated", [3n, LINE, 0, 100n, 10n, 20n, H, H]);
      s.tx();
      S("ClaimBlocked", [3n, 1n, H]);
      s.tx();
      S("Claimed", [3n, 0n, A, 10n]);
      s.tx();
      S("Claimed", [3n, 0n, A, 10n]);
      s.tx();
      S("Claimed", [3n, 1n, B, 10n]);
      s.tx();
      S("ProgramClosed", [3n, 80n]);
      const book = run(new SubsidiesBook(SUBSIDIES), s.events);
      expect(book.anomalies.map((m) => m.field)).to.deep.equal(["claim 0", "claim 1", "ProgramClosed.returned"]);
    });

    it("reconciles programmes with getProgram, paidTo, isClaimed and isBlocked", async function () {
      const book = run(new SubsidiesBook(SUBSIDIES), programmes().events);
      const I = INTERFACES.SubsidyDisbursement;
      const views: Record<string, (args: unknown[]) => unknown[]> = {
        getProgram: ([id]) => [
          id === 1n
            ? [0n, LINE, 1_000n, 250n, 10n, 20n, true, H, 0n, 0n, H]
            : [1n, LINE, 500n, 199n, 10n, 20n, false, encodeBytes32String(""), 20n, 0n, H], // paid is off by one
        ],
        paidTo: () => [200n], // outcome programmes only
        isClaimed: ([, index]) => [index !== 2n],
        isBlocked: () => [true],
        programCount: () => [2n],
        programStatus: ([id]) => [id === 1n ? 4n : 2n],
        remaining: ([id]) => [id === 1n ? 0n : 300n],
      };
      const provider: Eip1193 = {
        async request({ method, params }) {
          if (method !== "eth_call") throw new Error(method);
          const [{ data }] = params as [{ data: string }];
          const fn = I.parseTransaction({ data })!;
          return I.encodeFunctionResult(fn.name, views[fn.name]([...fn.args]));
        },
      };
      const mismatches = await book.reconcile(new PinnedReader(provider, 100), { block: 100, timestamp: 15n });
      expect(mismatches.map((m) => `${m.record} ${m.field} ${m.expected} ${m.found}`)).to.deep.equal([
        "programme 2 paid 200 199",
      ]);
    });
  });

  describe("token trails", function () {
    it("holds a deferred bond refund as owed until it is withdrawn", function () {
      const s = stream();
      const P = (name: string, args: unknown[]) => s.emit("ProcurementEscrow", ESCROW, name, args);
      s.tx();
      P("TenderCreated", [1n, LINE, 1_000n, 100n, 200n, H]);
      s.tx().transfer(A, ESCROW, 50n);
      P("BidSubmitted", [1n, A]);
      s.tx();
      P("BidRevealed", [1n, A, 900n, H]);
      P("PaymentDeferred", [A, 50n, 50n]); // the token refused the bond refund
      const owed = run(new ProcurementBook(ESCROW), s.events) as ProcurementBook;
      expect(owed.held()).to.equal(1_050n);
      expect(owed.deferred()).to.equal(50n);
      s.tx();
      P("OwedWithdrawn", [A, B, 50n]).transfer(ESCROW, B, 50n);
      const book = run(new ProcurementBook(ESCROW), s.events) as ProcurementBook;
      expect(book.held()).to.equal(1_000n);
      expect(book.anomalies).to.deep.equal([]);
    });

    it("matches payments with transfers or deferrals, and flags tokens that leave without an event", function () {
      const s = stream();
      s.tx().transfer(SUBSIDIES, A, 10n);
      s.tx(); // a payment deferred: no transfer
      s.tx().transfer(SUBSIDIES, C, 7n); // no event pays it
      s.tx().transfer(SUBSIDIES, TOKEN, 3n); // to the ledger: the ledger book's
      const trail = new TokenTrail(SUBSIDIES, TOKEN);
      for (const e of s.events) trail.onTransfer(e);
      const tx = (n: number) => ({ tx: `0x${n.toString(16).padStart(64, "0")}`, block: n });
      trail.pay(tx(1), A, 10n, "Claimed 1/0");
      trail.pay(tx(2), B, 20n, "Claimed 1/1");
      trail.defer({ ...s.events[0], tx: tx(2).tx, block: 2 }, B, 20n, "deferred");
      trail.pay(tx(5), D, 5n, "Claimed 1/2"); // no transfer at all
      expect(trail.match("subsidies", "SubsidyDisbursement").map((m) => `${m.record} ${m.field}`)).to.deep.equal([
        `tx ${tx(5).tx} token Transfer for Claimed 1/2`,
        `tx ${tx(3).tx} token Transfer out of SubsidyDisbursement`,
      ]);
    });
  });

  describe("permits", function () {
    it("holds the fees of pending applications and deposits them at issue and renewal", function () {
      const s = stream();
      const R = (name: string, args: unknown[]) => s.emit("PermitRegistry", REGISTRY, name, args);
      const doc = encodeBytes32String("doc-1");
      s.tx();
      R("PermitTypeDefined", [1n, "Building", 100n, 365n * 86_400n, [100n, 101n], true]);
      R("PermitTypeDefined", [2n, "Market stall", 50n, 30n * 86_400n, [], false]);
      s.tx();
      R("ApplicationSubmitted", [1n, A, 1n, 0n, doc, 100n]);
      const pending = run(new PermitsBook(REGISTRY), s.events);
      expect(pending.held()).to.equal(100n);
      s.tx();
      R("CheckRecorded", [1n, 100n, I1, true, H]);
      s.tx();
      R("CheckRecorded", [1n, 101n, C, true, H]);
      R("Transfer", [ZERO, A, 1n]); // the ERC-721 mint
      R("Locked", [1n]);
      R("PermitIssued", [1n, A, 1n, 1n, 1_000n]);
      s.tx();
      R("ApplicationSubmitted", [2n, B, 1n, 0n, encodeBytes32String("doc-2"), 100n]);
      s.tx();
      R("ApplicationRejected", [2n, 101n]);
      s.tx();
      R("ApplicationSubmitted", [3n, A, 1n, 1n, doc, 100n]); // a renewal with rechecks
      s.tx();
      R("PermitRenewed", [1n, 2_000n]);
      s.tx();
      R("ApplicationSubmitted", [4n, D, 2n, 0n, encodeBytes32String("doc-4"), 50n]);
      R("Transfer", [ZERO, D, 2n]);
      R("Locked", [2n]);
      R("PermitIssued", [2n, D, 2n, 4n, 500n]);
      s.tx();
      R("PermitRenewed", [2n, 900n]); // direct renewal: the type's fee
      s.tx();
      R("PermitSuspended", [2n, H]);
      const book = run(new PermitsBook(REGISTRY), s.events) as PermitsBook;
      expect(book.held()).to.equal(0n);
      expect(book.anomalies).to.deep.equal([]);
      expect(flowsOf(book)).to.deep.equal(["deposit 100", "deposit 100", "deposit 50", "deposit 50"]);
      const { permits, applications } = book.tables();
      expect(permits.map((p) => `${p.permitId} ${p.expiresAt} ${p.renewals} ${p.suspended}`)).to.deep.equal([
        "1 2000 1 false",
        "2 900 1 true",
      ]);
      expect(applications.map((x) => x.status)).to.deep.equal(["approved", "rejected", "approved", "approved"]);
    });
  });
});
