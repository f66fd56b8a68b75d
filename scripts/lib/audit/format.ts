/** Text helpers of the audit report: line names, token amounts, terminal tables, CSV. */
import { decodeBytes32String, formatUnits } from "ethers";

/** A bytes32 line id as its short text when it is one ("ROADS-2027"), else as hex. */
export function displayLine(id: string): string {
  try {
    const text = decodeBytes32String(id);
    return /^[\x20-\x7e]+$/.test(text) ? text : id;
  } catch {
    return id;
  }
}

/** Base units -> whole token units ("1200.5"). */
export function formatAmount(value: bigint | string, decimals: number): string {
  const text = formatUnits(BigInt(value), decimals);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** A plain-text table: a header row, a rule, then rows; numeric cells right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+$/.test(r[c] ?? "")));
  const render = (r: string[]) =>
    r
      .map((cell, c) => (numeric[c] ? (cell ?? "").padStart(widths[c]) : (cell ?? "").padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(render)].join("\n");
}

/** One CSV cell (RFC 4180: quoted when it holds a comma, quote or line break). */
function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of objects -> CSV text with a header line (columns: the union of the rows' keys, in order). */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>, columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [cols.map(csvCell).join(","), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
