/**
 * Reads a roster CSV: a `beneficiary,amount` header, then one row per beneficiary with an
 * address and an amount in the token's smallest unit (a positive whole number). Row i (0-based,
 * in file order) becomes roster index i. Every row is checked; problems are reported with their
 * line numbers (first 20), duplicates with both lines. The file is read in chunks and parsed
 * as bytes into flat buffers, so a million rows take seconds and little memory.
 *
 * Tolerated: a UTF-8 BOM, CRLF or LF line ends, a missing last line end, blank lines (they keep
 * their line numbers), spaces and tabs around fields, fields in double quotes (as spreadsheets
 * export them), any case and spacing in the header, leading zeros in amounts (decimal: `007`
 * is 7). Refused with the line named: everything else, including CR-only line ends, other
 * separators than the comma, thousands separators, signs, decimal points and exponents.
 * Invisible characters are shown escaped in the messages (`\u{a0}`).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

import { Keccak256 } from "./keccak.js";
import { silentProgress, type Progress } from "./progress.js";

/** The rows of a roster, in file order, in flat buffers. */
export interface RosterRows {
  count: number;
  /** count x 20 bytes. */
  beneficiaries: Uint8Array;
  /** count x 32 bytes, big-endian uint256. */
  amounts: Uint8Array;
  /** Sum of the amounts. */
  total: bigint;
  /** 1-based line number of each row in its source (for rows built from values: position + 2). */
  lines: Uint32Array;
}

/** One problem in a roster source. */
export interface RosterIssue {
  line: number;
  message: string;
}

/** A roster source with problems; `issues` lists them (at most MAX_ISSUES, by line). */
export class RosterError extends Error {
  override name = "RosterError";
  constructor(
    readonly source: string,
    readonly issues: RosterIssue[],
    readonly truncated = false,
  ) {
    super(
      `${source}: ${issues.length}${truncated ? "+" : ""} problem${issues.length === 1 ? "" : "s"}, nothing written\n` +
        issues.map((i) => (i.line > 0 ? `  line ${i.line}: ${i.message}` : `  ${i.message}`)).join("\n") +
        (truncated ? "\n  (further lines not checked)" : ""),
    );
  }
}

/** Reports stop after this many problems. */
export const MAX_ISSUES = 20;
/** Highest amount (and total): the contracts keep 128-bit books. */
export const MAX_TOTAL = 2n ** 128n - 1n;
/** Most rows a roster file holds (positions are stored as uint32). */
export const MAX_ROWS = 2 ** 32 - 2;

const HEADER = "beneficiary,amount";
const CHUNK = 8 << 20;
/** Digits of 2^128 - 1: a longer amount (without leading zeros) is too large without parsing it. */
const MAX_DIGITS = MAX_TOTAL.toString().length;
const NIBBLE = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) {
  NIBBLE[65 + c] = 10 + c;
  NIBBLE[97 + c] = 10 + c;
}

/**
 * Reads and checks a roster CSV file. Throws RosterError listing the problems.
 * `chunkSize` (bytes read at a time) is for tests of the chunk boundaries.
 */
export function readRosterCsv(path: string, progress: Progress = silentProgress, chunkSize = CHUNK): RosterRows {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const parser = new CsvParser(path, Math.floor(size / 44) + 1);
    progress.phase("reading roster", size);
    const chunk = Buffer.allocUnsafe(chunkSize);
    let carry: Buffer = Buffer.alloc(0);
    let read = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunkSize, null);
      if (n === 0) break;
      read += n;
      const data = carry.length === 0 ? chunk.subarray(0, n) : Buffer.concat([carry, chunk.subarray(0, n)]);
      const last = data.lastIndexOf(10);
      if (last < 0) {
        carry = Buffer.from(data);
        continue;
      }
      parser.feed(data, 0, last + 1);
      carry = Buffer.from(data.subarray(last + 1));
      progress.update(read);
      if (parser.full()) break;
    }
    if (carry.length > 0 && !parser.full()) parser.feed(carry, 0, carry.length, true);
    progress.end();
    return parser.finish();
  } finally {
    closeSync(fd);
  }
}

/** Checks rows given as values (tests, scripts): the same rules as a CSV file. */
export function rowsFromValues(values: Array<{ beneficiary: string; amount: bigint | number | string }>): RosterRows {
  const text = [HEADER, ...values.map((v) => `${v.beneficiary},${v.amount.toString()}`)].join("\n");
  const parser = new CsvParser("values", values.length + 1);
  const bytes = Buffer.from(text, "latin1");
  parser.feed(bytes, 0, bytes.length, true);
  return parser.finish();
}

