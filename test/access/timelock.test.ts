/**
 * Issue #12, findings 1 and 3, through the real Ignition wiring (deploy/modules/suite.ts):
 * every role that moves money or approves its movement, and ADMIN, is granted only after
 * `adminDelay`; the AccessManager applies those delays only after its minSetback, and the
 * deployment says when (the delays transaction's events).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { DELAYED_ROLES } from "../../deploy/modules/suite.js";
import { ROLES, type RoleName } from "../../scripts/lib/roles.js";
import { deploySuite } from "../../scripts/lib/suite.js";
import { BUDGET, DAY, LINE, delaysInForce, deployWorld, waitForDelays, type World } from "./world.js";

const connection = await network.create();
const { networkHelpers } = connection;
const ADMIN_DELAY = 2n * DAY; // as on the testnet

const world = () => deployWorld(connection, ADMIN_DELAY);
/** The suite as Ignition leaves it, nothing else done: the clock is where the deployment put it. */
const justDeployed = () => deploySuite(connection, ADMIN_DELAY);
const load = () => networkHelpers.loadFixture(world);

/** The world after the AccessManager's minSetback: the delays are in force. */
async function inForce(): Promise<World> {
  const w = await load();
  await waitForDelays(w, networkHelpers);
  return w;
}

/** ADMIN (the deployer, compromised) grants `role` to the attacker; returns when it takes effect. */
async function grantToAttacker(w: World, role: bigint): Promise<bigint> {
  const receipt = await (await w.manager.connect(w.deployer).grantRole(role, w.attacker.address, 0)).wait();
  const at = BigInt((await receipt!.getBlock()).timestamp);
  await expect(receipt)
    .to.emit(w.manager, "RoleGranted")
    .withArgs(role, w.attacker.address, 0, at + ADMIN_DELAY, true);
  return at + ADMIN_DELAY;
}

async function refusedAsAttacker(w: World, tx: Promise<unknown>): Promise<void> {
  await expect(tx).to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized").withArgs(w.attacker.address);
}

