/**
 * No personal data goes on chain: documents, evidence, proposals and reasons are bytes32
 * hashes. People give a file (its contents are hashed), a 0x 32-byte hash, or a short text.
 */
import { existsSync, readFileSync, statSync } from "node:fs";

import { keccak256, toUtf8Bytes } from "ethers";

import { parseBytes32 } from "./args.js";

/** keccak256 of a file's bytes. */
export function hashFile(path: string): string {
  return keccak256(readFileSync(path));
}

/**
 * A document-like argument: an existing file -> keccak256 of its bytes; a 0x 32-byte hash as
 * is; any other text -> keccak256 of its UTF-8 bytes (so long texts are fine).
 */
export function parseDocument(value: string, name: string): string {
  if (existsSync(value) && statSync(value).isFile()) return hashFile(value);
  if (value.startsWith("0x")) return parseBytes32(value, name);
  return keccak256(toUtf8Bytes(value));
}
