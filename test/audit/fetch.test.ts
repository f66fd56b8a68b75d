/** The adaptive log fetcher against a fake provider with provider-style limits. */
import { expect } from "chai";

import { fetchLogs, newFetchStats, progressReporter } from "../../scripts/lib/audit/fetch.js";
import { ChainReadError } from "../../scripts/lib/audit/rpc.js";
import { FakeProvider, HttpStatusError, RpcError, syntheticLogs } from "./fake-provider.js";

const noSleep = { sleep: async () => {}, baseDelayMs: 1 };
const key = (l: { blockNumber: string; logIndex: string }) => `${Number(l.blockNumber)}:${Number(l.logIndex)}`;

describe("Audit: adaptive log windows", function () {
  const logs = syntheticLogs(1_000);

  it("halves a window the provider refuses for its range and gets every log once", async function () {
    const provider = new FakeProvider(logs, { maxRange: 100 });
    const stats = newFetchStats();
    const got = await fetchLogs(provider, {}, 0, 999, { initialWindow: 1_000, ...noSleep }, stats);
    expect(got.map(key)).to.deep.equal(logs.map(key));
    expect(stats.splits).to.be.greaterThan(0);
    for (const [from, to] of provider.ranges) expect(to - from + 1).to.be.at.most(100);
  });

  it("halves a window whose answer holds too many logs", async function () {
    const provider = new FakeProvider(logs, { maxResults: 30 });
    const stats = newFetchStats();
    const got = await fetchLogs(provider, {}, 0, 999, { initialWindow: 512, ...noSleep }, stats);
    expect(got.length).to.equal(logs.length);
    expect(new Set(got.map(key)).size).to.equal(logs.length);
    expect(stats.largestWindow).to.be.at.most(15); // 2 logs a block, at most 30 an answer
  });

  it("narrows the window after an answer with more logs than the target", async function () {
    const provider = new FakeProvider(logs, {});
    const got: unknown[] = [];
    const stats = newFetchStats();
    const kept = await fetchLogs(
      provider,
      {},
      0,
      999,
      { initialWindow: 500, targetLogs: 100, growAfter: 1_000, sink: (l) => got.push(...l) },
      stats,
    );
    expect(kept).to.deep.equal([]); // everything went to the sink
    expect(got.length).to.equal(logs.length);
    const sizes = provider.ranges.map(([f, t]) => t - f + 1);
    expect(sizes[0]).to.equal(500);
    expect(sizes[1]).to.equal(50); // 2 logs a block, 100 an answer
  });

  it("grows the window back after successes, up to maxWindow", async function () {
    const provider = new FakeProvider(syntheticLogs(1_000, 0), {});
    const stats = newFetchStats();
    await fetchLogs(provider, {}, 0, 999, { initialWindow: 10, maxWindow: 80, growAfter: 2 }, stats);
    const sizes = provider.ranges.map(([f, t]) => t - f + 1);
    expect(sizes.slice(0, 6)).to.deep.equal([10, 10, 20, 20, 40, 40]);
    expect(Math.max(...sizes)).to.equal(80);
    expect(stats.grows).to.equal(3);
  });

  it("stops growing below a refused size for a while, then tries again", async function () {
    const provider = new FakeProvider(syntheticLogs(5_000), { maxRange: 64 });
    const stats = newFetchStats();
    const got = await fetchLogs(provider, {}, 0, 4_999, { initialWindow: 50, maxWindow: 1_000, growAfter: 1 }, stats);
    expect(got.length).to.equal(10_000);
    // 50 -> 100 (refused) -> 50, capped there; the cap lifts after 10 windows: one refusal each time
    const refused = provider.calls.length - provider.ranges.length;
    expect(refused).to.equal(stats.splits);
    expect(stats.splits).to.be.at.most(Math.ceil(provider.ranges.length / 10) + 1);
    expect(stats.grows).to.be.greaterThan(1);
  });

  it("understands the refusals of common providers", async function () {
    const refusals: Array<() => Error> = [
      () => new RpcError("query returned more than 10000 results", -32005),
      () =>
        new RpcError(
          "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
          -32602,
        ),
      () => new RpcError("eth_getLogs is limited to a 10,000 range", -32614),
      () => new RpcError("block range is too wide", -32600),
      () => new RpcError("Exceeded max range limit for eth_getLogs: 500", -32001),
      () => new RpcError("query exceeds max results 20000, retry with the range 1-100", -32000),
      () => new HttpStatusError(413, "Payload Too Large"),
    ];
    for (const rangeError of refusals) {
      const provider = new FakeProvider(logs, { maxRange: 128, rangeError });
      const got = await fetchLogs(provider, {}, 0, 999, { initialWindow: 1_000, ...noSleep });
      expect(got.length, rangeError().message).to.equal(logs.length);
    }
  });

  it("halves a window that times out", async function () {
    const provider = new FakeProvider(logs, { slowRange: 50, slowMs: 200 });
    const stats = newFetchStats();
    const got = await fetchLogs(
      provider,
      {},
      0,
      299,
      { initialWindow: 300, timeoutMs: 50, growAfter: 100, ...noSleep },
      stats,
    );
    expect(got.length).to.equal(600);
    expect(stats.splits).to.be.greaterThan(0);
  });

  it("gives up with a ChainReadError when one block alone is too much", async function () {
    const provider = new FakeProvider(syntheticLogs(10, 50), { maxResults: 10 });
    const error = await fetchLogs(provider, {}, 0, 9, { initialWindow: 8, ...noSleep }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ChainReadError);
    expect((error as Error).message).to.match(/block 0 alone holds more logs/);
  });

  it("reads nothing beyond the requested range", async function () {
    const provider = new FakeProvider(logs, {});
    const got = await fetchLogs(provider, {}, 100, 199, { initialWindow: 7 });
    expect(got.length).to.equal(200);
    expect(Math.min(...provider.ranges.map((r) => r[0]))).to.equal(100);
    expect(Math.max(...provider.ranges.map((r) => r[1]))).to.equal(199);
  });

  it("reports progress in place on a terminal and sparsely on a pipe", function () {
    const tty: string[] = [];
    const p = progressReporter(100, { isTTY: true, write: (t: string) => tty.push(t) });
    p.advance(50);
    p.finish();
    expect(tty.join("")).to.match(/\r.*50 \/ 100 blocks/);
    expect(tty.at(-1)).to.match(/\n$/);
    const pipe: string[] = [];
    const q = progressReporter(100, { isTTY: false, write: (t: string) => pipe.push(t) }, { intervalMs: 60_000 });
    q.advance(100);
    q.finish();
    expect(pipe).to.deep.equal([]); // a short fetch leaves a pipe untouched
  });
});
