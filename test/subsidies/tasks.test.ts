/**
 * The subsidies tasks, run through Hardhat's task runner on an in-process chain: a Hardhat
 * runtime built from the project's config (which registers them, tasks/index.ts), with an
 * Ignition folder of its own that holds the addresses of a suite deployed by this test. Happy
 * paths and the argument checks that must end in one clear line (never a stack trace).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { encodeBytes32String, getAddress, hexlify, randomBytes, type BaseContract } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import config from "../../hardhat.config.js";
import { ROLES } from "../../scripts/lib/roles.js";
import type { AccessManager, BudgetLedger, SubsidyDisbursement } from "../../types/ethers-contracts/index.js";
import { wire } from "../helpers/suite.js";

const fresh = () => getAddress(hexlify(randomBytes(20)));
const LINE = "SUBSIDY-2027";

interface Run {
  out: string;
  err: string;
  code: number | string | undefined;
}

describe("subsidies tasks", function () {
  let hre: HardhatRuntimeEnvironment;
  let dir: string;
  let subsidies: SubsidyDisbursement;
  let values: Array<{ beneficiary: string; amount: bigint }>;
  let tree: string;

  /** Runs a task as the CLI does, capturing what it prints and the exit code it sets. */
  async function run(name: string, args: Record<string, string> = {}): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (...a: unknown[]) => void out.push(a.join(" "));
    console.error = (...a: unknown[]) => void err.push(a.join(" "));
    process.exitCode = undefined;
    try {
      await hre.tasks.getTask(["subsidies", name]).run(args);
    } finally {
      console.log = log;
      console.error = error;
    }
    const code = process.exitCode;
    process.exitCode = undefined;
    return { out: out.join("\n"), err: err.join("\n"), code };
  }

  /** A task that must fail with one `Error: ...` line matching `message`. */
  async function fails(name: string, args: Record<string, string>, message: RegExp): Promise<void> {
    const result = await run(name, args);
    expect(result.code, result.out).to.equal(1);
    expect(result.err).to.match(/^Error: /);
    expect(result.err).to.match(message);
    expect(result.err).not.to.match(/\n\s+at /); // no stack trace
  }

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "subsidy-tasks-"));
    const ignition = join(dir, "ignition");
    hre = await createHardhatRuntimeEnvironment({
      ...config,
      paths: { ...config.paths, ignition },
    });
    const { ethers } = await hre.network.getOrCreate();
    const [deployer] = await ethers.getSigners();
    const manager = (await ethers.deployContract("AccessManager", [deployer.address])) as unknown as AccessManager;
    const token = await ethers.deployContract("TestStablecoin");
    const ledger = (await ethers.deployContract("BudgetLedger", [
      await manager.getAddress(),
      await token.getAddress(),
    ])) as unknown as BudgetLedger;
    subsidies = (await ethers.deployContract("SubsidyDisbursement", [
      await manager.getAddress(),
      await ledger.getAddress(),
    ])) as unknown as SubsidyDisbursement;
    await wire(manager, ledger as unknown as BaseContract, "BudgetLedger");
    await wire(manager, subsidies as unknown as BaseContract, "SubsidyDisbursement");
    await manager.grantRole(ROLES.LEDGER_CLIENT, await subsidies.getAddress(), 0);
    for (const role of [ROLES.BUDGET_OFFICER, ROLES.PROGRAM_MANAGER, ROLES.OUTCOME_VERIFIER]) {
      await manager.grantRole(role, deployer.address, 0);
    }
    const funds = 1_000_000n * 10n ** 6n;
    await token.mint(deployer.address, funds);
    await token.approve(await ledger.getAddress(), funds);
    await ledger.deposit(funds, encodeBytes32String("revenue"));
    await ledger.createLine(encodeBytes32String(LINE), 2027, funds, "Subsidies 2027");
    const deployments = join(ignition, "deployments", `chain-${(await ethers.provider.getNetwork()).chainId}`);
    mkdirSync(deployments, { recursive: true });
    writeFileSync(
      join(deployments, "deployed_addresses.json"),
      JSON.stringify({
        "CivicLedger#AccessManager": await manager.getAddress(),
        "CivicLedger#TestStablecoin": await token.getAddress(),
        "CivicLedger#BudgetLedger": await ledger.getAddress(),
        "CivicLedger#SubsidyDisbursement": await subsidies.getAddress(),
      }),
    );

    values = Array.from({ length: 7 }, (_, i) => ({ beneficiary: fresh(), amount: BigInt((i + 1) * 1_000_000) }));
    const csv = join(dir, "roster.csv");
    writeFileSync(csv, ["beneficiary,amount", ...values.map((v) => `${v.beneficiary},${v.amount}`)].join("\n"));
    tree = join(dir, "roster.json");
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe("build-roster and proof (no network)", function () {
    it("builds the tree file and prints the root (OpenZeppelin's) and the total", async function () {
      const result = await run("build-roster", { csv: join(dir, "roster.csv"), out: tree });
      expect(result.code).to.equal(undefined);
      const oz = StandardMerkleTree.of(
        values.map((v, i) => [i, v.beneficiary, v.amount]),
        ["uint256", "address", "uint256"],
      );
      expect(result.out).to.include(`root:  ${oz.root}`);
      expect(result.out).to.include("total: 28000000");
    });

    it("refuses a bad CSV naming its lines, and writes nothing", async function () {
      const bad = join(dir, "bad.csv");
      writeFileSync(
        bad,
        `beneficiary,amount\n${values[0].beneficiary},1\nnot-an-address,2\n${values[0].beneficiary},0\n`,
      );
      await fails("build-roster", { csv: bad, out: join(dir, "bad.json") }, /line 3: .*not an address[\s\S]*line 4: /);
    });

    it("checks its options", async function () {
      await fails("build-roster", { csv: "", out: tree }, /--csv is required/);
      await fails("build-roster", { csv: join(dir, "missing.csv"), out: tree }, /does not exist/);
      await fails("build-roster", { csv: join(dir, "roster.csv"), out: join(dir, "x.txt") }, /must end in \.json/);
      await fails(
        "build-roster",
        { csv: join(dir, "roster.csv"), out: join(dir, "no-such-folder", "r.json") },
        /--out: the folder .*no-such-folder does not exist/,
      );
      await fails("build-roster", { csv: dir, out: tree }, /--csv: .* does not exist/);
    });

    it("shows a claim and its proof by index or beneficiary", async function () {
      const byIndex = JSON.parse((await run("proof", { tree, index: "3" })).out);
      const byAddress = JSON.parse(
        (await run("proof", { tree, beneficiary: values[3].beneficiary.toLowerCase() })).out,
      );
      expect(byIndex).to.deep.equal(byAddress);
      expect(byIndex.amount).to.equal("4000000");
      expect(byIndex.proof.length).to.be.greaterThan(1);
    });

    it("checks its options", async function () {
      await fails("proof", { tree }, /either --index or --beneficiary/);
      await fails("proof", { tree, index: "1", beneficiary: fresh() }, /either --index or --beneficiary/);
      await fails("proof", { tree, index: "7" }, /--index: 7 is above 6/);
      await fails("proof", { tree, index: "one" }, /not a whole number/);
      await fails("proof", { tree, beneficiary: "0x12" }, /not a valid address/);
      await fails("proof", { tree, beneficiary: fresh() }, /is not listed/);
      await fails("proof", { tree: join(dir, "none.json"), index: "0" }, /--tree: .*does not exist/);
    });
  });

  describe("programmes", function () {
    it("creates a roster programme from the tree file (budget = total by default)", async function () {
      const result = await run("create-roster", { line: LINE, tree, closes: "+30d" });
      expect(result.err).to.equal("");
      expect(result.out).to.match(/Created roster programme 1: tx 0x[0-9a-f]+/);
      const p = await subsidies.getProgram(1n);
      expect(p.budget).to.equal(28_000_000n);
      expect(p.merkleRoot).to.equal(JSON.parse((await run("proof", { tree, index: "0" })).out).root);
    });

    it("refuses bad roster programme options before sending anything", async function () {
      await fails("create-roster", { line: LINE, tree }, /--closes is required/);
      await fails("create-roster", { line: LINE, tree, closes: "+1d", budget: "27" }, /below the roster's total 28\.0/);
      await fails("create-roster", { line: LINE, tree, closes: "2001-01-01T00:00:00Z" }, /is in the past/);
      await fails("create-roster", { line: LINE, tree, opens: "+2d", closes: "+1d" }, /must be after --opens/);
      await fails("create-roster", { line: "NOPE", tree, closes: "+1d" }, /no budget line "NOPE"/);
      await fails("create-roster", { line: LINE, tree, closes: "soon" }, /is not a time/);
      await fails(
        "create-roster",
        { line: LINE, tree, closes: "+1d", signer: "5" },
        /does not hold PROGRAM_MANAGER. Grant it with: npx hardhat roles grant --role PROGRAM_MANAGER/,
      );
      expect(await subsidies.programCount()).to.equal(1n);
    });

    it("refuses a roster that lists the SubsidyDisbursement contract itself", async function () {
      const self = join(dir, "self.csv");
      writeFileSync(self, `beneficiary,amount\n${fresh()},5\n${await subsidies.getAddress()},5\n`);
      await run("build-roster", { csv: self, out: join(dir, "self.json") });
      await fails(
        "create-roster",
        { line: LINE, tree: join(dir, "self.json"), closes: "+1d" },
        /index 1 lists the SubsidyDisbursement contract .* itself/,
      );
      expect(await subsidies.programCount()).to.equal(1n);
    });

    it("creates an outcome programme and checks its options", async function () {
      const result = await run("create-outcome", { line: LINE, budget: "100", rate: "2.5", cap: "10", closes: "+30d" });
      expect(result.out).to.match(/Created outcome programme 2/);
      const p = await subsidies.getProgram(2n);
      expect([p.kind, p.budget, p.ratePerUnit, p.capPerBeneficiary]).to.deep.equal([
        1n,
        100_000_000n,
        2_500_000n,
        10_000_000n,
      ]);
      await fails(
        "create-outcome",
        { line: LINE, budget: "100", rate: "0", closes: "+1d" },
        /--rate must be greater than 0/,
      );
      await fails(
        "create-outcome",
        { line: LINE, budget: "100", rate: "1.0000001", closes: "+1d" },
        /more than 6 decimals/,
      );
      await fails("create-outcome", { line: LINE, rate: "1", closes: "+1d" }, /--budget is required/);
      await fails(
        "create-outcome",
        { line: LINE, budget: "10000000", rate: "1", closes: "+1d" },
        /less than the budget/,
      );
    });

    it("shows one programme or all", async function () {
      const all = await run("show");
      expect(all.out).to.match(/1\s+roster\s+open\s+SUBSIDY-2027\s+28\.0/);
      expect(all.out).to.match(/2\s+outcome\s+open/);
      expect((await run("show", { program: "2" })).out).not.to.match(/roster/);
      await fails("show", { program: "9" }, /no programme 9 \(ids are 1\.\.2\)/);
      await fails("show", { program: "0" }, /--program: 0 is below 1/);
    });
  });

  describe("claims", function () {
    it("claims one entry by beneficiary, then refuses it again", async function () {
      const result = await run("claim", { program: "1", tree, beneficiary: values[0].beneficiary });
      expect(result.out).to.match(/Paid 1\.0 to 0x[0-9a-fA-F]{40} \(index 0\)/);
      expect(await subsidies.isClaimed(1n, 0)).to.equal(true);
      await fails("claim", { program: "1", tree, index: "0" }, /index 0 of programme 1 was claimed already/);
    });

    it("checks the programme and the tree file", async function () {
      await fails(
        "claim",
        { program: "2", tree, index: "1" },
        /programme 2 is an outcome programme, not a roster programme/,
      );
      await fails("claim", { program: "3", tree, index: "1" }, /no programme 3/);
      const other = join(dir, "other.csv");
      writeFileSync(other, `beneficiary,amount\n${fresh()},5\n`);
      await run("build-roster", { csv: other, out: join(dir, "other.json") });
      await fails("claim", { program: "1", tree: join(dir, "other.json"), index: "0" }, /is not programme 1's root/);
    });

    it("blocks an entry, then claim-batch pays the rest in chunks and skips what is settled", async function () {
      expect((await run("block", { program: "1", index: "2", reason: "deceased" })).code).to.equal(undefined);
      await fails("block", { program: "1", index: "2", reason: "again" }, /blocked already/);
      await fails("block", { program: "1", index: "3" }, /--reason is required/);
      await fails("claim-batch", { program: "1", tree, chunk: "0" }, /--chunk: 0 is below 1/);
      await fails("claim-batch", { program: "1", tree, chunk: "251" }, /--chunk: 251 is above 250/);
      await fails("claim-batch", { program: "1", tree, from: "4", to: "2" }, /--to 2 is below --from 4/);
      const result = await run("claim-batch", { program: "1", tree, chunk: "3" });
      expect(result.err).to.equal("");
      expect(result.out).to.match(/indices 0-2: sent 1 \(2\.0\), skipped 2/);
      expect(result.out).to.match(/indices 3-5: sent 3/);
      expect(result.out).not.to.match(/refused/);
      expect(result.out).to.match(/Done: 5 claims paid, 2 skipped/);
      for (const i of [1, 3, 4, 5, 6]) expect(await subsidies.isClaimed(1n, i)).to.equal(true);
      expect(await subsidies.isBlocked(1n, 2)).to.equal(true);
    });

    it("records an outcome and checks its options", async function () {
      const b = fresh();
      const result = await run("record-outcome", {
        program: "2",
        beneficiary: b,
        quantity: "3",
        evidence: "yield record",
      });
      expect(result.out).to.match(/Paid 7\.5; 0x[0-9a-fA-F]{40} has received 7\.5 in all/);
      await fails(
        "record-outcome",
        { program: "2", beneficiary: b, quantity: "0", evidence: "x" },
        /--quantity: 0 is below 1/,
      );
      await fails(
        "record-outcome",
        { program: "1", beneficiary: b, quantity: "1", evidence: "x" },
        /is a roster programme, not an outcome programme/,
      );
      await fails("record-outcome", { program: "2", beneficiary: b, quantity: "1" }, /--evidence is required/);
      await fails(
        "record-outcome",
        { program: "2", beneficiary: b, quantity: "1", evidence: "x", signer: "4" },
        /does not hold OUTCOME_VERIFIER/,
      );
    });

    it("sweeps tokens sent to the contract by mistake to the ledger", async function () {
      const { ethers } = await hre.network.getOrCreate();
      await fails("sweep", {}, /nothing to sweep/);
      const token = await ethers.getContractAt("TestStablecoin", await subsidies.token());
      await token.mint(await subsidies.getAddress(), 2_500_000n);
      const result = await run("sweep");
      expect(result.err).to.equal("");
      expect(result.out).to.match(/Swept 2\.5 to the ledger: tx 0x/);
      await fails("sweep", {}, /nothing to sweep/);
    });

    it("closes: only a PROGRAM_MANAGER before closesAt; the rest returns to the line", async function () {
      await fails("close", { program: "1", signer: "3" }, /before then only a PROGRAM_MANAGER may close it/);
      const result = await run("close", { program: "1" });
      expect(result.out).to.match(/Closed programme 1/);
      expect(result.out).to.match(/3\.0 returned to SUBSIDY-2027/);
      await fails("close", { program: "1" }, /closed already/);
      await fails("claim", { program: "1", tree, index: "2" }, /programme 1 is closed/);
    });
  });
});
