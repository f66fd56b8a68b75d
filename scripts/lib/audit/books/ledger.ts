/**
 * The BudgetLedger book: every budget line rebuilt from the ledger's events, the cash the
 * events account for (deposits, withdrawals, commitments, returns, payments and direct token
 * transfers), and the reconciliation against `getLine`, `available`, `committedBy`,
 * `unallocated`, `lineCount`/`lineIdAt` and the token balance, with SPEC invariants 1-4.
 */
import { INTERFACES } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import { mapLimit, type PinnedReader } from "../rpc.js";
import { displayLine } from "../format.js";
import { callView } from "../views.js";
import { dec, type Book, type LedgerFlow, type Mismatch, type Row } from "./types.js";

/** One module's books on one line, from the events. */
export interface ModuleLine {
  /** Committed and not yet spent or returned (what `committedBy` must say). */
  outstanding: bigint;
  committedTotal: bigint;
  spent: bigint;
  returned: bigint;
}

export interface LineState {
  lineId: string;
  fiscalYear: number;
  label: string;
  appropriated: bigint;
  committed: bigint;
  spent: bigint;
  closed: boolean;
  /** Paid directly by the ledger (`pay`). */
  spentDirect: bigint;
  reallocatedIn: bigint;
  reallocatedOut: bigint;
  lapsed: bigint;
  createdBlock: number;
  modules: Map<string, ModuleLine>;
}

export const availableOf = (line: LineState) => (line.closed ? 0n : line.appropriated - line.committed - line.spent);

/** Appropriation voted for the line itself: without money reallocated into or out of it. */
export const ownAppropriation = (line: LineState) => line.appropriated - line.reallocatedIn + line.reallocatedOut;

/** A token movement the ledger's own events imply, to be matched by a token Transfer log. */
interface Movement {
  tx: string;
  from: string;
  to: string;
  amount: bigint;
  what: string;
  block: number;
}

export interface TokenTransfer {
  tx: string;
  from: string;
  to: string;
  amount: bigint;
  block: number;
  logIndex: number;
}

export interface Reallocation {
  from: string;
  to: string;
  amount: bigint;
  block: number;
  tx: string;
  timestamp?: number;
}

/** A moment where a line's use (committed + spent) exceeded its own appropriation. */
export interface OverspendPoint {
  lineId: string;
  block: number;
  tx: string;
  used: bigint;
  own: bigint;
  timestamp?: number;
}

export interface Payout {
  lineId: string;
  payee: string;
  amount: bigint;
  module: string;
  block: number;
  logIndex: number;
  tx: string;
}

export interface LedgerCash {
  deposits: bigint;
  withdrawals: bigint;
  committed: bigint;
  returned: bigint;
  paid: bigint;
  directIn: bigint;
  directOut: bigint;
}

export class LedgerBook implements Book {
  readonly name = "ledger" as const;
  readonly anomalies: Mismatch[] = [];
  readonly lines = new Map<string, LineState>();
  /** Line ids in the order of their LineCreated events (what `lineIdAt` must return). */
  readonly order: string[] = [];
  readonly cash: LedgerCash = {
    deposits: 0n,
    withdrawals: 0n,
    committed: 0n,
    returned: 0n,
    paid: 0n,
    directIn: 0n,
    directOut: 0n,
  };
  readonly flows: LedgerFlow[] = [];
  readonly reallocations: Reallocation[] = [];
  readonly overspends: OverspendPoint[] = [];
  readonly payouts: Payout[] = [];
  readonly directTransfers: TokenTransfer[] = [];
  /** Every module that committed on some line (checksummed), in order of first commitment. */
  readonly modules: string[] = [];
  events = 0;
  private readonly movements: Movement[] = [];
  private readonly transfers: TokenTransfer[] = [];
  private readonly knownModules: Set<string>;

  constructor(
    readonly address: string,
    readonly token: string,
    knownModules: Iterable<string> = [],
  ) {
    this.knownModules = new Set(knownModules);
  }

