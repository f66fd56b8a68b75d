/**
 * The ProcurementEscrow book (against SPEC's events and views; see abi.ts). Rebuilds tenders,
 * bids and bonds, agreements and milestones; what the escrow must hold (the maxPrice of open
 * tenders, bonds not yet refunded, reclaimed or forfeited, and the unpaid part of active
 * agreements, retention included); and the ledger flows the events imply (commit at creation,
 * return of maxPrice - price at award, of maxPrice on cancel or failure and of the rest on
 * termination, a spend per milestone payment and retention release, a deposit of forfeited
 * bonds). Bond amounts come from the token Transfer into the escrow in the bid's transaction.
 */
import { INTERFACES } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import { displayLine } from "../format.js";
import { mapLimit, type PinnedReader } from "../rpc.js";
import { callView } from "../views.js";
import { dec, type LedgerFlow, type Mismatch, type ModuleBook, type Row } from "./types.js";

export type TenderStatus = "open" | "awarded" | "failed" | "cancelled";
export type AgreementStatus = "active" | "completed" | "terminated";

export interface Bidder {
  address: string;
  /** Transaction of the first BidSubmitted (the one that paid the bond). */
  firstTx: string;
  submissions: number;
  bondPaid: bigint;
  bondHeld: bigint;
  revealed: boolean;
  price?: bigint;
  proposalHash?: string;
}

export interface Tender {
  id: bigint;
  lineId: string;
  maxPrice: bigint;
  bidDeadline: bigint;
  revealDeadline: bigint;
  specHash: string;
  status: TenderStatus;
  agreementId: bigint;
  price?: bigint;
  bidders: Map<string, Bidder>;
  forfeited: bigint;
  block: number;
  tx: string;
  /** Block and transaction of the award, failure or cancellation. */
  endBlock?: number;
  endTx?: string;
}

export interface Milestone {
  index: bigint;
  evidenceHash?: string;
  approvals: bigint;
  approvers: string[];
  paid?: bigint;
  retained?: bigint;
}

export interface Agreement {
  id: bigint;
  tenderId: bigint;
  contractor: string;
  price: bigint;
  /** Sent to the contractor (milestone payments and released retention). */
  paid: bigint;
  retained: bigint;
  released: bigint;
  refunded: bigint;
  status: AgreementStatus;
  milestones: Map<bigint, Milestone>;
  block: number;
}

export interface Approval {
  agreementId: bigint;
  tenderId: bigint;
  index: bigint;
  inspector: string;
  block: number;
  tx: string;
}

/** A bond movement, resolved once every Transfer of the transaction has been seen. */
type BondOp =
  | { kind: "paid"; tender: Tender; bidder: Bidder }
  | { kind: "refund"; tender: Tender; bidder: Bidder; e: AuditEvent }
  | { kind: "reclaim"; tender: Tender; bidder: Bidder; amount: bigint; e: AuditEvent }
  | { kind: "forfeit"; tender: Tender; amount: bigint; e: AuditEvent };

export class ProcurementBook implements ModuleBook {
  readonly name = "procurement" as const;
  readonly kind = "ProcurementEscrow" as const;
  readonly anomalies: Mismatch[] = [];
  readonly tenders = new Map<bigint, Tender>();
  readonly agreements = new Map<bigint, Agreement>();
  readonly approvals: Approval[] = [];
  events = 0;
  private readonly flows: LedgerFlow[] = [];
  private readonly bondOps: BondOp[] = [];
  /** Token transfers into the escrow, by transaction: the bonds. */
  private readonly inbound = new Map<string, Array<{ from: string; amount: bigint; used: boolean }>>();
  private resolved = false;
  /** Completions, checked once the whole transaction (the final payment and release) is applied. */
  private readonly completions: Array<{ agreement: Agreement; e: AuditEvent }> = [];

  constructor(readonly address: string) {}

