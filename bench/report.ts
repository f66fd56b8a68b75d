/**
 * Renders bench/results.json rows as docs/benchmarks.md: the table, the targets with their
 * outcome, the floors' arithmetic and, for a missed target, why and what it would take.
 */
import type { FloorPart } from "./floor.js";

export interface Row {
  id: string;
  what: string;
  gas: number;
  anchor?: string;
  anchorGas?: number;
  /** gas / anchorGas */
  ratio?: number;
  floor?: number;
  /** gas / floor */
  floorRatio?: number;
  floorParts?: FloorPart[];
  conditions: string;
}

interface Target {
  id: string;
  label: string;
  measure: (row: Row) => number | undefined;
  limit: number;
  unit: string;
  /** Shown when the target is missed: why, and what it would take (given every row by id). */
  whenMissed: (byId: Map<string, Row>) => string;
}

const floorVsAnchor = (r: Row | undefined) =>
  r?.floor !== undefined && r.anchorGas !== undefined ? (r.floor / r.anchorGas).toFixed(2) : "?";

const TARGETS: Target[] = [
  {
    id: "claim-d17",
    label: "Roster claim at depth 17 vs MerkleDistributor",
    measure: (r) => r.ratio,
    limit: 1.1,
    unit: "x anchor",
    whenMissed: (rows) => {
      const r = rows.get("claim-d17");
      return (
        `The EVM floor of a claim that does what SPEC.md requires is ${fmt(r?.floor)} gas, ` +
        `${floorVsAnchor(r)}x MerkleDistributor's claim: the target lies below the floor, and civic-ledger's ` +
        `claim is ${fmt(r?.floorRatio)}x that floor. MerkleDistributor keeps its root and token in bytecode, ` +
        "has no pause and no access control, and books nothing. A civic-ledger claim also books the payout " +
        "on the ledger with the beneficiary as payee (SPEC: `recordSpend`, gated to LEDGER_CLIENT by the " +
        "AccessManager and stopped by the ledger's pause): a cold call to the ledger, the ledger's cold " +
        "call to the AccessManager reading three slots, the ledger's pause flag, one rewritten slot of the " +
        "module's books and a `Spent` log - about 25,000 gas, nearly three times the whole 10% allowance. " +
        "Many programmes share one contract, so the root, the budget line and the remaining budget are " +
        "storage reads and one rewrite, and the contract's pause flag is read. Reaching 1.10x would take " +
        "changes SPEC.md does not allow: a distributor contract per programme with its root and line in " +
        "immutables, and payouts booked on the ledger in aggregate rather than one `Spent` per beneficiary " +
        "through an access-checked call."
      );
    },
  },
  {
    id: "permit-issue",
    label: "Permit issuance vs one EAS attest",
    measure: (r) => r.ratio,
    limit: 0.6,
    unit: "x anchor",
    whenMissed: () =>
      "The issuing transaction carries the role check of the agency, the mint (holder record and " +
      "balance), and the fee's deposit into the ledger (a second contract and two token balance updates).",
  },
  {
    id: "claim-batch-per-entry",
    label: "claimBatch per entry vs disperse per recipient",
    measure: (r) => r.ratio,
    limit: 1.4,
    unit: "x anchor",
    whenMissed: (rows) => {
      const r = rows.get("claim-batch-per-entry");
      return (
        `The EVM floor of a batch entry is ${fmt(r?.floor)} gas, ${floorVsAnchor(r)}x the disperse loop's ` +
        "per-recipient cost: the target lies below the floor. Each entry carries a 17-node proof (544 bytes " +
        "of random calldata, about 8,700 gas before anything executes, where the disperse loop sends only " +
        "an address and an amount), and emits `Claimed` and the ledger's `Spent` (about 4,500 gas of logs) " +
        "because SPEC.md books every payout with its beneficiary. Above the floor, civic-ledger pays a warm " +
        "but full `recordSpend` call per entry (call, ABI coding, the AccessManager check, the re-entrancy " +
        "guard). A batch booking function on the ledger (one access check, one write of the module's books, " +
        "one `Spent` per beneficiary) would take a few thousand gas off each entry; a multiproof for the whole " +
        "batch (upper nodes sent once) would take most of the calldata, but SPEC's `Claim` struct carries one " +
        "proof per claim."
      );
    },
  },
  {
    id: "milestone-pay",
    label: "Paying milestone approval vs its EVM floor",
    measure: (r) => r.floorRatio,
    limit: 1.6,
    unit: "x floor",
    whenMissed: () => "The gap is the agreement's running totals and the ABI and call overhead of two access checks.",
  },
  {
    id: "ledger-pay",
    label: "Ledger pay vs its EVM floor",
    measure: (r) => r.floorRatio,
    limit: 1.3,
    unit: "x floor",
    whenMissed: () =>
      "The gap is the running total of available cash that keeps `unallocated()` O(1) and the call overhead " +
      "of the access check.",
  },
  {
    id: "claim-gas-per-level",
    label: "Claim cost growth per tree level",
    measure: (r) => r.gas,
    limit: 700,
    unit: "gas per level",
    whenMissed: () => "Each level costs 32 bytes of calldata (up to 512 gas) and one keccak256 of 64 bytes.",
  },
];

