/**
 * The audit task end to end on anvil: deploys the suite with Ignition over HTTP (a connection
 * to the `localhost` network with its URL overridden to this test's own anvil on port 18546,
 * so that it never meets the e2e tests' node on 18545 nor a developer's on 8545), books a few
 * operations, then runs `npx hardhat audit --rpc-url ...` as a user would and checks the exit
 * code, the JSON and the CSV files.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import { network } from "hardhat";

import CivicLedgerModule from "../../deploy/modules/CivicLedger.js";
import { startAnvil, type LocalNode } from "../../scripts/lib/local-node.js";
import { ROLES } from "../../scripts/lib/roles.js";
import { hardhat } from "../helpers/cli.js";

const PORT = 18546;
const CHAIN_ID = 31346;
const DEPLOYMENT_DIR = `deploy/deployments/chain-${CHAIN_ID}`;
const ROADS = encodeBytes32String("ROADS-2027");
const SCHOOLS = encodeBytes32String("SCHOOLS-2027");
const U = 1_000_000n;

describe("Audit task on anvil (Ignition over HTTP, CLI)", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let dir: string;
  let firstBlock: number;
  let createdAt: number;

  before(async function () {
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "audit-anvil-"));
    node = await startAnvil({ port: PORT, chainId: CHAIN_ID });
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const { ethers, ignition } = connection;
    await ethers.provider.send("evm_mine", []); // the deployment does not start at block 0
    const { AccessManager, BudgetLedger, TestStablecoin } = await ignition.deploy(CivicLedgerModule, {
      parameters: { CivicLedger: { adminDelay: 0 } },
    });
    const [treasury, finance, supplier] = await ethers.getSigners();
    await (await AccessManager.grantRole(ROLES.BUDGET_OFFICER, finance.address, 0)).wait();
    const ledgerAddress = await BudgetLedger.getAddress();
    await (await TestStablecoin.mint(treasury.address, 1_000_000n * U)).wait();
    await (await TestStablecoin.approve(ledgerAddress, 900_000n * U)).wait();
    await (await BudgetLedger.deposit(900_000n * U, encodeBytes32String("TAX-Q1"))).wait();
    const officer = BudgetLedger.connect(finance) as typeof BudgetLedger;
    const created = await (await officer.createLine(ROADS, 2027, 600_000n * U, "Roads 2027")).wait();
    createdAt = created!.blockNumber;
    await (await officer.createLine(SCHOOLS, 2027, 200_000n * U, "Schools 2027")).wait();
    await (await officer.reallocate(ROADS, SCHOOLS, 50_000n * U, encodeBytes32String("roofs"))).wait();
    await (await officer.pay(ROADS, supplier.address, 1_200_500_000n, encodeBytes32String("INV-0001"))).wait();
    await (await officer.closeLine(ROADS)).wait();
    await (await TestStablecoin.transfer(ledgerAddress, 5n * U)).wait();
    await connection.close();
    const journal = readFileSync(join(DEPLOYMENT_DIR, "journal.jsonl"), "utf8");
    firstBlock = Math.min(...[...journal.matchAll(/"blockNumber":\s*(\d+)/g)].map((m) => Number(m[1])));
  });

  after(async function () {
    await node?.stop();
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const audit = (...args: string[]) => hardhat(["audit", "--network", "localhost", "--rpc-url", node.url, ...args]);

  it("finds the deployment, starts at its first block and exits 0 on consistent books", async function () {
    const json = join(dir, "audit.json");
    const csv = join(dir, "csv");
    const result = await audit("--json", json, "--csv", csv);
    expect(result.code, result.output).to.equal(0);
    expect(result.stdout).to.match(/ROADS-2027\s+2027\s+Roads 2027\s+1200\.5\s+0\s+1200\.5\s+0\s+closed/);
    expect(result.stdout).to.match(/SCHOOLS-2027\s+2027\s+Schools 2027\s+250000\s+0\s+0\s+250000\s+open/);
    expect(result.stdout).to.include("Result: CONSISTENT");
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report).to.include({ chainId: CHAIN_ID, consistent: true, fromBlock: firstBlock });
    expect(firstBlock).to.be.greaterThan(0);
    expect(report.block).to.be.a("number").greaterThan(createdAt);
    expect(report.mismatches).to.deep.equal([]);
    expect(report.lines).to.have.length(2);
    expect(report.lines[0]).to.include({
      lineId: ROADS,
      fiscalYear: 2027,
      label: "Roads 2027",
      appropriated: "1200500000",
      committed: "0",
      spent: "1200500000",
      available: "0",
      closed: true,
    });
    expect(report.ledger.directIn).to.equal((5n * U).toString());
    expect(report.ledger.unallocated).to.equal(648_804_500_000n.toString());
    expect(readdirSync(csv)).to.include.members(["lines.csv", "mismatches.csv", "red-flags.csv", "roles.csv"]);
  });

  it("exits 1 with the mismatches when the events read miss part of the history", async function () {
    const json = join(dir, "late.json");
    const result = await audit("--from-block", String(createdAt + 1), "--json", json);
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