  apply(e: AuditEvent): void {
    if (e.kind === "Token") {
      if (e.name === "Transfer" && e.args.hex("to") === this.address) {
        const list = this.inbound.get(e.tx) ?? [];
        list.push({ from: e.args.hex("from"), amount: e.args.big("value"), used: false });
        this.inbound.set(e.tx, list);
      }
      return;
    }
    if (e.kind !== "ProcurementEscrow" || e.address !== this.address) return;
    this.events++;
    const a = e.args;
    switch (e.name) {
      case "TenderCreated": {
        const t: Tender = {
          id: a.big("tenderId"),
          lineId: a.hex("lineId"),
          maxPrice: a.big("maxPrice"),
          bidDeadline: a.big("bidDeadline"),
          revealDeadline: a.big("revealDeadline"),
          specHash: a.hex("specHash"),
          status: "open",
          agreementId: 0n,
          bidders: new Map(),
          forfeited: 0n,
          block: e.block,
          tx: e.tx,
        };
        if (this.tenders.has(t.id)) this.anomaly(`tender ${t.id}`, "TenderCreated", "once", "again", e);
        this.tenders.set(t.id, t);
        this.flow(e, "commit", t.maxPrice, t.lineId, undefined, `TenderCreated ${t.id}`);
        return;
      }
      case "BidSubmitted": {
        const t = this.tender(a.big("tenderId"), e);
        const address = a.hex("bidder");
        const bidder = t.bidders.get(address);
        if (bidder !== undefined) {
          bidder.submissions++;
          return; // a replaced seal pays nothing more
        }
        const fresh: Bidder = { address, firstTx: e.tx, submissions: 1, bondPaid: 0n, bondHeld: 0n, revealed: false };
        t.bidders.set(address, fresh);
        this.bondOps.push({ kind: "paid", tender: t, bidder: fresh });
        return;
      }
      case "BidRevealed": {
        const t = this.tender(a.big("tenderId"), e);
        const bidder = t.bidders.get(a.hex("bidder"));
        if (bidder === undefined) {
          this.anomaly(
            `tender ${t.id}`,
            `BidRevealed by ${a.hex("bidder")}`,
            "a bid submitted first",
            "no BidSubmitted",
            e,
          );
          return;
        }
        if (bidder.revealed) this.anomaly(`tender ${t.id}`, `BidRevealed by ${bidder.address}`, "once", "again", e);
        bidder.revealed = true;
        bidder.price = a.big("price");
        bidder.proposalHash = a.hex("proposalHash");
        this.bondOps.push({ kind: "refund", tender: t, bidder, e });
        return;
      }
      case "TenderAwarded": {
        const t = this.tender(a.big("tenderId"), e);
        const price = a.big("price");
        const contractor = a.hex("contractor");
        const id = a.big("agreementId");
        this.transition(t, "awarded", e);
        t.agreementId = id;
        t.price = price;
        const winner = t.bidders.get(contractor);
        if (winner === undefined || !winner.revealed || winner.price !== price) {
          this.anomaly(
            `tender ${t.id}`,
            "TenderAwarded",
            `a revealed bid of ${contractor} at ${price}`,
            winner?.revealed ? `revealed at ${winner.price}` : "no revealed bid",
            e,
          );
        }
        const lowest = [...t.bidders.values()]
          .filter((b) => b.revealed)
          .reduce<bigint | undefined>((m, b) => (m === undefined || (b.price as bigint) < m ? b.price : m), undefined);
        if (lowest !== undefined && price !== lowest)
          this.anomaly(`tender ${t.id}`, "TenderAwarded.price", `lowest revealed ${lowest}`, dec(price), e);
        if (price > t.maxPrice)
          this.anomaly(`tender ${t.id}`, "TenderAwarded.price", `<= maxPrice ${t.maxPrice}`, dec(price), e);
        this.agreements.set(id, {
          id,
          tenderId: t.id,
          contractor,
          price,
          paid: 0n,
          retained: 0n,
          released: 0n,
          refunded: 0n,
          status: "active",
          milestones: new Map(),
          block: e.block,
        });
        this.flow(e, "return", t.maxPrice - price, t.lineId, undefined, `TenderAwarded ${t.id}`);
        return;
      }
      case "TenderFailed":
      case "TenderCancelled": {
        const t = this.tender(a.big("tenderId"), e);
        this.transition(t, e.name === "TenderFailed" ? "failed" : "cancelled", e);
        this.flow(e, "return", t.maxPrice, t.lineId, undefined, `${e.name} ${t.id}`);
        return;
      }
      case "BondReclaimed": {
        const t = this.tender(a.big("tenderId"), e);
        const bidder = t.bidders.get(a.hex("bidder"));
        if (t.status !== "cancelled")
          this.anomaly(`tender ${t.id}`, "BondReclaimed", "on a cancelled tender", t.status, e);
        if (bidder === undefined) {
          this.anomaly(`tender ${t.id}`, `BondReclaimed by ${a.hex("bidder")}`, "a bidder", "no BidSubmitted", e);
          return;
        }
        this.bondOps.push({ kind: "reclaim", tender: t, bidder, amount: a.big("amount"), e });
        return;
      }
      case "BondsForfeited": {
        const t = this.tender(a.big("tenderId"), e);
        const amount = a.big("amount");
        t.forfeited += amount;
        this.bondOps.push({ kind: "forfeit", tender: t, amount, e });
        this.flow(e, "deposit", amount, undefined, undefined, `BondsForfeited ${t.id}`);
        return;
      }
      case "MilestoneSubmitted": {
        const m = this.milestone(a.big("agreementId"), a.big("index"), e);
        if (m !== undefined) m.evidenceHash = a.hex("evidenceHash");
        return;
      }
      case "MilestoneApproved": {
        const agreementId = a.big("agreementId");
        const m = this.milestone(agreementId, a.big("index"), e);
        const inspector = a.hex("inspector");
        if (m !== undefined) {
          m.approvals = a.big("approvals");
          m.approvers.push(inspector);
        }
        const agreement = this.agreements.get(agreementId);
        this.approvals.push({
          agreementId,
          tenderId: agreement?.tenderId ?? 0n,
          index: a.big("index"),
          inspector,
          block: e.block,
          tx: e.tx,
        });
        return;
      }
      case "MilestoneRejected": {
        const m = this.milestone(a.big("agreementId"), a.big("index"), e);
        if (m !== undefined) m.approvals = 0n;
        return;
      }
      case "MilestonePaid": {
        const agreement = this.agreement(a.big("agreementId"), e);
        const m = this.milestone(a.big("agreementId"), a.big("index"), e);
        if (agreement === undefined || m === undefined) return;
        if (m.paid !== undefined)
          this.anomaly(`agreement ${agreement.id}`, `milestone ${m.index}`, "paid once", "paid again", e);
        const paid = a.big("paid");
        const retained = a.big("retained");
        m.paid = paid;
        m.retained = retained;
        agreement.paid += paid;
        agreement.retained += retained;
        if (a.hex("contractor") !== agreement.contractor) {
          this.anomaly(
            `agreement ${agreement.id}`,
            "MilestonePaid.contractor",
            agreement.contractor,
            a.hex("contractor"),
            e,
          );
        }
        if (this.remaining(agreement) < 0n) {
          this.anomaly(
            `agreement ${agreement.id}`,
            "payments",
            `<= price ${agreement.price}`,
            dec(agreement.price - this.remaining(agreement)),
            e,
          );
        }
        this.flow(
          e,
          "spend",
          paid,
          this.lineOf(agreement),
          agreement.contractor,
          `MilestonePaid ${agreement.id}/${m.index}`,
        );
        return;
      }
      case "RetentionReleased": {
        const agreement = this.agreement(a.big("agreementId"), e);
        if (agreement === undefined) return;
        const amount = a.big("amount");
        const held = agreement.retained - agreement.released;
        if (amount !== held)
          this.anomaly(`agreement ${agreement.id}`, "RetentionReleased.amount", dec(held), dec(amount), e);
        agreement.released += amount;
        agreement.paid += amount;
        this.flow(
          e,
          "spend",
          amount,
          this.lineOf(agreement),
          agreement.contractor,
          `RetentionReleased ${agreement.id}`,
        );
        return;
      }
      case "AgreementCompleted": {
        const agreement = this.agreement(a.big("agreementId"), e);
        if (agreement === undefined) return;
        if (agreement.status !== "active")
          this.anomaly(`agreement ${agreement.id}`, "AgreementCompleted", "an active agreement", agreement.status, e);
        agreement.status = "completed";
        this.completions.push({ agreement, e });
        return;
      }
      case "AgreementTerminated": {
        const agreement = this.agreement(a.big("agreementId"), e);
        if (agreement === undefined) return;
        if (agreement.status !== "active")
          this.anomaly(`agreement ${agreement.id}`, "AgreementTerminated", "an active agreement", agreement.status, e);
        const refunded = a.big("refunded");
        if (refunded !== this.remaining(agreement)) {
          this.anomaly(
            `agreement ${agreement.id}`,
            "AgreementTerminated.refunded",
            dec(this.remaining(agreement)),
            dec(refunded),
            e,
          );
        }
        agreement.refunded = refunded;
        agreement.status = "terminated";
        this.flow(e, "return", refunded, this.lineOf(agreement), undefined, `AgreementTerminated ${agreement.id}`);
        return;
      }
    }
  }

