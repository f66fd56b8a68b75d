/** Retries with exponential backoff and jitter on rate limits and network errors; giving up is exit code 2. */
import { expect } from "chai";

import { ChainReadError, runAudit } from "../../scripts/lib/audit/index.js";
import { fetchLogs, newFetchStats } from "../../scripts/lib/audit/fetch.js";
import { backoffDelay, classifyError, requestWithRetry } from "../../scripts/lib/audit/rpc.js";
import { FakeProvider, HttpStatusError, RpcError, syntheticLogs } from "./fake-provider.js";

describe("Audit: retry and backoff", function () {
  it("retries 429s with growing, jittered delays, then succeeds", async function () {
    const delays: number[] = [];
    const provider = new FakeProvider(syntheticLogs(100), { failFirst: 3 });
    const stats = newFetchStats();
    const got = await fetchLogs(
      provider,
      {},
      0,
      99,
      { initialWindow: 100, baseDelayMs: 100, random: () => 0.5, sleep: async (ms) => void delays.push(ms) },
      stats,
    );
    expect(got.length).to.equal(200);
    expect(delays).to.deep.equal([50, 100, 200]); // half of 100, 200, 400 ms
    expect(stats.retries).to.equal(3);
    expect(stats.rateLimited).to.equal(3);
  });

  it("keeps every delay within [0, min(max, base * 2^attempt)]", function () {
    for (let attempt = 0; attempt < 12; attempt++) {
      const high = backoffDelay(attempt, { baseDelayMs: 250, maxDelayMs: 30_000, random: () => 0.999999 });
      const low = backoffDelay(attempt, { baseDelayMs: 250, maxDelayMs: 30_000, random: () => 0 });
      expect(low).to.equal(0);
      expect(high).to.be.at.most(Math.min(30_000, 250 * 2 ** attempt));
      expect(high).to.be.at.least(Math.min(30_000, 250 * 2 ** attempt) - 1);
    }
  });

  it("retries -32005 limit exceeded and network errors", async function () {
    for (const failure of [
      () => new RpcError("limit exceeded", -32005),
      () =>
        Object.assign(new Error("fetch failed"), {
          cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
        }),
      () => new HttpStatusError(503, "Service Unavailable"),
    ]) {
      const provider = new FakeProvider([], { failFirst: 2, failure });
      const result = await requestWithRetry(provider, "eth_blockNumber", [], { sleep: async () => {} });
      expect(result, failure().message).to.equal("0x3e8");
    }
  });

  it("classifies provider errors", function () {
    const cases: Array<[unknown, string]> = [
      [new RpcError("query returned more than 10000 results", -32005), "range"],
      [new RpcError("limit exceeded", -32005), "rate"],
      [new RpcError("invalid params: block range exceeds 1000", -32602), "range"],
      [new RpcError("invalid params: missing value for required argument 0", -32602), "fatal"],
      [new HttpStatusError(429), "rate"],
      [new HttpStatusError(413), "range"],
      [new RpcError("Your app has exceeded its compute units per second capacity", 429), "rate"],
      [new Error("Network connection timed out."), "timeout"],
      [new Error('Cannot connect to the network "localhost"'), "network"],
      [new RpcError("execution reverted", 3), "fatal"],
    ];
    for (const [error, kind] of cases) expect(classifyError(error), (error as Error).message).to.equal(kind);
  });

  it("gives up after the retries with a ChainReadError (the task's exit code 2)", async function () {
    const provider = new FakeProvider([], { failFirst: 1_000 });
    const error = await runAudit({
      provider,
      addresses: { BudgetLedger: "0x0000000000000000000000000000000000000001" },
      retry: { retries: 3, sleep: async () => {} },
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ChainReadError);
    expect((error as Error).message).to.match(/failed after 4 attempts \(rate limited\)/);
    expect(provider.calls.length).to.equal(4);
  });

  it("does not retry what retrying cannot fix", async function () {
    const provider = new FakeProvider([], { failFirst: 1, failure: () => new RpcError("method not found", -32601) });
    const error = await requestWithRetry(provider, "eth_foo", [], { sleep: async () => {} }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcError);
    expect(provider.calls.length).to.equal(1);
  });
});
