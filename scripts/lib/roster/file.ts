/**
 * The roster tree file: a small JSON header (`<name>.json`: format, root, count, total, where
 * the sections lie) and a binary data file next to it (`<name>.bin`) with three sections:
 *
 *   nodes          (2n - 1) x 32 bytes: the tree in OpenZeppelin's heap order (node 0 is the
 *                  root; node i's children are 2i + 1 and 2i + 2; leaves are nodes n - 1 .. 2n - 2)
 *   entries        n x 56 bytes, by roster index: beneficiary (20) | amount (32, big-endian) |
 *                  node position of the leaf (uint32, big-endian)
 *   byBeneficiary  n x 24 bytes, sorted by beneficiary: beneficiary (20) | roster index (uint32 BE)
 *
 * A lookup reads one entry (by index) or binary-searches byBeneficiary (log2 n reads of 24
 * bytes), then reads the O(depth) proof nodes at their offsets: no one's proof is stored, and
 * nothing is loaded for the whole roster. Every proof read is checked against the root.
 * docs/subsidies.md documents the format.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

import { getAddress } from "ethers";

import { hex, readUint256, sortByBeneficiary, type RosterRows } from "./csv.js";
import { silentProgress, type Progress } from "./progress.js";
import { leafHash, proofPositions, verifyProof, type RosterTree } from "./tree.js";

export const ROSTER_FORMAT = "civic-ledger-roster-v1";
export const LEAF_ENCODING = ["uint256", "address", "uint256"] as const;
const NODE = 32;
const ENTRY = 56;
const BY_BENEFICIARY = 24;

export interface Section {
  offset: number;
  length: number;
}

export interface RosterHeader {
  format: typeof ROSTER_FORMAT;
  leafEncoding: readonly string[];
  /** The Merkle root (0x-hex), the programme's `merkleRoot`. */
  root: string;
  /** Rows: roster indices are 0 .. count - 1. */
  count: number;
  /** Sum of the amounts (decimal string of base units): the budget the roster needs. */
  total: string;
  /** Shortest and longest proof (tree levels). */
  proofLength: { min: number; max: number };
  /** The binary data file, relative to the header. */
  data: string;
  sections: { nodes: Section; entries: Section; byBeneficiary: Section };
  /** Where the rows came from (file name) and when the file was built. */
  source: string;
  createdAt: string;
}

/** One roster entry with what a claim needs. */
export interface RosterClaim {
  index: number;
  beneficiary: string;
  amount: bigint;
  proof: string[];
}

export class RosterFileError extends Error {
  override name = "RosterFileError";
}

/** The data file that goes with a header path: `roster.json` -> `roster.bin`. */
export function dataPathFor(headerPath: string): string {
  const name = basename(headerPath).replace(/\.json$/i, "");
  return join(dirname(headerPath), `${name}.bin`);
}

/**
 * Writes the header and data file of a built roster. Both are written to temporary names next
 * to their targets and renamed at the end (data first, then the header), so a failure never
 * leaves a half-written roster behind nor a temporary file; an existing roster at `headerPath`
 * stays as it was until the renames. Should the process die between the two renames, the old
 * header no longer matches the new data and `RosterFile.open` says so.
 */
export function writeRosterFile(
  headerPath: string,
  rows: RosterRows,
  tree: RosterTree,
  source: string,
  progress: Progress = silentProgress,
): RosterHeader {
  const n = rows.count;
  const dataPath = dataPathFor(headerPath);
  const nodes: Section = { offset: 0, length: (2 * n - 1) * NODE };
  const entries: Section = { offset: nodes.length, length: n * ENTRY };
  const byBeneficiary: Section = { offset: entries.offset + entries.length, length: n * BY_BENEFICIARY };
  const header: RosterHeader = {
    format: ROSTER_FORMAT,
    leafEncoding: LEAF_ENCODING,
    root: tree.root,
    count: n,
    total: rows.total.toString(),
    proofLength: { min: Math.floor(Math.log2(n)), max: Math.floor(Math.log2(2 * n - 1)) },
    data: basename(dataPath),
    sections: { nodes, entries, byBeneficiary },
    source,
    createdAt: new Date().toISOString(),
  };
  if (n === 1) header.proofLength = { min: 0, max: 0 };

  progress.phase("writing tree file", 3);
  const tmpData = `${dataPath}.${process.pid}.partial`;
  const tmpHeader = `${headerPath}.${process.pid}.partial`;
  try {
    writeData(tmpData, rows, tree, progress);
    const hfd = openSync(tmpHeader, "w");
    try {
      writeAll(hfd, Buffer.from(`${JSON.stringify(header, null, 2)}\n`));
    } finally {
      closeSync(hfd);
    }
    renameSync(tmpData, dataPath);
    renameSync(tmpHeader, headerPath);
  } catch (error) {
    rmSync(tmpData, { force: true });
    rmSync(tmpHeader, { force: true });
    throw error;
  }
  progress.update(3);
  progress.end();
  return header;
}