  /** Unpaid part of an agreement still in the escrow (retention included). */
  private remaining(agreement: Agreement): bigint {
    return agreement.price - agreement.paid - agreement.refunded;
  }

  private lineOf(agreement: Agreement): string | undefined {
    return this.tenders.get(agreement.tenderId)?.lineId;
  }

  private tender(id: bigint, e: AuditEvent): Tender {
    let t = this.tenders.get(id);
    if (t === undefined) {
      this.anomaly(`tender ${id}`, e.name, "after TenderCreated", "no TenderCreated", e);
      t = {
        id,
        lineId: "0x",
        maxPrice: 0n,
        bidDeadline: 0n,
        revealDeadline: 0n,
        specHash: "0x",
        status: "open",
        agreementId: 0n,
        bidders: new Map(),
        forfeited: 0n,
        block: e.block,
        tx: e.tx,
      };
      this.tenders.set(id, t);
    }
    return t;
  }

  private agreement(id: bigint, e: AuditEvent): Agreement | undefined {
    const agreement = this.agreements.get(id);
    if (agreement === undefined) this.anomaly(`agreement ${id}`, e.name, "after TenderAwarded", "no TenderAwarded", e);
    return agreement;
  }

  private milestone(agreementId: bigint, index: bigint, e: AuditEvent): Milestone | undefined {
    const agreement = this.agreement(agreementId, e);
    if (agreement === undefined) return undefined;
    let m = agreement.milestones.get(index);
    if (m === undefined) agreement.milestones.set(index, (m = { index, approvals: 0n, approvers: [] }));
    return m;
  }

