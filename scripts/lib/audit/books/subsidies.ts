/**
 * The SubsidyDisbursement book. Rebuilds each programme (budget, payouts by roster claim or
 * verified outcome, blocked indices, closure), what the contract must hold (budget - paid of
 * every open programme), its token movements (one transfer to the beneficiary per payout), and
 * the ledger flows the events imply (commit of the budget at creation, a spend per payout, a
 * return of the rest at closure). The outcome payouts are checked against the programme's rate
 * and cap, which only the view carries.
 */
import { INTERFACES } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import { displayLine } from "../format.js";
import { mapLimit, type PinnedReader } from "../rpc.js";
import { callView } from "../views.js";
import { TokenTrail } from "./trail.js";
import {
  compareFields,
  dec,
  type LedgerFlow,
  type Mismatch,
  type ModuleBook,
  type Pinned,
  type Row,
  type Timed,
} from "./types.js";

/** The view's ProgramStatus values. */
const PROGRAM = { Scheduled: 1, Open: 2, Ended: 3, Closed: 4 } as const;

export interface Outcome {
  beneficiary: string;
  quantity: bigint;
  paid: bigint;
  /** paidTo before this outcome, and the budget left before it. */
  paidBefore: bigint;
  remainingBefore: bigint;
  block: number;
  tx: string;
}

export interface Programme {
  id: bigint;
  lineId: string;
  kind: bigint;
  budget: bigint;
  opensAt: bigint;
  closesAt: bigint;
  merkleRoot: string;
  metadataHash: string;
  paid: bigint;
  closed: boolean;
  returned: bigint;
  claims: Map<bigint, { beneficiary: string; amount: bigint }>;
  outcomes: Outcome[];
  blocked: Set<bigint>;
  paidTo: Map<string, bigint>;
  block: number;
  closedAtBlock?: number;
  closedTx?: string;
}

export class SubsidiesBook implements ModuleBook {
  readonly name = "subsidies" as const;
  readonly kind = "SubsidyDisbursement" as const;
  readonly anomalies: Mismatch[] = [];
  readonly programmes = new Map<bigint, Programme>();
  events = 0;
  private readonly flows: LedgerFlow[] = [];
  private readonly trail: TokenTrail;
  /** Tokens beyond its programmes' budgets the module sent to the ledger (`SurplusSwept`). */
  private sweptTotal = 0n;

  constructor(
    readonly address: string,
    readonly ledger?: string,
  ) {
    this.trail = new TokenTrail(address, ledger);
  }

