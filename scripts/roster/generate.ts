/**
 * Writes a synthetic roster CSV (`beneficiary,amount`) of N rows with distinct pseudo-random
 * addresses (deterministic for a seed) and amounts of 1 to 1,000 tokens of 6 decimals.
 *
 *   npx tsx scripts/roster/generate.ts <rows> <out.csv> [seed]
 */
import { createWriteStream } from "node:fs";

/** xorshift32: fast, deterministic, good enough to spread test addresses. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export async function generateRosterCsv(rows: number, out: string, seed = 1): Promise<void> {
  const next = rng(seed);
  const stream = createWriteStream(out);
  const write = (text: string) =>
    stream.write(text) ? Promise.resolve() : new Promise<void>((done) => stream.once("drain", () => done()));
  await write("beneficiary,amount\n");
  let batch = "";
  for (let i = 0; i < rows; i++) {
    // 5 words of randomness; the row number in the last word keeps every address distinct
    const words = [next(), next(), next(), next(), (next() & 0xff000000) ^ i];
    const address = words.map((w) => (w >>> 0).toString(16).padStart(8, "0")).join("");
    batch += `0x${address},${(1 + (next() % 1_000)) * 1_000_000}\n`;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = "";
    }
  }
  await write(batch);
  await new Promise<void>((done, fail) => stream.end((error?: Error | null) => (error ? fail(error) : done())));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rowsArg, out, seedArg] = process.argv.slice(2);
  const rows = Number(rowsArg);
  if (!Number.isInteger(rows) || rows < 1 || out === undefined) {
    console.error("usage: npx tsx scripts/roster/generate.ts <rows> <out.csv> [seed]");
    process.exit(1);
  }
  await generateRosterCsv(rows, out, seedArg === undefined ? 1 : Number(seedArg));
  console.log(`wrote ${rows} rows to ${out}`);
}
