import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import { selector } from "../../scripts/lib/wiring.js";
import type { LedgerClientMock } from "../../types/ethers-contracts/index.js";
import {
  shouldPauseAndUnpause,
  shouldRefuseCallersWithoutRole,
  shouldStopWhenPaused,
  type BehaviourContext,
  type PauseControls,
  type PausableCall,
  type RoleGatedCall,
} from "../helpers/behaviours.js";
import { deployClient, deployLedgerWorld, PARKS, REF, ROADS, type LedgerWorld } from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const world = () => deployLedgerWorld(ethers);
const load = () => networkHelpers.loadFixture(world);
const NEW = encodeBytes32String("schools-2027");
const REASON = encodeBytes32String("reason");

const context = (): BehaviourContext<LedgerWorld> => ({
  ethers,
  load,
  target: (w) => w.ledger,
  manager: (w) => w.manager,
  admin: (w) => w.admin,
  fresh: (w) => w.strangers[0],
});

const controls: PauseControls<LedgerWorld> = {
  guardian: (w) => w.guardian,
  pause: (w, caller) => w.ledger.connect(caller).pause(),
  unpause: (w, caller) => w.ledger.connect(caller).unpause(),
};

const officerCalls: RoleGatedCall<LedgerWorld>[] = (
  [
    { name: "createLine", send: (w, c) => w.ledger.connect(c).createLine(NEW, 2028, 1n, "Schools") },
    { name: "increaseAppropriation", send: (w, c) => w.ledger.connect(c).increaseAppropriation(ROADS, 1n) },
    { name: "decreaseAppropriation", send: (w, c) => w.ledger.connect(c).decreaseAppropriation(ROADS, 1n) },
    { name: "reallocate", send: (w, c) => w.ledger.connect(c).reallocate(ROADS, PARKS, 1n, REASON) },
    { name: "closeLine", send: (w, c) => w.ledger.connect(c).closeLine(ROADS) },
    { name: "pay", send: (w, c) => w.ledger.connect(c).pay(ROADS, w.payee.address, 1n, REF) },
  ] satisfies Array<Omit<RoleGatedCall<LedgerWorld>, "role">>
).map((call) => ({ ...call, role: ROLES.BUDGET_OFFICER }));

async function approveLedger(w: LedgerWorld, owner: HardhatEthersSigner, amount: bigint): Promise<void> {
  await w.token.connect(owner).approve(await w.ledger.getAddress(), amount);
}

const roleGatedCalls: RoleGatedCall<LedgerWorld>[] = [
  ...officerCalls,
  {
    name: "withdrawUnallocated",
    role: ROLES.ADMIN,
    send: (w, c) => w.ledger.connect(c).withdrawUnallocated(w.payee.address, 1n, REF),
  },
  { name: "commit", role: ROLES.LEDGER_CLIENT, send: (w, c) => w.ledger.connect(c).commit(ROADS, 1n, REF) },
  { name: "pause", role: ROLES.GUARDIAN, send: (w, c) => w.ledger.connect(c).pause() },
  {
    name: "unpause",
    role: ROLES.GUARDIAN,
    prepare: async (w) => {
      await w.ledger.connect(w.guardian).pause();
    },
    send: (w, c) => w.ledger.connect(c).unpause(),
  },
];

/** moduleA holds a commitment of 100 on ROADS (for the paths that need one). */
async function withCommitment(w: LedgerWorld): Promise<void> {
  await w.moduleA.commit(ROADS, 100n, REF);
}

const stopped: PausableCall<LedgerWorld>[] = [
  {
    name: "deposit",
    prepare: async (w) => {
      await w.token.mint(w.strangers[1].address, 10n);
      await approveLedger(w, w.strangers[1], 10n);
    },
    send: (w) => w.ledger.connect(w.strangers[1]).deposit(10n, REF),
  },
  { name: "commit", send: (w) => w.moduleA.commit(ROADS, 1n, REF) },
  { name: "recordSpend", prepare: withCommitment, send: (w) => w.moduleA.payOut(ROADS, w.payee.address, 1n, REF) },
  { name: "pay", send: (w) => w.ledger.connect(w.officer).pay(ROADS, w.payee.address, 1n, REF) },
  {
    name: "withdrawUnallocated",
    send: (w) => w.ledger.connect(w.admin).withdrawUnallocated(w.payee.address, 1n, REF),
  },
];

