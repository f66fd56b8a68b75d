/**
 * PermitRegistry: what a pause (GUARDIAN) stops and what it never stops.
 */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import {
  AppStatus,
  FEE,
  FIRE,
  YEAR,
  ZONING,
  apply,
  defineType,
  deployPermitSuite,
  doc,
  fund,
  issueOne,
  passAll,
  type PermitSuite,
} from "./fixture.js";

const { ethers, networkHelpers } = await network.create();

/**
 * Permit 1 (alice, no rechecks), application 2 (bob, FIRE passed: the next ZONING pass issues),
 * application 3 (bob, nothing passed); then the registry is paused.
 */
async function pausedSuite(): Promise<PermitSuite & { typeId: bigint }> {
  const suite = await deployPermitSuite(ethers);
  const { typeId } = await issueOne(suite);
  await apply(suite, suite.bob, typeId, doc("bob 2"));
  await suite.registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, ZeroHash);
  await apply(suite, suite.bob, typeId, doc("bob 3"));
  await fund(suite, suite.alice, 2n * FEE);
  await suite.token.mint(await suite.registry.getAddress(), 1n); // a surplus to sweep
  await suite.registry.connect(suite.guardian).pause();
  return { ...suite, typeId };
}

describe("PermitRegistry: pause", function () {
  it("pause and unpause by the guardian emit Paused / Unpaused", async function () {
    const { registry, guardian } = await networkHelpers.loadFixture(pausedSuite);
    expect(await registry.paused()).to.equal(true);
    await expect(registry.connect(guardian).unpause()).to.emit(registry, "Unpaused").withArgs(guardian.address);
    await expect(registry.connect(guardian).pause()).to.emit(registry, "Paused").withArgs(guardian.address);
  });

  describe("stops money in and the fee out", function () {
    it("submitApplication and submitApplicationWithPermit", async function () {
      const { registry, alice, typeId } = await networkHelpers.loadFixture(pausedSuite);
      await expect(registry.connect(alice).submitApplication(typeId, doc("x"))).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
      await expect(
        registry.connect(alice).submitApplicationWithPermit(typeId, doc("x"), 0n, 0, ZeroHash, ZeroHash),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });

    it("renew", async function () {
      const { registry, alice } = await networkHelpers.loadFixture(pausedSuite);
      await expect(registry.connect(alice).renew(1n)).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });

    it("the issuing check, which goes through after unpause", async function () {
      const { registry, guardian, zoningInspector } = await networkHelpers.loadFixture(pausedSuite);
      await expect(
        registry.connect(zoningInspector).recordCheck(2n, ZONING, true, ZeroHash),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await registry.connect(guardian).unpause();
      await expect(registry.connect(zoningInspector).recordCheck(2n, ZONING, true, ZeroHash)).to.emit(
        registry,
        "PermitIssued",
      );
    });

    it("sweepSurplus", async function () {
      const { registry, stranger } = await networkHelpers.loadFixture(pausedSuite);
      await expect(registry.connect(stranger).sweepSurplus()).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });
  });

  describe("never stops", function () {
    it("withdrawApplication (refund)", async function () {
      const { registry, token, bob } = await networkHelpers.loadFixture(pausedSuite);
      await expect(registry.connect(bob).withdrawApplication(3n)).to.changeTokenBalance(ethers, token, bob, FEE);
    });

    it("a failing check (rejection and refund)", async function () {
      const { registry, token, bob, zoningInspector } = await networkHelpers.loadFixture(pausedSuite);
      const tx = registry.connect(zoningInspector).recordCheck(2n, ZONING, false, doc("no"));
      await expect(tx).to.emit(registry, "ApplicationRejected").withArgs(2n, ZONING);
      await expect(tx).to.changeTokenBalance(ethers, token, bob, FEE);
    });

    it("a passing check that does not complete the application", async function () {
      const { registry, fireInspector } = await networkHelpers.loadFixture(pausedSuite);
      await expect(registry.connect(fireInspector).recordCheck(3n, FIRE, true, ZeroHash)).to.emit(
        registry,
        "CheckRecorded",
      );
      expect((await registry.getApplication(3n)).status).to.equal(AppStatus.Pending);
    });

    it("the officers' type management and suspend / reinstate / revoke", async function () {
      const { registry, permitOfficer, typeId } = await networkHelpers.loadFixture(pausedSuite);
      const officer = registry.connect(permitOfficer);
      await expect(officer.definePermitType("New", FEE, YEAR, [FIRE], false)).to.emit(registry, "PermitTypeDefined");
      await expect(officer.setPermitTypeActive(typeId, false)).to.emit(registry, "PermitTypeActiveSet");
      await expect(officer.suspend(1n, doc("r"))).to.emit(registry, "PermitSuspended");
      await expect(officer.reinstate(1n)).to.emit(registry, "PermitReinstated");
      await expect(officer.revoke(1n, doc("r"))).to.emit(registry, "PermitRevoked");
    });
  });

  describe("a paused ledger", function () {
    it("stops the issuing check (the ledger refuses the deposit), never a rejection", async function () {
      const { registry, ledger, guardian, zoningInspector } = await networkHelpers.loadFixture(pausedSuite);
      await registry.connect(guardian).unpause();
      await ledger.connect(guardian).pause();
      await expect(
        registry.connect(zoningInspector).recordCheck(2n, ZONING, true, ZeroHash),
      ).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      await expect(registry.connect(zoningInspector).recordCheck(2n, ZONING, false, ZeroHash)).to.emit(
        registry,
        "ApplicationRejected",
      );
    });
  });

  describe("a closed target (AccessManager setTargetClosed)", function () {
    it("retiring a registry (pause, then close) stops issuing and every restricted function; refunds go on", async function () {
      const suite = await networkHelpers.loadFixture(pausedSuite);
      const { registry, manager, token, bob, guardian, permitOfficer, zoningInspector, typeId } = suite;
      await manager.setTargetClosed(await registry.getAddress(), true);
      expect(await manager.isTargetClosed(await registry.getAddress())).to.equal(true);
      await expect(registry.connect(guardian).unpause())
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(guardian.address);
      await expect(registry.connect(permitOfficer).setPermitTypeActive(typeId, false))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(permitOfficer.address);
      await expect(registry.connect(permitOfficer).revoke(1n, doc("r")))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(permitOfficer.address);
      // the issuing check follows the pause
      await expect(
        registry.connect(zoningInspector).recordCheck(2n, ZONING, true, ZeroHash),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
      // a failing check still rejects and refunds; a withdrawal still refunds
      const reject = registry.connect(zoningInspector).recordCheck(2n, ZONING, false, doc("closed"));
      await expect(reject).to.emit(registry, "ApplicationRejected").withArgs(2n, ZONING);
      await expect(reject).to.changeTokenBalance(ethers, token, bob, FEE);
      await expect(registry.connect(bob).withdrawApplication(3n)).to.changeTokenBalance(ethers, token, bob, FEE);
      expect(await registry.feesHeld()).to.equal(0n);
    });

    it("does not stop the checks of an unpaused registry: they ask hasRole only", async function () {
      const suite = await deployPermitSuite(ethers);
      const { registry, manager, alice } = suite;
      const typeId = await defineType(suite);
      await apply(suite, alice, typeId, doc("d"));
      await manager.setTargetClosed(await registry.getAddress(), true);
      await passAll(suite, 1n);
      expect(await registry.ownerOf(1n)).to.equal(alice.address);
    });
  });
});