/** The data file: nodes, entries by index, entries by beneficiary. */
function writeData(path: string, rows: RosterRows, tree: RosterTree, progress: Progress): void {
  const n = rows.count;
  const fd = openSync(path, "w");
  try {
    writeAll(fd, tree.nodes);
    progress.update(1);
    const chunkRows = 1 << 16;
    const chunk = new Uint8Array(chunkRows * ENTRY);
    const view = new DataView(chunk.buffer);
    for (let start = 0; start < n; start += chunkRows) {
      const end = Math.min(n, start + chunkRows);
      for (let i = start; i < end; i++) {
        const at = (i - start) * ENTRY;
        chunk.set(rows.beneficiaries.subarray(i * 20, i * 20 + 20), at);
        chunk.set(rows.amounts.subarray(i * 32, i * 32 + 32), at + 20);
        view.setUint32(at + 52, tree.positions[i]);
      }
      writeAll(fd, chunk.subarray(0, (end - start) * ENTRY));
    }
    progress.update(2);
    const order = sortByBeneficiary(rows.beneficiaries, n);
    const sorted = new Uint8Array(Math.min(n, chunkRows) * BY_BENEFICIARY);
    const sortedView = new DataView(sorted.buffer);
    for (let start = 0; start < n; start += chunkRows) {
      const end = Math.min(n, start + chunkRows);
      for (let k = start; k < end; k++) {
        const row = order[k];
        const at = (k - start) * BY_BENEFICIARY;
        sorted.set(rows.beneficiaries.subarray(row * 20, row * 20 + 20), at);
        sortedView.setUint32(at + 20, row);
      }
      writeAll(fd, sorted.subarray(0, (end - start) * BY_BENEFICIARY));
    }
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * A roster tree file opened for lookups. Reads only what a lookup needs; keeps the top of the
 * tree (the first 65,535 nodes, 2 MB) in memory so that a proof costs a few reads.
 */
export class RosterFile {
  readonly header: RosterHeader;
  readonly headerPath: string;
  private readonly fd: number;
  private readonly top: Uint8Array;
  private readonly topCount: number;

  private constructor(headerPath: string, header: RosterHeader, fd: number) {
    this.headerPath = headerPath;
    this.header = header;
    this.fd = fd;
    const { byBeneficiary } = header.sections;
    if (fstatSync(fd).size !== byBeneficiary.offset + byBeneficiary.length) {
      throw new RosterFileError(
        `${headerPath}: the data file's size differs from the header's: the files do not match`,
      );
    }
    this.topCount = Math.min(2 * header.count - 1, 65_535);
    this.top = this.read(header.sections.nodes.offset, this.topCount * NODE);
    if (hex(this.top, 0, NODE) !== header.root) {
      throw new RosterFileError(
        `${headerPath}: the data file's root differs from the header's: the files do not match`,
      );
    }
  }

  /** Opens a roster header (`.json`) and its data file. Throws RosterFileError with a clear message. */
  static open(headerPath: string): RosterFile {
    const path = resolve(headerPath);
    if (!existsSync(path)) throw new RosterFileError(`${headerPath} does not exist`);
    let header: RosterHeader;
    try {
      header = JSON.parse(readFileSync(path, "utf8")) as RosterHeader;
    } catch {
      throw new RosterFileError(`${headerPath} is not a roster tree file (not JSON)`);
    }
    if (header.format !== ROSTER_FORMAT) {
      throw new RosterFileError(`${headerPath} is not a roster tree file (format "${String(header.format)}")`);
    }
    const dataPath = join(dirname(path), header.data);
    if (!existsSync(dataPath)) throw new RosterFileError(`${headerPath}: its data file ${dataPath} is missing`);
    const fd = openSync(dataPath, "r");
    try {
      return new RosterFile(headerPath, header, fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  get root(): string {
    return this.header.root;
  }

  get count(): number {
    return this.header.count;
  }

  /** The claim of roster index `index` with its proof. */
  claimAt(index: number): RosterClaim {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RosterFileError(`index ${index} is not in the roster (0..${this.count - 1})`);
    }
    const entry = this.read(this.header.sections.entries.offset + index * ENTRY, ENTRY);
    const beneficiary = getAddress(hex(entry, 0, 20));
    const amount = readUint256(entry, 20);
    const position = new DataView(entry.buffer, entry.byteOffset).getUint32(52);
    const proof = proofPositions(position).map((p) => this.node(p));
    if (!verifyProof(this.root, leafHash(index, beneficiary, amount), proof)) {
      throw new RosterFileError(
        `${this.headerPath}: the proof of index ${index} does not give the root: the file is damaged`,
      );
    }
    return { index, beneficiary, amount, proof };
  }

  /** The roster index of `beneficiary`, or undefined when it is not listed. */
  indexOf(beneficiary: string): number | undefined {
    const wanted = Buffer.from(getAddress(beneficiary).slice(2), "hex");
    const base = this.header.sections.byBeneficiary.offset;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const record = Buffer.from(this.read(base + mid * BY_BENEFICIARY, BY_BENEFICIARY));
      const c = Buffer.compare(record.subarray(0, 20), wanted);
      if (c === 0) return record.readUInt32BE(20);
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The claim of `beneficiary`, or undefined when it is not listed. */
  claimOf(beneficiary: string): RosterClaim | undefined {
    const index = this.indexOf(beneficiary);
    return index === undefined ? undefined : this.claimAt(index);
  }

  private node(position: number): string {
    if (position < this.topCount) return hex(this.top, position * NODE, NODE);
    return hex(this.read(this.header.sections.nodes.offset + position * NODE, NODE), 0, NODE);
  }

  private read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new RosterFileError(`${this.headerPath}: the data file is shorter than its header says`);
      done += n;
    }
    return out;
  }
}
