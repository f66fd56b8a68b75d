/**
 * Turns raw logs into the auditor's events: recognises the emitting contract by address,
 * decodes the event of its topic with that contract's compiled ABI (abi.ts),
 * drops duplicates (a transfer between two audited contracts matches two filters) and sorts by
 * (block, log index): the one order in which the books are rebuilt. Static data words are read
 * directly (hundreds of thousands of logs decode in a second or two); dynamic ones through
 * ethers' AbiCoder.
 */
import { AbiCoder, getAddress, type EventFragment } from "ethers";

import { INTERFACES, type ContractKind } from "./abi.js";
import type { RawLog } from "./fetch.js";

export type ArgValue = bigint | string | boolean | bigint[];

/** Typed access to an event's named arguments; a missing or mistyped argument throws. */
export class Args {
  constructor(readonly values: Readonly<Record<string, ArgValue>>) {}

  private get(name: string): ArgValue {
    const value = this.values[name];
    if (value === undefined) throw new Error(`event has no argument "${name}"`);
    return value;
  }
  big(name: string): bigint {
    const v = this.get(name);
    if (typeof v !== "bigint") throw new Error(`argument "${name}" is not a number`);
    return v;
  }
  num(name: string): number {
    return Number(this.big(name));
  }
  /** An address (checksummed) or a bytes32 (lowercase hex). */
  hex(name: string): string {
    const v = this.get(name);
    if (typeof v !== "string") throw new Error(`argument "${name}" is not hex`);
    return v;
  }
  str(name: string): string {
    return this.hex(name);
  }
  bool(name: string): boolean {
    const v = this.get(name);
    if (typeof v !== "boolean") throw new Error(`argument "${name}" is not a bool`);
    return v;
  }
  bigs(name: string): bigint[] {
    const v = this.get(name);
    if (!Array.isArray(v)) throw new Error(`argument "${name}" is not a list`);
    return v;
  }
}

export interface AuditEvent {
  kind: ContractKind;
  name: string;
  /** Checksummed address of the emitting contract. */
  address: string;
  block: number;
  logIndex: number;
  tx: string;
  /** Unix seconds, when the node put it on the log. */
  timestamp?: number;
  args: Args;
}

/** Which contract kind each audited address is (keys lowercase). */
export type AddressBook = Map<string, { kind: ContractKind; address: string }>;

export interface DecodeResult {
  events: AuditEvent[];
  /** Logs of audited addresses whose topic is no event of the contract's compiled ABI. */
  unknown: number;
  duplicates: number;
}

/** Checksummed form of lowercase addresses: the same few addresses recur in every log. */
const checksums = new Map<string, string>();
function checksum(lower: string): string {
  let out = checksums.get(lower);
  if (out === undefined) {
    out = getAddress(lower);
    if (checksums.size > 100_000) checksums.clear();
    checksums.set(lower, out);
  }
  return out;
}

/** An elementary static type read from one 32-byte word (hex, 64 digits). */
function word(hex: string, type: string): ArgValue {
  if (type === "address") return checksum(`0x${hex.slice(24)}`);
  if (type === "bool") return hex !== "0".repeat(64);
  if (type.startsWith("bytes")) return `0x${hex}`;
  if (type.startsWith("int")) return BigInt.asIntN(Number(type.slice(3) || 256), BigInt(`0x${hex}`));
  return BigInt(`0x${hex}`);
}

const STATIC = /^(address|bool|bytes([1-9]|[12]\d|3[0-2])|u?int\d*)$/;

function normalise(value: unknown, type: string): ArgValue {
  if (type.endsWith("[]")) return (value as unknown[]).map((v) => BigInt(v as bigint));
  if (type === "bool") return Boolean(value);
  if (type === "address") return checksum(String(value).toLowerCase());
  if (type === "string") return String(value);
  if (type.startsWith("bytes")) return String(value).toLowerCase();
  return BigInt(value as bigint);
}

/** How to decode one event: its topic, the indexed inputs and the data inputs, in order. */
interface EventPlan {
  name: string;
  inputs: ReadonlyArray<{ name: string; type: string; indexed: boolean }>;
  topicCount: number;
  /** Every data input is a static elementary type: read words directly. */
  staticData: boolean;
  dataTypes: string[];
}

const plans = new Map<ContractKind, Map<string, EventPlan>>();