const continuing: PausableCall<LedgerWorld>[] = [
  { name: "returnFunds", prepare: withCommitment, send: (w) => w.moduleA.returnFunds(ROADS, 40n, REF) },
  { name: "createLine", send: (w) => w.ledger.connect(w.officer).createLine(NEW, 2028, 1n, "Schools") },
  { name: "increaseAppropriation", send: (w) => w.ledger.connect(w.officer).increaseAppropriation(ROADS, 1n) },
  { name: "decreaseAppropriation", send: (w) => w.ledger.connect(w.officer).decreaseAppropriation(ROADS, 1n) },
  { name: "reallocate", send: (w) => w.ledger.connect(w.officer).reallocate(ROADS, PARKS, 1n, REASON) },
  { name: "closeLine", prepare: withCommitment, send: (w) => w.ledger.connect(w.officer).closeLine(ROADS) },
];

describe("BudgetLedger: access control and pause", function () {
  shouldRefuseCallersWithoutRole(context, roleGatedCalls);
  shouldPauseAndUnpause(context, controls);
  shouldStopWhenPaused(context, controls, { stopped, continuing });

  it("lets anyone deposit (no role)", async function () {
    const w = await load();
    const citizen = w.strangers[2];
    await w.token.mint(citizen.address, 3n);
    await approveLedger(w, citizen, 3n);
    await expect(w.ledger.connect(citizen).deposit(3n, REF))
      .to.emit(w.ledger, "Deposited")
      .withArgs(citizen.address, 3n, REF);
  });

  it("answers every view while paused", async function () {
    const w = await load();
    await w.moduleA.commit(ROADS, 100n, REF);
    await w.ledger.connect(w.guardian).pause();
    expect(await w.ledger.paused()).to.equal(true);
    expect((await w.ledger.getLine(ROADS)).committed).to.equal(100n);
    expect(await w.ledger.committedBy(ROADS, await w.moduleA.getAddress())).to.equal(100n);
    expect(await w.ledger.available(PARKS)).to.be.greaterThan(0n);
    expect(await w.ledger.unallocated()).to.be.greaterThan(0n);
    expect(await w.ledger.lineCount()).to.equal(2n);
  });

  it("lets a closed line's commitment come back while paused", async function () {
    const w = await load();
    await w.moduleA.commit(ROADS, 100n, REF);
    await w.ledger.connect(w.guardian).pause();
    await w.ledger.connect(w.officer).closeLine(ROADS);
    await expect(w.moduleA.returnFunds(ROADS, 100n, REF))
      .to.emit(w.ledger, "FundsReturned")
      .withArgs(ROADS, await w.moduleA.getAddress(), 100n, REF);
    expect((await w.ledger.getLine(ROADS)).appropriated).to.equal(0n);
  });
});

