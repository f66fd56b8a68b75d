/**
 * keccak256 over raw bytes for the roster builder: an unrolled Keccak-f[1600] permutation
 * (./keccak-f1600.ts) applied to one reused state, for inputs of at most one block (135 bytes:
 * leaf encodings and node pairs are 96, 64 and 32 bytes). No allocation per hash and no hex
 * strings: a million-row roster needs three million hashes. Longer inputs, and big-endian hosts,
 * go through ethers' keccak256.
 */
import { getBytes, keccak256 } from "ethers";

import { keccakF1600 } from "./keccak-f1600.js";

/** keccak256's rate in bytes: inputs up to RATE - 1 bytes fit one block. */
const RATE = 136;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class Keccak256 {
  private readonly state = new Uint32Array(50);
  private readonly bytes = new Uint8Array(this.state.buffer);

  /**
   * Writes keccak256(input[start, start + length)) to out[outOffset, outOffset + 32).
   * `out` may be `input` (the digest is written after the input is absorbed).
   */
  hash(input: Uint8Array, start: number, length: number, out: Uint8Array, outOffset: number): void {
    if (length >= RATE || !LITTLE_ENDIAN) {
      out.set(getBytes(keccak256(input.subarray(start, start + length))), outOffset);
      return;
    }
    const { state, bytes } = this;
    state.fill(0);
    bytes.set(input.subarray(start, start + length), 0);
    bytes[length] ^= 0x01;
    bytes[RATE - 1] ^= 0x80;
    keccakF1600(state);
    out.set(bytes.subarray(0, 32), outOffset);
  }

  /** keccak256 of `input` as a new 32-byte array. */
  digest(input: Uint8Array): Uint8Array {
    const out = new Uint8Array(32);
    this.hash(input, 0, input.length, out, 0);
    return out;
  }
}
