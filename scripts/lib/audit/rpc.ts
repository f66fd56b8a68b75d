/**
 * JSON-RPC access for the auditor: an EIP-1193 provider (Hardhat's connection provider, or any
 * `{ request }` object), the classification of provider errors (range too large, rate limited,
 * timed out, network down, other), retries with exponential backoff and full jitter, and a
 * reader that pins every call to one block.
 */

/** The one provider method the auditor needs (EIP-1193). */
export interface Eip1193 {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

/** The chain could not be read (exit code 2). */
export class ChainReadError extends Error {
  override name = "ChainReadError";
}

export type ErrorKind = "range" | "rate" | "timeout" | "network" | "fatal";

/**
 * Messages of providers that refuse an eth_getLogs for its block range or result size:
 * geth/erigon/reth ("query exceeds max results", "exceed maximum block range"), Infura
 * ("query returned more than 10000 results"), Alchemy ("Log response size exceeded"),
 * QuickNode ("limited to a 10,000 range"), Ankr ("block range is too wide"), Blast
 * ("Exceeded max range limit"), Chainstack ("Block range limit exceeded"), and the like.
 */
const RANGE_MESSAGE =
  /block range|range (is )?too (large|wide|big|long)|range limit|max(imum)? (block )?range|exceeds? (the )?max(imum)? (block )?range|too many (results|logs|blocks|events)|more than \d[\d,]* (results|logs|events|blocks)|query returned more than|max results|response size|response is too (large|big)|result(s| set)? (is )?(too large|exceed)|limited to a [\d,]+ (block )?range|logs? limit|query exceeds|payload too large|request entity too large/i;
const RATE_MESSAGE =
  /rate.?limit|too many requests|request limit|limit exceeded|exceeded .*(capacity|quota|rate|limit)|throughput|compute units|daily request|credits|slow down|try again later|capacity/i;
const TIMEOUT_MESSAGE =
  /timed? ?out|timeout|ETIMEDOUT|UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT|gateway time|execution aborted \(timeout/i;
const NETWORK_MESSAGE =
  /ECONNRESET|ECONNREFUSED|EPIPE|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|socket hang up|fetch failed|network (error|is unreachable)|cannot connect|connection (refused|reset|closed)|other side closed|bad gateway|service unavailable|unexpected status code/i;

interface ErrorFacts {
  codes: number[];
  statuses: number[];
  messages: string[];
}

/** Walks an error and its causes (`cause`, `parent`, `error`, `info.error`) collecting codes and messages. */
function errorFacts(error: unknown): ErrorFacts {
  const facts: ErrorFacts = { codes: [], statuses: [], messages: [] };
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 12) {
    const e = queue.shift();
    if (e === null || e === undefined || seen.has(e)) continue;
    seen.add(e);
    if (typeof e === "string") {
      facts.messages.push(e);
      continue;
    }
    if (typeof e !== "object") continue;
    const o = e as Record<string, unknown>;
    if (typeof o.code === "number") facts.codes.push(o.code);
    for (const key of ["statusCode", "status", "httpStatus"]) {
      if (typeof o[key] === "number") facts.statuses.push(o[key] as number);
    }
    for (const key of ["message", "shortMessage", "body", "details"]) {
      if (typeof o[key] === "string") facts.messages.push(o[key] as string);
    }
    if (typeof o.code === "string") facts.messages.push(o.code);
    queue.push(o.cause, o.parent, o.error, (o.info as Record<string, unknown> | undefined)?.error);
  }
  return facts;
}

/** What kind of failure a provider error is, which decides what the fetcher does next. */
export function classifyError(error: unknown): ErrorKind {
  if (error instanceof ChainReadError) return "fatal";
  const { codes, statuses, messages } = errorFacts(error);
  const text = messages.join(" | ");
  if (statuses.includes(413) || RANGE_MESSAGE.test(text)) return "range";
  if (codes.includes(-32602) && /range|block|limit|results/i.test(text)) return "range";
  if (statuses.includes(429) || codes.includes(429) || codes.includes(-32005) || codes.includes(-32029)) return "rate";
  if (RATE_MESSAGE.test(text)) return "rate";
  if (statuses.includes(408) || statuses.includes(504) || TIMEOUT_MESSAGE.test(text)) return "timeout";
  if (statuses.some((s) => s === 502 || s === 503) || NETWORK_MESSAGE.test(text)) return "network";
  return "fatal";
}

/** A one-line description of a provider error for people. */
export function describeError(error: unknown): string {
  const { codes, statuses, messages } = errorFacts(error);
  const first = messages.find((m) => m.trim() !== "") ?? String(error);
  const code = codes.find((c) => c !== -1);
  const status = statuses[0];
  return `${first.split("\n")[0]}${code !== undefined ? ` (code ${code})` : ""}${status !== undefined ? ` (HTTP ${status})` : ""}`;
}

export interface RetryOptions {
  /** Attempts after the first one for rate limits, timeouts and network errors (default 6). */
  retries?: number;
  /** First backoff in ms (default 250); each further attempt doubles it, up to `maxDelayMs`. */
  baseDelayMs?: number;
  /** Longest backoff in ms (default 30 000). */
  maxDelayMs?: number;
  /** Abandons a request after this many ms and treats it as a timeout (default 120 000). */
  timeoutMs?: number;
  /** Random source for the jitter (tests pass a fixed one). */
  random?: () => number;
  /** Sleep function (tests pass a fake one). */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, "random" | "sleep">> = {
  retries: 6,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  timeoutMs: 120_000,
};

/** Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const ceiling = Math.min(max, base * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class RequestTimeout extends Error {
  override name = "RequestTimeout";
}

/** One request, abandoned (and classified as a timeout) after `timeoutMs`. */
export async function requestWithTimeout(
  provider: Eip1193,
  method: string,
  params: unknown[],
  timeoutMs: number,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeout(`${method} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([provider.request({ method, params }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const KIND_TEXT: Record<ErrorKind, string> = {
  range: "range refused",
  rate: "rate limited",
  timeout: "timed out",
  network: "network error",
  fatal: "error",
};

/** Counters the report shows (requests made, retries after rate limits or network errors). */
export interface RpcStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

/**
 * Sends `method` with retries: rate limits, network errors and timeouts are retried with
 * backoff up to `retries` times, then a ChainReadError is thrown. `passThrough` kinds are
 * thrown to the caller at once (the log fetcher handles "range" and "timeout" by splitting).
 */
export async function requestWithRetry(
  provider: Eip1193,
  method: string,
  params: unknown[],
  options: RetryOptions & { passThrough?: ErrorKind[]; stats?: RpcStats } = {},
): Promise<unknown> {
  const retries = options.retries ?? DEFAULT_RETRY.retries;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      if (options.stats) options.stats.requests++;
      return await requestWithTimeout(provider, method, params, options.timeoutMs ?? DEFAULT_RETRY.timeoutMs);
    } catch (error) {
      const kind = classifyError(error);
      if (options.passThrough?.includes(kind)) throw error;
      if (kind === "fatal" || kind === "range") throw error;
      if (attempt >= retries) {
        throw new ChainReadError(
          `${method} failed after ${attempt + 1} attempt${attempt === 0 ? "" : "s"} (${KIND_TEXT[kind]}): ${describeError(error)}`,
        );
      }
      if (options.stats) {
        options.stats.retries++;
        if (kind === "rate") options.stats.rateLimited++;
      }
      await sleep(backoffDelay(attempt, options));
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

export const toHex = (n: number | bigint) => `0x${n.toString(16)}`;

/** The result of a view call: its return data, or the fact that it reverted (with the revert data). */
export type CallResult = { ok: true; data: string } | { ok: false; revert: string };

/** Reads the chain at one block: every call and balance the auditor makes goes through here. */
export class PinnedReader {
  constructor(
    readonly provider: Eip1193,
    readonly block: number,
    readonly options: RetryOptions & { concurrency?: number } = {},
    readonly stats: RpcStats = { requests: 0, retries: 0, rateLimited: 0 },
  ) {}

  get concurrency(): number {
    return this.options.concurrency ?? 8;
  }

  async send(method: string, params: unknown[]): Promise<unknown> {
    return requestWithRetry(this.provider, method, params, { ...this.options, stats: this.stats });
  }

  /** eth_call at the pinned block; a revert is a result (the view refused), not a read failure. */
  async call(to: string, data: string): Promise<CallResult> {
    try {
      const result = await this.send("eth_call", [{ to, data }, toHex(this.block)]);
      return { ok: true, data: String(result) };
    } catch (error) {
      if (error instanceof ChainReadError) throw error;
      if (isRevert(error)) return { ok: false, revert: revertData(error) ?? "0x" };
      throw new ChainReadError(`eth_call to ${to} failed: ${describeError(error)}`);
    }
  }

  async getCode(address: string): Promise<string> {
    return String(await this.send("eth_getCode", [address, toHex(this.block)]));
  }
}

function isRevert(error: unknown): boolean {
  const { codes, messages } = errorFacts(error);
  return codes.includes(3) || /revert|invalid opcode|execution reverted/i.test(messages.join(" "));
}

function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (typeof e !== "object" || e === null || seen.has(e)) continue;
    seen.add(e);
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x")) return data;
    if (typeof data === "object" && data !== null && typeof (data as { data?: unknown }).data === "string") {
      return (data as { data: string }).data;
    }
    queue = queue.concat([(e as { error?: unknown }).error, (e as { cause?: unknown }).cause, data]);
  }
  return undefined;
}

/** eth_blockNumber, eth_chainId: the first reads, retried like the others. */
export async function readHead(provider: Eip1193, options: RetryOptions = {}) {
  const chainId = BigInt(String(await requestWithRetry(provider, "eth_chainId", [], options)));
  const latest = Number(BigInt(String(await requestWithRetry(provider, "eth_blockNumber", [], options))));
  return { chainId, latest };
}