  private transition(t: Tender, to: TenderStatus, e: AuditEvent): void {
    if (t.status !== "open") this.anomaly(`tender ${t.id}`, `status -> ${to}`, "from open", t.status, e);
    t.status = to;
    t.endBlock = e.block;
    t.endTx = e.tx;
  }

  private flow(
    e: AuditEvent,
    kind: LedgerFlow["kind"],
    amount: bigint,
    lineId: string | undefined,
    payee: string | undefined,
    source: string,
  ) {
    if (amount <= 0n) return; // the ledger refuses zero amounts: nothing to book
    this.flows.push({ tx: e.tx, kind, module: this.address, lineId, payee, amount, source, block: e.block });
  }

  private anomaly(record: string, field: string, expected: string, found: string, e: AuditEvent) {
    this.anomalies.push({ book: this.name, record, field, expected, found, note: `block ${e.block}, tx ${e.tx}` });
  }

  /** Resolves bond amounts from the transfers into the escrow, then replays refunds, reclaims and forfeits. */
  private resolveBonds(): void {
    if (this.resolved) return;
    this.resolved = true;
    for (const { agreement, e } of this.completions) {
      if (this.remaining(agreement) !== 0n) {
        this.anomaly(`agreement ${agreement.id}`, "paid at completion", dec(agreement.price), dec(agreement.paid), e);
      }
    }
    for (const op of this.bondOps) {
      switch (op.kind) {
        case "paid": {
          const transfers = this.inbound.get(op.bidder.firstTx) ?? [];
          const t = transfers.find((x) => !x.used && x.from === op.bidder.address) ?? transfers.find((x) => !x.used);
          if (t !== undefined) {
            t.used = true;
            op.bidder.bondPaid = t.amount;
            op.bidder.bondHeld = t.amount;
          }
          break;
        }
        case "refund":
          op.bidder.bondHeld = 0n;
          break;
        case "reclaim":
          if (op.amount !== op.bidder.bondHeld) {
            this.anomaly(
              `tender ${op.tender.id}`,
              `BondReclaimed.amount (${op.bidder.address})`,
              dec(op.bidder.bondHeld),
              dec(op.amount),
              op.e,
            );
          }
          op.bidder.bondHeld = 0n;
          break;
        case "forfeit": {
          let unrevealed = 0n;
          for (const b of op.tender.bidders.values()) {
            unrevealed += b.bondHeld;
            b.bondHeld = 0n;
          }
          if (op.amount !== unrevealed)
            this.anomaly(`tender ${op.tender.id}`, "BondsForfeited.amount", dec(unrevealed), dec(op.amount), op.e);
          break;
        }
      }
    }
  }