function plansOf(kind: ContractKind): Map<string, EventPlan> {
  let byTopic = plans.get(kind);
  if (byTopic === undefined) {
    byTopic = new Map();
    INTERFACES[kind].forEachEvent((fragment: EventFragment) => {
      const inputs = fragment.inputs.map((i) => ({ name: i.name, type: i.type, indexed: i.indexed === true }));
      const data = inputs.filter((i) => !i.indexed);
      byTopic!.set(fragment.topicHash, {
        name: fragment.name,
        inputs,
        topicCount: 1 + inputs.length - data.length,
        staticData: data.every((i) => STATIC.test(i.type)),
        dataTypes: data.map((i) => i.type),
      });
    });
    plans.set(kind, byTopic);
  }
  return byTopic;
}

/** Decodes one log of a known contract, or undefined when its topic is no event of its ABI. */
export function decodeLog(
  log: RawLog,
  kind: ContractKind,
  address: string,
  intern: (tx: string) => string = (tx) => tx,
): AuditEvent | undefined {
  const plan = plansOf(kind).get(log.topics[0]?.toLowerCase());
  // same topic, different indexing (e.g. an ERC-721 Transfer next to an ERC-20 one): not ours
  if (plan === undefined || log.topics.length !== plan.topicCount) return undefined;
  const values: Record<string, ArgValue> = {};
  let data: ArgValue[] | undefined;
  const hex = (log.data.startsWith("0x") ? log.data.slice(2) : log.data).toLowerCase();
  if (plan.staticData) {
    if (hex.length < plan.dataTypes.length * 64) return undefined;
    data = plan.dataTypes.map((type, i) => word(hex.slice(i * 64, i * 64 + 64), type));
  } else {
    try {
      const decoded = AbiCoder.defaultAbiCoder().decode(plan.dataTypes, log.data);
      data = plan.dataTypes.map((type, i) => normalise(decoded[i], type));
    } catch {
      return undefined;
    }
  }
  let topic = 1;
  let next = 0;
  for (const input of plan.inputs) {
    values[input.name] = input.indexed
      ? word(log.topics[topic++].slice(2).toLowerCase(), input.type)
      : (data[next++] as ArgValue);
  }
  return {
    kind,
    name: plan.name,
    address,
    block: Number(log.blockNumber),
    logIndex: Number(log.logIndex),
    tx: intern(log.transactionHash.toLowerCase()),
    timestamp: log.blockTimestamp === undefined ? undefined : Number(log.blockTimestamp),
    args: new Args(values),
  };
}

/** Decodes logs one at a time as they arrive (drops duplicates); `finish` sorts them by (block, log index). */
export class Decoder {
  private readonly seen = new Set<string>();
  private readonly events: AuditEvent[] = [];
  private unknown = 0;
  private duplicates = 0;
  private readonly tokenKey: string;
  /** One string per transaction hash, however many logs the transaction has. */
  private readonly txs = new Map<string, string>();
  private readonly intern = (tx: string) => {
    const known = this.txs.get(tx);
    if (known !== undefined) return known;
    this.txs.set(tx, tx);
    return tx;
  };

  constructor(
    private readonly book: AddressBook,
    private readonly token: string,
  ) {
    this.tokenKey = token.toLowerCase();
  }

  add(logs: Iterable<RawLog>): void {
    for (const log of logs) {
      const key = `${log.blockNumber}:${log.logIndex}`;
      if (this.seen.has(key)) {
        this.duplicates++;
        continue;
      }
      this.seen.add(key);
      const addr = log.address.toLowerCase();
      const entry = addr === this.tokenKey ? { kind: "Token" as const, address: this.token } : this.book.get(addr);
      const event = entry === undefined ? undefined : decodeLog(log, entry.kind, entry.address, this.intern);
      if (event === undefined) this.unknown++;
      else this.events.push(event);
    }
  }

  finish(): DecodeResult {
    this.events.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
    this.seen.clear();
    this.txs.clear();
    return { events: this.events, unknown: this.unknown, duplicates: this.duplicates };
  }
}

/**
 * Decodes logs of the audited addresses (token logs are decoded as Token events; every other
 * address by its kind), drops duplicates and sorts by (block, log index).
 */
export function decodeLogs(logs: Iterable<RawLog>, book: AddressBook, token: string): DecodeResult {
  const decoder = new Decoder(book, token);
  decoder.add(logs);
  return decoder.finish();
}