  apply(e: AuditEvent): void {
    if (e.kind === "Token") return this.trail.onTransfer(e);
    if (e.kind !== "SubsidyDisbursement" || e.address !== this.address) return;
    this.events++;
    const a = e.args;
    switch (e.name) {
      case "ProgramCreated": {
        const p: Programme = {
          id: a.big("programId"),
          lineId: a.hex("lineId"),
          kind: a.big("kind"),
          budget: a.big("budget"),
          opensAt: a.big("opensAt"),
          closesAt: a.big("closesAt"),
          merkleRoot: a.hex("merkleRoot"),
          metadataHash: a.hex("metadataHash"),
          paid: 0n,
          closed: false,
          returned: 0n,
          claims: new Map(),
          outcomes: [],
          blocked: new Set(),
          paidTo: new Map(),
          block: e.block,
        };
        if (this.programmes.has(p.id)) this.anomaly(`programme ${p.id}`, "ProgramCreated", "once", "again", e);
        this.programmes.set(p.id, p);
        this.flow(e, "commit", p.budget, p.lineId, undefined, `ProgramCreated ${p.id}`);
        return;
      }
      case "Claimed": {
        const p = this.programme(a.big("programId"), e);
        const index = a.big("index");
        const beneficiary = a.hex("beneficiary");
        const amount = a.big("amount");
        if (p.kind !== 0n) this.anomaly(`programme ${p.id}`, "Claimed", "a roster programme", `kind ${p.kind}`, e);
        if (p.claims.has(index)) this.anomaly(`programme ${p.id}`, `claim ${index}`, "paid once", "paid again", e);
        if (p.blocked.has(index)) this.anomaly(`programme ${p.id}`, `claim ${index}`, "not blocked", "blocked", e);
        p.claims.set(index, { beneficiary, amount });
        this.pay(p, beneficiary, amount, e, `Claimed ${p.id}/${index}`);
        return;
      }
      case "OutcomeRecorded": {
        const p = this.programme(a.big("programId"), e);
        if (p.kind !== 1n)
          this.anomaly(`programme ${p.id}`, "OutcomeRecorded", "an outcome programme", `kind ${p.kind}`, e);
        const beneficiary = a.hex("beneficiary");
        const paid = a.big("paid");
        if (paid === 0n) this.anomaly(`programme ${p.id}`, "OutcomeRecorded.paid", "> 0", "0", e);
        p.outcomes.push({
          beneficiary,
          quantity: a.big("quantity"),
          paid,
          paidBefore: p.paidTo.get(beneficiary) ?? 0n,
          remainingBefore: p.budget - p.paid,
          block: e.block,
          tx: e.tx,
        });
        p.paidTo.set(beneficiary, (p.paidTo.get(beneficiary) ?? 0n) + paid);
        this.pay(p, beneficiary, paid, e, `OutcomeRecorded ${p.id}`);
        return;
      }
      case "ClaimBlocked": {
        const p = this.programme(a.big("programId"), e);
        const index = a.big("index");
        if (p.claims.has(index))
          this.anomaly(`programme ${p.id}`, `block of claim ${index}`, "before it is claimed", "already claimed", e);
        if (p.blocked.has(index)) this.anomaly(`programme ${p.id}`, `block of claim ${index}`, "once", "again", e);
        if (p.closed) this.anomaly(`programme ${p.id}`, `block of claim ${index}`, "while open", "closed", e);
        p.blocked.add(index);
        return;
      }
      case "ProgramClosed": {
        const p = this.programme(a.big("programId"), e);
        const returned = a.big("returned");
        if (p.closed) this.anomaly(`programme ${p.id}`, "ProgramClosed", "once", "again", e);
        if (returned !== p.budget - p.paid) {
          this.anomaly(`programme ${p.id}`, "ProgramClosed.returned", dec(p.budget - p.paid), dec(returned), e);
        }
        p.closed = true;
        p.returned = returned;
        p.closedAtBlock = e.block;
        p.closedTx = e.tx;
        this.flow(e, "return", returned, p.lineId, undefined, `ProgramClosed ${p.id}`);
        return;
      }
      case "SurplusSwept": {
        const amount = a.big("amount");
        this.sweptTotal += amount;
        this.flow(e, "deposit", amount, undefined, undefined, "SurplusSwept");
        return;
      }
    }
  }

  private pay(p: Programme, beneficiary: string, amount: bigint, e: AuditEvent, source: string) {
    if (p.closed) this.anomaly(`programme ${p.id}`, source, "while open", "after ProgramClosed", e);
    p.paid += amount;
    if (p.paid > p.budget) this.anomaly(`programme ${p.id}`, "paid", `<= budget ${p.budget}`, dec(p.paid), e);
    this.flow(e, "spend", amount, p.lineId, beneficiary, source);
    this.trail.pay(e, beneficiary, amount, source);
  }

  private programme(id: bigint, e: AuditEvent): Programme {
    let p = this.programmes.get(id);
    if (p === undefined) {
      this.anomaly(`programme ${id}`, e.name, "after ProgramCreated", "no ProgramCreated", e);
      p = {
        id,
        lineId: "0x",
        kind: 0n,
        budget: 0n,
        opensAt: 0n,
        closesAt: 0n,
        merkleRoot: "0x",
        metadataHash: "0x",
        paid: 0n,
        closed: false,
        returned: 0n,
        claims: new Map(),
        outcomes: [],
        blocked: new Set(),
        paidTo: new Map(),
        block: e.block,
      };
      this.programmes.set(id, p);
    }
    return p;
  }

  private flow(
    e: AuditEvent,
    kind: LedgerFlow["kind"],
    amount: bigint,
    lineId: string | undefined,
    payee: string | undefined,
    source: string,
  ) {
    if (amount <= 0n) return;
    this.flows.push({ tx: e.tx, kind, module: this.address, lineId, payee, amount, source, block: e.block });
  }

  private anomaly(record: string, field: string, expected: string, found: string, e: AuditEvent) {
    this.anomalies.push({ book: this.name, record, field, expected, found, note: `block ${e.block}, tx ${e.tx}` });
  }

  held(): bigint {
    let sum = 0n;
    for (const p of this.programmes.values()) if (!p.closed) sum += p.budget - p.paid;
    return sum;
  }

  deferred(): bigint {
    return 0n;
  }

