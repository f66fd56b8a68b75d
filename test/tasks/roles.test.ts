/**
 * The roles tasks in-process: grant (several accounts, execution delays), revoke, list, and the
 * handover of ADMIN to a multisig, which never leaves the AccessManager without an ADMIN, with
 * and without a grant delay on ADMIN.
 */
import { expect } from "chai";
import { ZeroAddress, getAddress, hexlify, randomBytes } from "ethers";

import { ROLES } from "../../scripts/lib/roles.js";
import { deployForTasks, type TaskHarness } from "./harness.js";

const fresh = () => getAddress(hexlify(randomBytes(20)));
const DAY = 86_400;

describe("roles tasks", function () {
  describe("grant, revoke, list", function () {
    let h: TaskHarness;
    const roles = (name: string, args: Record<string, string> = {}) => h.ok(["roles", name], args);
    const fails = (name: string, args: Record<string, string>, message: RegExp) =>
      h.fails(["roles", name], args, message);

    before(async function () {
      h = await deployForTasks();
    });
    after(() => h.close());

    it("grants a role, and says so when the account holds it already", async function () {
      const finance = h.signers[1].address;
      expect(await roles("grant", { role: "budget_officer", account: finance })).to.match(
        new RegExp(`Granted BUDGET_OFFICER \\(role 1\\) to ${finance}: tx 0x`),
      );
      expect((await h.manager.hasRole(ROLES.BUDGET_OFFICER, finance))[0]).to.equal(true);
      expect(await roles("grant", { role: "BUDGET_OFFICER", account: finance })).to.equal(
        `${finance} holds BUDGET_OFFICER (role 1) already`,
      );
    });

    it("grants one role to several accounts, a check role, and an execution delay", async function () {
      const [a, b] = [h.signers[3].address, h.signers[4].address];
      const out = await roles("grant", { role: "INSPECTOR", account: `${a}, ${b.toLowerCase()}` });
      expect(out.match(/Granted INSPECTOR \(role 3\)/g)).to.have.length(2);
      await roles("grant", { role: "100", account: h.signers[6].address });
      expect((await h.manager.hasRole(100n, h.signers[6].address))[0]).to.equal(true);
      await roles("grant", { role: "GUARDIAN", account: h.signers[7].address, delay: "2d" });
      expect(await h.manager.hasRole(ROLES.GUARDIAN, h.signers[7].address)).to.deep.equal([true, 2n * 86_400n]);
    });

    it("lists the holders of every role, names the suite's contracts, and of one role", async function () {
      const all = await roles("list");
      expect(all).to.include(`ADMIN (0): ${h.signers[0].address}`);
      expect(all).to.include(`BUDGET_OFFICER (1): ${h.signers[1].address}`);
      expect(all).to.include(`INSPECTOR (3): ${h.signers[3].address}, ${h.signers[4].address}`);
      expect(all).to.include(`GUARDIAN (7): ${h.signers[7].address} [execution delay 172800 s]`);
      expect(all).to.match(
        /LEDGER_CLIENT \(8\): 0x\w{40} \(PermitRegistry\), 0x\w{40} \(ProcurementEscrow\), 0x\w{40} \(SubsidyDisbursement\)/,
      );
      expect(all).to.include(`check role 100 (100): ${h.signers[6].address}`);
      expect(await roles("list", { role: "PERMIT_OFFICER" })).to.equal("PERMIT_OFFICER (4): nobody");
    });

    it("revokes a role; refuses to revoke what is not held, or the last ADMIN", async function () {
      const b = h.signers[4].address;
      expect(await roles("revoke", { role: "INSPECTOR", account: b })).to.match(/Revoked INSPECTOR \(role 3\) from/);
      expect(await roles("list", { role: "3" })).to.equal(`INSPECTOR (3): ${h.signers[3].address}`);
      await fails(
        "revoke",
        { role: "INSPECTOR", account: b },
        /does not hold INSPECTOR \(role 3\) \(nor a pending grant of it\)/,
      );
      await fails(
        "revoke",
        { role: "ADMIN", account: h.signers[0].address },
        /Refusing to revoke ADMIN from 0x\w+: no other account would hold ADMIN/,
      );
    });

    it("refuses bad roles, accounts and delays, and a signer that is not ADMIN", async function () {
      const account = fresh();
      await fails(
        "grant",
        { role: "MAYOR", account },
        /--role: "MAYOR" is not a role \(one of ADMIN, BUDGET_OFFICER, .*, or a check role id 100\.\.18446744073709551614\)/,
      );
      await fails("grant", { role: "42", account }, /--role: "42" is not a role/);
      await fails("grant", { role: "", account }, /--role is required/);
      await fails("grant", { role: "GUARDIAN", account: "0xabc" }, /--account: "0xabc" is not a valid address/);
      await fails(
        "grant",
        { role: "GUARDIAN", account: `${account},${account.toLowerCase()}` },
        /--account: 0x\w+ is listed twice/,
      );
      await fails("grant", { role: "GUARDIAN", account, delay: "soon" }, /--delay: "soon" is not a duration/);
      await fails(
        "grant",
        { role: "GUARDIAN", account, delay: "200y" },
        /--delay: \d+ s is above the AccessManager's 4294967295 s/,
      );
      await fails(
        "grant",
        { role: "GUARDIAN", account, signer: "1" },
        /0x\w+ does not hold ADMIN \(role 0\), which granting and revoking GUARDIAN \(role 7\) needs/,
      );
      await fails("list", { role: "nobody" }, /--role: "nobody" is not a role/);
    });
  });

  describe("handover of ADMIN", function () {
    it("grants ADMIN to the multisig and renounces the signer's; refuses bad targets", async function () {
      const h = await deployForTasks();
      try {
        const safe = h.signers[9].address;
        const deployer = h.signers[0].address;
        const fails = (args: Record<string, string>, message: RegExp) => h.fails(["roles", "handover"], args, message);
        await fails({ to: "0x12" }, /--to: "0x12" is not a valid address/);
        await fails({ to: "" }, /--to is required/);
        await fails({ to: ZeroAddress }, /--to is the zero address/);
        await fails({ to: deployer }, /--to is the signer itself/);
        await fails({ to: await h.ledger.getAddress() }, /--to is the suite's own BudgetLedger, not a multisig/);
        await fails({ to: safe, signer: "1" }, /0x\w+ does not hold ADMIN: nothing to hand over/);

        const out = await h.ok(["roles", "handover"], { to: safe });
        expect(out).to.match(/Note: 0x\w+ has no code; a treasury's ADMIN is normally a multisig/);
        expect(out).to.match(/Granted ADMIN to 0x\w+: tx/);
        expect(out).to.match(/Renounced ADMIN of 0x\w+: tx/);
        expect(out).to.include(`ADMIN is now held by ${safe}`);
        expect((await h.manager.hasRole(ROLES.ADMIN, deployer))[0]).to.equal(false);
        expect((await h.manager.hasRole(ROLES.ADMIN, safe))[0]).to.equal(true);
        // the multisig is the only ADMIN: it cannot revoke itself through the task
        await h.fails(
          ["roles", "revoke"],
          { role: "ADMIN", account: safe, signer: "9" },
          /Refusing to revoke ADMIN from 0x\w+: no other account would hold ADMIN/,
        );
        // the former deployer is an ordinary account now
        await h.fails(
          ["roles", "grant"],
          { role: "GUARDIAN", account: fresh() },
          /does not hold ADMIN \(role 0\), which granting and revoking GUARDIAN/,
        );
      } finally {
        h.close();
      }
    });

    it("with a grant delay on ADMIN: grants, refuses to renounce before it is effective, finishes when run again", async function () {
      const h = await deployForTasks({ adminDelay: DAY });
      try {
        await h.advance(5 * DAY + 1); // the AccessManager applies a new grant delay after its 5-day setback
        expect(await h.manager.getRoleGrantDelay(ROLES.ADMIN)).to.equal(BigInt(DAY));
        const safe = h.signers[9].address;
        const deployer = h.signers[0].address;
        const first = await h.run(["roles", "handover"], { to: safe });
        expect(first.out).to.match(/Granted ADMIN to 0x\w+: tx/);
        expect(first.code).to.equal(1);
        expect(first.err).to.match(
          /^Error: ADMIN for 0x\w+ takes effect at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(the ADMIN grant delay\)\. Refusing to renounce 0x\w+'s ADMIN before then, which would leave no ADMIN; run this task again after that time\.$/,
        );
        expect((await h.manager.hasRole(ROLES.ADMIN, deployer))[0]).to.equal(true);
        expect(await h.ok(["roles", "list"], { role: "ADMIN" })).to.match(
          new RegExp(`ADMIN \\(0\\): ${deployer}\\n  pending: ${safe} from \\d{4}-`),
        );
        // run again too early: no second grant, the same refusal
        const again = await h.run(["roles", "handover"], { to: safe });
        expect(again.out).not.to.match(/Granted/);
        expect(again.err).to.match(/^Error: ADMIN for 0x\w+ takes effect at/);

        await h.advance(DAY);
        const done = await h.ok(["roles", "handover"], { to: safe });
        expect(done).not.to.match(/Granted/);
        expect(done).to.match(/Renounced ADMIN of/);
        expect((await h.manager.hasRole(ROLES.ADMIN, deployer))[0]).to.equal(false);
        expect((await h.manager.hasRole(ROLES.ADMIN, safe))[0]).to.equal(true);
      } finally {
        h.close();
      }
    });
  });
});
