/**
 * End to end against a real external node: starts anvil on 127.0.0.1, deploys the suite with
 * Ignition over HTTP (a second deploy is a no-op), then drives a whole fiscal year through the
 * CLI tasks as the offices would - budget, a permit checked by two agencies, a tender with
 * sealed bids revealed from their secret files and milestones signed off by two inspectors, a
 * roster built from a CSV file and an outcome programme, the year-end closes - and ends with
 * `audit` finding the books consistent. Bad input gets one clear line per task area. The node
 * is stopped by its PID.
 *
 * Each CLI call pays Hardhat's start-up (a few seconds), so calls that do not depend on each
 * other run side by side, and exhaustive argument checks live in test/tasks/ (in-process).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Interface, getAddress, hexlify, randomBytes } from "ethers";

import { E2E_PORT_OFFSET, startAnvil, testPort, type LocalNode } from "../../scripts/lib/local-node.js";
import { hardhat, type CliResult } from "../helpers/cli.js";

const PORT = testPort(E2E_PORT_OFFSET); // the `e2e` network of hardhat.config.ts
const CHAIN_ID = 31338;
const DEPLOYMENT_DIR = `deploy/deployments/chain-${CHAIN_ID}`;
const NET = ["--network", "e2e"];
const DAY = 86_400;
const U = 1_000_000n; // TestStablecoin: 6 decimals

/** anvil's dev accounts (mnemonic "test test ... junk"), by the office that uses them. */
const ACCOUNTS = {
  treasury: 0,
  finance: 1,
  procurement: 2,
  inspectorA: 3,
  inspectorB: 4,
  licensing: 5,
  fireAgency: 6, // check role 100
  healthAgency: 7, // check role 101
  benefits: 8,
  agriculture: 9,
  restaurateur: 10,
  builderA: 11,
  builderB: 12,
  builderC: 13,
} as const;
type Office = keyof typeof ACCOUNTS;
const as = (office: Office) => ["--signer", String(ACCOUNTS[office])];

