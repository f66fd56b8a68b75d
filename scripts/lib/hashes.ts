/**
 * No personal data goes on chain: documents, evidence, proposals and reasons are bytes32
 * hashes. People give a file (its contents are hashed), a 0x 32-byte hash, or a short text.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";

import { keccak256, toUtf8Bytes } from "ethers";

import { UserError, parseBytes32, requireText } from "./args.js";

/** keccak256 of a file's bytes. */
export function hashFile(path: string): string {
  return keccak256(readFileSync(path));
}

/** Text that reads as a file name or path (`plans/site.pdf`, `evidence.json`), not as a sentence. */
function looksLikePath(value: string): boolean {
  return !/\s/.test(value) && (/[/\\]/.test(value) || /\.[A-Za-z][A-Za-z0-9]{0,4}$/.test(value));
}

/**
 * A document-like argument: an existing file -> keccak256 of its bytes; a 0x 32-byte hash as
 * is; `text:<anything>` or any other text -> keccak256 of its UTF-8 bytes (so long texts are
 * fine). A value that reads as a file name but names no file is refused: hashing the name
 * instead of the document would record the wrong hash for good. A relative path is looked up
 * in `baseDir` when given (the folder of a tender file), else in the working folder.
 */
export function parseDocument(value: string, name: string, baseDir?: string): string {
  requireText(value, name);
  if (value.startsWith("text:")) return keccak256(toUtf8Bytes(value.slice("text:".length)));
  const path = baseDir !== undefined && !isAbsolute(value) ? join(baseDir, value) : value;
  if (existsSync(path) && statSync(path).isFile()) return hashFile(path);
  if (value.startsWith("0x")) return parseBytes32(value, name);
  if (looksLikePath(value)) {
    throw new UserError(
      `--${name}: there is no file "${value}" (to record the hash of that text itself, write text:${value})`,
    );
  }
  return keccak256(toUtf8Bytes(value));
}