  swept(): bigint {
    return this.sweptTotal;
  }

  expectedFlows(): LedgerFlow[] {
    return this.flows;
  }

  timed(): Timed[] {
    return [];
  }

  async reconcile(reader: PinnedReader, at: Pinned): Promise<Mismatch[]> {
    const I = INTERFACES.SubsidyDisbursement;
    const out: Mismatch[] = [...this.trail.match(this.name, "SubsidyDisbursement")];
    const mm = (record: string, field: string, expected: string, found: string) =>
      out.push({ book: this.name, record, field, expected, found });
    const scalar = async (record: string, fn: string, args: unknown[], expected: unknown) => {
      const r = await callView(reader, I, this.address, fn, args);
      const found = r.ok ? String(r.value) : "reverted";
      if (found !== String(expected)) mm(record, `${fn}(${args.map(String).join(", ")})`, String(expected), found);
    };
    const statusOf = (p: Programme) => {
      if (p.closed) return PROGRAM.Closed;
      if (at.timestamp < p.opensAt) return PROGRAM.Scheduled;
      return at.timestamp < p.closesAt ? PROGRAM.Open : PROGRAM.Ended;
    };
    await scalar("subsidies", "programCount", [], this.programmes.size);
    await mapLimit([...this.programmes.values()], reader.concurrency, async (p) => {
      const record = `programme ${p.id}`;
      const r = await callView(reader, I, this.address, "getProgram", [p.id]);
      if (!r.ok) return void mm(record, "getProgram()", "a programme", `reverted (${r.revert})`);
      const v = r.value as Record<string, unknown>;
      compareFields(out, this.name, record, v, {
        kind: p.kind,
        lineId: p.lineId,
        budget: p.budget,
        paid: p.paid,
        opensAt: p.opensAt,
        closesAt: p.closesAt,
        closed: p.closed,
        merkleRoot: p.merkleRoot,
        metadataHash: p.metadataHash,
      });
      // Outcome payouts: min(quantity * rate, cap - paidTo, remaining budget), with the view's terms.
      const rate = v.ratePerUnit as bigint;
      const cap = v.capPerBeneficiary as bigint;
      for (const o of p.outcomes) {
        let due = o.quantity * rate;
        if (cap !== 0n && cap - o.paidBefore < due) due = cap > o.paidBefore ? cap - o.paidBefore : 0n;
        if (o.remainingBefore < due) due = o.remainingBefore;
        if (due !== o.paid)
          mm(
            record,
            `OutcomeRecorded.paid (${o.beneficiary}, block ${o.block})`,
            `${dec(due)} at rate ${rate}, cap ${cap}`,
            dec(o.paid),
          );
      }
      const checks: Array<() => Promise<void>> = [
        () => scalar(record, "programStatus", [p.id], statusOf(p)),
        () => scalar(record, "remaining", [p.id], p.closed ? 0n : p.budget - p.paid),
      ];
      for (const [beneficiary, amount] of p.paidTo)
        checks.push(() => scalar(record, "paidTo", [p.id, beneficiary], amount));
      for (const index of p.claims.keys()) checks.push(() => scalar(record, "isClaimed", [p.id, index], true));
      for (const index of p.blocked) {
        checks.push(() => scalar(record, "isBlocked", [p.id, index], true));
        checks.push(() => scalar(record, "isClaimed", [p.id, index], false));
      }
      await mapLimit(checks, reader.concurrency, (check) => check());
    });
    return out;
  }

  tables(): Record<string, Row[]> {
    const programmes: Row[] = [...this.programmes.values()].map((p) => ({
      programId: p.id.toString(),
      lineId: p.lineId,
      line: displayLine(p.lineId),
      kind: p.kind === 0n ? "roster" : p.kind === 1n ? "outcome" : p.kind.toString(),
      budget: dec(p.budget),
      paid: dec(p.paid),
      unclaimed: dec(p.budget - p.paid),
      claims: p.claims.size,
      outcomes: p.outcomes.length,
      blocked: p.blocked.size,
      beneficiaries: new Set([...[...p.claims.values()].map((c) => c.beneficiary), ...p.paidTo.keys()]).size,
      opensAt: p.opensAt.toString(),
      closesAt: p.closesAt.toString(),
      closed: p.closed,
      returned: dec(p.returned),
      merkleRoot: p.merkleRoot,
      metadataHash: p.metadataHash,
    }));
    return { programmes };
  }
}