describe("Timelock: adminDelay on every money role (issue #12, findings 1 and 3)", function () {
  describe("the deployment", function () {
    it("sets adminDelay as the grant delay of roles 0, 1, 2, 3, 5, 6, 8 and the admin delay of every contract", async function () {
      const w = await load();
      const roleEvents = await w.manager.queryFilter(w.manager.filters.RoleGrantDelayChanged());
      const delayed = roleEvents.filter((e) => e.args.delay === ADMIN_DELAY).map((e) => e.args.roleId);
      expect(delayed).to.have.members(
        (
          [
            "ADMIN",
            "BUDGET_OFFICER",
            "PROCUREMENT_OFFICER",
            "INSPECTOR",
            "PROGRAM_MANAGER",
            "OUTCOME_VERIFIER",
            "LEDGER_CLIENT",
          ] as RoleName[]
        ).map((r) => ROLES[r]),
      );
      expect(DELAYED_ROLES.map((r) => ROLES[r])).to.have.members(delayed);
      const targets = await w.manager.queryFilter(w.manager.filters.TargetAdminDelayUpdated());
      expect(targets.map((e) => [e.args.target, e.args.delay])).to.have.deep.members(
        [
          w.addresses.BudgetLedger,
          w.addresses.PermitRegistry,
          w.addresses.ProcurementEscrow,
          w.addresses.SubsidyDisbursement,
        ].map((t) => [t, ADMIN_DELAY]),
      );
    });

    it("says when the delays are in force: the delays transaction's time + minSetback (5 days)", async function () {
      const w = await networkHelpers.loadFixture(justDeployed);
      const [citizen] = (await connection.ethers.getSigners()).slice(10);
      const [event] = await w.manager.queryFilter(w.manager.filters.RoleGrantDelayChanged(ROLES.BUDGET_OFFICER));
      const block = await event.getBlock();
      const minSetback = await w.manager.minSetback();
      expect(minSetback).to.equal(5n * DAY);
      const inForceAt = await delaysInForce(w);
      expect(inForceAt).to.equal(BigInt(block.timestamp) + minSetback);
      // until then the AccessManager applies no delay: a grant takes effect at once (the
      // window the handover of ADMIN waits out)
      expect(await w.manager.getRoleGrantDelay(ROLES.BUDGET_OFFICER)).to.equal(0n);
      await networkHelpers.time.setNextBlockTimestamp(inForceAt - 1n);
      await w.manager.grantRole(ROLES.BUDGET_OFFICER, citizen.address, 0);
      expect((await w.manager.hasRole(ROLES.BUDGET_OFFICER, citizen.address))[0]).to.equal(true);
      // from then on the views read adminDelay
      await networkHelpers.time.increaseTo(inForceAt);
      for (const role of DELAYED_ROLES)
        expect(await w.manager.getRoleGrantDelay(ROLES[role]), role).to.equal(ADMIN_DELAY);
      for (const role of ["PERMIT_OFFICER", "GUARDIAN"] as RoleName[]) {
        expect(await w.manager.getRoleGrantDelay(ROLES[role]), role).to.equal(0n);
      }
      for (const target of Object.values(w.addresses).filter((a) => a !== w.addresses.TestStablecoin)) {
        if (target === w.addresses.AccessManager) continue;
        expect(await w.manager.getTargetAdminDelay(target)).to.equal(ADMIN_DELAY);
      }
    });
  });

  describe("after minSetback, a compromised ADMIN that grants itself a role", function () {
    it("cannot pay out a line as BUDGET_OFFICER before adminDelay has passed (then the grant is public)", async function () {
      const w = await inForce();
      const available = await w.ledger.available(LINE);
      const since = await grantToAttacker(w, ROLES.BUDGET_OFFICER);
      const pay = () => w.ledger.connect(w.attacker).pay(LINE, w.attacker.address, available, LINE);
      await refusedAsAttacker(w, pay());
      await networkHelpers.time.setNextBlockTimestamp(since - 1n);
      await refusedAsAttacker(w, pay());
      // after adminDelay the grant works: everyone could see it coming for two days
      await networkHelpers.time.setNextBlockTimestamp(since);
      await expect(pay()).to.emit(w.ledger, "Spent");
    });

    it("cannot record outcomes as OUTCOME_VERIFIER against a committed programme", async function () {
      const w = await inForce();
      await grantToAttacker(w, ROLES.OUTCOME_VERIFIER);
      await refusedAsAttacker(
        w,
        w.subsidies.connect(w.attacker).recordOutcome(w.outcomeId, w.attacker.address, BUDGET, LINE),
      );
    });

    it("cannot approve (and so pay) a milestone as INSPECTOR", async function () {
      const w = await inForce();
      await grantToAttacker(w, ROLES.INSPECTOR);
      await refusedAsAttacker(w, w.escrow.connect(w.attacker).approveMilestone(w.agreementId, 0n));
    });

    it("cannot open a tender (PROCUREMENT_OFFICER) or a programme (PROGRAM_MANAGER) to commit money", async function () {
      const w = await inForce();
      await grantToAttacker(w, ROLES.PROCUREMENT_OFFICER);
      await grantToAttacker(w, ROLES.PROGRAM_MANAGER);
      const now = BigInt(await networkHelpers.time.latest());
      const spec = [{ shareBps: 10_000, duration: DAY, descriptionHash: LINE }];
      await refusedAsAttacker(
        w,
        w.escrow.connect(w.attacker).createTender(LINE, LINE, 1n, 0n, now + DAY, now + 2n * DAY, 0, 1, spec),
      );
      const root = keccak256(toUtf8Bytes("my roster"));
      await refusedAsAttacker(
        w,
        w.subsidies.connect(w.attacker).createRosterProgram(LINE, root, 1n, now, now + DAY, LINE),
      );
    });

    it("cannot take commitments as LEDGER_CLIENT, nor hand ADMIN to another address at once", async function () {
      const w = await inForce();
      await grantToAttacker(w, ROLES.LEDGER_CLIENT);
      await refusedAsAttacker(w, w.ledger.connect(w.attacker).commit(LINE, 1n, LINE));
      await grantToAttacker(w, ROLES.ADMIN);
      expect((await w.manager.hasRole(ROLES.ADMIN, w.attacker.address))[0]).to.equal(false);
      await expect(w.manager.connect(w.attacker).grantRole(ROLES.BUDGET_OFFICER, w.attacker.address, 0))
        .to.be.revertedWithCustomError(w.manager, "AccessManagerUnauthorizedAccount")
        .withArgs(w.attacker.address, ROLES.ADMIN);
    });

    it("grants PERMIT_OFFICER and GUARDIAN at once (no money moves through them)", async function () {
      const w = await inForce();
      const grant = async (role: bigint, who: HardhatEthersSigner) => {
        await w.manager.connect(w.deployer).grantRole(role, who.address, 0);
        return (await w.manager.hasRole(role, who.address))[0];
      };
      expect(await grant(ROLES.PERMIT_OFFICER, w.attacker)).to.equal(true);
      expect(await grant(ROLES.GUARDIAN, w.attacker)).to.equal(true);
    });
  });
});