/** Checks CSV text (tests): the same rules as a file. */
export function rowsFromCsvText(text: string, source = "csv"): RosterRows {
  const bytes = Buffer.from(text, "utf8");
  const parser = new CsvParser(source, Math.floor(bytes.length / 44) + 2);
  parser.feed(bytes, 0, bytes.length, true);
  return parser.finish();
}

class CsvParser {
  private capacity: number;
  private beneficiaries: Uint8Array;
  private amounts: Uint8Array;
  private lines: Uint32Array;
  private count = 0;
  private total = 0n;
  private line = 0;
  private headerSeen = false;
  private readonly issues: RosterIssue[] = [];
  private readonly keccak = new Keccak256();
  private readonly lower = new Uint8Array(40);
  private readonly checksum = new Uint8Array(32);

  constructor(
    private readonly source: string,
    capacity: number,
  ) {
    this.capacity = Math.max(16, capacity);
    this.beneficiaries = new Uint8Array(this.capacity * 20);
    this.amounts = new Uint8Array(this.capacity * 32);
    this.lines = new Uint32Array(this.capacity);
  }

  full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }

  /** Parses the complete lines in data[start, end); `final` marks the end of the source. */
  feed(data: Uint8Array, start: number, end: number, final = false): void {
    let s = start;
    while (s < end && !this.full()) {
      let e = data.indexOf(10, s);
      if (e < 0 || e >= end) {
        if (!final) return;
        e = end;
      }
      this.line++;
      this.parseLine(data, s, e);
      s = e + 1;
    }
  }

  finish(): RosterRows {
    if (!this.headerSeen && this.issues.length === 0) this.issue(0, `empty file: expected the header "${HEADER}"`);
    else if (this.count === 0 && this.issues.length === 0) this.issue(0, "no rows after the header");
    if (!this.full()) this.findDuplicates();
    if (this.total > MAX_TOTAL && !this.full()) {
      this.issue(0, `the amounts add up to ${this.total}, more than a programme can hold (2^128 - 1)`);
    }
    if (this.issues.length > 0) {
      const sorted = [...this.issues].sort((a, b) => a.line - b.line);
      throw new RosterError(this.source, sorted, this.full());
    }
    const n = this.count;
    return {
      count: n,
      beneficiaries: this.beneficiaries.subarray(0, n * 20),
      amounts: this.amounts.subarray(0, n * 32),
      total: this.total,
      lines: this.lines.subarray(0, n),
    };
  }

  private issue(line: number, message: string): void {
    if (!this.full()) this.issues.push({ line, message });
  }

  private parseLine(data: Uint8Array, start: number, end: number): void {
    let s = start;
    let e = end;
    if (this.line === 1 && e - s >= 3 && data[s] === 0xef && data[s + 1] === 0xbb && data[s + 2] === 0xbf) s += 3; // BOM
    while (s < e && (data[s] === 32 || data[s] === 9)) s++;
    while (e > s && (data[e - 1] === 13 || data[e - 1] === 32 || data[e - 1] === 9)) e--;
    if (s === e) return; // blank line
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.parseHeader(data, s, e);
      return;
    }
    const comma = data.indexOf(44, s);
    if (comma < 0 || comma >= e) {
      const hint = data.indexOf(59, s) >= 0 && data.indexOf(59, s) < e ? " (the separator must be a comma)" : "";
      this.issue(this.line, `expected "beneficiary,amount", found "${show(data, s, e)}"${hint}`);
      return;
    }
    const extra = data.indexOf(44, comma + 1);
    if (extra >= 0 && extra < e) {
      const hint = isDigits(data, comma + 1, e, true) ? " (an amount takes no thousands separator)" : "";
      this.issue(this.line, `expected 2 columns (beneficiary,amount), found more: "${show(data, s, e)}"${hint}`);
      return;
    }
    const [as, ae] = field(data, s, comma);
    const [ms, me] = field(data, comma + 1, e);
    if (this.count === this.capacity) this.grow();
    const row = this.count;
    if (!this.parseAddress(data, as, ae, row)) return;
    const amount = this.parseAmount(data, ms, me);
    if (amount === undefined) return;
    writeUint256(this.amounts, row * 32, amount);
    this.total += amount;
    this.lines[row] = this.line;
    this.count++;
    if (this.count > MAX_ROWS) this.issue(this.line, `a roster holds at most ${MAX_ROWS} rows`);
  }

  /** The header: `beneficiary,amount` in any case, spacing or quoting. */
  private parseHeader(data: Uint8Array, s: number, e: number): void {
    const raw = Buffer.from(data.subarray(s, e)).toString("utf8");
    const text = raw.replace(/["\s]+/g, "").toLowerCase();
    if (text === HEADER) return;
    let hint = "";
    if (raw.includes("\r")) hint = " (the lines end in a lone CR: save the file with LF or CRLF line ends)";
    else if (text.replace(/[;\t|]/g, ",") === HEADER || /[;\t]/.test(raw)) hint = " (the separator must be a comma)";
    else if (/^0x[0-9a-f]{40},/.test(text)) hint = " (the first line must be the header; it holds no row)";
    this.issue(this.line, `expected the header "${HEADER}", found "${show(data, s, e)}"${hint}`);
  }

  private parseAddress(data: Uint8Array, s: number, e: number, row: number): boolean {
    const text = () => show(data, s, e);
    if (e - s !== 42 || data[s] !== 48 || (data[s + 1] !== 120 && data[s + 1] !== 88)) {
      this.issue(this.line, `"${text()}" is not an address (0x followed by 40 hex digits)`);
      return false;
    }
    const out = this.beneficiaries;
    const base = row * 20;
    let upper = false;
    let lowerCase = false;
    let nonZero = false;
    for (let i = 0; i < 40; i++) {
      const c = data[s + 2 + i];
      const v = NIBBLE[c];
      if (v < 0) {
        this.issue(this.line, `"${text()}" is not an address (0x followed by 40 hex digits)`);
        return false;
      }
      if (c >= 65 && c <= 70) upper = true;
      if (c >= 97 && c <= 102) lowerCase = true;
      this.lower[i] = c >= 65 && c <= 70 ? c + 32 : c;
      if (v !== 0) nonZero = true;
      if ((i & 1) === 0) out[base + (i >> 1)] = v << 4;
      else out[base + (i >> 1)] |= v;
    }
    if (!nonZero) {
      this.issue(this.line, "the zero address cannot receive a subsidy");
      return false;
    }
    if (upper && lowerCase) {
      // mixed case: an EIP-55 checksum, which must be right
      this.keccak.hash(this.lower, 0, 40, this.checksum, 0);
      for (let i = 0; i < 40; i++) {
        const c = data[s + 2 + i];
        if (c < 65) continue; // digit
        const nibble = (this.checksum[i >> 1] >> ((i & 1) === 0 ? 4 : 0)) & 0xf;
        const shouldBeUpper = nibble >= 8;
        if (shouldBeUpper !== c <= 70) {
          this.issue(
            this.line,
            `"${text()}" has a wrong checksum (mixed-case address); check it or write it in lower case`,
          );
          return false;
        }
      }
    }
    return true;
  }

  private parseAmount(data: Uint8Array, s: number, e: number): bigint | undefined {
    if (s === e) {
      this.issue(this.line, "the amount is missing");
      return undefined;
    }
    if (!isDigits(data, s, e, false)) {
      this.issue(
        this.line,
        `amount "${show(data, s, e)}" is not a whole number of base units (digits only: no sign, decimal point, exponent or separator)`,
      );
      return undefined;
    }
    let first = s;
    while (first < e - 1 && data[first] === 48) first++; // leading zeros: decimal all the same
    if (e - first > MAX_DIGITS) {
      this.issue(
        this.line,
        `amount ${show(data, s, e)} (${e - first} digits) is more than a programme can hold (2^128 - 1)`,
      );
      return undefined;
    }
    let amount: bigint;
    if (e - s <= 15) {
      let v = 0;
      for (let i = s; i < e; i++) v = v * 10 + (data[i] - 48);
      amount = BigInt(v);
    } else {
      amount = BigInt(Buffer.from(data.subarray(s, e)).toString("latin1"));
    }
    if (amount === 0n) {
      this.issue(this.line, "the amount is 0: every row must pay something");
      return undefined;
    }
    if (amount > MAX_TOTAL) {
      this.issue(this.line, `amount ${amount} is more than a programme can hold (2^128 - 1)`);
      return undefined;
    }
    return amount;
  }

  private grow(): void {
    this.capacity *= 2;
    const b = new Uint8Array(this.capacity * 20);
    b.set(this.beneficiaries);
    this.beneficiaries = b;
    const a = new Uint8Array(this.capacity * 32);
    a.set(this.amounts);
    this.amounts = a;
    const l = new Uint32Array(this.capacity);
    l.set(this.lines);
    this.lines = l;
  }

  /** Duplicate beneficiaries, found by sorting (the order the file's index needs anyway). */
  private findDuplicates(): void {
    const order = sortByBeneficiary(this.beneficiaries, this.count);
    const b = this.beneficiaries;
    let first = order.length > 0 ? order[0] : 0; // first row of the current run of equal addresses
    for (let k = 1; k < order.length && !this.full(); k++) {
      if (compareBytes(b, first * 20, b, order[k] * 20, 20) === 0) {
        const again = order[k];
        this.issue(
          this.lines[again],
          `beneficiary ${hex(b, again * 20, 20)} is listed already on line ${this.lines[first]}`,
        );
      } else {
        first = order[k];
      }
    }
  }
}

/** Row numbers sorted by beneficiary bytes (ties by row). */
export function sortByBeneficiary(beneficiaries: Uint8Array, count: number): Uint32Array {
  const head = new Uint32Array(count);
  const view = new DataView(beneficiaries.buffer, beneficiaries.byteOffset, beneficiaries.byteLength);
  for (let i = 0; i < count; i++) head[i] = view.getUint32(i * 20);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort(
    (x, y) => head[x] - head[y] || compareBytes(beneficiaries, x * 20 + 4, beneficiaries, y * 20 + 4, 16) || x - y,
  );
  return order;
}

/** Compares a[ai, ai+n) with b[bi, bi+n) as unsigned bytes. */
export function compareBytes(a: Uint8Array, ai: number, b: Uint8Array, bi: number, n: number): number {
  for (let k = 0; k < n; k++) {
    const d = a[ai + k] - b[bi + k];
    if (d !== 0) return d;
  }
  return 0;
}

/** 0x-hex of bytes[offset, offset + length). */
export function hex(bytes: Uint8Array, offset: number, length: number): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString("hex")}`;
}

/** Writes `value` as a big-endian uint256 at out[offset, offset + 32) (which must be zero). */
export function writeUint256(out: Uint8Array, offset: number, value: bigint): void {
  if (value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    let n = Number(value);
    for (let k = 31; n > 0; k--) {
      out[offset + k] = n % 256;
      n = Math.floor(n / 256);
    }
    return;
  }
  let v = value;
  for (let k = 31; k >= 0 && v > 0n; k--) {
    out[offset + k] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Reads a big-endian uint256 from bytes[offset, offset + 32). */
export function readUint256(bytes: Uint8Array, offset: number): bigint {
  return BigInt(hex(bytes, offset, 32));
}

/** Whether data[s, e) is digits only (with `commas`, digits and commas); false when empty. */
function isDigits(data: Uint8Array, s: number, e: number, commas: boolean): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i++) {
    const c = data[i];
    if ((c < 48 || c > 57) && !(commas && (c === 44 || c === 32 || c === 34))) return false;
  }
  return true;
}

/** A field of data[s, e): spaces and tabs around it and one pair of double quotes removed. */
function field(data: Uint8Array, s: number, e: number): [number, number] {
  let fs = s;
  let fe = e;
  while (fs < fe && (data[fs] === 32 || data[fs] === 9)) fs++;
  while (fe > fs && (data[fe - 1] === 32 || data[fe - 1] === 9)) fe--;
  if (fe - fs >= 2 && data[fs] === 34 && data[fe - 1] === 34) {
    fs++;
    fe--;
    while (fs < fe && (data[fs] === 32 || data[fs] === 9)) fs++;
    while (fe > fs && (data[fe - 1] === 32 || data[fe - 1] === 9)) fe--;
  }
  return [fs, fe];
}

/** A line's text for an error message (at most 60 characters; invisible characters escaped). */
function show(data: Uint8Array, s: number, e: number): string {
  let text = "";
  for (const c of Buffer.from(data.subarray(s, Math.min(e, s + 60))).toString("utf8")) {
    text += invisible(c.codePointAt(0)!) ? `\\u{${c.codePointAt(0)!.toString(16)}}` : c;
  }
  return e - s > 60 ? `${text}...` : text;
}

/** Control characters, invisible spaces and joiners, the BOM and the replacement character. */
function invisible(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0xa0) ||
    code === 0xad ||
    (code >= 0x200b && code <= 0x200f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x2060 ||
    code === 0xfeff ||
    code === 0xfffd
  );
}
