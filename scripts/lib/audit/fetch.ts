/**
 * Fetches logs in block windows that adapt to the provider's limits: a window that the
 * provider refuses for its range or result size, or that times out, is halved and tried again;
 * after a few successes in a row the window doubles again (up to `maxWindow`). Rate limits and
 * network errors are retried with backoff (rpc.ts). Every window ends at or before the pinned
 * block, so logs and views describe the same state.
 */
import {
  ChainReadError,
  backoffDelay,
  classifyError,
  describeError,
  requestWithRetry,
  toHex,
  type Eip1193,
} from "./rpc.js";
import type { RetryOptions, RpcStats } from "./rpc.js";

export interface LogFilter {
  address?: string | string[];
  topics?: Array<string | string[] | null>;
}

/** A log as eth_getLogs returns it (quantities are hex strings). */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  logIndex: string;
  transactionIndex?: string;
  blockHash?: string;
  removed?: boolean;
  /** Some nodes (geth >= 1.14.x, reth, anvil) add the block's timestamp. */
  blockTimestamp?: string;
}

export interface FetchOptions extends RetryOptions {
  /** First window in blocks (default 2 000). */
  initialWindow?: number;
  /** Largest window in blocks (default 100 000). */
  maxWindow?: number;
  /** Successful windows in a row before the window doubles (default 3). */
  growAfter?: number;
  /**
   * A window whose answer holds more logs than this is narrowed for the next request (in
   * proportion), so that answers stay small for memory and under common provider caps
   * (default 10 000).
   */
  targetLogs?: number;
  /** Called after every window with the blocks it covered. */
  onProgress?: (blocksDone: number) => void;
  /** Receives each window's logs; when given, fetchLogs keeps none and returns an empty list. */
  sink?: (logs: RawLog[]) => void;
}

export interface FetchStats extends RpcStats {
  windows: number;
  /** How often a window was halved (range or size refused, or timed out). */
  splits: number;
  /** How often a window was doubled after successes. */
  grows: number;
  smallestWindow: number;
  largestWindow: number;
}

export const newFetchStats = (): FetchStats => ({
  requests: 0,
  retries: 0,
  rateLimited: 0,
  windows: 0,
  splits: 0,
  grows: 0,
  smallestWindow: Number.MAX_SAFE_INTEGER,
  largestWindow: 0,
});

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** All logs matching `filter` in [fromBlock, toBlock], in the provider's order per window. */
export async function fetchLogs(
  provider: Eip1193,
  filter: LogFilter,
  fromBlock: number,
  toBlock: number,
  options: FetchOptions = {},
  stats: FetchStats = newFetchStats(),
): Promise<RawLog[]> {
  const maxWindow = Math.max(1, options.maxWindow ?? 100_000);
  const growAfter = options.growAfter ?? 3;
  let window = Math.min(maxWindow, Math.max(1, options.initialWindow ?? 2_000));
  let successes = 0;
  let timeoutsAtOneBlock = 0;
  // After a refusal, growth stops below the refused size for a while (a provider's range cap
  // does not move; a result cap depends on how dense the logs are, so the ceiling lifts again).
  let ceiling = maxWindow;
  let sinceRefusal = 0;
  const out: RawLog[] = [];
  let start = fromBlock;
  while (start <= toBlock) {
    const end = Math.min(toBlock, start + window - 1);
    let logs: RawLog[];
    try {
      const result = await requestWithRetry(
        provider,
        "eth_getLogs",
        [{ ...filter, fromBlock: toHex(start), toBlock: toHex(end) }],
        { ...options, passThrough: ["range", "timeout"], stats },
      );
      if (!Array.isArray(result)) throw new ChainReadError(`eth_getLogs returned ${typeof result}, not a list`);
      logs = result as RawLog[];
    } catch (error) {
      if (error instanceof ChainReadError) throw error;
      const kind = classifyError(error);
      if (kind !== "range" && kind !== "timeout") {
        throw new ChainReadError(`eth_getLogs for blocks ${start}-${end} failed: ${describeError(error)}`);
      }
      if (end === start) {
        const retries = options.retries ?? 6;
        if (kind === "timeout" && timeoutsAtOneBlock < retries) {
          await (options.sleep ?? sleepMs)(backoffDelay(timeoutsAtOneBlock++, options));
          continue;
        }
        throw new ChainReadError(
          kind === "range"
            ? `block ${start} alone holds more logs than the provider returns in one response: ${describeError(error)}`
            : `eth_getLogs for block ${start} keeps timing out: ${describeError(error)}`,
        );
      }
      window = Math.max(1, Math.floor((end - start + 1) / 2));
      ceiling = window;
      sinceRefusal = 0;
      stats.splits++;
      successes = 0;
      continue;
    }
    const size = end - start + 1;
    const kept = logs.some((l) => l.removed === true) ? logs.filter((l) => l.removed !== true) : logs;
    if (options.sink !== undefined) options.sink(kept);
    else for (const log of kept) out.push(log);
    stats.windows++;
    stats.smallestWindow = Math.min(stats.smallestWindow, size);
    stats.largestWindow = Math.max(stats.largestWindow, size);
    timeoutsAtOneBlock = 0;
    options.onProgress?.(size);
    start = end + 1;
    const targetLogs = options.targetLogs ?? 10_000;
    if (logs.length > targetLogs) {
      window = Math.max(1, Math.floor((size * targetLogs) / logs.length));
      successes = 0;
      continue;
    }
    if (++sinceRefusal >= 10 * growAfter && ceiling < maxWindow) {
      ceiling = Math.min(maxWindow, ceiling * 2);
      sinceRefusal = 0;
    }
    if (++successes >= growAfter && window < ceiling) {
      window = Math.min(ceiling, window * 2);
      stats.grows++;
      successes = 0;
    }
  }
  return out;
}

/**
 * Shows fetch progress on stderr: one line rewritten in place on a terminal; on a pipe or a
 * file, a line at most every `intervalMs` (default 10 s) so that logs stay readable.
 */
export function progressReporter(
  totalBlocks: number,
  stream: { isTTY?: boolean; write(text: string): unknown } | undefined,
  { intervalMs = 10_000, label = "fetching logs" } = {},
) {
  let done = 0;
  let last = 0;
  const started = Date.now();
  const line = () => {
    const pct = totalBlocks === 0 ? 100 : Math.min(100, (100 * done) / totalBlocks);
    return `${label}: ${done.toLocaleString("en")} / ${totalBlocks.toLocaleString("en")} blocks (${pct.toFixed(1)}%)`;
  };
  return {
    advance(blocks: number) {
      done += blocks;
      if (stream === undefined) return;
      const now = Date.now();
      if (stream.isTTY === true) {
        if (now - last >= 100) {
          stream.write(`\r${line()}`);
          last = now;
        }
      } else if (now - last >= intervalMs && now - started >= intervalMs) {
        stream.write(`${line()}\n`);
        last = now;
      }
    },
    finish() {
      if (stream?.isTTY === true && last !== 0) stream.write(`\r${line()}\n`);
    },
  };
}
