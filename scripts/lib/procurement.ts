/**
 * Sealed bids and tender files: the seal formula of SPEC.md, the bidder's secret file, and the
 * validation of a tender described in JSON.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { AbiCoder, getAddress, hexlify, keccak256, randomBytes } from "ethers";

import { UserError, parseAmount, parseBytes32, parseUint } from "./args.js";
import { parseDocument } from "./hashes.js";
import { parseDuration, parseInstant } from "./time.js";

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

export function readBidSecret(path: string): BidSecret {
  if (!existsSync(path)) throw new UserError(`--file: ${path} does not exist (the file the bid task saved)`);
  let raw: Record<string, string>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
  } catch {
    throw new UserError(`--file: ${path} is not JSON`);
  }
  for (const key of ["chainId", "escrow", "tenderId", "bidder", "price", "proposalHash", "salt", "seal"]) {
    if (typeof raw[key] !== "string") throw new UserError(`--file: ${path} lacks "${key}"`);
  }
  const secret: BidSecret = {
    chainId: BigInt(raw.chainId),
    escrow: getAddress(raw.escrow),
    tenderId: BigInt(raw.tenderId),
    bidder: getAddress(raw.bidder),
    price: BigInt(raw.price),
    proposalHash: raw.proposalHash,
    salt: raw.salt,
    seal: raw.seal,
  };
  if (computeSeal(secret) !== secret.seal)
    throw new UserError(`--file: ${path} is damaged: its fields do not give its seal`);
  return secret;
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

/**
 * Reads a tender file:
 * { "line": "ROADS-2027", "spec": "<file|0x hash|text>", "maxPrice": "500000", "bidBond": "1000",
 *   "bidDeadline": "+7d", "revealDeadline": "+10d", "retentionBps": 500, "quorum": 2,
 *   "milestones": [{ "shareBps": 4000, "duration": "30d", "description": "<file|0x hash|text>" }] }
 * Amounts are in token units; times are unix seconds, ISO dates or +durations from `now`.
 */
export function readTenderFile(path: string, decimals: number, now: bigint): TenderArgs {
  if (!existsSync(path)) throw new UserError(`--file: ${path} does not exist`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`--file: ${path} is not valid JSON (${(e as Error).message})`);
  }
  const text = (key: string): string => {
    const v = raw[key];
    if (typeof v !== "string" && typeof v !== "number") throw new UserError(`${path}: "${key}" is missing`);
    return String(v);
  };
  const milestones = raw.milestones;
  if (!Array.isArray(milestones) || milestones.length === 0)
    throw new UserError(`${path}: "milestones" must be a non-empty list`);
  const specs = milestones.map((m: Record<string, unknown>, i) => {
    const field = (k: string) => {
      if (typeof m[k] !== "string" && typeof m[k] !== "number")
        throw new UserError(`${path}: milestones[${i}].${k} is missing`);
      return String(m[k]);
    };
    return {
      shareBps: parseUint(field("shareBps"), `milestones[${i}].shareBps`, { max: 10_000n }),
      duration: parseDuration(field("duration"), `milestones[${i}].duration`),
      descriptionHash: parseDocument(field("description"), `milestones[${i}].description`),
    };
  });
  const total = specs.reduce((s, m) => s + m.shareBps, 0n);
  if (total !== 10_000n) throw new UserError(`${path}: milestone shares sum to ${total} basis points, not 10000`);
  const bidDeadline = parseInstant(text("bidDeadline"), "bidDeadline", now);
  const revealDeadline = parseInstant(text("revealDeadline"), "revealDeadline", now);
  if (bidDeadline <= now) throw new UserError(`${path}: bidDeadline is not in the future`);
  if (revealDeadline <= bidDeadline) throw new UserError(`${path}: revealDeadline must come after bidDeadline`);
  return {
    lineId: parseBytes32(text("line"), "line"),
    specHash: parseDocument(text("spec"), "spec"),
    maxPrice: parseAmount(text("maxPrice"), decimals, "maxPrice"),
    bidBond: parseAmount(text("bidBond"), decimals, "bidBond", true),
    bidDeadline,
    revealDeadline,
    retentionBps: parseUint(text("retentionBps"), "retentionBps", { max: 10_000n }),
    quorum: parseUint(text("quorum"), "quorum", { min: 1n, max: 255n }),
    milestones: specs,
  };
}