  apply(e: AuditEvent): void {
    if (e.kind === "Token") return this.applyTransfer(e);
    if (e.kind !== "BudgetLedger" || e.address !== this.address) return;
    this.events++;
    const a = e.args;
    switch (e.name) {
      case "LineCreated": {
        const lineId = a.hex("lineId");
        if (this.lines.has(lineId)) {
          this.anomaly(lineId, "LineCreated", "created once", `created again in tx ${e.tx}`);
          return;
        }
        this.lines.set(lineId, {
          lineId,
          fiscalYear: a.num("fiscalYear"),
          label: a.str("label"),
          appropriated: a.big("appropriation"),
          committed: 0n,
          spent: 0n,
          closed: false,
          spentDirect: 0n,
          reallocatedIn: 0n,
          reallocatedOut: 0n,
          lapsed: 0n,
          createdBlock: e.block,
          modules: new Map(),
        });
        this.order.push(lineId);
        return;
      }
      case "AppropriationChanged": {
        const line = this.line(a.hex("lineId"), e);
        if (line.appropriated !== a.big("previous")) {
          this.anomaly(line.lineId, "AppropriationChanged.previous", dec(line.appropriated), dec(a.big("previous")), e);
        }
        line.appropriated = a.big("current");
        return;
      }
      case "Reallocated": {
        const from = this.line(a.hex("fromLineId"), e);
        const to = this.line(a.hex("toLineId"), e);
        const amount = a.big("amount");
        if (amount > availableOf(from)) {
          this.anomaly(from.lineId, "Reallocated.amount", `<= available ${dec(availableOf(from))}`, dec(amount), e);
        }
        from.appropriated -= amount;
        from.reallocatedOut += amount;
        to.appropriated += amount;
        to.reallocatedIn += amount;
        this.reallocations.push({
          from: from.lineId,
          to: to.lineId,
          amount,
          block: e.block,
          tx: e.tx,
          timestamp: e.timestamp,
        });
        return;
      }
      case "LineClosed": {
        const line = this.line(a.hex("lineId"), e);
        const lapsed = a.big("lapsed");
        if (line.closed) this.anomaly(line.lineId, "LineClosed", "closed once", `closed again in tx ${e.tx}`);
        else if (lapsed !== availableOf(line)) {
          this.anomaly(line.lineId, "LineClosed.lapsed", dec(availableOf(line)), dec(lapsed), e);
        }
        line.lapsed = lapsed;
        line.appropriated = line.committed + line.spent;
        line.closed = true;
        return;
      }
      case "Deposited": {
        const from = a.hex("from");
        const amount = a.big("amount");
        this.cash.deposits += amount;
        this.move(e, from, this.address, amount, "Deposited");
        if (this.knownModules.has(from)) {
          this.flows.push({ tx: e.tx, kind: "deposit", module: from, amount, source: "Deposited", block: e.block });
        }
        return;
      }
      case "Withdrawn": {
        const amount = a.big("amount");
        this.cash.withdrawals += amount;
        this.move(e, this.address, a.hex("to"), amount, "Withdrawn");
        return;
      }
      case "Committed": {
        const line = this.line(a.hex("lineId"), e);
        const module = a.hex("module");
        const amount = a.big("amount");
        if (amount > availableOf(line)) {
          this.anomaly(line.lineId, "Committed.amount", `<= available ${dec(availableOf(line))}`, dec(amount), e);
        }
        line.committed += amount;
        const book = this.moduleLine(line, module);
        book.outstanding += amount;
        book.committedTotal += amount;
        this.cash.committed += amount;
        this.move(e, this.address, module, amount, "Committed");
        this.flows.push({
          tx: e.tx,
          kind: "commit",
          module,
          lineId: line.lineId,
          amount,
          source: "Committed",
          block: e.block,
        });
        this.noteUse(line, e);
        return;
      }
      case "Spent": {
        const line = this.line(a.hex("lineId"), e);
        const module = a.hex("module");
        const payee = a.hex("payee");
        const amount = a.big("amount");
        this.payouts.push({
          lineId: line.lineId,
          payee,
          amount,
          module,
          block: e.block,
          logIndex: e.logIndex,
          tx: e.tx,
        });
        if (module === this.address) {
          if (amount > availableOf(line)) {
            this.anomaly(line.lineId, "Spent.amount (pay)", `<= available ${dec(availableOf(line))}`, dec(amount), e);
          }
          line.spent += amount;
          line.spentDirect += amount;
          this.cash.paid += amount;
          this.move(e, this.address, payee, amount, "Spent (pay)");
          this.noteUse(line, e);
          return;
        }
        const book = this.moduleLine(line, module);
        if (amount > book.outstanding) {
          this.anomaly(
            line.lineId,
            `invariant 4: Spent by ${module}`,
            `<= its outstanding commitment ${dec(book.outstanding)}`,
            dec(amount),
            e,
          );
        }
        book.outstanding -= amount;
        book.spent += amount;
        line.committed -= amount;
        line.spent += amount;
        this.flows.push({
          tx: e.tx,
          kind: "spend",
          module,
          lineId: line.lineId,
          payee,
          amount,
          source: "Spent",
          block: e.block,
        });
        return;
      }
      case "FundsReturned": {
        const line = this.line(a.hex("lineId"), e);
        const module = a.hex("module");
        const amount = a.big("amount");
        const book = this.moduleLine(line, module);
        if (amount > book.outstanding) {
          this.anomaly(
            line.lineId,
            `invariant 4: FundsReturned by ${module}`,
            `<= its outstanding commitment ${dec(book.outstanding)}`,
            dec(amount),
            e,
          );
        }
        book.outstanding -= amount;
        book.returned += amount;
        line.committed -= amount;
        if (line.closed) line.appropriated -= amount;
        this.cash.returned += amount;
        this.move(e, module, this.address, amount, "FundsReturned");
        this.flows.push({
          tx: e.tx,
          kind: "return",
          module,
          lineId: line.lineId,
          amount,
          source: "FundsReturned",
          block: e.block,
        });
        return;
      }
    }
  }

