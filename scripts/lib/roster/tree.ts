/**
 * The roster Merkle tree, built exactly as `@openzeppelin/merkle-tree`'s
 * `StandardMerkleTree.of(values, ["uint256", "address", "uint256"])` builds it:
 * - leaf = keccak256(keccak256(abi.encode(index, beneficiary, amount)));
 * - leaves sorted by hash (ascending bytes) and laid out from the end of a heap array of
 *   2n - 1 nodes (sorted leaf r at node 2n - 2 - r);
 * - node i = keccak256 of its children 2i + 1 and 2i + 2 in ascending order; node 0 is the root;
 * - a proof lists the siblings from the leaf up.
 * So roots and proofs equal OpenZeppelin's, and the contract's (sorted-pair) verification accepts
 * them. Everything works on flat byte buffers: no per-node objects or hex strings.
 */
import { compareBytes, hex, type RosterRows } from "./csv.js";
import { Keccak256 } from "./keccak.js";
import { silentProgress, type Progress } from "./progress.js";

export interface RosterTree {
  count: number;
  /** (2 count - 1) x 32 bytes in heap order: node 0 is the root. */
  nodes: Uint8Array;
  /** Roster index -> node position of its leaf. */
  positions: Uint32Array;
  root: string;
}

const STEP = 1 << 16;

/** Builds the tree of `rows` (row i is roster index i). */
export function buildTree(rows: RosterRows, progress: Progress = silentProgress): RosterTree {
  const n = rows.count;
  if (n === 0) throw new Error("a roster needs at least one row");
  const keccak = new Keccak256();

  // 1. leaves, in roster order
  progress.phase("hashing leaves", n);
  const leaves = new Uint8Array(n * 32);
  const encoded = new Uint8Array(96); // abi.encode(uint256 index, address beneficiary, uint256 amount)
  const view = new DataView(encoded.buffer);
  for (let i = 0; i < n; i++) {
    view.setUint32(28, i);
    encoded.set(rows.beneficiaries.subarray(i * 20, i * 20 + 20), 44);
    encoded.set(rows.amounts.subarray(i * 32, i * 32 + 32), 64);
    keccak.hash(encoded, 0, 96, encoded, 0); // the inner hash overwrites the index word
    keccak.hash(encoded, 0, 32, leaves, i * 32);
    encoded.fill(0, 0, 44);
    if ((i & (STEP - 1)) === 0) progress.update(i);
  }
  progress.end();

  // 2. leaves sorted by hash
  progress.phase("sorting leaves", 1);
  const order = sortLeaves(leaves, n);
  progress.end();

  // 3. the heap: sorted leaf r at node 2n - 2 - r, then the inner nodes bottom-up
  progress.phase("hashing nodes", n);
  const nodes = new Uint8Array((2 * n - 1) * 32);
  const positions = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const row = order[r];
    const position = 2 * n - 2 - r;
    nodes.set(leaves.subarray(row * 32, row * 32 + 32), position * 32);
    positions[row] = position;
  }
  const pair = new Uint8Array(64);
  for (let i = n - 2; i >= 0; i--) {
    const left = (2 * i + 1) * 32;
    const right = left + 32;
    if (compareBytes(nodes, left, nodes, right, 32) <= 0) {
      keccak.hash(nodes, left, 64, nodes, i * 32); // children are adjacent and already in order
    } else {
      pair.set(nodes.subarray(right, right + 32), 0);
      pair.set(nodes.subarray(left, left + 32), 32);
      keccak.hash(pair, 0, 64, nodes, i * 32);
    }
    if ((i & (STEP - 1)) === 0) progress.update(n - 1 - i);
  }
  progress.end();
  return { count: n, nodes, positions, root: hex(nodes, 0, 32) };
}

/** Positions of a node's proof: its sibling, its parent's sibling, ... up to the root. */
export function proofPositions(position: number): number[] {
  const out: number[] = [];
  for (let p = position; p > 0; p = Math.floor((p - 1) / 2)) out.push(p % 2 === 1 ? p + 1 : p - 1);
  return out;
}

/** The proof of roster index `index` in an in-memory tree. */
export function proofOf(tree: RosterTree, index: number): string[] {
  const position = tree.positions[index];
  if (position === undefined) throw new RangeError(`index ${index} is not in the roster (0..${tree.count - 1})`);
  return proofPositions(position).map((p) => hex(tree.nodes, p * 32, 32));
}

/** The leaf of `(index, beneficiary, amount)` as 0x-hex. */
export function leafHash(index: bigint | number, beneficiary: string, amount: bigint): string {
  const encoded = new Uint8Array(96);
  writeWord(encoded, 0, BigInt(index));
  encoded.set(Buffer.from(beneficiary.slice(2), "hex"), 44);
  writeWord(encoded, 64, amount);
  const keccak = new Keccak256();
  keccak.hash(encoded, 0, 96, encoded, 0);
  keccak.hash(encoded, 0, 32, encoded, 0);
  return hex(encoded, 0, 32);
}

/** Rebuilds the root from a leaf and its proof (sorted pairs) and compares it with `root`. */
export function verifyProof(root: string, leaf: string, proof: readonly string[]): boolean {
  const keccak = new Keccak256();
  const pair = new Uint8Array(64);
  let node = Buffer.from(leaf.slice(2), "hex");
  for (const sibling of proof) {
    const s = Buffer.from(sibling.slice(2), "hex");
    const [a, b] = Buffer.compare(node, s) <= 0 ? [node, s] : [s, node];
    pair.set(a, 0);
    pair.set(b, 32);
    node = Buffer.from(keccak.digest(pair));
  }
  return `0x${node.toString("hex")}` === root.toLowerCase();
}

function sortLeaves(leaves: Uint8Array, n: number): Uint32Array {
  const head = new Uint32Array(n);
  const view = new DataView(leaves.buffer, leaves.byteOffset, leaves.byteLength);
  for (let i = 0; i < n; i++) head[i] = view.getUint32(i * 32);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => head[x] - head[y] || compareBytes(leaves, x * 32 + 4, leaves, y * 32 + 4, 28) || x - y);
  return order;
}

function writeWord(out: Uint8Array, offset: number, value: bigint): void {
  let v = value;
  for (let k = 31; k >= 0; k--) {
    out[offset + k] = Number(v & 0xffn);
    v >>= 8n;
  }
}
