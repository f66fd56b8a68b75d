/**
 * The budget tasks in-process (test/tasks/harness.ts): each task's happy path, and bad input
 * ending in one clear `Error: ...` line: malformed addresses and amounts, unknown lines, a
 * missing role named, a network without a deployment.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { encodeBytes32String, getAddress, hexlify, randomBytes } from "ethers";

import { ROLES } from "../../scripts/lib/roles.js";
import { deployForTasks, expectClearError, runTask, runtimeWithIgnition, type TaskHarness } from "./harness.js";

const U = 1_000_000n; // TestStablecoin has 6 decimals
const ROADS = encodeBytes32String("ROADS-2027");
const fresh = () => getAddress(hexlify(randomBytes(20)));

describe("budget tasks", function () {
  let h: TaskHarness;
  let finance: string;
  const supplier = fresh();
  const budget = (name: string, args: Record<string, string> = {}) => h.ok(["budget", name], args);
  const fails = (name: string, args: Record<string, string>, message: RegExp) =>
    h.fails(["budget", name], args, message);

  before(async function () {
    h = await deployForTasks();
    finance = h.signers[1].address;
    await h.manager.grantRole(ROLES.BUDGET_OFFICER, finance, 0);
  });

  after(() => h.close());

  describe("happy paths", function () {
    it("faucet and deposit: the treasury's cash comes in (the ledger is approved first)", async function () {
      expect(await budget("faucet", { to: h.signers[0].address, amount: "1000000" })).to.match(/Minted 1000000\.0 to/);
      const out = await budget("deposit", { amount: "900000", ref: "TAX-Q1" });
      expect(out).to.match(/Approved the ledger: tx 0x/);
      expect(out).to.match(/Deposited 900000\.0: tx 0x[0-9a-f]{64} \(block \d+, gas \d+\)/);
      expect(await h.ledger.unallocated()).to.equal(900_000n * U);
    });

    it("create-line, increase, decrease, reallocate (BUDGET_OFFICER)", async function () {
      const signer = "1";
      expect(
        await budget("create-line", { line: "ROADS-2027", year: "2027", amount: "600000", label: "Roads", signer }),
      ).to.match(/Created line ROADS-2027 \(2027, 600000\.0 appropriated\)/);
      await budget("create-line", { line: "SCHOOLS-2027", year: "2027", amount: "100000", label: "Schools", signer });
      expect(await budget("increase", { line: "SCHOOLS-2027", amount: "50000", signer })).to.match(
        /Appropriation of SCHOOLS-2027: 100000\.0 -> 150000\.0/,
      );
      expect(await budget("decrease", { line: "SCHOOLS-2027", amount: "25000.5", signer })).to.match(
        /Appropriation of SCHOOLS-2027: 150000\.0 -> 124999\.5/,
      );
      expect(
        await budget("reallocate", { from: "ROADS-2027", to: "SCHOOLS-2027", amount: "0.5", reason: "roofs", signer }),
      ).to.match(/Reallocated 0\.5 from ROADS-2027 to SCHOOLS-2027/);
      expect((await h.ledger.getLine(encodeBytes32String("SCHOOLS-2027"))).appropriated).to.equal(125_000n * U);
    });

    it("pay and withdraw", async function () {
      expect(
        await budget("pay", { line: "ROADS-2027", payee: supplier, amount: "1200.5", ref: "INV-1", signer: "1" }),
      ).to.match(new RegExp(`Paid 1200\\.5 to ${supplier} from ROADS-2027`));
      expect(await h.token.balanceOf(supplier)).to.equal(1_200_500_000n);
      expect(await budget("withdraw", { to: supplier, amount: "1", ref: "refund" })).to.match(/Withdrew 1\.0 to/);
    });

    it("lines shows every line in token units, and the unallocated cash", async function () {
      const out = await budget("lines");
      expect(out).to.match(/ROADS-2027\s+2027\s+Roads\s+599999\.5\s+0\.0\s+1200\.5\s+598799\.0\s+open/);
      expect(out).to.match(/SCHOOLS-2027\s+2027\s+Schools\s+125000\.0\s+0\.0\s+0\.0\s+125000\.0\s+open/);
      expect(out).to.include(`Unallocated cash: ${Number(900_000 - 600_000 - 125_000 + 0.5 - 1)}`);
    });

    it("close: the available rest lapses", async function () {
      expect(await budget("close", { line: "ROADS-2027", signer: "1" })).to.match(
        /Closed ROADS-2027: tx[\s\S]*598799\.0 lapsed to unallocated cash; 0\.0 committed stays spendable/,
      );
      expect((await h.ledger.getLine(ROADS)).closed).to.equal(true);
    });
  });

  describe("bad input", function () {
    it("refuses missing and malformed options", async function () {
      const signer = "1";
      const line = { line: "X-1", year: "2027", label: "X", signer };
      await fails("create-line", { ...line, line: "" }, /--line is required/);
      await fails("create-line", { ...line, year: "" }, /--year is required/);
      await fails("create-line", { ...line, label: " " }, /--label is required/);
      await fails("create-line", { ...line, year: "20x7" }, /--year: "20x7" is not a whole number/);
      await fails("create-line", { ...line, year: "70000" }, /--year: 70000 is above 65535/);
      await fails("create-line", { ...line, amount: "1,5" }, /--amount: "1,5" is not an amount/);
      await fails("create-line", { ...line, amount: "-3" }, /--amount: "-3" is not an amount/);
      await fails("create-line", { ...line, amount: "0.0000001" }, /--amount: "0\.0000001" has more than 6 decimals/);
      await fails("create-line", { ...line, line: "A-VERY-LONG-BUDGET-LINE-NAME-2027-X" }, /longer than 31 bytes/);
      await fails("create-line", { ...line, line: "0x1234" }, /--line: "0x1234" is not 32 bytes of hex/);
      await fails("increase", { line: "SCHOOLS-2027", amount: "0", signer }, /--amount must be greater than 0/);
      await fails("deposit", { amount: "" }, /--amount is required/);
      await fails(
        "pay",
        { line: "SCHOOLS-2027", payee: "0x1234", amount: "1", ref: "X", signer },
        /--payee: "0x1234" is not a valid address/,
      );
      await fails("faucet", { to: "alice", amount: "1" }, /--to: "alice" is not a valid address/);
      await fails(
        "reallocate",
        { from: "SCHOOLS-2027", to: "SCHOOLS-2027", amount: "1", signer },
        /--from and --to are the same line/,
      );
    });

    it("refuses unknown, existing and closed lines", async function () {
      const signer = "1";
      await fails(
        "increase",
        { line: "NOPE", amount: "1", signer },
        /--line: no budget line "NOPE" \(see npx hardhat budget lines\)/,
      );
      await fails(
        "reallocate",
        { from: "SCHOOLS-2027", to: "NOPE", amount: "1", signer },
        /--to: no budget line "NOPE"/,
      );
      await fails(
        "create-line",
        { line: "SCHOOLS-2027", year: "2027", label: "again", signer },
        /--line: budget line "SCHOOLS-2027" exists already/,
      );
      await fails(
        "pay",
        { line: "ROADS-2027", payee: supplier, amount: "1", ref: "X", signer },
        /--line: budget line "ROADS-2027" is closed/,
      );
      await fails("close", { line: "ROADS-2027", signer }, /is closed already/);
    });

    it("names the role a refused call needs", async function () {
      await fails(
        "pay",
        { line: "SCHOOLS-2027", payee: supplier, amount: "1", ref: "X", signer: "2" },
        new RegExp(
          `AccessManagedUnauthorized\\(${h.signers[2].address}\\): ${h.signers[2].address} does not hold BUDGET_OFFICER \\(role 1\\), ` +
            `which BudgetLedger\\.pay\\(bytes32,address,uint256,bytes32\\) needs\\. An ADMIN grants it with: ` +
            `npx hardhat roles grant --role BUDGET_OFFICER --account ${h.signers[2].address}`,
        ),
      );
      await fails(
        "withdraw",
        { to: supplier, amount: "1", signer: "1" },
        /does not hold ADMIN \(role 0\), which BudgetLedger\.withdrawUnallocated\(address,uint256,bytes32\) needs/,
      );
    });

    it("decodes the ledger's refusals with their values", async function () {
      await fails(
        "pay",
        { line: "SCHOOLS-2027", payee: supplier, amount: "9999999", ref: "X", signer: "1" },
        /the transaction was refused: Ledger_InsufficientAvailable\("SCHOOLS-2027", 125000000000, 9999999000000\)/,
      );
      await fails("withdraw", { to: supplier, amount: "9999999" }, /Ledger_InsufficientUnallocated\(/);
      await fails("deposit", { amount: "99999999", signer: "3" }, /holds 0\.0 tokens, less than 99999999\.0/);
    });

    it("refuses an unknown signer", async function () {
      await fails("lines", { signer: "99" }, /--signer: account #99 does not exist \(20 accounts\)/);
      await fails("lines", { signer: fresh() }, /--signer: 0x[0-9a-fA-F]{40} is not an account of this network/);
      await fails("lines", { signer: "finance" }, /--signer: "finance" is not a valid address/);
    });

    it("refuses a network without a deployment, and a deployment whose contracts are not there", async function () {
      const dir = mkdtempSync(join(tmpdir(), "civic-nodeploy-"));
      try {
        const empty = await runtimeWithIgnition(join(dir, "none"));
        expectClearError(
          await runTask(empty, ["budget", "lines"]),
          /No civic-ledger deployment for chain 31337 \(.*deployed_addresses\.json is missing\)\. Deploy first: npx hardhat ignition deploy/,
          "no deployment",
        );
        const stale = join(dir, "stale", "deployments", "chain-31337");
        mkdirSync(stale, { recursive: true });
        writeFileSync(join(stale, "deployed_addresses.json"), JSON.stringify({ "CivicLedger#BudgetLedger": fresh() }));
        const restarted = await runtimeWithIgnition(join(dir, "stale"));
        expectClearError(
          await runTask(restarted, ["budget", "pay"], { line: "X", payee: supplier, amount: "1", ref: "X" }),
          /has no contract at the BudgetLedger address of .*: wrong network, or the node was restarted/,
          "stale deployment",
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
