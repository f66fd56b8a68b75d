/** Plain-text output of the tasks: budget line ids and tables. */
import { decodeBytes32String } from "ethers";

/** Shows a bytes32 line id as text when it is a short string, else as hex. */
export function lineName(id: string): string {
  try {
    const text = decodeBytes32String(id);
    return /^[\x20-\x7e]+$/.test(text) ? text : id;
  } catch {
    return id;
  }
}

/** A plain-text table with right-aligned numbers; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (/^[\d.,-]+$/.test(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Indents every line of a block by two spaces. */
export function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}

/** A record as `key  value` lines, keys padded to one width, indented by two spaces. */
export function fields(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`.trimEnd()).join("\n");
}