  held(): bigint {
    this.resolveBonds();
    let sum = 0n;
    for (const t of this.tenders.values()) {
      if (t.status === "open") sum += t.maxPrice;
      for (const b of t.bidders.values()) sum += b.bondHeld;
    }
    for (const agreement of this.agreements.values())
      if (agreement.status === "active") sum += this.remaining(agreement);
    return sum;
  }

  expectedFlows(): LedgerFlow[] {
    this.resolveBonds();
    return this.flows;
  }

  async reconcile(reader: PinnedReader): Promise<Mismatch[]> {
    this.resolveBonds();
    const I = INTERFACES.ProcurementEscrow;
    const out: Mismatch[] = [];
    const mm = (record: string, field: string, expected: string, found: string) =>
      out.push({ book: this.name, record, field, expected, found });
    const compare = (record: string, view: Record<string, unknown>, fields: Record<string, unknown>) => {
      for (const [field, expected] of Object.entries(fields)) {
        if (expected === undefined) continue;
        const found = view[field];
        if (String(found) !== String(expected)) mm(record, field, String(expected), String(found));
      }
    };
    await mapLimit([...this.tenders.values()], reader.concurrency, async (t) => {
      const record = `tender ${t.id}`;
      const r = await callView(reader, I, this.address, "getTender", [t.id]);
      if (!r.ok) return void mm(record, "getTender()", "a tender", `reverted (${r.revert})`);
      const v = r.value as Record<string, unknown>;
      compare(record, v, {
        lineId: t.lineId,
        specHash: t.specHash,
        maxPrice: t.maxPrice,
        bidDeadline: t.bidDeadline,
        revealDeadline: t.revealDeadline,
        agreementId: t.agreementId,
      });
      for (const b of t.bidders.values()) {
        if (b.bondPaid !== 0n && v.bidBond !== b.bondPaid)
          mm(record, `bond paid by ${b.address}`, `bidBond ${v.bidBond}`, dec(b.bondPaid));
        const bid = await callView(reader, I, this.address, "getBid", [t.id, b.address]);
        if (!bid.ok) {
          mm(`${record} bid ${b.address}`, "getBid()", "a bid", `reverted (${bid.revert})`);
          continue;
        }
        compare(`${record} bid ${b.address}`, bid.value as Record<string, unknown>, {
          bond: b.bondHeld,
          revealed: b.revealed,
          price: b.revealed ? b.price : undefined,
          proposalHash: b.revealed ? b.proposalHash : undefined,
        });
      }
    });
    await mapLimit([...this.agreements.values()], reader.concurrency, async (agreement) => {
      const record = `agreement ${agreement.id}`;
      const r = await callView(reader, I, this.address, "getAgreement", [agreement.id]);
      if (!r.ok) return void mm(record, "getAgreement()", "an agreement", `reverted (${r.revert})`);
      compare(record, r.value as Record<string, unknown>, {
        tenderId: agreement.tenderId,
        contractor: agreement.contractor,
        price: agreement.price,
        paid: agreement.paid,
        retentionHeld: agreement.status === "active" ? agreement.retained - agreement.released : 0n,
      });
      for (const m of agreement.milestones.values()) {
        const mr = await callView(reader, I, this.address, "getMilestone", [agreement.id, m.index]);
        if (!mr.ok) {
          mm(`${record} milestone ${m.index}`, "getMilestone()", "a milestone", `reverted (${mr.revert})`);
          continue;
        }
        compare(`${record} milestone ${m.index}`, mr.value as Record<string, unknown>, {
          evidenceHash: m.evidenceHash,
          approvals: m.approvals,
          amount: m.paid === undefined ? undefined : m.paid + (m.retained ?? 0n),
        });
      }
    });
    return out;
  }