describe("BudgetLedger: adminDelay (AccessManager grant delay and target admin delay)", function () {
  const DELAY = 2n * 24n * 3600n; // 2 days, as on the testnet

  /** Sets `DELAY` as LEDGER_CLIENT's grant delay and the ledger's admin delay, and waits until both apply. */
  async function delayed(): Promise<LedgerWorld> {
    const w = await load();
    const ledger = await w.ledger.getAddress();
    await w.manager.connect(w.admin).setGrantDelay(ROLES.LEDGER_CLIENT, DELAY);
    await w.manager.connect(w.admin).setTargetAdminDelay(ledger, DELAY);
    // raising a delay itself takes the AccessManager's minimum setback
    await networkHelpers.time.increase(await w.manager.minSetback());
    expect(await w.manager.getRoleGrantDelay(ROLES.LEDGER_CLIENT)).to.equal(DELAY);
    expect(await w.manager.getTargetAdminDelay(ledger)).to.equal(DELAY);
    return w;
  }

  it("a newly granted client cannot commit before the grant delay has passed", async function () {
    const w = await delayed();
    const client = (await ethers.deployContract("LedgerClientMock", [
      await w.ledger.getAddress(),
    ])) as unknown as LedgerClientMock;
    const clientAddress = await client.getAddress();
    const granted = await (await w.manager.connect(w.admin).grantRole(ROLES.LEDGER_CLIENT, clientAddress, 0)).wait();
    const grantTime = BigInt((await granted!.getBlock()).timestamp);
    const since = grantTime + DELAY;
    await expect(granted)
      .to.emit(w.manager, "RoleGranted")
      .withArgs(ROLES.LEDGER_CLIENT, clientAddress, 0, since, true);

    await expect(client.commit(ROADS, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(clientAddress);
    await networkHelpers.time.setNextBlockTimestamp(since - 1n);
    await expect(client.commit(ROADS, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(clientAddress);
    await networkHelpers.time.setNextBlockTimestamp(since);
    await expect(client.commit(ROADS, 1n, REF))
      .to.emit(w.ledger, "Committed")
      .withArgs(ROADS, clientAddress, 1n, REF);
    // modules granted before the delay keep working throughout
    await w.moduleA.commit(ROADS, 1n, REF);
  });

  it("re-mapping a ledger function to another role takes effect only after the admin delay", async function () {
    const w = await delayed();
    const ledger = await w.ledger.getAddress();
    const manager = await w.manager.getAddress();
    const NEW_ROLE = 42n;
    const [holder] = w.strangers;
    await w.manager.connect(w.admin).grantRole(NEW_ROLE, holder.address, 0);
    const commitSelector = selector("commit(bytes32,uint256,bytes32)");
    const data = w.manager.interface.encodeFunctionData("setTargetFunctionRole", [ledger, [commitSelector], NEW_ROLE]);
    const operationId = await w.manager.hashOperation(w.admin.address, manager, data);

    // the admin cannot re-map at once
    await expect(w.manager.connect(w.admin).setTargetFunctionRole(ledger, [commitSelector], NEW_ROLE))
      .to.be.revertedWithCustomError(w.manager, "AccessManagerNotScheduled")
      .withArgs(operationId);
    // it schedules the change, which is public from now on
    const scheduled = await (await w.manager.connect(w.admin).schedule(manager, data, 0)).wait();
    const when = BigInt((await scheduled!.getBlock()).timestamp) + DELAY;
    await expect(scheduled)
      .to.emit(w.manager, "OperationScheduled")
      .withArgs(operationId, 1n, when, w.admin.address, manager, data);
    await networkHelpers.time.setNextBlockTimestamp(when - 1n);
    await expect(w.manager.connect(w.admin).execute(manager, data))
      .to.be.revertedWithCustomError(w.manager, "AccessManagerNotReady")
      .withArgs(operationId);
    // until then the old mapping holds
    await w.moduleA.commit(ROADS, 1n, REF);
    await expect(w.ledger.connect(holder).commit(ROADS, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(holder.address);

    await networkHelpers.time.setNextBlockTimestamp(when);
    await expect(w.manager.connect(w.admin).execute(manager, data))
      .to.emit(w.manager, "TargetFunctionRoleUpdated")
      .withArgs(ledger, commitSelector, NEW_ROLE);
    await expect(w.moduleA.commit(ROADS, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(await w.moduleA.getAddress());
    await expect(w.ledger.connect(holder).commit(ROADS, 1n, REF))
      .to.emit(w.ledger, "Committed")
      .withArgs(ROADS, holder.address, 1n, REF);
    // the other client functions keep their role
    await w.moduleA.payOut(ROADS, w.payee.address, 1n, REF);
  });

  it("revoking LEDGER_CLIENT takes effect at once (no delay on the way out)", async function () {
    const w = await delayed();
    const a = await w.moduleA.getAddress();
    await w.manager.connect(w.admin).revokeRole(ROLES.LEDGER_CLIENT, a);
    await expect(w.moduleA.commit(ROADS, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(a);
  });

  it("a client granted with the delay passed is a client like the others", async function () {
    const w = await delayed();
    const client = await deployClient(ethers, w);
    await networkHelpers.time.increase(DELAY);
    await client.commit(PARKS, 7n, REF);
    expect(await w.ledger.committedBy(PARKS, await client.getAddress())).to.equal(7n);
  });
});

// Finding 4 of issue #12: recordSpend and returnFunds act on the caller's own commitment and need
// no role, so revoking a module's LEDGER_CLIENT stops new commitments and strands nothing.
describe("BudgetLedger: recordSpend and returnFunds need no role", function () {
  it("a module whose LEDGER_CLIENT was revoked still pays out and returns what it holds", async function () {
    const w = await load();
    const a = await w.moduleA.getAddress();
    await w.moduleA.commit(ROADS, 100n, REF);
    await w.manager.connect(w.admin).revokeRole(ROLES.LEDGER_CLIENT, a);
    await expect(w.moduleA.commit(ROADS, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(a);
    await expect(w.moduleA.payOut(ROADS, w.payee.address, 30n, REF))
      .to.emit(w.ledger, "Spent")
      .withArgs(ROADS, w.payee.address, 30n, REF, a);
    await expect(w.moduleA.returnFunds(ROADS, 70n, REF))
      .to.emit(w.ledger, "FundsReturned")
      .withArgs(ROADS, a, 70n, REF);
    expect(await w.ledger.committedBy(ROADS, a)).to.equal(0n);
    expect(await w.token.balanceOf(a)).to.equal(0n);
  });

  it("refuses a caller without a commitment, whatever roles it holds", async function () {
    const w = await load();
    const [caller] = w.strangers;
    await w.manager.connect(w.admin).grantRole(ROLES.LEDGER_CLIENT, caller.address, 0);
    await expect(w.ledger.connect(caller).recordSpend(ROADS, w.payee.address, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
      .withArgs(ROADS, caller.address, 0n, 1n);
    await expect(w.ledger.connect(caller).returnFunds(ROADS, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
      .withArgs(ROADS, caller.address, 0n, 1n);
    // another module's commitment is out of reach
    await w.moduleA.commit(ROADS, 100n, REF);
    await expect(w.moduleB.recordSpend(ROADS, w.payee.address, 1n, REF))
      .to.be.revertedWithCustomError(w.ledger, "Ledger_InsufficientCommitment")
      .withArgs(ROADS, await w.moduleB.getAddress(), 0n, 1n);
  });

  it("are not mapped to any role by the wiring", async function () {
    const w = await load();
    const ledger = await w.ledger.getAddress();
    for (const signature of ["recordSpend(bytes32,address,uint256,bytes32)", "returnFunds(bytes32,uint256,bytes32)"]) {
      expect(await w.manager.getTargetFunctionRole(ledger, selector(signature)), signature).to.equal(ROLES.ADMIN);
    }
  });
});

// Finding 5 of issue #12: the books are the caller's own, so a commitment relayed by the
// AccessManager (the path of a LEDGER_CLIENT holder with an execution delay) is refused.
describe("BudgetLedger: commit relayed by the AccessManager", function () {
  it("is refused with Ledger_RelayedCall; the holder calling itself after scheduling succeeds", async function () {
    const w = await load();
    const [holder] = w.strangers;
    const manager = await w.manager.getAddress();
    const ledger = await w.ledger.getAddress();
    await w.manager.connect(w.admin).grantRole(ROLES.LEDGER_CLIENT, holder.address, 3600);
    const data = w.ledger.interface.encodeFunctionData("commit", [ROADS, 5n, REF]);
    await w.manager.connect(holder).schedule(ledger, data, 0);
    await networkHelpers.time.increase(3600);
    await expect(w.manager.connect(holder).execute(ledger, data))
      .to.be.revertedWithCustomError(w.ledger, "Ledger_RelayedCall")
      .withArgs(manager);
    expect(await w.ledger.committedBy(ROADS, manager)).to.equal(0n);
    // the scheduled operation is still there: the holder makes the call itself and consumes it
    await expect(w.ledger.connect(holder).commit(ROADS, 5n, REF))
      .to.emit(w.ledger, "Committed")
      .withArgs(ROADS, holder.address, 5n, REF);
  });
});
