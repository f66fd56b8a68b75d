/**
 * Sealed bids and tender files: the seal formula of SPEC.md, the bidder's secret file, and the
 * validation of a tender described in JSON.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { AbiCoder, getAddress, hexlify, keccak256, randomBytes } from "ethers";

import { UserError, parseAmount, parseBytes32, parseUint } from "./args.js";
import { parseDocument } from "./hashes.js";
import { formatInstant, parseDuration, parseInstant } from "./time.js";

export interface SealInput {
  chainId: bigint;
  escrow: string;
  tenderId: bigint;
  bidder: string;
  price: bigint;
  proposalHash: string;
  salt: string;
}

/** keccak256(abi.encode(chainid, escrow, tenderId, bidder, price, proposalHash, salt)). */
export function computeSeal(b: SealInput): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint256", "address", "uint256", "bytes32", "bytes32"],
      [b.chainId, b.escrow, b.tenderId, b.bidder, b.price, b.proposalHash, b.salt],
    ),
  );
}

/** A fresh random salt. */
export function newSalt(): string {
  return hexlify(randomBytes(32));
}

/** What a bidder must keep until the reveal: everything the seal hides. */
export interface BidSecret extends SealInput {
  seal: string;
}

export function defaultBidFile(b: { chainId: bigint; tenderId: bigint; bidder: string }): string {
  return `bids/chain-${b.chainId}-tender-${b.tenderId}-${b.bidder}.json`;
}

export function writeBidSecret(path: string, secret: BidSecret): void {
  mkdirSync(dirname(path), { recursive: true });
  const json = JSON.stringify(
    {
      ...secret,
      chainId: secret.chainId.toString(),
      tenderId: secret.tenderId.toString(),
      price: secret.price.toString(),
    },
    null,
    2,
  );
  writeFileSync(path, json, { mode: 0o600 });
}

/** Reads a bid secret file; a UserError naming the file and what is wrong with it. */
export function readBidSecret(path: string, option = "file"): BidSecret {
  if (!existsSync(path)) throw new UserError(`--${option}: ${path} does not exist (the file the bid task saved)`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    throw new UserError(`--${option}: ${path} is not JSON`);
  }
  if (typeof raw !== "object" || raw === null) throw new UserError(`--${option}: ${path} is not a bid secret file`);
  for (const key of ["chainId", "escrow", "tenderId", "bidder", "price", "proposalHash", "salt", "seal"]) {
    if (typeof raw[key] !== "string") throw new UserError(`--${option}: ${path} lacks "${key}"`);
  }
  const text = raw as Record<string, string>;
  let secret: BidSecret;
  try {
    secret = {
      chainId: BigInt(text.chainId),
      escrow: getAddress(text.escrow),
      tenderId: BigInt(text.tenderId),
      bidder: getAddress(text.bidder),
      price: BigInt(text.price),
      proposalHash: hexlify(text.proposalHash),
      salt: hexlify(text.salt),
      seal: text.seal,
    };
    if (computeSeal(secret) === secret.seal) return secret;
  } catch {
    // a malformed field: reported below
  }
  throw new UserError(`--${option}: ${path} is damaged: its fields do not give its seal`);
}

/** True when `path` holds the secret of the same bid slot (chain, escrow, tender, bidder). */
export function isSameBidSlot(path: string, slot: Omit<SealInput, "price" | "proposalHash" | "salt">): boolean {
  try {
    const old = readBidSecret(path);
    return (
      old.chainId === slot.chainId &&
      old.escrow === getAddress(slot.escrow) &&
      old.tenderId === slot.tenderId &&
      old.bidder === getAddress(slot.bidder)
    );
  } catch {
    return false;
  }
}

export interface MilestoneSpecArg {
  shareBps: bigint;
  duration: bigint;
  descriptionHash: string;
}

export interface TenderArgs {
  lineId: string;
  specHash: string;
  maxPrice: bigint;
  bidBond: bigint;
  bidDeadline: bigint;
  revealDeadline: bigint;
  retentionBps: bigint;
  quorum: bigint;
  milestones: MilestoneSpecArg[];
}

/** Fields of a tender file (see docs/operations.md). */
const TENDER_KEYS = [
  "line",
  "spec",
  "maxPrice",
  "bidBond",
  "bidDeadline",
  "revealDeadline",
  "retentionBps",
  "quorum",
  "milestones",
];
const MILESTONE_KEYS = ["shareBps", "duration", "description"];

/** Limits of ProcurementEscrow (ProcurementLib). */
export const MAX_MILESTONES = 32;
export const MAX_QUORUM = 16n;
export const MAX_MILESTONE_DURATION = 100n * 365n * 86_400n; // seconds