describe("End to end on anvil (Ignition over HTTP, tasks)", function () {
  this.timeout(600_000);
  let node: LocalNode;
  let dir: string;
  let address: Record<Office, string>;
  let started: number;

  /** A JSON-RPC request to the node. */
  async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
    const res = await fetch(node.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  }

  /** Moves anvil's clock forward and mines a block. */
  async function advance(seconds: number): Promise<void> {
    await rpc("evm_increaseTime", [seconds]);
    await rpc("evm_mine");
  }

  /** One CLI call that must succeed; returns its stdout. */
  async function ok(args: string[]): Promise<string> {
    const result = await hardhat([...args, ...NET]);
    expect(result.code, `${args.join(" ")}\n${result.output}`).to.equal(0);
    expect(result.stderr, args.join(" ")).not.to.match(/^Error/m);
    return result.stdout;
  }

  /** Independent CLI calls side by side (at most `width` at once); each must succeed. */
  async function together(calls: string[][], width = 3): Promise<string[]> {
    const out: string[] = new Array(calls.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(width, calls.length) }, async () => {
        while (next < calls.length) {
          const k = next++;
          out[k] = await ok(calls[k]);
        }
      }),
    );
    return out;
  }

  /** A CLI call that must fail with one clear `Error: ...` line and no stack trace. */
  function expectClear(result: CliResult, message: RegExp, what: string): void {
    expect(result.code, `${what}\n${result.output}`).to.not.equal(0);
    expect(result.stderr, what).to.match(message);
    expect(result.stderr.trim().split("\n"), `${what}: one line\n${result.stderr}`).to.have.length(1);
    expect(result.output, what).to.not.match(/\n\s*at |\(\S+:\d+:\d+\)/);
  }

  before(async function () {
    started = Date.now();
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "civic-e2e-"));
    node = await startAnvil({ port: PORT, chainId: CHAIN_ID, accounts: 15 });
    const accounts = (await rpc("eth_accounts")) as string[];
    address = Object.fromEntries(
      Object.entries(ACCOUNTS).map(([office, i]) => [office, getAddress(accounts[i])]),
    ) as Record<Office, string>;
  });

  after(async function () {
    await node?.stop();
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    console.log(`    (end to end: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
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

  it("runs a whole fiscal year through the tasks", async function () {
    // ---------------------------------------------------------------- the treasury hands out roles
    await together([
      ["roles", "grant", "--role", "BUDGET_OFFICER", "--account", address.finance],
      ["roles", "grant", "--role", "PROCUREMENT_OFFICER", "--account", address.procurement],
      ["roles", "grant", "--role", "INSPECTOR", "--account", `${address.inspectorA},${address.inspectorB}`],
      ["roles", "grant", "--role", "PERMIT_OFFICER", "--account", address.licensing],
      ["roles", "grant", "--role", "100", "--account", address.fireAgency],
      ["roles", "grant", "--role", "101", "--account", address.healthAgency],
      ["roles", "grant", "--role", "PROGRAM_MANAGER", "--account", address.benefits],
      ["roles", "grant", "--role", "OUTCOME_VERIFIER", "--account", address.agriculture],
    ]);
    const roles = await ok(["roles", "list"]);
    expect(roles).to.include(`INSPECTOR (3): ${address.inspectorA}, ${address.inspectorB}`);
    expect(roles).to.include(`check role 101 (101): ${address.healthAgency}`);
    expect(roles).to.match(/LEDGER_CLIENT \(8\): .*\(PermitRegistry\).*\(ProcurementEscrow\).*\(SubsidyDisbursement\)/);

    // ---------------------------------------------------------------- budget: revenue in, lines open
    // citizens and firms have their own money (the test token's open faucet)
    const token = JSON.parse(readFileSync(join(DEPLOYMENT_DIR, "deployed_addresses.json"), "utf8"))[
      "CivicLedger#TestStablecoin"
    ] as string;
    const mint = new Interface(["function mint(address to, uint256 amount)"]);
    for (const office of ["restaurateur", "builderA", "builderB", "builderC"] as const) {
      await rpc("eth_sendTransaction", [
        { from: address.treasury, to: token, data: mint.encodeFunctionData("mint", [address[office], 10_000n * U]) },
      ]);
    }
    await ok(["budget", "faucet", "--to", address.treasury, "--amount", "2000000"]);
    expect(await ok(["budget", "deposit", "--amount", "1500000", "--ref", "TAX-2027-Q1"])).to.match(
      /Deposited 1500000\.0: tx/,
    );
    const line = (id: string, amount: string, label: string) => [
      "budget",
      "create-line",
      ...["--line", id, "--year", "2027", "--amount", amount, "--label", label],
      ...as("finance"),
    ];
    await together([
      line("ROADS-2027", "900000", "Roads 2027"),
      line("SUBSIDY-2027", "200000", "Farm support 2027"),
      line("OFFICE-2027", "100000", "Administration 2027"),
    ]);
    await together([
      ["budget", "reallocate", "--from", "OFFICE-2027", "--to", "SUBSIDY-2027", "--amount", "50000", ...as("finance")],
      [
        "budget",
        "pay",
        ...["--line", "OFFICE-2027", "--payee", address.builderC, "--amount", "1200.5", "--ref", "INV-0001"],
        ...as("finance"),
      ],
    ]);

    // ---------------------------------------------------------------- permits: two checks, then issued
    const defined = await ok([
      "permits",
      "define-type",
      ...["--name", "Restaurant licence", "--fee", "50", "--validity", "1y", "--checks", "100,101"],
      ...as("licensing"),
    ]);
    expect(defined).to.match(/Permit type 1: "Restaurant licence", fee 50\.0, valid 1y, checks 100, 101/);
    const application = join(dir, "restaurant-application.pdf");
    writeFileSync(application, "Rosa's trattoria, 12 Market Street: floor plan, menu, staff");
    const applied = await ok(["permits", "apply", "--type", "1", "--document", application, ...as("restaurateur")]);
    expect(applied).to.match(/Application 1: document 0x[0-9a-f]{64}, fee 50\.0/);
    const checks = await together(
      [
        [
          "permits",
          "check",
          ...["--application", "1", "--role", "100", "--passed", "true"],
          ...["--evidence", "fire inspection 2027-114"],
          ...as("fireAgency"),
        ],
        [
          "permits",
          "check",
          ...["--application", "1", "--role", "101", "--passed", "true"],
          ...["--evidence", "health inspection 2027-77"],
          ...as("healthAgency"),
        ],
      ],
      1,
    );
    expect(checks[1]).to.match(/All checks passed: permit 1 issued, valid until \d{4}-/);
    const [byId, byDocument] = await together([
      ["permits", "verify", "--permit", "1"],
      ["permits", "verify", "--document", application],
    ]);
    expect(byId).to.match(/^Permit 1: VALID \(Active\)$/m);
    expect(byId).to.include(address.restaurateur);
    expect(byDocument).to.equal(byId);

    // ---------------------------------------------------------------- subsidies: roster from a CSV, outcomes
    const farmers = Array.from({ length: 5 }, () => getAddress(hexlify(randomBytes(20))));
    const csv = join(dir, "farmers.csv");
    writeFileSync(csv, ["beneficiary,amount", ...farmers.map((f, i) => `${f},${(i + 1) * 1_000_000_000}`)].join("\n"));
    const tree = join(dir, "farmers.json");
    expect(await ok(["subsidies", "build-roster", "--csv", csv, "--out", tree])).to.match(
      /Roster of 5 beneficiaries written/,
    );
    expect(
      await ok([
        "subsidies",
        "create-roster",
        "--line",
        "SUBSIDY-2027",
        "--tree",
        tree,
        "--closes",
        "+60d",
        ...as("benefits"),
      ]),
    ).to.match(/Programme 1: 15000\.0 from SUBSIDY-2027/);
    expect(
      await ok([
        "subsidies",
        "create-outcome",
        ...["--line", "SUBSIDY-2027", "--budget", "1000", "--rate", "2.5", "--cap", "100", "--closes", "+60d"],
        ...as("benefits"),
      ]),
    ).to.match(/Programme 2: 1000\.0 from SUBSIDY-2027, 2\.5 per unit, cap 100\.0/);
    const [claimed, outcome] = await together([
      ["subsidies", "claim", "--program", "1", "--tree", tree, "--index", "0", ...as("builderA")],
      [
        "subsidies",
        "record-outcome",
        ...["--program", "2", "--beneficiary", farmers[0], "--quantity", "12", "--evidence", "yield record 2027-0042"],
        ...as("agriculture"),
      ],
    ]);
    expect(claimed).to.match(new RegExp(`Paid 1000\\.0 to ${farmers[0]} \\(index 0\\)`));
    expect(outcome).to.match(/Paid 30\.0; 0x\w+ has received 30\.0 in all/);
    expect(await ok(["subsidies", "claim-batch", "--program", "1", "--tree", tree, ...as("builderA")])).to.match(
      /Done: 4 claims paid, 1 skipped/,
    );

    // ---------------------------------------------------------------- procurement: a bridge
    writeFileSync(join(dir, "bridge-spec.pdf"), "Bridge over the Arno: 120 m, two lanes, load class A");
    const tenderFile = join(dir, "bridge-tender.json");
    writeFileSync(
      tenderFile,
      JSON.stringify({
        line: "ROADS-2027",
        spec: "bridge-spec.pdf",
        maxPrice: "800000",
        bidBond: "1000",
        bidDeadline: "+7d",
        revealDeadline: "+10d",
        retentionBps: 500,
        quorum: 2,
        milestones: [
          { shareBps: 6000, duration: "90d", description: "foundations and piers" },
          { shareBps: 4000, duration: "180d", description: "deck and handover" },
        ],
      }),
    );
    expect(await ok(["procurement", "create-tender", "--file", tenderFile, ...as("procurement")])).to.match(
      /Tender 1: max price 800000\.0 committed from ROADS-2027, bond 1000\.0, 2 milestone\(s\), quorum 2/,
    );
    const builders = [
      ["builderA", "760000"],
      ["builderB", "712500.5"],
      ["builderC", "735000"],
    ] as const;
    const secret = (b: string) => join(dir, `${b}-tender-1.secret.json`);
    const bids = await together(
      builders.map(([b, price]) => [
        "procurement",
        "bid",
        ...["--tender", "1", "--price", price, "--proposal", `${b}'s proposal`, "--out", secret(b)],
        ...as(b),
      ]),
    );
    for (const [k, [b]] of builders.entries()) expect(bids[k]).to.include(`Your bid secret is in ${secret(b)}`);
    await advance(7 * DAY);
    await together(builders.map(([b]) => ["procurement", "reveal", "--file", secret(b), ...as(b)]));
    await advance(3 * DAY);
    expect(await ok(["procurement", "award", "--tender", "1"])).to.match(
      new RegExp(
        `Agreement 1: tender 1 awarded to ${address.builderB} at 712500\\.5; 87499\\.5 returned to ROADS-2027`,
      ),
    );
    const milestone = (task: string, index: number, office: Office, ...extra: string[]) => [
      "procurement",
      task,
      ...["--agreement", "1", "--index", String(index), ...extra],
      ...as(office),
    ];
    await ok(milestone("submit-milestone", 0, "builderB", "--evidence", "site survey and pier photos"));
    const approvals0 = await together([
      milestone("approve-milestone", 0, "inspectorA"),
      milestone("approve-milestone", 0, "inspectorB"),
    ]);
    expect(approvals0.join("\n")).to.match(
      /Quorum reached \(2 of 2\): paid 406125\.285 to 0x\w+, 21375\.015 held as retention/,
    );
    await ok(milestone("submit-milestone", 1, "builderB", "--evidence", "deck load test"));
    await ok(milestone("reject-milestone", 1, "inspectorA", "--reason", "load test below class A"));
    await ok(milestone("submit-milestone", 1, "builderB", "--evidence", "deck load test, repeated"));
    const approvals1 = await together([
      milestone("approve-milestone", 1, "inspectorA"),
      milestone("approve-milestone", 1, "inspectorB"),
    ]);
    expect(approvals1.join("\n")).to.match(/Retention of 35625\.025 released to the contractor/);
    expect(approvals1.join("\n")).to.match(/Agreement 1 completed/);
    const shown = await ok(["procurement", "show", "--tender", "1"]);
    expect(shown).to.match(/^Agreement 1: Completed$/m);
    expect(shown).to.match(/paid\s+712500\.5/);
    expect(shown).to.match(new RegExp(`${address.builderA}\\s+0\\.0\\s+760000\\.0`));

    // ---------------------------------------------------------------- year end
    await advance(60 * DAY);
    const closed = await together([
      ["subsidies", "close", "--program", "1", ...as("builderA")],
      ["subsidies", "close", "--program", "2", ...as("builderA")],
    ]);
    expect(closed[0]).to.match(/0\.0 returned to SUBSIDY-2027/);
    expect(closed[1]).to.match(/970\.0 returned to SUBSIDY-2027/);
    await together([
      ["budget", "close", "--line", "ROADS-2027", ...as("finance")],
      ["budget", "close", "--line", "SUBSIDY-2027", ...as("finance")],
      ["budget", "close", "--line", "OFFICE-2027", ...as("finance")],
    ]);
    const lines = await ok(["budget", "lines"]);
    expect(lines).to.match(/ROADS-2027\s+2027\s+Roads 2027\s+712500\.5\s+0\.0\s+712500\.5\s+0\.0\s+closed/);
    expect(lines).to.match(/SUBSIDY-2027\s+2027\s+Farm support 2027\s+15030\.0\s+0\.0\s+15030\.0\s+0\.0\s+closed/);
    expect(lines).to.match(/OFFICE-2027\s+2027\s+Administration 2027\s+1200\.5\s+0\.0\s+1200\.5\s+0\.0\s+closed/);
    // 1,500,000 deposited + the 50 permit fee - 712,500.5 - 15,030 - 1,200.5 spent (no bond forfeited)
    expect(lines).to.include("Unallocated cash: 771319.0");
  });

  it("the auditor rebuilds the year from the events and finds the books consistent (exit 0)", async function () {
    const audit = await hardhat(["audit", ...NET, "--json", join(dir, "audit.json")]);
    expect(audit.code, audit.output).to.equal(0);
    expect(audit.stdout).to.include("Result: CONSISTENT");
    const report = JSON.parse(readFileSync(join(dir, "audit.json"), "utf8"));
    expect(report).to.include({ chainId: CHAIN_ID, consistent: true });
    expect(report.lines).to.have.length(3);
  });

  it("rejects bad input with one clear line and a non-zero exit, in every task area", async function () {
    writeFileSync(
      join(dir, "bad-tender.json"),
      JSON.stringify({ ...JSON.parse(readFileSync(join(dir, "bridge-tender.json"), "utf8")), milestones: [] }),
    );
    const cases: Array<[string[], RegExp]> = [
      [
        [
          "budget",
          "pay",
          ...["--line", "OFFICE-2027", "--payee", "0x1234", "--amount", "1", "--ref", "X"],
          ...as("finance"),
        ],
        /--payee: "0x1234" is not a valid address/,
      ],
      [["budget", "increase", "--line", "NOPE", "--amount", "1", ...as("finance")], /--line: no budget line "NOPE"/],
      [
        ["budget", "create-line", ...["--line", "X-2028", "--year", "2028", "--label", "X"], ...as("procurement")],
        new RegExp(
          `does not hold BUDGET_OFFICER \\(role 1\\), which BudgetLedger\\.createLine\\(bytes32,uint16,uint256,string\\) needs`,
        ),
      ],
      [["budget", "deposit", "--amount", "12.3456789"], /--amount: "12\.3456789" has more than 6 decimals/],
      [
        ["permits", "apply", "--type", "7", "--document", "x", ...as("restaurateur")],
        /--type: no permit type 7 \(ids are 1\.\.1\)/,
      ],
      [
        ["permits", "define-type", "--name", "Kiosk", "--validity", "1y", ...as("restaurateur")],
        /does not hold PERMIT_OFFICER \(role 4\), which PermitRegistry\.definePermitType/,
      ],
      [
        ["procurement", "create-tender", "--file", join(dir, "bad-tender.json"), ...as("procurement")],
        /bad-tender\.json: "milestones" must be a list of 1 to 32 milestones/,
      ],
      [
        ["procurement", "reveal", "--file", join(dir, "builderA-tender-1.secret.json"), ...as("builderB")],
        /is 0x\w+'s bid; sign with that account/,
      ],
      [
        ["procurement", "approve-milestone", "--agreement", "1", "--index", "1", ...as("finance")],
        /agreement 1 is Completed, not Active/,
      ],
      [["subsidies", "show", "--program", "5"], /--program: no programme 5 \(ids are 1\.\.2\)/],
      [["roles", "grant", "--role", "MAYOR", "--account", address.finance], /--role: "MAYOR" is not a role/],
      [["roles", "handover", "--to", address.treasury, ...as("finance")], /does not hold ADMIN: nothing to hand over/],
      [["budget", "lines", "--signer", "99"], /--signer: account #99 does not exist \(15 accounts\)/],
    ];
    const results = await Promise.all(
      [0, 1, 2].map(async (lane) => {
        const mine: Array<[string[], RegExp, CliResult]> = [];
        for (let k = lane; k < cases.length; k += 3) mine.push([...cases[k], await hardhat([...cases[k][0], ...NET])]);
        return mine;
      }),
    );
    for (const [args, message, result] of results.flat()) expectClear(result, message, args.join(" "));
  });

  it("refuses a network that has no deployment", async function () {
    const result = await hardhat(["budget", "lines"]); // the in-process chain: nothing deployed there
    expectClear(result, /No civic-ledger deployment for chain 31337/, "budget lines on the in-process chain");
  });
});
