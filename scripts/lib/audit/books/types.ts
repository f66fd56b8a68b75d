/**
 * What every book shares. A book rebuilds one contract's records from its events (one pass,
 * events in (block, log index) order), reconciles them against the contract's views read at
 * the pinned block, and says which ledger flows its events imply (so that every commitment,
 * return, payout and deposit a module books on the ledger is matched by the module's own event
 * in the same transaction, and the other way round).
 */
import type { ModuleKind } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import type { PinnedReader } from "../rpc.js";

export type BookName = "ledger" | "roles" | "permits" | "procurement" | "subsidies";

/** A difference between what the events say and what the chain's views (or balances) say. */
export interface Mismatch {
  book: BookName | "flows";
  /** The record: "line ROADS-2027", "tender 3", "tx 0x..", "module 0x..". */
  record: string;
  field: string;
  /** From the events. */
  expected: string;
  /** From the views or balances at the pinned block (or the other side of a match). */
  found: string;
  note?: string;
}

/** A pattern worth an auditor's look; not an inconsistency of the books. */
export interface RedFlag {
  rule: string;
  record: string;
  detail: string;
  block?: number;
  tx?: string;
}

/** A movement of money on the ledger attributed to a module. */
export type FlowKind = "commit" | "return" | "spend" | "deposit";

export interface LedgerFlow {
  tx: string;
  kind: FlowKind;
  /** The module (checksummed). */
  module: string;
  lineId?: string;
  payee?: string;
  amount: bigint;
  /** Where the flow was seen, for messages ("Spent", "TenderCreated 3"). */
  source: string;
  block: number;
}

/** A row of a record table (JSON objects and CSV lines). Amounts are decimal strings. */
export type Row = Record<string, string | number | boolean | null>;

export interface Book {
  readonly name: BookName;
  /** Applies one event (every decoded event is offered; a book ignores what is not its own). */
  apply(event: AuditEvent): void;
  /** Inconsistencies found while applying events (e.g. a payout above what was held). */
  readonly anomalies: Mismatch[];
}

/** The pinned block: every view is read at it; derived statuses follow its timestamp. */
export interface Pinned {
  block: number;
  /** Unix seconds. */
  timestamp: bigint;
}

/** A fact that needs its block's timestamp (filled in place before reconciliation). */
export interface Timed {
  block: number;
  timestamp?: number;
}

/** A module's book: its records, what it holds, and the ledger flows its events imply. */
export interface ModuleBook extends Book {
  readonly kind: ModuleKind;
  readonly address: string;
  /** Tokens the module's open records hold according to the events (owed payments included). */
  held(): bigint;
  /** Of what it holds: payments and refunds the token refused, kept for their payees. */
  deferred(): bigint;
  /** Tokens the module sent to the ledger as surplus (tokens it held beyond its records). */
  swept(): bigint;
  /** Ledger flows (commit/return/spend/deposit) the module's events imply. */
  expectedFlows(): LedgerFlow[];
  /** Facts whose block timestamps the reconciliation needs (e.g. the decision of an application). */
  timed(): Timed[];
  /** Compares the records with the module's views at the pinned block. */
  reconcile(reader: PinnedReader, at: Pinned): Promise<Mismatch[]>;
  /** Record tables for the report, keyed by kind ("tenders", "agreements", ...). */
  tables(): Record<string, Row[]>;
}

/** A value for a report cell: bigint as a decimal string. */
export const dec = (value: bigint) => value.toString();

/** The zero bytes32 the views return for a hash a record does not have (yet). */
export const ZERO_HASH = `0x${"0".repeat(64)}`;

/**
 * Compares rebuilt fields with a view's struct, field by field (lists joined by commas, every
 * value as a string). Undefined expectations are skipped: a field the events cannot rebuild.
 */
/** A view's value as text: a list or a multi-value result joined by commas. */
export function viewText(value: unknown): string {
  if (Array.isArray(value)) return value.map(viewText).join(",");
  if (value !== null && typeof value === "object") return Object.values(value).map(viewText).join(",");
  return String(value);
}

export function compareFields(
  out: Mismatch[],
  book: BookName,
  record: string,
  view: Record<string, unknown>,
  fields: Record<string, unknown>,
): void {
  const text = viewText;
  for (const [field, expected] of Object.entries(fields)) {
    if (expected === undefined) continue;
    const found = text(view[field]);
    const want = text(expected);
    if (found !== want) out.push({ book, record, field, expected: want, found });
  }
}
