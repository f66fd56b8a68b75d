/**
 * Merkle proofs for the benchmark at an exact tree depth without building 2^depth leaves: the
 * leaves under test sit at the left of the tree and every other subtree is a random hash. The
 * root commits to a real tree (whose other leaves are unknown), so every proof is valid and its
 * calldata (depth x 32 random bytes) is what a real roster of that size costs. Pairs are hashed
 * commutatively (sorted), as OpenZeppelin's MerkleProof and Uniswap's MerkleDistributor expect.
 */
import { concat, keccak256, toBeHex } from "ethers";

function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

export interface SparseTree {
  root: string;
  proofs: string[][];
}

/** A tree of `depth` levels whose first `leaves.length` leaves are `leaves` (hashes). */
export function sparseTree(leaves: string[], depth: number, seed = 1): SparseTree {
  let rng = seed;
  const randomHash = () => {
    rng = (rng * 1103515245 + 12345) % 2 ** 31;
    return keccak256(toBeHex(rng, 32));
  };
  if (leaves.length > 2 ** depth) throw new Error(`${leaves.length} leaves do not fit depth ${depth}`);
  const proofs: string[][] = leaves.map(() => []);
  let level = [...leaves];
  // positions[i]: index of leaf i's ancestor in the current level
  const positions = leaves.map((_, i) => i);
  for (let d = 0; d < depth; d++) {
    if (level.length % 2 === 1) level.push(randomHash());
    for (let i = 0; i < leaves.length; i++) proofs[i].push(level[positions[i] ^ 1]);
    const next: string[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(hashPair(level[j], level[j + 1]));
    level = next;
    for (let i = 0; i < leaves.length; i++) positions[i] >>= 1;
  }
  return { root: level[0], proofs };
}