/**
 * Reads a tender file:
 * { "line": "ROADS-2027", "spec": "<file|0x hash|text>", "maxPrice": "500000", "bidBond": "1000",
 *   "bidDeadline": "+7d", "revealDeadline": "+10d", "retentionBps": 500, "quorum": 2,
 *   "milestones": [{ "shareBps": 4000, "duration": "30d", "description": "<file|0x hash|text>" }] }
 * Amounts are in token units; times are unix seconds, ISO dates or +durations from `now` (the
 * chain's clock); files named in it are looked up next to it. Every problem is reported as
 * `<file>: <field>: <what is wrong>`.
 */
export function readTenderFile(path: string, decimals: number, now: bigint): TenderArgs {
  if (!existsSync(path)) throw new UserError(`--file: ${path} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(`--file: ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new UserError(`--file: ${path} must hold one JSON object (see docs/operations.md)`);
  }
  const baseDir = dirname(path);
  /** Runs a parser on one field, reporting its problem as `<file>: <field>: ...`. */
  const parse = <T>(field: string, fn: (value: string, name: string) => T, value: unknown): T => {
    if (typeof value !== "string" && typeof value !== "number") {
      throw new UserError(`${path}: "${field}" is missing (or not a string or number)`);
    }
    try {
      return fn(String(value), field);
    } catch (error) {
      if (error instanceof UserError) {
        throw new UserError(
          `${path}: ${error.message.replace(/^--/, "").replace(`${field} is required`, `"${field}" is empty`)}`,
        );
      }
      throw error;
    }
  };
  const record = raw as Record<string, unknown>;
  const unknownKey = Object.keys(record).find((k) => !TENDER_KEYS.includes(k));
  if (unknownKey !== undefined) {
    throw new UserError(`${path}: unknown field "${unknownKey}" (the fields are ${TENDER_KEYS.join(", ")})`);
  }
  const milestones = record.milestones;
  if (!Array.isArray(milestones) || milestones.length === 0 || milestones.length > MAX_MILESTONES) {
    throw new UserError(`${path}: "milestones" must be a list of 1 to ${MAX_MILESTONES} milestones`);
  }
  const specs = milestones.map((m: unknown, i) => {
    const at = `milestones[${i}]`;
    if (typeof m !== "object" || m === null) throw new UserError(`${path}: ${at} is not an object`);
    const entry = m as Record<string, unknown>;
    const unknownField = Object.keys(entry).find((k) => !MILESTONE_KEYS.includes(k));
    if (unknownField !== undefined) {
      throw new UserError(
        `${path}: ${at}: unknown field "${unknownField}" (the fields are ${MILESTONE_KEYS.join(", ")})`,
      );
    }
    return {
      shareBps: parse(`${at}.shareBps`, (v, n) => parseUint(v, n, { min: 1n, max: 10_000n }), entry.shareBps),
      duration: parse(
        `${at}.duration`,
        (v, n) => {
          const d = parseDuration(v, n);
          if (d > MAX_MILESTONE_DURATION) throw new UserError(`--${n}: ${v} is longer than 100 years`);
          return d;
        },
        entry.duration,
      ),
      descriptionHash: parse(`${at}.description`, (v, n) => parseDocument(v, n, baseDir), entry.description),
    };
  });
  const total = specs.reduce((sum, m) => sum + m.shareBps, 0n);
  if (total !== 10_000n) throw new UserError(`${path}: milestone shares sum to ${total} basis points, not 10000`);
  const bidDeadline = parse("bidDeadline", (v, n) => parseInstant(v, n, now), record.bidDeadline);
  const revealDeadline = parse("revealDeadline", (v, n) => parseInstant(v, n, now), record.revealDeadline);
  if (bidDeadline <= now)
    throw new UserError(`${path}: bidDeadline (${formatInstant(bidDeadline)}) is not in the future`);
  if (revealDeadline <= bidDeadline) {
    throw new UserError(
      `${path}: revealDeadline (${formatInstant(revealDeadline)}) must come after bidDeadline (${formatInstant(bidDeadline)})`,
    );
  }
  return {
    lineId: parse("line", parseBytes32, record.line),
    specHash: parse("spec", (v, n) => parseDocument(v, n, baseDir), record.spec),
    maxPrice: parse("maxPrice", (v, n) => parseAmount(v, decimals, n), record.maxPrice),
    bidBond: parse("bidBond", (v, n) => parseAmount(v, decimals, n, true), record.bidBond),
    bidDeadline,
    revealDeadline,
    retentionBps: parse("retentionBps", (v, n) => parseUint(v, n, { max: 10_000n }), record.retentionBps),
    quorum: parse("quorum", (v, n) => parseUint(v, n, { min: 1n, max: MAX_QUORUM }), record.quorum),
    milestones: specs,
  };
}
