/**
 * Load figures of the auditor: books N ledger events on a local anvil quickly (AuditLoadModule
 * from contracts/test/ books hundreds of commit / payout / return operations per transaction),
 * then times `npx hardhat audit` over them, at 10,000 and 100,000 ledger events by default.
 *
 *   npx hardhat build --quiet && npx hardhat run scripts/audit-load.ts
 *   AUDIT_LOAD_SIZES=10000,50000 AUDIT_LOAD_ARGS="--window 10" npx hardhat run scripts/audit-load.ts
 *
 * Each audit runs as its own `hardhat audit` process so that its peak RSS is its own; the
 * figures are the CLI's wall time (Node and Hardhat start-up included), the audit's own time
 * (from the JSON report) and the peak RSS. Anvil runs on port 18547, apart from the tests' nodes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { encodeBytes32String } from "ethers";
import { network } from "hardhat";

import { startAnvil, testPort } from "./lib/local-node.js";
import { ROLES } from "./lib/roles.js";
import { roleSelectors } from "./lib/wiring.js";

const PORT = testPort(47);
const CHAIN_ID = 31347;
const SIZES = (process.env.AUDIT_LOAD_SIZES ?? "10000,100000").split(",").map(Number);
const ROUNDS_PER_TX = Number(process.env.AUDIT_LOAD_ROUNDS ?? 200); // 3 ledger events a round
/** Extra options of the audit task, e.g. "--window 10" (one set of runs per ";"-separated entry). */
const AUDIT_ARGS = (process.env.AUDIT_LOAD_ARGS ?? "").split(";").map((a) => a.trim().split(/\s+/).filter(Boolean));
const HARDHAT_CLI = fileURLToPath(new URL("../node_modules/hardhat/dist/src/cli.js", import.meta.url));

interface Figure {
  options: string;
  ledgerEvents: number;
  logs: number;
  blocks: number;
  cliSeconds: number;
  auditSeconds: number;
  peakRssMb: number;
  requests: number;
  consistent: boolean;
}

function runAuditCli(
  url: string,
  addresses: string,
  json: string,
  extra: string[],
): Promise<{ code: number; seconds: number; stderr: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        HARDHAT_CLI,
        "audit",
        "--network",
        "localhost",
        "--rpc-url",
        url,
        "--addresses",
        addresses,
        "--json",
        json,
        ...extra,
      ],
      { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) =>
      resolve({ code: code ?? 1, seconds: Number(process.hrtime.bigint() - started) / 1e9, stderr }),
    );
  });
}

const node = await startAnvil({ port: PORT, chainId: CHAIN_ID });
const dir = mkdtempSync(join(tmpdir(), "audit-load-"));
try {
  const connection = await network.create({ network: "localhost", override: { url: node.url } });
  const { ethers } = connection;
  const [admin, officer, payee] = await ethers.getSigners();
  const manager = await ethers.deployContract("AccessManager", [admin.address]);
  const token = await ethers.deployContract("TestStablecoin");
  const ledger = await ethers.deployContract("BudgetLedger", [await manager.getAddress(), await token.getAddress()]);
  const firstBlock = (await ledger.deploymentTransaction()!.wait())!.blockNumber;
  for (const { roleId, selectors } of roleSelectors("BudgetLedger")) {
    await (await manager.setTargetFunctionRole(await ledger.getAddress(), selectors, roleId)).wait();
  }
  const module = await ethers.deployContract("AuditLoadModule", [await ledger.getAddress()]);
  await (await manager.grantRole(ROLES.BUDGET_OFFICER, officer.address, 0)).wait();
  await (await manager.grantRole(ROLES.LEDGER_CLIENT, await module.getAddress(), 0)).wait();
  const line = encodeBytes32String("LOAD-2027");
  const funds = 10n ** 15n;
  await (await token.mint(admin.address, funds)).wait();
  await (await token.approve(await ledger.getAddress(), funds)).wait();
  await (await ledger.deposit(funds, encodeBytes32String("LOAD"))).wait();
  await (await ledger.connect(officer).createLine(line, 2027, funds, "Load test line")).wait();
  let ledgerEvents = 2; // Deposited, LineCreated
  const addresses = JSON.stringify({
    AccessManager: await manager.getAddress(),
    BudgetLedger: await ledger.getAddress(),
    firstBlock,
  });

  const figures: Figure[] = [];
  for (const size of SIZES) {
    const started = Date.now();
    while (ledgerEvents < size) {
      const rounds = Math.min(ROUNDS_PER_TX, Math.ceil((size - ledgerEvents) / 3));
      await (await module.churn(line, payee.address, rounds, 1_000_000n)).wait();
      ledgerEvents += rounds * 3;
    }
    const generated = (Date.now() - started) / 1000;
    for (const extra of AUDIT_ARGS) {
      const json = join(dir, `audit-${size}.json`);
      const result = await runAuditCli(node.url, addresses, json, extra);
      if (result.code !== 0) throw new Error(`audit of ${size} events exited ${result.code}: ${result.stderr}`);
      const report = JSON.parse(readFileSync(json, "utf8"));
      figures.push({
        options: extra.join(" ") || "(defaults)",
        ledgerEvents,
        logs: report.stats.logs,
        blocks: report.block - report.fromBlock + 1,
        cliSeconds: result.seconds,
        auditSeconds: report.stats.durationMs / 1000,
        peakRssMb: report.stats.peakRssMb,
        requests: report.stats.requests,
        consistent: report.consistent,
      });
    }
    console.error(`${size}: ${ledgerEvents} ledger events generated in ${generated.toFixed(1)} s, audited`);
  }
  await connection.close();

  console.log(
    "| options | ledger events | logs read | blocks | CLI wall time | audit time | peak RSS | requests | consistent |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|:---:|");
  for (const f of figures) {
    console.log(
      `| ${f.options} | ${f.ledgerEvents.toLocaleString("en")} | ${f.logs.toLocaleString("en")} | ${f.blocks} | ` +
        `${f.cliSeconds.toFixed(1)} s | ${f.auditSeconds.toFixed(1)} s | ${f.peakRssMb} MB | ${f.requests} | ${f.consistent ? "yes" : "NO"} |`,
    );
  }
  for (const options of new Set(figures.map((f) => f.options))) {
    const runs = figures.filter((f) => f.options === options);
    if (runs.length < 2) continue;
    const [a, b] = [runs[0], runs[runs.length - 1]];
    console.log(
      `Growth with ${options}, ${a.ledgerEvents.toLocaleString("en")} -> ${b.ledgerEvents.toLocaleString("en")} events ` +
        `(x${(b.ledgerEvents / a.ledgerEvents).toFixed(1)}): audit time x${(b.auditSeconds / a.auditSeconds).toFixed(1)}, ` +
        `peak RSS x${(b.peakRssMb / a.peakRssMb).toFixed(1)}`,
    );
  }
} finally {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}