  private applyTransfer(e: AuditEvent): void {
    if (e.name !== "Transfer") return;
    const from = e.args.hex("from");
    const to = e.args.hex("to");
    if (from !== this.address && to !== this.address) return;
    this.transfers.push({ tx: e.tx, from, to, amount: e.args.big("value"), block: e.block, logIndex: e.logIndex });
  }

  private line(lineId: string, e: AuditEvent): LineState {
    let line = this.lines.get(lineId);
    if (line === undefined) {
      this.anomaly(lineId, `${e.name} on a line`, "created by a LineCreated event", "no LineCreated before it", e);
      line = {
        lineId,
        fiscalYear: 0,
        label: "",
        appropriated: 0n,
        committed: 0n,
        spent: 0n,
        closed: false,
        spentDirect: 0n,
        reallocatedIn: 0n,
        reallocatedOut: 0n,
        lapsed: 0n,
        createdBlock: e.block,
        modules: new Map(),
      };
      this.lines.set(lineId, line);
    }
    return line;
  }

  private moduleLine(line: LineState, module: string): ModuleLine {
    let book = line.modules.get(module);
    if (book === undefined) {
      book = { outstanding: 0n, committedTotal: 0n, spent: 0n, returned: 0n };
      line.modules.set(module, book);
      if (!this.modules.includes(module)) this.modules.push(module);
    }
    return book;
  }

  /** After a commitment or a direct payment: records when a line uses more than its own appropriation. */
  private noteUse(line: LineState, e: AuditEvent): void {
    if (line.reallocatedIn === 0n) return;
    const used = line.committed + line.spent;
    const own = ownAppropriation(line);
    if (used > own)
      this.overspends.push({ lineId: line.lineId, block: e.block, tx: e.tx, used, own, timestamp: e.timestamp });
  }

  private move(e: AuditEvent, from: string, to: string, amount: bigint, what: string): void {
    this.movements.push({ tx: e.tx, from, to, amount, what, block: e.block });
  }

  private anomaly(lineId: string, field: string, expected: string, found: string, e?: AuditEvent): void {
    this.anomalies.push({
      book: "ledger",
      record: `line ${displayLine(lineId)}`,
      field,
      expected,
      found,
      note: e === undefined ? undefined : `block ${e.block}, tx ${e.tx}`,
    });
  }

  /**
   * Pairs every money event of the ledger with its token Transfer in the same transaction.
   * Transfers left over are direct transfers (tokens sent to or taken from the ledger without
   * a ledger function); money events left over are mismatches.
   */
  matchTransfers(): Mismatch[] {
    const key = (tx: string, from: string, to: string, amount: bigint) => `${tx}|${from}|${to}|${amount}`;
    const pool = new Map<string, TokenTransfer[]>();
    for (const t of this.transfers) {
      const k = key(t.tx, t.from, t.to, t.amount);
      const list = pool.get(k);
      if (list === undefined) pool.set(k, [t]);
      else list.push(t);
    }
    const used = new Set<TokenTransfer>();
    const out: Mismatch[] = [];
    for (const m of this.movements) {
      const match = pool.get(key(m.tx, m.from, m.to, m.amount))?.pop();
      if (match === undefined) {
        out.push({
          book: "ledger",
          record: `tx ${m.tx}`,
          field: `token Transfer for ${m.what}`,
          expected: `Transfer(${m.from} -> ${m.to}, ${m.amount})`,
          found: "none in the transaction",
          note: `block ${m.block}`,
        });
      } else used.add(match);
    }
    this.directTransfers.length = 0;
    this.cash.directIn = 0n;
    this.cash.directOut = 0n;
    for (const t of this.transfers) {
      if (used.has(t)) continue;
      this.directTransfers.push(t);
      if (t.to === this.address && t.from !== this.address) this.cash.directIn += t.amount;
      if (t.from === this.address && t.to !== this.address) this.cash.directOut += t.amount;
    }
    return out;
  }

