/**
 * The build report: JavaScript and CSS each page downloads, gzip-compressed, from Vite's
 * manifest (the entry's static imports plus the page's own lazy chunk and its imports). Prints
 * a table and fails when a public page's JavaScript exceeds the budget (300 KB gzip).
 *
 *   npm run web:build   (vite build, then this)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const DIST = join(import.meta.dirname, "..", "dist");
const BUDGET = 300 * 1024; // bytes of gzip JS per public page

interface Chunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  isEntry?: boolean;
  src?: string;
}
const manifest = JSON.parse(readFileSync(join(DIST, ".vite", "manifest.json"), "utf8")) as Record<string, Chunk>;

/** Files a chunk needs at once: itself and its static imports, recursively. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const k of manifest[key].imports ?? []) closure(k, seen);
  return seen;
}
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
const entry = closure(entryKey);
const lazy = (match: string) => Object.keys(manifest).find((k) => k.includes(match));
/** Each page: the entry, plus the lazy chunks it opens at once. */
const PAGES: Array<{ page: string; public: boolean; lazy: string[] }> = [
  { page: "budget, budget line", public: true, lazy: [] },
  { page: "tenders, tender", public: true, lazy: [] },
  { page: "permits (verify)", public: true, lazy: [] },
  { page: "permit (with its QR code)", public: true, lazy: ["qrcode"] },
  { page: "subsidies", public: true, lazy: [] },
  { page: "audit", public: true, lazy: [] },
  { page: "wallet pages", public: false, lazy: ["WalletPage"] },
];
const rows: Array<{ page: string; js: number; css: number; files: number }> = [];
let failed = false;
for (const p of PAGES) {
  const keys = new Set(entry);
  for (const m of p.lazy) {
    const k = lazy(m);
    if (k === undefined) throw new Error(`no chunk matches ${m} in the manifest`);
    for (const c of closure(k)) keys.add(c);
  }
  const files = [...keys].map((k) => manifest[k]);
  const js = files.reduce((sum, c) => sum + gz(c.file), 0);
  const css = [...new Set(files.flatMap((c) => c.css ?? []))].reduce((sum, f) => sum + gz(f), 0);
  rows.push({ page: p.page, js, css, files: files.length });
  if (p.public && js > BUDGET) failed = true;
}
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log("Portal build report (gzip -9):");
console.log(`  ${"page".padEnd(28)} ${"JS".padStart(10)} ${"CSS".padStart(9)}  chunks`);
for (const r of rows)
  console.log(`  ${r.page.padEnd(28)} ${kb(r.js).padStart(10)} ${kb(r.css).padStart(9)}  ${r.files}`);
console.log(`  budget for public pages: ${kb(BUDGET)} of JS`);
writeFileSync(join(DIST, "build-report.json"), JSON.stringify({ budget: BUDGET, pages: rows }, null, 2));
if (failed) {
  console.error("A public page's JavaScript is over budget.");
  process.exit(1);
}
