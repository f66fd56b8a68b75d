/**
 * Issue #12, finding 5: a role holder with an execution delay acts through
 * `AccessManager.execute`, so `msg.sender` is the authority. Every function that tells actors apart
 * refuses such a call (`Module_RelayedCall`, `Ledger_RelayedCall`); the holder schedules the call
 * and then makes it itself, as its own address. Run on the real Ignition wiring.
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import { DAY, FIRE, deployWorld, type World } from "./world.js";

const connection = await network.create();
const { networkHelpers } = connection;
const EXECUTION_DELAY = 3_600n;

const world = () => deployWorld(connection, 0n);
const load = () => networkHelpers.loadFixture(world);

/** Schedules `data` on `target` as `holder` and waits out the execution delay. */
async function scheduled(w: World, holder: { address: string }, target: string, data: string): Promise<void> {
  const signer = await connection.ethers.getSigner(holder.address);
  await w.manager.connect(signer).schedule(target, data, 0);
  await networkHelpers.time.increase(EXECUTION_DELAY);
}

describe("Relayed calls (issue #12, finding 5)", function () {
  it("a contractor holding INSPECTOR with a delay cannot approve its own milestone through execute", async function () {
    const w = await load();
    const escrow = await w.escrow.getAddress();
    const manager = await w.manager.getAddress();
    await w.manager.grantRole(ROLES.INSPECTOR, w.contractor.address, EXECUTION_DELAY);
    const data = w.escrow.interface.encodeFunctionData("approveMilestone", [w.agreementId, 0n]);
    await scheduled(w, w.contractor, escrow, data);
    await expect(w.manager.connect(w.contractor).execute(escrow, data))
      .to.be.revertedWithCustomError(w.escrow, "Module_RelayedCall")
      .withArgs(manager);
    // calling itself (consuming the schedule), it is the contractor again, and refused as such
    await expect(w.escrow.connect(w.contractor).approveMilestone(w.agreementId, 0n))
      .to.be.revertedWithCustomError(w.escrow, "Procurement_ContractorCannotInspect")
      .withArgs(w.agreementId, w.contractor.address);
    expect((await w.escrow.getMilestone(w.agreementId, 0n)).approvals).to.equal(0n);
  });

  it("a delayed inspector approves as itself after scheduling; its relayed approval is refused", async function () {
    const w = await load();
    const escrow = await w.escrow.getAddress();
    await w.manager.grantRole(ROLES.INSPECTOR, w.citizen.address, EXECUTION_DELAY);
    const approve = w.escrow.interface.encodeFunctionData("approveMilestone", [w.agreementId, 0n]);
    const reject = w.escrow.interface.encodeFunctionData("rejectMilestone", [w.agreementId, 0n, keccak256("0x01")]);
    await scheduled(w, w.citizen, escrow, reject);
    await expect(w.manager.connect(w.citizen).execute(escrow, reject)).to.be.revertedWithCustomError(
      w.escrow,
      "Module_RelayedCall",
    );
    await w.manager.connect(w.citizen).cancel(w.citizen.address, escrow, reject);
    await scheduled(w, w.citizen, escrow, approve);
    await expect(w.escrow.connect(w.citizen).approveMilestone(w.agreementId, 0n))
      .to.emit(w.escrow, "MilestoneApproved")
      .withArgs(w.agreementId, 0n, w.citizen.address, 1n);
  });

  it("the AccessManager never becomes a bidder", async function () {
    const w = await load();
    const escrow = await w.escrow.getAddress();
    const data = w.escrow.interface.encodeFunctionData("submitBid", [w.openTenderId, keccak256("0x02")]);
    await expect(w.manager.connect(w.deployer).execute(escrow, data))
      .to.be.revertedWithCustomError(w.escrow, "Module_RelayedCall")
      .withArgs(await w.manager.getAddress());
  });

  it("recordCheck and submitApplication refuse a call relayed by the AccessManager", async function () {
    const w = await load();
    const registry = await w.permits.getAddress();
    const manager = await w.manager.getAddress();
    await w.permits.connect(w.licensing).definePermitType("Kiosk", 0n, 365n * DAY, [FIRE], false);
    // a careless ADMIN gives the AccessManager itself the check role
    await w.manager.grantRole(FIRE, manager, 0);
    const doc = keccak256(toUtf8Bytes("kiosk plans"));
    await w.permits.connect(w.citizen).submitApplication(1n, doc);
    const check = w.permits.interface.encodeFunctionData("recordCheck", [1n, FIRE, true, doc]);
    await expect(w.manager.connect(w.deployer).execute(registry, check))
      .to.be.revertedWithCustomError(w.permits, "Module_RelayedCall")
      .withArgs(manager);
    const apply = w.permits.interface.encodeFunctionData("submitApplication", [1n, doc]);
    await expect(w.manager.connect(w.deployer).execute(registry, apply))
      .to.be.revertedWithCustomError(w.permits, "Module_RelayedCall")
      .withArgs(manager);
  });

  it("an early closeProgram relayed by the AccessManager is refused", async function () {
    const w = await load();
    const subsidies = await w.subsidies.getAddress();
    const manager = await w.manager.getAddress();
    await w.manager.grantRole(ROLES.PROGRAM_MANAGER, manager, 0);
    const close = w.subsidies.interface.encodeFunctionData("closeProgram", [w.rosterId]);
    await expect(w.manager.connect(w.deployer).execute(subsidies, close))
      .to.be.revertedWithCustomError(w.subsidies, "Module_RelayedCall")
      .withArgs(manager);
    await expect(w.subsidies.connect(w.benefits).closeProgram(w.rosterId)).to.emit(w.subsidies, "ProgramClosed");
  });
});
