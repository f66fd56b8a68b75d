/**
 * End to end against a real external node: starts anvil on 127.0.0.1, deploys the suite with
 * Ignition over HTTP, drives a scenario through the tasks as the offices would, checks that
 * bad input gets a clear message, and stops the node by its PID.
 */
import { rmSync } from "node:fs";

import { expect } from "chai";

import { startAnvil, type LocalNode } from "../../scripts/lib/local-node.js";
import { hardhat } from "../helpers/cli.js";

const PORT = 18545; // the `e2e` network of hardhat.config.ts
const CHAIN_ID = 31338;
const NET = ["--network", "e2e"];
// anvil's default accounts
const TREASURY = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const FINANCE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const SUPPLIER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("End to end on anvil (Ignition over HTTP, tasks)", function () {
  this.timeout(300_000);
  let node: LocalNode;

  before(async function () {
    rmSync(`deploy/deployments/chain-${CHAIN_ID}`, { recursive: true, force: true });
    node = await startAnvil({ port: PORT, chainId: CHAIN_ID });
  });

  after(async function () {
    await node?.stop();
    rmSync(`deploy/deployments/chain-${CHAIN_ID}`, { recursive: true, force: true });
  });

  it("deploys with Ignition, and a second deploy is a no-op", async function () {
    const args = [
      "ignition",
      "deploy",
      "deploy/modules/CivicLedger.ts",
      ...NET,
      "--parameters",
      "deploy/parameters/local.json",
    ];
    const first = await hardhat(args);
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/CivicLedger#BudgetLedger - 0x[0-9a-fA-F]{40}/);
    const second = await hardhat(args);
    expect(second.code, second.output).to.equal(0);
    expect(second.output).to.include("Nothing new to deploy");
  });

  it("runs the treasury's day through the tasks", async function () {
    const steps: string[][] = [
      ["roles", "grant", "--role", "BUDGET_OFFICER", "--account", FINANCE],
      ["budget", "faucet", "--to", TREASURY, "--amount", "1000000"],
      ["budget", "deposit", "--amount", "900000", "--ref", "TAX-Q1"],
      [
        "budget",
        "create-line",
        "--line",
        "ROADS-2027",
        "--year",
        "2027",
        "--amount",
        "600000",
        "--label",
        "Roads 2027",
        "--signer",
        "1",
      ],
      [
        "budget",
        "create-line",
        "--line",
        "SCHOOLS-2027",
        "--year",
        "2027",
        "--amount",
        "200000",
        "--label",
        "Schools 2027",
        "--signer",
        "1",
      ],
      ["budget", "reallocate", "--from", "ROADS-2027", "--to", "SCHOOLS-2027", "--amount", "50000", "--signer", "1"],
      [
        "budget",
        "pay",
        "--line",
        "ROADS-2027",
        "--payee",
        SUPPLIER,
        "--amount",
        "1200.5",
        "--ref",
        "INV-0001",
        "--signer",
        "1",
      ],
      ["budget", "close", "--line", "ROADS-2027", "--signer", "1"],
    ];
    for (const step of steps) {
      const result = await hardhat([...step, ...NET]);
      expect(result.code, `${step.join(" ")}\n${result.output}`).to.equal(0);
    }
    const lines = await hardhat(["budget", "lines", ...NET]);
    expect(lines.code, lines.output).to.equal(0);
    expect(lines.stdout).to.match(/ROADS-2027\s+2027\s+Roads 2027\s+1200\.5\s+0\.0\s+1200\.5\s+0\.0\s+closed/);
    expect(lines.stdout).to.match(/SCHOOLS-2027\s+2027\s+Schools 2027\s+250000\.0\s+0\.0\s+0\.0\s+250000\.0\s+open/);
    expect(lines.stdout).to.include("Unallocated cash: 648799.5");
    const roles = await hardhat(["roles", "list", "--role", "BUDGET_OFFICER", ...NET]);
    expect(roles.stdout).to.include(FINANCE);
  });

  it("rejects bad input with a clear message and a non-zero exit", async function () {
    const cases: Array<[string[], RegExp]> = [
      [
        [
          "budget",
          "pay",
          "--line",
          "SCHOOLS-2027",
          "--payee",
          "0x1234",
          "--amount",
          "1",
          "--ref",
          "X",
          "--signer",
          "1",
        ],
        /--payee: "0x1234" is not a valid address/,
      ],
      [
        ["budget", "pay", "--line", "NOPE", "--payee", SUPPLIER, "--amount", "1", "--ref", "X", "--signer", "1"],
        /--line: no budget line "NOPE"/,
      ],
      [
        [
          "budget",
          "pay",
          "--line",
          "SCHOOLS-2027",
          "--payee",
          SUPPLIER,
          "--amount",
          "1",
          "--ref",
          "X",
          "--signer",
          "2",
        ],
        /does not hold the role this needs: BUDGET_OFFICER/,
      ],
      [
        [
          "budget",
          "pay",
          "--line",
          "SCHOOLS-2027",
          "--payee",
          SUPPLIER,
          "--amount",
          "abc",
          "--ref",
          "X",
          "--signer",
          "1",
        ],
        /--amount: "abc" is not an amount/,
      ],
      [
        [
          "budget",
          "pay",
          "--line",
          "SCHOOLS-2027",
          "--payee",
          SUPPLIER,
          "--amount",
          "9999999",
          "--ref",
          "X",
          "--signer",
          "1",
        ],
        /Ledger_InsufficientAvailable\("SCHOOLS-2027", 250000000000, 9999999000000\)/,
      ],
      [["roles", "grant", "--role", "MAYOR", "--account", FINANCE], /--role: "MAYOR" is not a role/],
      [["budget", "lines", "--signer", "99"], /--signer: account #99 does not exist/],
    ];
    for (const [args, message] of cases) {
      const result = await hardhat([...args, ...NET]);
      expect(result.code, args.join(" ")).to.not.equal(0);
      expect(result.stderr, args.join(" ")).to.match(message);
      expect(result.output, args.join(" ")).to.not.match(/\n\s+at .+:\d+:\d+/); // no stack trace
    }
  });

  it("refuses a network that has no deployment", async function () {
    const result = await hardhat(["budget", "lines"]); // the in-process chain: nothing deployed there
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.match(
      /No civic-ledger deployment for chain 31337|has no contract at the BudgetLedger address/,
    );
  });
});
