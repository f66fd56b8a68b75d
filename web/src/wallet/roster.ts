/**
 * Finds a beneficiary's entry in a published roster tree file (`civic-ledger-roster-v1`, the
 * format `npx hardhat subsidies build-roster` writes: docs/subsidies.md "Tree file") without
 * downloading the roster: HTTP Range reads of the sorted `byBeneficiary` section (binary
 * search), one 56-byte entry and the proof's nodes. A server that ignores Range sends the whole
 * file once; it is then read from memory. Every proof is verified against the root here and
 * against the programme's on-chain `merkleRoot` by the caller.
 */
import { concat, encodeAbiParameters, getAddress, keccak256, toHex, type Address, type Hex } from "viem";

export const ROSTER_FORMAT = "civic-ledger-roster-v1";

interface Section {
  offset: number;
  length: number;
}

export interface RosterHeader {
  format: string;
  root: Hex;
  count: number;
  total: string;
  data: string;
  sections: { nodes: Section; entries: Section; byBeneficiary: Section };
}

export interface RosterEntry {
  index: number;
  beneficiary: Address;
  amount: bigint;
  proof: Hex[];
}

export class RosterError extends Error {
  override name = "RosterError";
}

class RangeReader {
  #whole: Uint8Array | undefined;
  constructor(readonly url: string) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.#whole !== undefined) return this.#whole.subarray(offset, offset + length);
    const res = await fetch(this.url, { headers: { range: `bytes=${offset}-${offset + length - 1}` } });
    if (!res.ok) throw new RosterError(`${this.url}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status === 206) return bytes;
    this.#whole = bytes; // no Range support: the whole file came
    return bytes.subarray(offset, offset + length);
  }
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

const hexToBytes = (hex: string) =>
  Uint8Array.from(
    hex
      .slice(2)
      .match(/../g)!
      .map((b) => parseInt(b, 16)),
  );
const readUint32 = (b: Uint8Array, at: number) =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** The StandardMerkleTree leaf of `(index, beneficiary, amount)`. */
export function leafHash(index: number | bigint, beneficiary: Address, amount: bigint): Hex {
  return keccak256(
    keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "address" }, { type: "uint256" }],
        [BigInt(index), beneficiary, amount],
      ),
    ),
  );
}

/** Rebuilds the root from a leaf and its proof (pairs hashed in sorted order). */
export function rootOf(leaf: Hex, proof: readonly Hex[]): Hex {
  let node = leaf.toLowerCase() as Hex;
  for (const sibling of proof) {
    const s = sibling.toLowerCase() as Hex;
    node = keccak256(node < s ? concat([node, s]) : concat([s, node]));
  }
  return node;
}

function proofPositions(position: number): number[] {
  const out: number[] = [];
  for (let p = position; p > 0; p = Math.floor((p - 1) / 2)) out.push(p % 2 === 1 ? p + 1 : p - 1);
  return out;
}

export class RosterFile {
  private constructor(
    readonly header: RosterHeader,
    private readonly data: RangeReader,
  ) {}

  static async open(headerUrl: string): Promise<RosterFile> {
    const res = await fetch(headerUrl);
    if (res.status === 404) throw new RosterError("not_published");
    if (!res.ok) throw new RosterError(`${headerUrl}: HTTP ${res.status}`);
    const header = (await res.json()) as RosterHeader;
    if (header.format !== ROSTER_FORMAT) throw new RosterError(`${headerUrl} is not a ${ROSTER_FORMAT} file`);
    return new RosterFile(
      header,
      new RangeReader(new URL(header.data, new URL(headerUrl, document.baseURI)).toString()),
    );
  }

  /** The entry of `beneficiary` with its verified proof, or undefined when it is not listed. */
  async entryOf(beneficiary: Address): Promise<RosterEntry | undefined> {
    const { count, sections } = this.header;
    const target = hexToBytes(getAddress(beneficiary));
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const row = await this.data.read(sections.byBeneficiary.offset + mid * 24, 24);
      const order = compare(row.subarray(0, 20), target);
      if (order === 0) return this.entryAt(readUint32(row, 20));
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  async entryAt(index: number): Promise<RosterEntry> {
    const { sections, root } = this.header;
    const row = await this.data.read(sections.entries.offset + index * 56, 56);
    const beneficiary = getAddress(toHex(row.subarray(0, 20)));
    const amount = BigInt(toHex(row.subarray(20, 52)));
    const position = readUint32(row, 52);
    const proof: Hex[] = [];
    for (const p of proofPositions(position))
      proof.push(toHex(await this.data.read(sections.nodes.offset + p * 32, 32)));
    if (rootOf(leafHash(index, beneficiary, amount), proof) !== root.toLowerCase()) {
      throw new RosterError(`the roster file is damaged: entry ${index} does not prove against its root`);
    }
    return { index, beneficiary, amount, proof };
  }
}
