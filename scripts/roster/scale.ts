/**
 * Scale check of the roster builder: generates a roster CSV of N rows (default 1,000,000),
 * builds its tree file, looks up a few beneficiaries and verifies their proofs, and reports
 * wall time and peak memory (resident set size) of the build.
 *
 *   npx tsx scripts/roster/scale.ts [rows] [dir]
 *   /usr/bin/time -v npx tsx scripts/roster/scale.ts 1000000     # cross-check the peak RSS
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { RosterFile, buildRosterFile, leafHash, progressBar, verifyProof } from "../lib/roster/index.js";
import { generateRosterCsv } from "./generate.js";

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), "roster-scale-"));
const csv = join(dir, "roster.csv");
const out = join(dir, "roster.json");

let t = performance.now();
await generateRosterCsv(rows, csv);
console.log(
  `generated ${rows} rows (${(statSync(csv).size / 1e6).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

const rssBefore = process.memoryUsage().rss;
t = performance.now();
const built = buildRosterFile(csv, out, progressBar());
const seconds = (performance.now() - t) / 1000;
const peak = process.resourceUsage().maxRSS * 1024; // kB -> bytes: peak of the whole process
console.log(`built the tree of ${built.header.count} rows in ${seconds.toFixed(1)} s; root ${built.header.root}`);
console.log(
  `total ${built.header.total}; proofs of ${built.header.proofLength.min}-${built.header.proofLength.max} nodes`,
);
console.log(
  `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (before the build ${(rssBefore / 2 ** 20).toFixed(0)} MiB); ` +
    `tree file ${((statSync(join(dir, "roster.bin")).size + statSync(out).size) / 1e6).toFixed(1)} MB`,
);

const file = RosterFile.open(out);
t = performance.now();
for (const index of [0, Math.floor(rows / 2), rows - 1]) {
  const claim = file.claimAt(index);
  const again = file.claimOf(claim.beneficiary);
  if (again?.index !== index) throw new Error(`lookup by beneficiary of index ${index} failed`);
  if (!verifyProof(file.root, leafHash(index, claim.beneficiary, claim.amount), claim.proof)) {
    throw new Error(`proof of index ${index} does not verify`);
  }
}
console.log(`3 lookups by index and beneficiary with proofs: ${(performance.now() - t).toFixed(1)} ms`);
file.close();
if (process.argv[3] === undefined) rmSync(dir, { recursive: true, force: true });