  /** The ledger's token balance according to the events (call matchTransfers first). */
  expectedBalance(): bigint {
    const c = this.cash;
    return c.deposits - c.withdrawals - c.committed + c.returned - c.paid + c.directIn - c.directOut;
  }

  /** Sum of available over open lines, from the events. */
  totalAvailable(): bigint {
    let sum = 0n;
    for (const line of this.lines.values()) if (!line.closed) sum += availableOf(line);
    return sum;
  }

  /** Outstanding commitments of `module` over every line, from the events. */
  outstandingOf(module: string): bigint {
    let sum = 0n;
    for (const line of this.lines.values()) sum += line.modules.get(module)?.outstanding ?? 0n;
    return sum;
  }

  /** Compares the rebuilt books with the ledger's views and the token balance at the pinned block. */
  async reconcile(reader: PinnedReader, balance: bigint): Promise<{ mismatches: Mismatch[]; unallocated?: bigint }> {
    const out: Mismatch[] = [...this.matchTransfers()];
    const L = INTERFACES.BudgetLedger;
    const mm = (record: string, field: string, expected: string, found: string, note?: string) =>
      out.push({ book: "ledger", record, field, expected, found, note });

    // Direct transfers: tokens may be sent to the ledger without `deposit` (they count as
    // unallocated), but never by a call to the ledger itself, and never leave it unbooked.
    await mapLimit(this.directTransfers, reader.concurrency, async (t) => {
      if (t.from === this.address) {
        mm(
          `tx ${t.tx}`,
          "token Transfer out of the ledger",
          "a ledger event booking it",
          "none",
          `block ${t.block}, ${t.amount} to ${t.to}`,
        );
        return;
      }
      const tx = (await reader.send("eth_getTransactionByHash", [t.tx])) as { to?: string | null } | null;
      if (tx?.to?.toLowerCase() === this.address.toLowerCase()) {
        mm(
          `tx ${t.tx}`,
          "token Transfer into the ledger",
          "a ledger event booking it (the call went to the ledger)",
          "none",
          `block ${t.block}, ${t.amount} from ${t.from}`,
        );
      }
    });

    // Line registry: lineCount and lineIdAt against the LineCreated events, in order.
    const count = await callView(reader, L, this.address, "lineCount", []);
    if (!count.ok) mm("ledger", "lineCount()", String(this.order.length), `reverted (${count.revert})`);
    else {
      const n = Number(count.value as bigint);
      if (n !== this.order.length) mm("ledger", "lineCount()", String(this.order.length), String(n));
      const ids = await mapLimit(
        Array.from({ length: Math.min(n, 100_000) }, (_, i) => i),
        reader.concurrency,
        (i) => callView(reader, L, this.address, "lineIdAt", [i]),
      );
      ids.forEach((r, i) => {
        const expected = this.order[i];
        const found = r.ok ? String(r.value) : "reverted";
        if (expected === undefined) mm(`line ${displayLine(found)}`, `lineIdAt(${i})`, "no LineCreated event", found);
        else if (found !== expected) mm(`line ${displayLine(expected)}`, `lineIdAt(${i})`, expected, found);
      });
    }

    // Every line: the view against the events, invariants 1 and 3.
    const lines = [...this.lines.values()];
    let viewAvailableOpen = 0n;
    await mapLimit(lines, reader.concurrency, async (line) => {
      const record = `line ${displayLine(line.lineId)}`;
      const view = await callView(reader, L, this.address, "getLine", [line.lineId]);
      const avail = await callView(reader, L, this.address, "available", [line.lineId]);
      if (!view.ok) {
        mm(record, "getLine()", "a line", `reverted (${view.revert})`);
        return;
      }
      const v = view.value as {
        fiscalYear: bigint;
        closed: boolean;
        appropriated: bigint;
        committed: bigint;
        spent: bigint;
        label: string;
      };
      const fields: Array<[string, string, string]> = [
        ["fiscalYear", String(line.fiscalYear), String(v.fiscalYear)],
        ["label", line.label, v.label],
        ["closed", String(line.closed), String(v.closed)],
        ["appropriated", dec(line.appropriated), dec(v.appropriated)],
        ["committed", dec(line.committed), dec(v.committed)],
        ["spent", dec(line.spent), dec(v.spent)],
      ];
      for (const [field, expected, found] of fields) if (expected !== found) mm(record, field, expected, found);
      const available = avail.ok ? (avail.value as bigint) : undefined;
      if (available === undefined) mm(record, "available", dec(availableOf(line)), "reverted");
      else {
        if (available !== availableOf(line)) mm(record, "available", dec(availableOf(line)), dec(available));
        if (!v.closed) viewAvailableOpen += available;
      }
      // Invariant 1, on the events and on the views.
      if (line.committed + line.spent > line.appropriated || line.committed < 0n || line.spent < 0n) {
        mm(
          record,
          "invariant 1 (events): committed + spent",
          `<= appropriated ${dec(line.appropriated)}`,
          dec(line.committed + line.spent),
        );
      }
      if (v.committed + v.spent > v.appropriated) {
        mm(
          record,
          "invariant 1 (views): committed + spent",
          `<= appropriated ${dec(v.appropriated)}`,
          dec(v.committed + v.spent),
        );
      }
      // Invariant 3: committedBy of every module seen on the line.
      let sumView = 0n;
      let sumEvents = 0n;
      for (const [module, book] of line.modules) {
        sumEvents += book.outstanding;
        const r = await callView(reader, L, this.address, "committedBy", [line.lineId, module]);
        if (!r.ok) {
          mm(record, `committedBy(${module})`, dec(book.outstanding), "reverted");
          continue;
        }
        sumView += r.value as bigint;
        if (r.value !== book.outstanding)
          mm(record, `committedBy(${module})`, dec(book.outstanding), dec(r.value as bigint));
        // Invariant 4 in total: a module's payouts and returns never exceed what it committed.
        if (book.spent + book.returned > book.committedTotal) {
          mm(
            record,
            `invariant 4: spent + returned by ${module}`,
            `<= committed ${dec(book.committedTotal)}`,
            dec(book.spent + book.returned),
          );
        }
      }
      if (sumEvents !== line.committed) {
        mm(record, "invariant 3 (events): sum of committedBy", dec(line.committed), dec(sumEvents));
      }
      if (sumView !== v.committed)
        mm(record, "invariant 3 (views): sum of committedBy", dec(v.committed), dec(sumView));
    });

    // Cash: invariant 2 on the views, and the balance against the events.
    const unallocatedView = await callView(reader, L, this.address, "unallocated", []);
    let unallocated: bigint | undefined;
    if (!unallocatedView.ok) mm("ledger", "unallocated()", "a value", `reverted (${unallocatedView.revert})`);
    else {
      unallocated = unallocatedView.value as bigint;
      if (balance !== unallocated + viewAvailableOpen) {
        mm(
          "ledger",
          "invariant 2 (views): token balance",
          `unallocated ${dec(unallocated)} + available of open lines ${dec(viewAvailableOpen)} = ${dec(unallocated + viewAvailableOpen)}`,
          dec(balance),
        );
      }
      const unallocatedEvents = this.expectedBalance() - this.totalAvailable();
      if (unallocated !== unallocatedEvents) mm("ledger", "unallocated()", dec(unallocatedEvents), dec(unallocated));
    }
    const c = this.cash;
    if (balance !== this.expectedBalance()) {
      mm(
        "ledger",
        "token balance",
        dec(this.expectedBalance()),
        dec(balance),
        `events: deposits ${c.deposits} - withdrawals ${c.withdrawals} - committed ${c.committed} + returned ${c.returned} - paid ${c.paid} + direct in ${c.directIn} - direct out ${c.directOut}`,
      );
    }
    return { mismatches: out, unallocated };
  }

  /** The lines as the report shows them (SPEC's JSON shape plus the rebuild's details). */
  lineRows(): Row[] {
    return [...this.lines.values()].map((line) => {
      const id = line.lineId;
      return {
        lineId: id,
        name: displayLine(id),
        fiscalYear: line.fiscalYear,
        label: line.label,
        appropriated: dec(line.appropriated),
        committed: dec(line.committed),
        spent: dec(line.spent),
        available: dec(availableOf(line)),
        closed: line.closed,
        spentDirect: dec(line.spentDirect),
        reallocatedIn: dec(line.reallocatedIn),
        reallocatedOut: dec(line.reallocatedOut),
        lapsed: dec(line.lapsed),
      };
    });
  }

  transferRows(): Row[] {
    return this.directTransfers.map((t) => ({
      block: t.block,
      tx: t.tx,
      from: t.from,
      to: t.to,
      amount: dec(t.amount),
      direction: t.to === this.address ? "in" : "out",
    }));
  }
}
