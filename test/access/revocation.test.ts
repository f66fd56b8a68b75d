/**
 * Issue #12, finding 4, on the real Ignition wiring: revoking a module's LEDGER_CLIENT stops new
 * commitments at once and strands nothing. `recordSpend` and `returnFunds` need no role (they act
 * on the caller's own commitment), so cancelTender, terminate, award, closeProgram, milestone
 * payments and claims all go on; and a re-granted module works again.
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import { CLAIM, DAY, LINE, MAX_PRICE, PRICE, deployWorld, type World } from "./world.js";

const connection = await network.create();
const { networkHelpers } = connection;
const world = () => deployWorld(connection, 0n);
const load = () => networkHelpers.loadFixture(world);

async function revokeModules(w: World): Promise<void> {
  for (const module of [w.escrow, w.subsidies, w.permits]) {
    await w.manager.revokeRole(ROLES.LEDGER_CLIENT, await module.getAddress());
  }
}

describe("Revoking LEDGER_CLIENT (issue #12, finding 4)", function () {
  it("stops new commitments at once", async function () {
    const w = await load();
    await revokeModules(w);
    const now = BigInt(await networkHelpers.time.latest());
    const spec = [{ shareBps: 10_000, duration: DAY, descriptionHash: LINE }];
    await expect(w.escrow.connect(w.procurer).createTender(LINE, LINE, 1n, 0n, now + DAY, now + 2n * DAY, 0, 1, spec))
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(await w.escrow.getAddress());
    await expect(
      w.subsidies.connect(w.benefits).createRosterProgram(LINE, keccak256(toUtf8Bytes("r")), 1n, now, now + DAY, LINE),
    )
      .to.be.revertedWithCustomError(w.ledger, "AccessManagedUnauthorized")
      .withArgs(await w.subsidies.getAddress());
  });

  it("strands nothing: payouts, cancellation, termination and closure go on", async function () {
    const w = await load();
    const escrow = await w.escrow.getAddress();
    const subsidies = await w.subsidies.getAddress();
    await revokeModules(w);
    // a milestone is paid and booked
    await expect(w.escrow.connect(w.inspector).approveMilestone(w.agreementId, 0n))
      .to.emit(w.ledger, "Spent")
      .withArgs(LINE, w.contractor.address, PRICE / 2n, (2n << 128n) | (w.agreementId << 64n), escrow);
    // the open tender is cancelled and its maxPrice returns
    await expect(w.escrow.connect(w.procurer).cancelTender(w.openTenderId, LINE))
      .to.emit(w.ledger, "FundsReturned")
      .withArgs(LINE, escrow, MAX_PRICE, (1n << 128n) | (w.openTenderId << 64n));
    // the agreement is terminated and its unpaid half returns
    await expect(w.escrow.connect(w.procurer).terminate(w.agreementId, LINE))
      .to.emit(w.ledger, "FundsReturned")
      .withArgs(LINE, escrow, PRICE / 2n, (3n << 128n) | (w.agreementId << 64n));
    // a roster claim is paid and booked; the programmes close and return the rest
    await w.subsidies.claim(w.rosterId, ...w.roster.entry(0), w.roster.proof(0));
    await expect(w.subsidies.connect(w.benefits).closeProgram(w.rosterId))
      .to.emit(w.ledger, "FundsReturned")
      .withArgs(LINE, subsidies, CLAIM, ZERO_PADDED(w.rosterId));
    await w.subsidies.connect(w.benefits).closeProgram(w.outcomeId);
    expect(await w.ledger.committedBy(LINE, escrow)).to.equal(0n);
    expect(await w.ledger.committedBy(LINE, subsidies)).to.equal(0n);
    expect(await w.token.balanceOf(escrow)).to.equal(0n);
    expect(await w.token.balanceOf(subsidies)).to.equal(0n);
  });

  it("an award after revocation returns the difference to the line", async function () {
    const w = await load();
    const escrow = await w.escrow.getAddress();
    await w.escrow.connect(w.procurer).cancelTender(w.openTenderId, LINE); // keep one tender only
    const now = BigInt(await networkHelpers.time.latest());
    const spec = [{ shareBps: 10_000, duration: DAY, descriptionHash: LINE }];
    await w.escrow.connect(w.procurer).createTender(LINE, LINE, MAX_PRICE, 0n, now + DAY, now + 2n * DAY, 0, 1, spec);
    const tenderId = await w.escrow.tenderCount();
    await revokeModules(w);
    await networkHelpers.time.increase(2n * DAY);
    // nobody bid: the tender fails and all of maxPrice returns
    await expect(w.escrow.award(tenderId))
      .to.emit(w.ledger, "FundsReturned")
      .withArgs(LINE, escrow, MAX_PRICE, (1n << 128n) | (tenderId << 64n));
  });

  it("a re-granted module takes commitments again", async function () {
    const w = await load();
    await revokeModules(w);
    await w.manager.grantRole(ROLES.LEDGER_CLIENT, await w.escrow.getAddress(), 0);
    const now = BigInt(await networkHelpers.time.latest());
    const spec = [{ shareBps: 10_000, duration: DAY, descriptionHash: LINE }];
    await expect(
      w.escrow.connect(w.procurer).createTender(LINE, LINE, 1n, 0n, now + DAY, now + 2n * DAY, 0, 1, spec),
    ).to.emit(w.escrow, "TenderCreated");
  });
});

function ZERO_PADDED(id: bigint): string {
  return `0x${id.toString(16).padStart(64, "0")}`;
}
