/**
 * The ProcurementEscrow book. Rebuilds tenders, bids and bonds, agreements and milestones;
 * what the escrow must hold (the maxPrice of open tenders, bonds not yet refunded, reclaimed or
 * forfeited, the unpaid part of active agreements with their retention, and the payments the
 * token refused, owed to their payees until `OwedWithdrawn`); its token movements (every bond
 * in and out, every milestone payment, every withdrawal of an owed balance); and the ledger
 * flows the events imply (commit at creation, return of maxPrice - price at award, of maxPrice
 * on cancel or failure and of the rest on termination, one spend per paying approval: the
 * milestone's net amount plus, on the last one, the released retention; a deposit of forfeited
 * bonds, and of the surplus a `SurplusSwept` sends). Bond amounts come from the token Transfer
 * into the escrow in the bid's transaction.
 */
import { INTERFACES } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import { displayLine } from "../format.js";
import { mapLimit, type PinnedReader } from "../rpc.js";
import { callView } from "../views.js";
import { TokenTrail } from "./trail.js";
import {
  ZERO_HASH,
  compareFields,
  dec,
  viewText,
  type LedgerFlow,
  type Mismatch,
  type ModuleBook,
  type Pinned,
  type Row,
  type Timed,
} from "./types.js";

export type TenderStatus = "open" | "awarded" | "failed" | "cancelled";
export type AgreementStatus = "active" | "completed" | "terminated";

/** The views' enums (IProcurementEscrow). */
const TENDER = { Bidding: 1, Revealing: 2, Awardable: 3, Awarded: 4, Failed: 5, Cancelled: 6 } as const;
const AGREEMENT = { active: 1, completed: 2, terminated: 3 } as const;
const MILESTONE = { Pending: 1, Submitted: 2, Rejected: 3, Paid: 4, Cancelled: 5 } as const;
const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

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
  /** The leading revealed bid (lowest price, earliest reveal on a tie): the view's `bestBid`. */
  best?: Bidder;
  forfeited: bigint;
  block: number;
  tx: string;
  /** Block and transaction of the award, failure or cancellation. */
  endBlock?: number;
  endTx?: string;
}

export interface Milestone {
  index: bigint;
  /** Stored status as the events leave it (Pending until submitted). */
  status: number;
  evidenceHash?: string;
  approvals: bigint;
  /** Inspectors of the current round. */
  round: string[];
  approvers: string[];
  paid?: bigint;
  retained?: bigint;
  /** Approvals when it was paid: the tender's quorum. */
  quorumSeen?: bigint;
}

export interface Agreement {
  id: bigint;
  tenderId: bigint;
  contractor: string;
  price: bigint;
  /** Sent (or owed) to the contractor: milestone payments and released retention. */
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

/** One paying approval: the ledger's `Spent` and the escrow's payment to the contractor. */
interface Payout {
  agreement: Agreement;
  amount: bigint;
  e: AuditEvent;
  sources: string[];
}

export class ProcurementBook implements ModuleBook {
  readonly name = "procurement" as const;
  readonly kind = "ProcurementEscrow" as const;
  readonly anomalies: Mismatch[] = [];
  readonly tenders = new Map<bigint, Tender>();
  readonly agreements = new Map<bigint, Agreement>();
  readonly approvals: Approval[] = [];
  /** Payments the token refused, owed per payee (`owedTo`). */
  readonly owed = new Map<string, bigint>();
  events = 0;
  /** Tokens beyond its obligations the escrow sent to the ledger (`SurplusSwept`). */
  sweptTotal = 0n;
  private readonly flows: LedgerFlow[] = [];
  private readonly payouts = new Map<string, Payout>();
  private readonly trail: TokenTrail;
  private readonly bondOps: BondOp[] = [];
  /** Token transfers into the escrow, by transaction: the bonds. */
  private readonly inbound = new Map<string, Array<{ from: string; amount: bigint; used: boolean }>>();
  private resolved = false;
  /** Completions, checked once the whole transaction (the final payment and release) is applied. */
  private readonly completions: Array<{ agreement: Agreement; e: AuditEvent }> = [];

  constructor(
    readonly address: string,
    readonly ledger?: string,
  ) {
    this.trail = new TokenTrail(address, ledger);
  }

