/**
 * The permits tasks in-process: permit types, applications, checks by two agencies, issue,
 * verification by id and by document, suspension, renewal (at once and with rechecks),
 * rejection, withdrawal, revocation; and bad input ending in one clear line.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { ROLES } from "../../scripts/lib/roles.js";
import { deployForTasks, type TaskHarness } from "./harness.js";

const U = 1_000_000n;

describe("permits tasks", function () {
  let h: TaskHarness;
  let applicant: string;
  let doc: (name: string, text?: string) => string;
  const permits = (name: string, args: Record<string, string> = {}) => h.ok(["permits", name], args);
  const fails = (name: string, args: Record<string, string>, message: RegExp) =>
    h.fails(["permits", name], args, message);
  const OFFICER = "5";
  const FIRE = "6"; // holds check role 100
  const HEALTH = "7"; // holds check role 101
  const APPLICANT = "10";

  before(async function () {
    h = await deployForTasks();
    applicant = h.signers[10].address;
    await h.manager.grantRole(ROLES.PERMIT_OFFICER, h.signers[5].address, 0);
    await h.manager.grantRole(100n, h.signers[6].address, 0);
    await h.manager.grantRole(101n, h.signers[7].address, 0);
    await h.manager.grantRole(100n, applicant, 0); // an applicant who is also an agent of a check role
    await h.token.mint(applicant, 1_000n * U);
    const docs = join(h.dir, "docs");
    mkdirSync(docs);
    doc = (name, text = `${name} contents`) => {
      const path = join(docs, name);
      writeFileSync(path, text);
      return path;
    };
  });
  after(() => h.close());

  describe("a licence with two checks, from application to renewal", function () {
    it("defines permit types and lists them", async function () {
      expect(
        await permits("define-type", {
          name: "Restaurant licence",
          fee: "50",
          validity: "1y",
          checks: "100,101",
          signer: OFFICER,
        }),
      ).to.match(/Permit type 1: "Restaurant licence", fee 50\.0, valid 1y, checks 100, 101$/m);
      expect(await permits("define-type", { name: "Market stall", validity: "30d", signer: OFFICER })).to.match(
        /Permit type 2: "Market stall", fee 0\.0, valid 30d, checks none \(issued at once\)/,
      );
      expect(
        await permits("define-type", {
          name: "Building permit",
          fee: "10",
          validity: "2y",
          checks: "100",
          recheck: "true",
          signer: OFFICER,
        }),
      ).to.match(/Permit type 3: .*checked again on renewal/);
      const list = await permits("types");
      expect(list).to.match(/1\s+Restaurant licence\s+50\.0\s+1y\s+100 101\s+at once\s+yes/);
      expect(list).to.match(/2\s+Market stall\s+0\.0\s+30d\s+none\s+at once\s+yes/);
      expect(list).to.match(/3\s+Building permit\s+10\.0\s+2y\s+100\s+rechecked\s+yes/);
    });

    it("applies with a document file (fee approved first), then shows the application", async function () {
      const out = await permits("apply", { type: "1", document: doc("restaurant.pdf"), signer: APPLICANT });
      expect(out).to.match(/Approved the fee of 50\.0: tx/);
      expect(out).to.match(/Application 1: document 0x[0-9a-f]{64}, fee 50\.0/);
      expect(out).to.match(/Waiting for checks 100, 101/);
      const shown = await permits("show", { application: "1" });
      expect(shown).to.match(/^Application 1: Pending$/m);
      expect(shown).to.match(/type\s+1 "Restaurant licence"/);
      expect(shown).to.match(/checks\s+0 of 2 passed/);
      expect(shown).to.match(/check 100\s+not passed/);
    });

    it("two agencies record their checks: the last one issues the permit", async function () {
      expect(
        await permits("check", {
          application: "1",
          role: "100",
          passed: "true",
          evidence: "fire report 17",
          signer: FIRE,
        }),
      ).to.match(/Check 100 on application 1: passed: tx[\s\S]*1 of 2 checks passed/);
      expect(
        await permits("check", {
          application: "1",
          role: "101",
          passed: "yes",
          evidence: doc("health.txt"),
          signer: HEALTH,
        }),
      ).to.match(/All checks passed: permit 1 issued, valid until \d{4}-/);
      expect((await h.permits.getPermit(1n)).holder).to.equal(applicant);
      expect(await permits("show", { application: "1" })).to.match(/Application 1: Approved[\s\S]*permit\s+1/);
    });

    it("verifies by id and by document", async function () {
      const byId = await permits("verify", { permit: "1" });
      expect(byId).to.match(/^Permit 1: VALID \(Active\)$/m);
      expect(byId).to.match(/holder\s+0x\w{40}/);
      expect(byId).to.match(/expires\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      const byDocument = await permits("verify", { document: join(h.dir, "docs", "restaurant.pdf") });
      expect(byDocument).to.equal(byId);
    });

    it("suspends (not valid, cannot be renewed), reinstates, renews at once", async function () {
      expect(await permits("suspend", { permit: "1", reason: "hygiene complaint", signer: OFFICER })).to.match(
        /Permit 1 suspended: tx[\s\S]*Permit 1 is now Suspended/,
      );
      expect(await permits("verify", { permit: "1" })).to.match(/Permit 1: NOT VALID \(Suspended\)/);
      await fails(
        "renew",
        { permit: "1", signer: APPLICANT },
        /Permit_InvalidPermitStatus\(1, 2, 0x0{62}12\): permit 1 is Suspended; this needs Active or Expired/,
      );
      expect(await permits("reinstate", { permit: "1", signer: OFFICER })).to.match(/Permit 1 is now Active/);
      const before = (await h.permits.getPermit(1n)).expiresAt;
      expect(await permits("renew", { permit: "1", signer: APPLICANT })).to.match(/Permit 1 renewed until \d{4}-/);
      expect((await h.permits.getPermit(1n)).expiresAt).to.equal(before + 365n * 86_400n);
    });

    it("a type without checks issues at once; a revoked permit is not valid", async function () {
      expect(await permits("apply", { type: "2", document: "stall 14, north market", signer: APPLICANT })).to.match(
        /Permit 2 issued at once \(the type needs no checks\)/,
      );
      expect(await permits("revoke", { permit: "2", reason: "text:fraud.pdf", signer: OFFICER })).to.match(
        /Permit 2 is now Revoked/,
      );
      expect(await permits("verify", { document: "stall 14, north market" })).to.match(
        /Permit 2: NOT VALID \(Revoked\)/,
      );
    });

    it("a renewal with rechecks opens an application that extends the same permit", async function () {
      await permits("apply", { type: "3", document: doc("house.dwg"), signer: APPLICANT }); // application 3
      expect(
        await permits("check", { application: "3", role: "100", passed: "true", evidence: "ok", signer: FIRE }),
      ).to.match(/permit 3 issued/);
      expect(await permits("renew", { permit: "3", signer: APPLICANT })).to.match(
        /Renewal application 4 opened; it needs checks 100 again/,
      );
      expect(await permits("show", { application: "4" })).to.match(/Application 4: Pending \(renewal of permit 3\)/);
      expect(
        await permits("check", { application: "4", role: "100", passed: "true", evidence: "ok", signer: FIRE }),
      ).to.match(/All checks passed: permit 3 renewed until \d{4}-/);
    });

    it("a failing check rejects and refunds; an applicant withdraws and is refunded", async function () {
      const balance = await h.token.balanceOf(applicant);
      await permits("apply", { type: "1", document: doc("cafe.pdf"), signer: APPLICANT }); // 5
      expect(
        await permits("check", { application: "5", role: "100", passed: "false", evidence: "no exits", signer: FIRE }),
      ).to.match(/Application 5 is rejected and its fee of 50\.0 refunded/);
      await permits("apply", { type: "1", document: doc("bar.pdf"), signer: APPLICANT }); // 6
      expect(await permits("withdraw", { application: "6", signer: APPLICANT })).to.match(
        /Withdrew application 6: tx[\s\S]*Fee of 50\.0 refunded to/,
      );
      expect(await h.token.balanceOf(applicant)).to.equal(balance);
      // a rejected application frees its document
      expect(
        await permits("apply", { type: "1", document: join(h.dir, "docs", "cafe.pdf"), signer: APPLICANT }),
      ).to.match(/Application 7/);
    });
  });

  describe("bad input", function () {
    it("define-type and set-active", async function () {
      const base = { name: "Kiosk", validity: "1y", signer: OFFICER };
      await fails("define-type", { ...base, name: "" }, /--name is required/);
      await fails("define-type", { ...base, validity: "" }, /--validity is required/);
      await fails("define-type", { ...base, validity: "0" }, /--validity must be greater than 0/);
      await fails("define-type", { ...base, validity: "forever" }, /--validity: "forever" is not a duration/);
      await fails("define-type", { ...base, checks: "100,100" }, /--checks: check role 100 is listed twice/);
      await fails("define-type", { ...base, checks: "7" }, /--checks: 7 is below 100/);
      await fails("define-type", { ...base, checks: "100,fire" }, /--checks: "fire" is not a whole number/);
      await fails(
        "define-type",
        { ...base, checks: Array.from({ length: 17 }, (_, i) => 100 + i).join(",") },
        /--checks: 17 checks, at most 16/,
      );
      await fails("define-type", { ...base, fee: "ten" }, /--fee: "ten" is not an amount/);
      await fails("define-type", { ...base, recheck: "maybe" }, /--recheck: "maybe" is not true\/false/);
      await fails("define-type", { ...base, name: "x".repeat(65) }, /Permit_InvalidTypeName\(65, 64\)/);
      await fails(
        "define-type",
        { ...base, signer: APPLICANT },
        /does not hold PERMIT_OFFICER \(role 4\), which PermitRegistry\.definePermitType\(string,uint256,uint64,uint64\[\],bool\) needs/,
      );
      await fails(
        "set-active",
        { type: "99", active: "false", signer: OFFICER },
        /--type: no permit type 99 \(ids are 1\.\.3\)/,
      );
      await fails("set-active", { type: "1", active: "off", signer: OFFICER }, /--active: "off" is not true\/false/);
      await fails("set-active", { type: "1", active: "false" }, /does not hold PERMIT_OFFICER \(role 4\)/);
    });

    it("apply", async function () {
      await fails("apply", { type: "0", document: "x", signer: APPLICANT }, /--type: 0 is below 1/);
      await fails("apply", { type: "9", document: "x", signer: APPLICANT }, /--type: no permit type 9/);
      await fails("apply", { type: "1", document: "", signer: APPLICANT }, /--document is required/);
      await fails(
        "apply",
        { type: "1", document: "plans/missing.pdf", signer: APPLICANT },
        /--document: there is no file "plans\/missing\.pdf" \(to record the hash of that text itself, write text:plans\/missing\.pdf\)/,
      );
      await fails(
        "apply",
        { type: "1", document: "0x1234", signer: APPLICANT },
        /--document: "0x1234" is not 32 bytes of hex/,
      );
      await fails(
        "apply",
        { type: "1", document: join(h.dir, "docs", "restaurant.pdf"), signer: APPLICANT },
        /--document: 0x[0-9a-f]{64} already backs application 1/,
      );
      await fails("apply", { type: "1", document: "a new cafe", signer: "11" }, /The fee is 50\.0; 0x\w+ holds 0\.0/);
      await permits("set-active", { type: "2", active: "false", signer: OFFICER });
      await fails(
        "apply",
        { type: "2", document: "stall 15", signer: APPLICANT },
        /--type: permit type 2 \("Market stall"\) is not active/,
      );
    });

    it("check", async function () {
      // application 7 (type 1, checks 100 and 101) is pending
      const base = { application: "7", role: "101", passed: "true", evidence: "ok", signer: HEALTH };
      await fails("check", { ...base, application: "70" }, /--application: no application 70 \(ids are 1\.\.7\)/);
      await fails("check", { ...base, application: "one" }, /--application: "one" is not a whole number/);
      await fails(
        "check",
        { ...base, role: "102" },
        /--role: 102 is not a check of permit type 1 \("Restaurant licence"\), whose checks are 100, 101/,
      );
      await fails("check", { ...base, role: "5" }, /--role: 5 is below 100/);
      await fails("check", { ...base, passed: "perhaps" }, /--passed: "perhaps" is not true\/false/);
      await fails("check", { ...base, evidence: "" }, /--evidence is required/);
      await fails(
        "check",
        { ...base, signer: FIRE },
        /0x\w+ does not hold check role 101, which this check needs\. An ADMIN grants it with: npx hardhat roles grant --role 101 --account 0x\w+/,
      );
      await fails(
        "check",
        { ...base, role: "100", signer: APPLICANT },
        /is the applicant of application 7 and may not check it/,
      );
      await fails("check", { ...base, application: "1" }, /application 1 is Approved, no longer Pending \(permit 1\)/);
      await permits("check", { ...base, role: "100", signer: FIRE });
      await fails("check", { ...base, role: "100", signer: FIRE }, /check 100 is recorded already on application 7/);
    });

    it("withdraw, renew, suspend, verify, show", async function () {
      await fails(
        "withdraw",
        { application: "7", signer: FIRE },
        /only the applicant 0x\w+ may withdraw application 7/,
      );
      await fails("withdraw", { application: "5", signer: APPLICANT }, /application 5 is Rejected, no longer Pending/);
      await fails("renew", { permit: "1", signer: FIRE }, /only the holder 0x\w+ may renew permit 1/);
      await fails("renew", { permit: "12", signer: APPLICANT }, /--permit: no permit 12 \(ids are 1\.\.3\)/);
      await fails("suspend", { permit: "1", reason: "", signer: OFFICER }, /--reason is required/);
      await fails(
        "suspend",
        { permit: "2", reason: "again", signer: OFFICER },
        /permit 2 is Revoked; this needs Active or Expired/,
      );
      await fails("reinstate", { permit: "1", signer: OFFICER }, /permit 1 is Active; this needs Suspended/);
      await fails(
        "revoke",
        { permit: "1", reason: "x" },
        /does not hold PERMIT_OFFICER \(role 4\), which PermitRegistry\.revoke\(uint256,bytes32\) needs/,
      );
      await fails("verify", {}, /give either --permit <id> or --document/);
      await fails("verify", { permit: "1", document: "x" }, /give either --permit <id> or --document/);
      await fails("verify", { permit: "0" }, /--permit: 0 is below 1/);
      await fails("verify", { document: "never applied" }, /no permit was issued for document 0x[0-9a-f]{64}/);
      await fails(
        "verify",
        { document: join(h.dir, "docs", "cafe.pdf") },
        /no permit for document 0x[0-9a-f]{64} yet: application 7 is still pending/,
      );
      await fails("show", { application: "8" }, /--application: no application 8 \(ids are 1\.\.7\)/);
      await fails("claim-refund", { signer: APPLICANT }, /is owed no refund/);
    });

    it("a deployment without a PermitRegistry", async function () {
      const file = join(h.dir, "ignition", "deployments", "chain-31337", "deployed_addresses.json");
      const full = readFileSync(file, "utf8");
      const { "CivicLedger#PermitRegistry": _, ...rest } = JSON.parse(full) as Record<string, string>;
      writeFileSync(file, JSON.stringify(rest));
      try {
        await fails("types", {}, /The deployment \(.*deployed_addresses\.json\) has no PermitRegistry/);
      } finally {
        writeFileSync(file, full);
      }
    });
  });
});
