/**
 * A module's own token movements, matched with what its events say, transaction by
 * transaction: every payout, refund, bond refund and withdrawal the events imply has its token
 * `Transfer` out of the module (unless the same transaction deferred it: `PaymentDeferred`,
 * `RefundDeferred`, money the module keeps for the payee), every fee it pulls has its `Transfer`
 * in, and no token leaves the module without such an event. Transfers between the module and
 * the ledger are the ledger book's (commitments, returns, deposits).
 */
import type { AuditEvent } from "../decode.js";
import type { BookName, Mismatch } from "./types.js";

interface Movement {
  tx: string;
  block: number;
  party: string;
  amount: bigint;
  source: string;
}

const key = (tx: string, party: string, amount: bigint) => `${tx}|${party}|${amount}`;

export class TokenTrail {
  private readonly outs: Movement[] = [];
  private readonly ins: Movement[] = [];
  private readonly payments: Movement[] = [];
  private readonly receipts: Movement[] = [];
  private readonly deferred: Movement[] = [];

  constructor(
    readonly module: string,
    readonly ledger: string | undefined,
  ) {}

  /** Offers a token Transfer; keeps those between the module and anyone but the ledger. */
  onTransfer(e: AuditEvent): void {
    if (e.kind !== "Token" || e.name !== "Transfer") return;
    const from = e.args.hex("from");
    const to = e.args.hex("to");
    const amount = e.args.big("value");
    if (from === this.module && to !== this.ledger && to !== this.module)
      this.outs.push({ tx: e.tx, block: e.block, party: to, amount, source: "Transfer" });
    if (to === this.module && from !== this.ledger && from !== this.module)
      this.ins.push({ tx: e.tx, block: e.block, party: from, amount, source: "Transfer" });
  }

  /**
   * The module's events say it paid `amount` to `to` in this transaction (a payment to the
   * ledger itself, e.g. a refund claimed to the ledger's address, is the ledger book's: tokens
   * it received without a ledger function).
   */
  pay(e: { tx: string; block: number }, to: string, amount: bigint, source: string): void {
    if (amount > 0n && to !== this.ledger) this.payments.push({ tx: e.tx, block: e.block, party: to, amount, source });
  }

  /** The module's events say it pulled `amount` from `from` in this transaction. */
  receive(e: { tx: string; block: number }, from: string, amount: bigint, source: string): void {
    if (amount > 0n) this.receipts.push({ tx: e.tx, block: e.block, party: from, amount, source });
  }

  /** A payment of this transaction the token refused: the module keeps it for the payee. */
  defer(e: AuditEvent, payee: string, amount: bigint, source: string): void {
    this.deferred.push({ tx: e.tx, block: e.block, party: payee, amount, source });
  }

  /** Every payment with its transfer (or deferral), every receipt with its transfer, no unbooked outflow. */
  match(book: BookName, moduleName: string): Mismatch[] {
    const out: Mismatch[] = [];
    const pool = (list: Movement[]) => {
      const map = new Map<string, Movement[]>();
      for (const m of list) {
        const k = key(m.tx, m.party, m.amount);
        const l = map.get(k);
        if (l === undefined) map.set(k, [m]);
        else l.push(m);
      }
      return map;
    };
    const take = (map: Map<string, Movement[]>, m: Movement) => map.get(key(m.tx, m.party, m.amount))?.pop();

    const deferrals = pool(this.deferred);
    const outs = pool(this.outs);
    for (const p of this.payments) {
      if (take(deferrals, p) !== undefined) continue;
      if (take(outs, p) !== undefined) continue;
      out.push({
        book,
        record: `tx ${p.tx}`,
        field: `token Transfer for ${p.source}`,
        expected: `Transfer(${moduleName} -> ${p.party}, ${p.amount})`,
        found: "none in the transaction, and no deferral",
        note: `block ${p.block}`,
      });
    }
    for (const list of deferrals.values()) {
      for (const d of list) {
        out.push({
          book,
          record: `tx ${d.tx}`,
          field: d.source,
          expected: "a payment of the transaction deferred",
          found: `${d.amount} to ${d.party} with no payment event`,
          note: `block ${d.block}`,
        });
      }
    }
    for (const list of outs.values()) {
      for (const t of list) {
        out.push({
          book,
          record: `tx ${t.tx}`,
          field: `token Transfer out of ${moduleName}`,
          expected: `a ${moduleName} event paying it`,
          found: `${t.amount} to ${t.party}`,
          note: `block ${t.block}`,
        });
      }
    }
    const ins = pool(this.ins);
    for (const r of this.receipts) {
      if (take(ins, r) !== undefined) continue;
      out.push({
        book,
        record: `tx ${r.tx}`,
        field: `token Transfer for ${r.source}`,
        expected: `Transfer(${r.party} -> ${moduleName}, ${r.amount})`,
        found: "none in the transaction",
        note: `block ${r.block}`,
      });
    }
    return out;
  }
}
