/**
 * Matches the ledger flows a module's events imply with the flows the ledger booked for that
 * module, transaction by transaction: every commitment, return, payout (`Spent`) and deposit
 * by a suite module must have the module's own event in the same transaction (TenderCreated,
 * MilestonePaid, Claimed, ProgramClosed, PermitIssued, ...) and every such module event its
 * ledger booking.
 */
import type { LedgerFlow, Mismatch } from "./types.js";

const key = (f: LedgerFlow) => `${f.tx}|${f.kind}|${f.module}|${f.lineId ?? ""}|${f.payee ?? ""}|${f.amount}`;

const LEDGER_EVENT: Record<LedgerFlow["kind"], string> = {
  commit: "Committed",
  return: "FundsReturned",
  spend: "Spent",
  deposit: "Deposited",
};

function describe(f: LedgerFlow): string {
  const parts = [
    f.lineId !== undefined ? `line ${f.lineId}` : undefined,
    f.payee !== undefined ? `payee ${f.payee}` : undefined,
  ];
  return `${LEDGER_EVENT[f.kind]}(${[...parts.filter(Boolean), `amount ${f.amount}`].join(", ")})`;
}

/**
 * Multiset match of `expected` (from a module's events) against `booked` (the ledger's events
 * for the same module). Each side's leftovers become mismatches.
 */
export function matchFlows(
  moduleName: string,
  expected: readonly LedgerFlow[],
  booked: readonly LedgerFlow[],
): Mismatch[] {
  const pool = new Map<string, LedgerFlow[]>();
  for (const f of booked) {
    const k = key(f);
    const list = pool.get(k);
    if (list === undefined) pool.set(k, [f]);
    else list.push(f);
  }
  const out: Mismatch[] = [];
  for (const f of expected) {
    const list = pool.get(key(f));
    if (list !== undefined && list.length > 0) {
      list.pop();
      continue;
    }
    out.push({
      book: "flows",
      record: `tx ${f.tx}`,
      field: `ledger ${LEDGER_EVENT[f.kind]} for ${f.source}`,
      expected: describe(f),
      found: "none in the transaction",
      note: `block ${f.block}`,
    });
  }
  for (const list of pool.values()) {
    for (const f of list) {
      out.push({
        book: "flows",
        record: `tx ${f.tx}`,
        field: `${moduleName} event for ledger ${LEDGER_EVENT[f.kind]}`,
        expected: `a ${moduleName} event booking ${describe(f)}`,
        found: "none in the transaction",
        note: `block ${f.block}`,
      });
    }
  }
  return out;
}
