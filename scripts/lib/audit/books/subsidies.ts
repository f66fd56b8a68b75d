/**
 * The SubsidyDisbursement book (against SPEC's events and views; see abi.ts). Rebuilds each
 * programme (budget, payouts by roster claim or verified outcome, blocked indices, closure),
 * what the contract must hold (budget - paid of every open programme), and the ledger flows the
 * events imply (commit of the budget at creation, a spend per payout, a return of the rest at
 * closure).
 */
import { INTERFACES } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import { displayLine } from "../format.js";
import { mapLimit, type PinnedReader } from "../rpc.js";
import { callView } from "../views.js";
import { dec, type LedgerFlow, type Mismatch, type ModuleBook, type Row } from "./types.js";

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
  outcomes: number;
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

  constructor(readonly address: string) {}

  apply(e: AuditEvent): void {
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
          outcomes: 0,
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
        p.outcomes++;
        this.pay(p, a.hex("beneficiary"), a.big("paid"), e, `OutcomeRecorded ${p.id}`);
        return;
      }
      case "ClaimBlocked": {
        const p = this.programme(a.big("programId"), e);
        const index = a.big("index");
        if (p.claims.has(index))
          this.anomaly(`programme ${p.id}`, `block of claim ${index}`, "before it is claimed", "already claimed", e);
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
    }
  }

  private pay(p: Programme, beneficiary: string, amount: bigint, e: AuditEvent, source: string) {
    if (p.closed) this.anomaly(`programme ${p.id}`, source, "while open", "after ProgramClosed", e);
    p.paid += amount;
    p.paidTo.set(beneficiary, (p.paidTo.get(beneficiary) ?? 0n) + amount);
    if (p.paid > p.budget) this.anomaly(`programme ${p.id}`, "paid", `<= budget ${p.budget}`, dec(p.paid), e);
    this.flow(e, "spend", amount, p.lineId, beneficiary, source);
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
        outcomes: 0,
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
    lineId: string,
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

  expectedFlows(): LedgerFlow[] {
    return this.flows;
  }

  async reconcile(reader: PinnedReader): Promise<Mismatch[]> {
    const I = INTERFACES.SubsidyDisbursement;
    const out: Mismatch[] = [];
    const mm = (record: string, field: string, expected: string, found: string) =>
      out.push({ book: this.name, record, field, expected, found });
    await mapLimit([...this.programmes.values()], reader.concurrency, async (p) => {
      const record = `programme ${p.id}`;
      const r = await callView(reader, I, this.address, "getProgram", [p.id]);
      if (!r.ok) return void mm(record, "getProgram()", "a programme", `reverted (${r.revert})`);
      const v = r.value as Record<string, unknown>;
      const fields: Record<string, unknown> = {
        kind: p.kind,
        lineId: p.lineId,
        budget: p.budget,
        paid: p.paid,
        opensAt: p.opensAt,
        closesAt: p.closesAt,
        closed: p.closed,
        merkleRoot: p.merkleRoot,
        metadataHash: p.metadataHash,
      };
      for (const [field, expected] of Object.entries(fields)) {
        if (String(v[field]) !== String(expected)) mm(record, field, String(expected), String(v[field]));
      }
      const checks: Array<() => Promise<void>> = [];
      for (const [beneficiary, amount] of p.paidTo) {
        checks.push(async () => {
          const x = await callView(reader, I, this.address, "paidTo", [p.id, beneficiary]);
          const found = x.ok ? String(x.value) : "reverted";
          if (found !== dec(amount)) mm(record, `paidTo(${beneficiary})`, dec(amount), found);
        });
      }
      for (const index of p.claims.keys()) {
        checks.push(async () => {
          const x = await callView(reader, I, this.address, "isClaimed", [p.id, index]);
          if (!x.ok || x.value !== true) mm(record, `isClaimed(${index})`, "true", x.ok ? String(x.value) : "reverted");
        });
      }
      for (const index of p.blocked) {
        checks.push(async () => {
          const x = await callView(reader, I, this.address, "isBlocked", [p.id, index]);
          if (!x.ok || x.value !== true) mm(record, `isBlocked(${index})`, "true", x.ok ? String(x.value) : "reverted");
        });
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
      outcomes: p.outcomes,
      blocked: p.blocked.size,
      beneficiaries: p.paidTo.size,
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
