/**
 * The audit report for people (terminal tables), for programs (`--json`, SPEC's shape plus
 * the module records and red flags) and for spreadsheets (`--csv <dir>`, one file per record
 * kind).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import type { AuditReport } from "./index.js";
import { formatAmount, table, toCsv } from "./format.js";

/** CSV files and the report field each one holds. */
export const CSV_FILES = {
  "lines.csv": "lines",
  "modules.csv": "modules",
  "mismatches.csv": "mismatches",
  "red-flags.csv": "redFlags",
  "tenders.csv": "tenders",
  "bids.csv": "bids",
  "agreements.csv": "agreements",
  "milestones.csv": "milestones",
  "permits.csv": "permits",
  "applications.csv": "applications",
  "permit-types.csv": "permitTypes",
  "programmes.csv": "programmes",
  "roles.csv": "roles",
  "direct-transfers.csv": "directTransfers",
} as const satisfies Record<string, keyof AuditReport>;

/** Header of the files whose rows may be empty, so that every file has one. */
const COLUMNS: Partial<Record<keyof AuditReport, string[]>> = {
  lines: [
    "lineId",
    "name",
    "fiscalYear",
    "label",
    "appropriated",
    "committed",
    "spent",
    "available",
    "closed",
    "spentDirect",
    "reallocatedIn",
    "reallocatedOut",
    "lapsed",
  ],
  modules: ["address", "kind", "outstandingCommitments", "held", "deferred", "directIn", "swept", "balance"],
  mismatches: ["book", "record", "field", "expected", "found", "note"],
  redFlags: ["rule", "record", "detail", "block", "tx"],
  roles: ["roleId", "role", "account", "grantedAtBlock"],
  directTransfers: ["block", "tx", "from", "to", "amount", "direction"],
};

/** The report as the JSON file holds it (amounts are decimal strings of base units). */
export function toJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export async function writeJson(report: AuditReport, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, toJson(report));
}

/** Writes one CSV file per record kind into `dir`; returns the file names. */
export async function writeCsv(report: AuditReport, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [file, field] of Object.entries(CSV_FILES) as Array<[string, keyof AuditReport]>) {
    const rows = report[field] as unknown as Array<Record<string, unknown>>;
    await writeFile(
      join(dir, file),
      rows.length === 0 && COLUMNS[field] === undefined ? "" : toCsv(rows, COLUMNS[field]),
    );
    written.push(file);
  }
  return written;
}

/** The terminal report. */
export function renderText(report: AuditReport): string {
  const d = report.token.decimals;
  const amt = (v: unknown) => (v === null || v === undefined ? "-" : formatAmount(String(v), d));
  const out: string[] = [];
  const s = report.stats;
  out.push(
    `civic-ledger audit of chain ${report.chainId}: blocks ${report.fromBlock}-${report.block}, every view read at block ${report.block}`,
  );
  out.push(
    `Token ${report.token.address} (${report.token.symbol ? `${report.token.symbol}, ` : ""}${d} decimals); ` +
      "amounts below in whole tokens, mismatches in base units",
  );
  const events = Object.entries(s.events)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  out.push(
    `Read ${s.logs} logs (${events || "none"}) in ${s.windows} windows, ${s.requests} requests` +
      (s.windowSplits > 0 ? `, ${s.windowSplits} windows halved` : "") +
      (s.retries > 0 ? `, ${s.retries} retries (${s.rateLimited} rate limited)` : "") +
      `, ${(s.durationMs / 1000).toFixed(1)} s`,
  );

  out.push("", "Budget lines (rebuilt from events)");
  out.push(
    report.lines.length === 0
      ? "  none"
      : table(
          ["line", "year", "label", "appropriated", "committed", "spent", "available", "status"],
          report.lines.map((l) => [
            String(l.name),
            String(l.fiscalYear),
            String(l.label),
            amt(l.appropriated),
            amt(l.committed),
            amt(l.spent),
            amt(l.available),
            l.closed ? "closed" : "open",
          ]),
        ),
  );
  const L = report.ledger;
  out.push(
    "",
    `Ledger ${L.address}: balance ${amt(L.balance)}, unallocated ${amt(L.unallocated)}`,
    `  from events: deposits ${amt(L.deposits)} - withdrawals ${amt(L.withdrawals)} - committed ${amt(L.committed)} ` +
      `+ returned ${amt(L.returned)} - paid ${amt(L.paid)} + direct transfers in ${amt(L.directIn)} - out ${amt(L.directOut)}`,
  );
  if (report.modules.length > 0) {
    out.push("", "Modules");
    out.push(
      table(
        ["module", "address", "open commitments", "held by records", "of which owed", "direct in", "swept", "balance"],
        report.modules.map((m) => [
          m.kind,
          m.address,
          amt(m.outstandingCommitments),
          amt(m.held),
          amt(m.deferred),
          amt(m.directIn),
          amt(m.swept),
          amt(m.balance),
        ]),
      ),
    );
  }
  const records = [
    ["tenders", report.tenders.length],
    ["agreements", report.agreements.length],
    ["permits", report.permits.length],
    ["applications", report.applications.length],
    ["programmes", report.programmes.length],
  ].filter(([, n]) => (n as number) > 0);
  if (records.length > 0) out.push("", `Records: ${records.map(([k, n]) => `${n} ${k}`).join(", ")}`);

  out.push("");
  if (report.mismatches.length === 0) {
    out.push(
      `No mismatches: the books rebuilt from the events agree with the views and balances at block ${report.block}.`,
    );
  } else {
    out.push(`Mismatches (${report.mismatches.length}): expected from the events, found in the views or balances`);
    out.push(
      table(
        ["book", "record", "field", "expected", "found", "note"],
        report.mismatches.map((m) => [m.book, m.record, m.field, m.expected, m.found, m.note ?? ""]),
      ),
    );
  }
  out.push("");
  if (report.redFlags.length === 0) out.push("Red flags: none");
  else {
    out.push(`Red flags (${report.redFlags.length}): patterns worth a look, not inconsistencies`);
    out.push(
      table(
        ["rule", "record", "detail", "block"],
        report.redFlags.map((f) => [f.rule, f.record, f.detail, f.block === undefined ? "" : String(f.block)]),
      ),
    );
  }
  out.push(
    "",
    report.consistent ? "Result: CONSISTENT" : `Result: INCONSISTENT (${report.mismatches.length} mismatches)`,
  );
  return out.join("\n");
}