const fmt = (n: number | undefined) =>
  n === undefined ? "" : n.toLocaleString("en-US", { maximumFractionDigits: Number.isInteger(n) ? 0 : 3 });

export function renderMarkdown(rows: Row[]): string {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: string[] = [];
  out.push("# Gas benchmarks");
  out.push("");
  out.push(
    "Generated by `npm run bench` (bench/run.ts) on Hardhat's in-process chain (EDR, `evmVersion` cancun, " +
      "optimizer 10,000 runs). The suite is deployed with the project's Ignition module; the anchors are " +
      "deployed from their published npm packages in the same run: Uniswap's `MerkleDistributor` " +
      "(`@uniswap/merkle-distributor` build artifact) and the Ethereum Attestation Service " +
      "(`@ethereum-attestation-service/eas-contracts`), plus two baselines in `bench/contracts/` " +
      "(an OpenZeppelin ERC-721 soulbound mint with stored expiry, a disperse-style transfer loop). " +
      "Gas is the receipt's `gasUsed` of the whole transaction. Fresh accounts are derived from fixed " +
      "seeds, so a rerun sends the same bytes and reproduces these figures.",
  );
  out.push("");
  out.push("## Targets");
  out.push("");
  out.push("| target | measured | limit | met |");
  out.push("| --- | --- | --- | --- |");
  const missed: Target[] = [];
  for (const target of TARGETS) {
    const row = byId.get(target.id);
    const value = row === undefined ? undefined : target.measure(row);
    const met = value !== undefined && value <= target.limit;
    if (!met) missed.push(target);
    out.push(
      `| ${target.label} (\`${target.id}\`) | ${fmt(value)} ${target.unit} | <= ${fmt(target.limit)} | ${met ? "yes" : "**no**"} |`,
    );
  }
  out.push("");
  out.push("## All operations");
  out.push("");
  out.push(
    "| id | operation | civic-ledger gas | anchor | anchor gas | ratio | EVM floor | ratio to floor | conditions |",
  );
  out.push("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |");
  for (const r of rows) {
    out.push(
      `| \`${r.id}\` | ${r.what} | ${fmt(r.gas)} | ${r.anchor ?? ""} | ${fmt(r.anchorGas)} | ${fmt(r.ratio)} | ${fmt(r.floor)} | ${fmt(r.floorRatio)} | ${r.conditions} |`,
    );
  }
  out.push("");
  out.push("## EVM floors");
  out.push("");
  out.push(
    "A floor is the least gas the operation's public behaviour can cost under the Cancun gas schedule: " +
      "21,000 per transaction; calldata at 4 gas per zero byte and 16 per non-zero byte (the bytes " +
      "actually sent); 2,600 for the first call to another contract and 2,100 for the first read of a " +
      "storage slot (EIP-2929); 20,000 to set a zero slot and 2,900 to change a non-zero one (EIP-2200, " +
      "EIP-3529); 375 per log, 375 per topic and 8 per data byte. It counts only what SPEC.md makes " +
      "unavoidable: the events it fixes, the token movement, the booking on the ledger; the access check " +
      "(SPEC.md gates the function by one AccessManager, whose `canCall` reads the target's closed flag, " +
      "the function's role and the caller's membership); the pause flag (SPEC.md makes the operation " +
      "pausable); and the records the operation cannot act without (the payee, the budget line, the " +
      "state it changes). It counts none of the bookkeeping an implementation chooses, and no code: " +
      "ABI coding, memory and arithmetic are free in a floor.",
  );
  for (const r of rows) {
    if (r.floorParts === undefined) continue;
    out.push("");
    out.push(`### \`${r.id}\`: ${fmt(r.floor)} gas`);
    out.push("");
    out.push("| part | gas |");
    out.push("| --- | ---: |");
    for (const part of r.floorParts) out.push(`| ${part.what} | ${fmt(part.gas)} |`);
  }
  if (missed.length > 0) {
    out.push("");
    out.push("## Where a target is missed");
    for (const target of missed) {
      out.push("");
      out.push(`### ${target.label}`);
      out.push("");
      out.push(target.whenMissed(byId));
    }
  }
  out.push("");
  return out.join("\n");
}
