/**
 * A scripted EIP-1193 provider for the auditor's unit tests: serves eth_getLogs from a list of
 * logs and refuses, like real providers do, ranges over `maxRange` blocks, answers over
 * `maxResults` logs, or answers slowly over `slowRange` blocks; it can fail its first calls with
 * rate limits or network errors.
 */
import type { RawLog } from "../../scripts/lib/audit/fetch.js";
import type { Eip1193 } from "../../scripts/lib/audit/rpc.js";

export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** An HTTP-level failure as Hardhat's HTTP provider reports it (status on the cause). */
export class HttpStatusError extends Error {
  constructor(
    readonly statusCode: number,
    message = `Received an unexpected status code (${statusCode})`,
  ) {
    super(message);
  }
}

export interface FakeOptions {
  latest?: number;
  chainId?: number;
  maxRange?: number;
  rangeError?: () => Error;
  maxResults?: number;
  resultsError?: () => Error;
  /** Ranges over this many blocks take `slowMs` to answer. */
  slowRange?: number;
  slowMs?: number;
  /** The first `n` requests (of any method) fail with `failure()`. */
  failFirst?: number;
  failure?: () => Error;
}

export class FakeProvider implements Eip1193 {
  readonly calls: Array<{ method: string; params: unknown }> = [];
  readonly ranges: Array<[number, number]> = [];
  private failed = 0;

  constructor(
    readonly logs: RawLog[],
    readonly options: FakeOptions = {},
  ) {}

  async request({ method, params }: { method: string; params?: unknown[] | object }): Promise<unknown> {
    this.calls.push({ method, params });
    const o = this.options;
    if (this.failed < (o.failFirst ?? 0)) {
      this.failed++;
      throw (o.failure ?? (() => new HttpStatusError(429, "Too Many Requests")))();
    }
    if (method === "eth_chainId") return `0x${(o.chainId ?? 31337).toString(16)}`;
    if (method === "eth_blockNumber") return `0x${(o.latest ?? 1000).toString(16)}`;
    if (method !== "eth_getLogs") throw new RpcError(`method ${method} not supported`, -32601);
    const [filter] = params as [{ fromBlock: string; toBlock: string; address?: string | string[] }];
    const from = Number(filter.fromBlock);
    const to = Number(filter.toBlock);
    const size = to - from + 1;
    if (o.maxRange !== undefined && size > o.maxRange) {
      throw (o.rangeError ?? (() => new RpcError(`block range too large, max ${o.maxRange} blocks`, -32602)))();
    }
    if (o.slowRange !== undefined && size > o.slowRange) await new Promise((r) => setTimeout(r, o.slowMs ?? 1_000));
    const result = this.logs.filter((l) => Number(l.blockNumber) >= from && Number(l.blockNumber) <= to);
    if (o.maxResults !== undefined && result.length > o.maxResults) {
      throw (o.resultsError ?? (() => new RpcError(`query returned more than ${o.maxResults} results`, -32005)))();
    }
    this.ranges.push([from, to]);
    return result;
  }
}

/** `count` logs spread over blocks [0, blocks), two per block from the first block on. */
export function syntheticLogs(blocks: number, perBlock = 2): RawLog[] {
  const out: RawLog[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < perBlock; i++) {
      out.push({
        address: "0x0000000000000000000000000000000000000001",
        topics: [`0x${(b * perBlock + i).toString(16).padStart(64, "0")}`],
        data: "0x",
        blockNumber: `0x${b.toString(16)}`,
        transactionHash: `0x${b.toString(16).padStart(64, "0")}`,
        logIndex: `0x${i.toString(16)}`,
      });
    }
  }
  return out;
}