  tables(): Record<string, Row[]> {
    this.resolveBonds();
    const tenders: Row[] = [];
    const bids: Row[] = [];
    for (const t of this.tenders.values()) {
      tenders.push({
        tenderId: t.id.toString(),
        lineId: t.lineId,
        line: displayLine(t.lineId),
        maxPrice: dec(t.maxPrice),
        bidDeadline: t.bidDeadline.toString(),
        revealDeadline: t.revealDeadline.toString(),
        specHash: t.specHash,
        status: t.status,
        bidders: t.bidders.size,
        revealed: [...t.bidders.values()].filter((b) => b.revealed).length,
        price: t.price === undefined ? null : dec(t.price),
        agreementId: t.agreementId.toString(),
        bondsForfeited: dec(t.forfeited),
        createdAtBlock: t.block,
      });
      for (const b of t.bidders.values()) {
        bids.push({
          tenderId: t.id.toString(),
          bidder: b.address,
          submissions: b.submissions,
          bondPaid: dec(b.bondPaid),
          bondHeld: dec(b.bondHeld),
          revealed: b.revealed,
          price: b.price === undefined ? null : dec(b.price),
          proposalHash: b.proposalHash ?? null,
        });
      }
    }
    const agreements: Row[] = [];
    const milestones: Row[] = [];
    for (const agreement of this.agreements.values()) {
      agreements.push({
        agreementId: agreement.id.toString(),
        tenderId: agreement.tenderId.toString(),
        contractor: agreement.contractor,
        price: dec(agreement.price),
        paid: dec(agreement.paid),
        retentionHeld: dec(agreement.status === "active" ? agreement.retained - agreement.released : 0n),
        refunded: dec(agreement.refunded),
        status: agreement.status,
        milestonesPaid: [...agreement.milestones.values()].filter((m) => m.paid !== undefined).length,
      });
      for (const m of agreement.milestones.values()) {
        milestones.push({
          agreementId: agreement.id.toString(),
          index: m.index.toString(),
          evidenceHash: m.evidenceHash ?? null,
          approvals: m.approvals.toString(),
          approvers: m.approvers.join(" "),
          paid: m.paid === undefined ? null : dec(m.paid),
          retained: m.retained === undefined ? null : dec(m.retained),
        });
      }
    }
    return { tenders, bids, agreements, milestones };
  }
}
