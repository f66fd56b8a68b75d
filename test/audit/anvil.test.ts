/**
 * The audit task end to end on anvil: the full fiscal year of scenario.ts through every module,
 * deployed with Ignition and run over HTTP (a connection to the `localhost` network with its URL
 * overridden to this test's own anvil on port 18546, so that it never meets the e2e tests' node
 * on the e2e port nor a developer's on 8545); then `npx hardhat audit --rpc-url ...` as a user would
 * run it: the exit code, the JSON figures against the views, and the CSV files.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import type { AuditReport } from "../../scripts/lib/audit/index.js";
import { startAnvil, testPort, type LocalNode } from "../../scripts/lib/local-node.js";
import { hardhat } from "../helpers/cli.js";
import { runScenario, type ScenarioResult } from "./scenario.js";
import { expectReportMatchesViews } from "./views-check.js";

const PORT = testPort(46);
const CHAIN_ID = 31346;
const DEPLOYMENT_DIR = `deploy/deployments/chain-${CHAIN_ID}`;

describe("Audit task on anvil (the full scenario over HTTP, CLI)", function () {
  this.timeout(600_000);
  let node: LocalNode;
  let dir: string;
  let connection: NetworkConnection;
  let scenario: ScenarioResult;
  let firstBlock: number;
  let linesCreatedAt: number;

  before(async function () {
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "audit-anvil-"));
    node = await startAnvil({ port: PORT, chainId: CHAIN_ID });
    connection = await network.create({ network: "localhost", override: { url: node.url } });
    await connection.ethers.provider.send("evm_mine", []); // the deployment does not start at block 0
    scenario = await runScenario(connection);
    const receipt = await connection.ethers.provider.getTransactionReceipt(scenario.txs.reallocate);
    linesCreatedAt = receipt!.blockNumber;
    const journal = readFileSync(join(DEPLOYMENT_DIR, "journal.jsonl"), "utf8");
    firstBlock = Math.min(...[...journal.matchAll(/"blockNumber":\s*(\d+)/g)].map((m) => Number(m[1])));
  });

  after(async function () {
    await connection?.close();
    await node?.stop();
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const audit = (...args: string[]) => hardhat(["audit", "--network", "localhost", "--rpc-url", node.url, ...args]);

  it("finds the deployment, starts at its first block and exits 0; the JSON figures equal the views", async function () {
    const json = join(dir, "audit.json");
    const csv = join(dir, "csv");
    const result = await audit("--json", json, "--csv", csv);
    expect(result.code, result.output).to.equal(0);
    expect(result.stdout).to.include("Result: CONSISTENT");
    expect(result.stdout).to.match(/SCHOOLS-2027\s+2027\s+Schools 2027\s/);
    const report = JSON.parse(readFileSync(json, "utf8")) as AuditReport;
    expect(report).to.include({ chainId: CHAIN_ID, consistent: true, fromBlock: firstBlock });
    expect(firstBlock).to.be.greaterThan(0);
    expect(firstBlock).to.equal(scenario.firstBlock);
    expect(report.mismatches).to.deep.equal([]);
    expect(report.lines).to.have.length(4);
    expect(report.tenders).to.have.length(5);
    expect(report.agreements).to.have.length(2);
    expect(report.permits).to.have.length(3);
    expect(report.applications).to.have.length(7);
    expect(report.programmes).to.have.length(3);
    await expectReportMatchesViews(report, scenario.suite);
    expect(new Set(report.redFlags.map((f) => f.rule))).to.deep.equal(
      new Set([
        "single-bidder-tender",
        "approver-also-bidder",
        "payout-to-official",
        "programme-closed-mostly-unclaimed",
        "reallocation-before-overspend",
      ]),
    );
    expect(readdirSync(csv)).to.include.members([
      "lines.csv",
      "modules.csv",
      "mismatches.csv",
      "red-flags.csv",
      "tenders.csv",
      "bids.csv",
      "agreements.csv",
      "milestones.csv",
      "permits.csv",
      "applications.csv",
      "permit-types.csv",
      "programmes.csv",
      "roles.csv",
      "direct-transfers.csv",
    ]);
    expect(readFileSync(join(csv, "tenders.csv"), "utf8").trim().split("\n")).to.have.length(6);
  });

  it("exits 1 with the mismatches when the events read miss part of the history", async function () {
    const json = join(dir, "late.json");
    const result = await audit("--from-block", String(linesCreatedAt), "--json", json);
    expect(result.code, result.output).to.equal(1);
    expect(result.stdout).to.include("Result: INCONSISTENT");
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.consistent).to.equal(false);
    const fields = report.mismatches.map((m: { field: string }) => m.field);
    expect(fields).to.include("lineCount()");
    expect(report.mismatches[0]).to.have.all.keys("book", "record", "field", "expected", "found", "note");
  });

  it("exits 2 with one clear line when the chain cannot be read", async function () {
    const result = await hardhat([
      "audit",
      "--network",
      "localhost",
      "--rpc-url",
      "http://127.0.0.1:18599",
      "--retries",
      "1",
    ]);
    expect(result.code, result.output).to.equal(2);
    expect(result.stderr).to.match(/Error: .*(failed after 2 attempts|connect)/);
    expect(result.output).to.not.match(/\n\s+at .+:\d+:\d+/); // no stack trace
  });

  it("exits 2 on bad arguments and on a chain without a deployment", async function () {
    const bad = await audit("--from-block", "abc");
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/--from-block: "abc" is not a whole number/);
    const none = await hardhat(["audit"]); // the in-process chain: nothing deployed there
    expect(none.code).to.equal(2);
    expect(none.stderr).to.match(/No civic-ledger deployment for chain 31337/);
    expect(existsSync(join(dir, "nothing.json"))).to.equal(false);
  });
});