  apply(e: AuditEvent): void {
    if (e.kind === "Token") {
      this.trail.onTransfer(e);
      if (e.name === "Transfer" && e.args.hex("to") === this.address && e.args.hex("from") !== this.ledger) {
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
        if (t.status !== "open") this.anomaly(`tender ${t.id}`, "BidSubmitted", "an open tender", t.status, e);
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
        if (t.best === undefined || (bidder.price as bigint) < (t.best.price as bigint)) t.best = bidder;
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
        if (t.best !== undefined && t.best !== winner)
          this.anomaly(
            `tender ${t.id}`,
            "TenderAwarded.contractor",
            `lowest, earliest ${t.best.address}`,
            contractor,
            e,
          );
        if (t.best !== undefined && price !== t.best.price)
          this.anomaly(`tender ${t.id}`, "TenderAwarded.price", `lowest revealed ${t.best.price}`, dec(price), e);
        if (price > t.maxPrice)
          this.anomaly(`tender ${t.id}`, "TenderAwarded.price", `<= maxPrice ${t.maxPrice}`, dec(price), e);
        if (this.agreements.has(id)) this.anomaly(`agreement ${id}`, "TenderAwarded", "once", "again", e);
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
        if (e.name === "TenderFailed" && t.best !== undefined)
          this.anomaly(`tender ${t.id}`, "TenderFailed", "no revealed bid", `revealed by ${t.best.address}`, e);
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
        this.trail.pay(e, bidder.address, a.big("amount"), `BondReclaimed ${t.id}`);
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
      case "PaymentDeferred": {
        const payee = a.hex("payee");
        const amount = a.big("amount");
        const owed = (this.owed.get(payee) ?? 0n) + amount;
        this.owed.set(payee, owed);
        if (a.big("owed") !== owed)
          this.anomaly(`payee ${payee}`, "PaymentDeferred.owed", dec(owed), dec(a.big("owed")), e);
        this.trail.defer(e, payee, amount, "PaymentDeferred");
        return;
      }
      case "SurplusSwept": {
        const amount = a.big("amount");
        this.sweptTotal += amount;
        this.flow(e, "deposit", amount, undefined, undefined, "SurplusSwept");
        return;
      }
      case "OwedWithdrawn": {
        const payee = a.hex("payee");
        const amount = a.big("amount");
        const owed = this.owed.get(payee) ?? 0n;
        if (amount !== owed) this.anomaly(`payee ${payee}`, "OwedWithdrawn.amount", dec(owed), dec(amount), e);
        this.owed.set(payee, 0n);
        this.trail.pay(e, a.hex("to"), amount, `OwedWithdrawn by ${payee}`);
        return;
      }
      case "MilestoneSubmitted": {
        const m = this.milestone(a.big("agreementId"), a.big("index"), e);
        if (m === undefined) return;
        if (m.status !== MILESTONE.Pending && m.status !== MILESTONE.Rejected)
          this.anomaly(
            `agreement ${a.big("agreementId")}`,
            `milestone ${m.index} submitted`,
            "pending or rejected",
            `status ${m.status}`,
            e,
          );
        m.status = MILESTONE.Submitted;
        m.evidenceHash = a.hex("evidenceHash");
        return;
      }
      case "MilestoneApproved": {
        const agreementId = a.big("agreementId");
        const m = this.milestone(agreementId, a.big("index"), e);
        const inspector = a.hex("inspector");
        const agreement = this.agreements.get(agreementId);
        if (m !== undefined) {
          const record = `agreement ${agreementId}`;
          if (m.status !== MILESTONE.Submitted)
            this.anomaly(record, `milestone ${m.index} approved`, "submitted", `status ${m.status}`, e);
          if (m.round.includes(inspector))
            this.anomaly(record, `milestone ${m.index} approved by ${inspector}`, "once per round", "again", e);
          if (inspector === agreement?.contractor)
            this.anomaly(record, `milestone ${m.index} approved by`, "not the contractor", inspector, e);
          if (a.big("approvals") !== m.approvals + 1n)
            this.anomaly(
              record,
              `MilestoneApproved.approvals (${m.index})`,
              dec(m.approvals + 1n),
              dec(a.big("approvals")),
              e,
            );
          m.approvals = a.big("approvals");
          m.round.push(inspector);
          m.approvers.push(inspector);
        }
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
        if (m === undefined) return;
        if (m.status !== MILESTONE.Submitted)
          this.anomaly(
            `agreement ${a.big("agreementId")}`,
            `milestone ${m.index} rejected`,
            "submitted",
            `status ${m.status}`,
            e,
          );
        m.status = MILESTONE.Rejected;
        m.approvals = 0n;
        m.round = [];
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
        m.status = MILESTONE.Paid;
        m.quorumSeen = m.approvals;
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
        if (this.remaining(agreement) < agreement.retained - agreement.released) {
          this.anomaly(
            `agreement ${agreement.id}`,
            "payments",
            `<= price ${agreement.price}`,
            dec(agreement.paid + agreement.retained - agreement.released),
            e,
          );
        }
        this.payout(agreement, paid, e, `MilestonePaid ${agreement.id}/${m.index}`);
        return;
      }
      case "RetentionReleased": {
        const agreement = this.agreement(a.big("agreementId"), e);
        if (agreement === undefined) return;
        const amount = a.big("amount");
        const held = agreement.retained - agreement.released;
        if (amount !== held)
          this.anomaly(`agreement ${agreement.id}`, "RetentionReleased.amount", dec(held), dec(amount), e);
        if (!this.payouts.has(`${e.tx}|${agreement.id}`))
          this.anomaly(`agreement ${agreement.id}`, "RetentionReleased", "with a MilestonePaid", "alone", e);
        agreement.released += amount;
        agreement.paid += amount;
        this.payout(agreement, amount, e, `RetentionReleased ${agreement.id}`);
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

  /** A milestone payment and the retention released with it are one payment (one `Spent`). */
  private payout(agreement: Agreement, amount: bigint, e: AuditEvent, source: string): void {
    const key = `${e.tx}|${agreement.id}`;
    const known = this.payouts.get(key);
    if (known === undefined) this.payouts.set(key, { agreement, amount, e, sources: [source] });
    else {
      known.amount += amount;
      known.sources.push(source);
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
    if (agreement.status !== "active")
      this.anomaly(`agreement ${agreementId}`, `${e.name} (${index})`, "an active agreement", agreement.status, e);
    let m = agreement.milestones.get(index);
    if (m === undefined)
      agreement.milestones.set(
        index,
        (m = { index, status: MILESTONE.Pending, approvals: 0n, round: [], approvers: [] }),
      );
    return m;
  }

  private transition(t: Tender, to: TenderStatus, e: AuditEvent): void {
    if (t.status !== "open") this.anomaly(`tender ${t.id}`, `status -> ${to}`, "from open", t.status, e);
    t.status = to;
    t.endBlock = e.block;
    t.endTx = e.tx;
  }

  private flow(
    e: { tx: string; block: number },
    kind: LedgerFlow["kind"],
    amount: bigint,
    lineId: string | undefined,
    payee: string | undefined,
    source: string,
  ) {
    if (amount <= 0n) return; // the escrow books no zero amounts: nothing to match
    this.flows.push({ tx: e.tx, kind, module: this.address, lineId, payee, amount, source, block: e.block });
  }

  private anomaly(record: string, field: string, expected: string, found: string, e: AuditEvent) {
    this.anomalies.push({ book: this.name, record, field, expected, found, note: `block ${e.block}, tx ${e.tx}` });
  }

  /**
   * Once every event is applied: resolves bond amounts from the transfers into the escrow,
   * replays refunds, reclaims and forfeits, books each paying approval as one spend and one
   * payment to the contractor, and checks completions.
   */
  private resolve(): void {
    if (this.resolved) return;
    this.resolved = true;
    for (const { agreement, e } of this.completions) {
      if (this.remaining(agreement) !== 0n) {
        this.anomaly(`agreement ${agreement.id}`, "paid at completion", dec(agreement.price), dec(agreement.paid), e);
      }
    }
    for (const p of this.payouts.values()) {
      const source = p.sources.join(" + ");
      this.flow(p.e, "spend", p.amount, this.lineOf(p.agreement), p.agreement.contractor, source);
      this.trail.pay(p.e, p.agreement.contractor, p.amount, source);
    }
    this.flows.sort((x, y) => x.block - y.block); // chain order (the sort is stable)
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
          this.trail.pay(op.e, op.bidder.address, op.bidder.bondHeld, `BidRevealed ${op.tender.id} (bond refund)`);
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
    // An award or a failure without BondsForfeited forfeits nothing: no bond may remain.
    for (const t of this.tenders.values()) {
      if (t.status !== "awarded" && t.status !== "failed") continue;
      const left = [...t.bidders.values()].reduce((s, b) => s + b.bondHeld, 0n);
      if (left > 0n) {
        this.anomalies.push({
          book: this.name,
          record: `tender ${t.id}`,
          field: "bonds at award",
          expected: `forfeited (BondsForfeited ${left})`,
          found: "no BondsForfeited",
          note: `block ${t.endBlock}, tx ${t.endTx}`,
        });
        for (const b of t.bidders.values()) b.bondHeld = 0n;
      }
    }
  }

  deferred(): bigint {
    return this.owedTotal();
  }

  owedTotal(): bigint {
    let sum = 0n;
    for (const v of this.owed.values()) sum += v;
    return sum;
  }

  held(): bigint {
    this.resolve();
    let sum = this.owedTotal();
    for (const t of this.tenders.values()) {
      if (t.status === "open") sum += t.maxPrice;
      for (const b of t.bidders.values()) sum += b.bondHeld;
    }
    for (const agreement of this.agreements.values())
      if (agreement.status === "active") sum += this.remaining(agreement);
    return sum;
  }

  swept(): bigint {
    return this.sweptTotal;
  }

  expectedFlows(): LedgerFlow[] {
    this.resolve();
    return this.flows;
  }

  timed(): Timed[] {
    return [];
  }

  async reconcile(reader: PinnedReader, at: Pinned): Promise<Mismatch[]> {
    this.resolve();
    const I = INTERFACES.ProcurementEscrow;
    const out: Mismatch[] = [...this.trail.match(this.name, "ProcurementEscrow")];
    const mm = (record: string, field: string, expected: string, found: string) =>
      out.push({ book: this.name, record, field, expected, found });
    const compare = (record: string, view: Record<string, unknown>, fields: Record<string, unknown>) =>
      compareFields(out, this.name, record, view, fields);
    const scalar = async (record: string, fn: string, args: unknown[], expected: unknown) => {
      const r = await callView(reader, I, this.address, fn, args);
      const found = r.ok ? viewText(r.value) : "reverted";
      const want = viewText(expected);
      if (found !== want) mm(record, `${fn}(${args.map(String).join(", ")})`, want, found);
    };
    const statusOf = (t: Tender) => {
      if (t.status === "awarded") return TENDER.Awarded;
      if (t.status === "failed") return TENDER.Failed;
      if (t.status === "cancelled") return TENDER.Cancelled;
      if (at.timestamp < t.bidDeadline) return TENDER.Bidding;
      return at.timestamp < t.revealDeadline ? TENDER.Revealing : TENDER.Awardable;
    };

    await scalar("escrow", "tenderCount", [], this.tenders.size);
    await scalar("escrow", "agreementCount", [], this.agreements.size);
    await scalar("escrow", "totalOwed", [], this.owedTotal());
    let bonds = 0n;
    for (const t of this.tenders.values()) for (const b of t.bidders.values()) bonds += b.bondHeld;
    await scalar("escrow", "totalBondsHeld", [], bonds);
    await mapLimit([...this.owed.keys()], reader.concurrency, (payee) =>
      scalar(`payee ${payee}`, "owedTo", [payee], this.owed.get(payee) ?? 0n),
    );
    /** Terms the events do not carry, read from getTender for the agreements' checks. */
    const terms = new Map<bigint, { retentionBps: bigint; quorum: bigint; milestoneCount: bigint }>();
    await mapLimit([...this.tenders.values()], reader.concurrency, async (t) => {
      const record = `tender ${t.id}`;
      const r = await callView(reader, I, this.address, "getTender", [t.id]);
      if (!r.ok) return void mm(record, "getTender()", "a tender", `reverted (${r.revert})`);
      const v = r.value as Record<string, unknown>;
      terms.set(t.id, {
        retentionBps: v.retentionBps as bigint,
        quorum: v.quorum as bigint,
        milestoneCount: v.milestoneCount as bigint,
      });
      // The bond every bidder paid is the tender's bidBond (0: no transfer came in).
      const bonds = new Set([...t.bidders.values()].map((b) => b.bondPaid));
      compare(record, v, {
        lineId: t.lineId,
        specHash: t.specHash,
        maxPrice: t.maxPrice,
        bidDeadline: t.bidDeadline,
        revealDeadline: t.revealDeadline,
        status: statusOf(t),
        agreementId: t.agreementId,
        bidBond: bonds.size === 1 ? [...bonds][0] : undefined,
      });
      if (bonds.size > 1) mm(record, "bonds paid", `one bidBond (${v.bidBond})`, [...bonds].join(", "));
      await scalar(record, "bestBid", [t.id], [t.best?.address ?? ZERO_ADDRESS, t.best?.price ?? 0n]);
      await mapLimit([...t.bidders.values()], reader.concurrency, async (b) => {
        const bid = await callView(reader, I, this.address, "getBid", [t.id, b.address]);
        if (!bid.ok) return void mm(`${record} bid ${b.address}`, "getBid()", "a bid", `reverted (${bid.revert})`);
        compare(`${record} bid ${b.address}`, bid.value as Record<string, unknown>, {
          bond: b.bondHeld,
          revealed: b.revealed,
          price: b.revealed ? b.price : 0n,
          proposalHash: b.revealed ? b.proposalHash : ZERO_HASH,
        });
      });
    });
    await mapLimit([...this.agreements.values()], reader.concurrency, async (agreement) => {
      const record = `agreement ${agreement.id}`;
      const r = await callView(reader, I, this.address, "getAgreement", [agreement.id]);
      if (!r.ok) return void mm(record, "getAgreement()", "an agreement", `reverted (${r.revert})`);
      const v = r.value as Record<string, unknown>;
      const count = Number(v.milestoneCount as bigint);
      const paidCount = [...agreement.milestones.values()].filter((m) => m.paid !== undefined).length;
      compare(record, v, {
        tenderId: agreement.tenderId,
        contractor: agreement.contractor,
        price: agreement.price,
        status: AGREEMENT[agreement.status],
        paid: agreement.paid,
        retentionHeld: agreement.status === "active" ? agreement.retained - agreement.released : 0n,
        milestoneCount: agreement.status === "completed" ? paidCount : undefined,
      });
      const tenderTerms = terms.get(agreement.tenderId);
      if (tenderTerms !== undefined && BigInt(count) !== tenderTerms.milestoneCount)
        mm(record, "milestoneCount", `tender's ${tenderTerms.milestoneCount}`, String(count));
      for (const index of agreement.milestones.keys())
        if (index >= BigInt(count))
          mm(`${record} milestone ${index}`, "index", `< milestoneCount ${count}`, `${index}`);
      await mapLimit(
        Array.from({ length: Math.min(count, 256) }, (_, i) => BigInt(i)),
        reader.concurrency,
        async (index) => {
          const m = agreement.milestones.get(index);
          const mr = await callView(reader, I, this.address, "getMilestone", [agreement.id, index]);
          if (!mr.ok) {
            mm(`${record} milestone ${index}`, "getMilestone()", "a milestone", `reverted (${mr.revert})`);
            return;
          }
          const stored = m?.status ?? MILESTONE.Pending;
          const status = agreement.status === "terminated" && stored !== MILESTONE.Paid ? MILESTONE.Cancelled : stored;
          compare(`${record} milestone ${index}`, mr.value as Record<string, unknown>, {
            status,
            approvals: m?.approvals ?? 0n,
            evidenceHash: m?.evidenceHash ?? ZERO_HASH,
            amount: m?.paid === undefined ? undefined : m.paid + (m.retained ?? 0n),
          });
          // The tender's terms the events do not carry, checked against what the events show.
          if (tenderTerms !== undefined && m?.paid !== undefined) {
            const amount = m.paid + (m.retained ?? 0n);
            const net = (amount * (10_000n - tenderTerms.retentionBps)) / 10_000n;
            if (net !== m.paid)
              mm(
                `${record} milestone ${index}`,
                `MilestonePaid.paid at retentionBps ${tenderTerms.retentionBps}`,
                dec(net),
                dec(m.paid),
              );
            if (m.quorumSeen !== tenderTerms.quorum)
              mm(
                `${record} milestone ${index}`,
                "approvals when paid",
                `quorum ${tenderTerms.quorum}`,
                String(m.quorumSeen),
              );
          }
        },
      );
    });
    return out;
  }

  tables(): Record<string, Row[]> {
    this.resolve();
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
        bondsHeld: dec([...t.bidders.values()].reduce((s, b) => s + b.bondHeld, 0n)),
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
    const statusName = ["", "pending", "submitted", "rejected", "paid", "cancelled"];
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
        const status =
          agreement.status === "terminated" && m.status !== MILESTONE.Paid ? MILESTONE.Cancelled : m.status;
        milestones.push({
          agreementId: agreement.id.toString(),
          index: m.index.toString(),
          status: statusName[status],
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
