/**
 * PermitRegistry: deployment, permit types (definePermitType, setPermitTypeActive,
 * getPermitType) and access control of every restricted function.
 */
import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { FUNCTION_ROLES } from "../../scripts/lib/wiring.js";
import { itRefusesCallersWithoutTheRole } from "./behaviours.js";
import { FEE, FIRE, YEAR, ZONING, defineType, deployPermitSuite, deployRegistry } from "./fixture.js";

const { ethers, networkHelpers } = await network.create();
const permitSuite = () => deployPermitSuite(ethers);

const MAX_VALIDITY = 1000n * YEAR;
const MAX_FEE = 2n ** 96n - 1n;
const MAX_CHECK_ROLE = 2n ** 64n - 2n;

describe("PermitRegistry: deployment", function () {
  it("takes the fee token from the ledger and approves the ledger once", async function () {
    const { registry, ledger, token } = await networkHelpers.loadFixture(permitSuite);
    expect(await registry.ledger()).to.equal(await ledger.getAddress());
    expect(await registry.token()).to.equal(await token.getAddress());
    expect(await token.allowance(await registry.getAddress(), await ledger.getAddress())).to.equal(2n ** 256n - 1n);
    expect(await registry.counts()).to.deep.equal([0n, 0n, 0n]);
    expect(await registry.feesHeld()).to.equal(0n);
    expect(await registry.name()).to.equal("civic-ledger Permit");
    expect(await registry.symbol()).to.equal("PERMIT");
  });

  it("refuses a zero ledger", async function () {
    const { manager, registry } = await networkHelpers.loadFixture(permitSuite);
    const types = await ethers.deployContract("PermitTypes");
    const metadata = await ethers.deployContract("PermitMetadata");
    const factory = await ethers.getContractFactory("PermitRegistry", {
      libraries: { PermitTypes: await types.getAddress(), PermitMetadata: await metadata.getAddress() },
    });
    await expect(factory.deploy(await manager.getAddress(), ZeroAddress)).to.be.revertedWithCustomError(
      registry,
      "Permit_ZeroAddress",
    );
  });

  it("deploys with the fixture's helper on any ledger", async function () {
    const { manager, ledger } = await networkHelpers.loadFixture(permitSuite);
    const second = await deployRegistry(ethers, manager, ledger);
    expect(await second.ledger()).to.equal(await ledger.getAddress());
  });
});

describe("PermitRegistry: permit types", function () {
  describe("definePermitType", function () {
    it("defines an active type and emits PermitTypeDefined", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      await expect(registry.connect(permitOfficer).definePermitType("Building permit", FEE, YEAR, [FIRE, ZONING], true))
        .to.emit(registry, "PermitTypeDefined")
        .withArgs(1n, "Building permit", FEE, YEAR, [FIRE, ZONING], true);
      const t = await registry.getPermitType(1n);
      expect(t.name).to.equal("Building permit");
      expect(t.fee).to.equal(FEE);
      expect(t.validity).to.equal(YEAR);
      expect(t.checkRoles).to.deep.equal([FIRE, ZONING]);
      expect(t.recheckOnRenewal).to.equal(true);
      expect(t.active).to.equal(true);
      expect((await registry.counts())[0]).to.equal(1n);
    });

    it("numbers types from 1 and accepts the limits (no checks, 16 checks, extreme roles, fee and validity)", async function () {
      const suite = await networkHelpers.loadFixture(permitSuite);
      expect(await defineType(suite, { checks: [], fee: 0n, validity: 1n })).to.equal(1n);
      const sixteen = Array.from({ length: 16 }, (_, i) => 100n + BigInt(i));
      sixteen[15] = MAX_CHECK_ROLE;
      expect(
        await defineType(suite, { name: "x".repeat(64), checks: sixteen, fee: MAX_FEE, validity: MAX_VALIDITY }),
      ).to.equal(2n);
      expect((await suite.registry.getPermitType(2n)).checkRoles).to.deep.equal(sixteen);
      expect((await suite.registry.getPermitType(1n)).checkRoles).to.deep.equal([]);
    });

    it("refuses an empty or too long name", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      const officer = registry.connect(permitOfficer);
      await expect(officer.definePermitType("", FEE, YEAR, [FIRE], false))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidTypeName")
        .withArgs(0n, 64n);
      await expect(officer.definePermitType("y".repeat(65), FEE, YEAR, [FIRE], false))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidTypeName")
        .withArgs(65n, 64n);
    });

    it("refuses a fee above 2^96 - 1", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      await expect(registry.connect(permitOfficer).definePermitType("Big", MAX_FEE + 1n, YEAR, [FIRE], false))
        .to.be.revertedWithCustomError(registry, "Permit_FeeTooLarge")
        .withArgs(MAX_FEE + 1n, MAX_FEE);
    });

    it("refuses a validity of 0 or above 1000 years", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      const officer = registry.connect(permitOfficer);
      await expect(officer.definePermitType("Zero", FEE, 0n, [FIRE], false))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidValidity")
        .withArgs(0n, MAX_VALIDITY);
      await expect(officer.definePermitType("Long", FEE, MAX_VALIDITY + 1n, [FIRE], false))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidValidity")
        .withArgs(MAX_VALIDITY + 1n, MAX_VALIDITY);
    });

    it("refuses more than 16 checks", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      const seventeen = Array.from({ length: 17 }, (_, i) => 100n + BigInt(i));
      await expect(registry.connect(permitOfficer).definePermitType("Many", FEE, YEAR, seventeen, false))
        .to.be.revertedWithCustomError(registry, "Permit_TooManyChecks")
        .withArgs(17n, 16n);
    });

    it("refuses check roles outside 100 ... 2^64-2", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      const officer = registry.connect(permitOfficer);
      for (const role of [0n, 4n, 99n, MAX_CHECK_ROLE + 1n]) {
        await expect(officer.definePermitType("Bad", FEE, YEAR, [FIRE, role], false))
          .to.be.revertedWithCustomError(registry, "Permit_InvalidCheckRole")
          .withArgs(role);
      }
    });

    it("refuses a duplicate check role and leaves no type behind", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      await expect(registry.connect(permitOfficer).definePermitType("Dup", FEE, YEAR, [FIRE, ZONING, FIRE], false))
        .to.be.revertedWithCustomError(registry, "Permit_DuplicateCheckRole")
        .withArgs(FIRE);
      expect((await registry.counts())[0]).to.equal(0n);
    });
  });

  describe("setPermitTypeActive", function () {
    it("deactivates and reactivates, emitting PermitTypeActiveSet", async function () {
      const suite = await networkHelpers.loadFixture(permitSuite);
      const typeId = await defineType(suite);
      const officer = suite.registry.connect(suite.permitOfficer);
      await expect(officer.setPermitTypeActive(typeId, false))
        .to.emit(suite.registry, "PermitTypeActiveSet")
        .withArgs(typeId, false);
      expect((await suite.registry.getPermitType(typeId)).active).to.equal(false);
      await expect(officer.setPermitTypeActive(typeId, true))
        .to.emit(suite.registry, "PermitTypeActiveSet")
        .withArgs(typeId, true);
      expect((await suite.registry.getPermitType(typeId)).active).to.equal(true);
    });

    it("refuses an unknown type", async function () {
      const suite = await networkHelpers.loadFixture(permitSuite);
      await defineType(suite);
      for (const typeId of [0n, 2n]) {
        await expect(suite.registry.connect(suite.permitOfficer).setPermitTypeActive(typeId, false))
          .to.be.revertedWithCustomError(suite.registry, "Permit_UnknownType")
          .withArgs(typeId);
      }
    });
  });

  describe("getPermitType", function () {
    it("reverts for an unknown type", async function () {
      const { registry } = await networkHelpers.loadFixture(permitSuite);
      await expect(registry.getPermitType(1n))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownType")
        .withArgs(1n);
    });
  });
});

describe("PermitRegistry: access control", function () {
  it("wires exactly the restricted functions of scripts/lib/wiring.ts", function () {
    expect(FUNCTION_ROLES.PermitRegistry.PERMIT_OFFICER).to.have.members([
      "definePermitType(string,uint256,uint64,uint64[],bool)",
      "setPermitTypeActive(uint256,bool)",
      "revoke(uint256,bytes32)",
      "suspend(uint256,bytes32)",
      "reinstate(uint256)",
    ]);
    expect(FUNCTION_ROLES.PermitRegistry.GUARDIAN).to.have.members(["pause()", "unpause()"]);
  });

  // The stranger holds no role; a budget officer or a check agency is no permit officer either.
  for (const who of ["stranger", "officer", "fireInspector"] as const) {
    describe(`as ${who}`, function () {
      itRefusesCallersWithoutTheRole(async () => {
        const suite = await networkHelpers.loadFixture(permitSuite);
        return { registry: suite.registry, caller: suite[who] };
      }, [
        {
          signature: "definePermitType(string,uint256,uint64,uint64[],bool)",
          send: (r) => r.definePermitType("T", FEE, YEAR, [FIRE], false),
        },
        { signature: "setPermitTypeActive(uint256,bool)", send: (r) => r.setPermitTypeActive(1n, false) },
        { signature: "revoke(uint256,bytes32)", send: (r) => r.revoke(1n, ZeroHash) },
        { signature: "suspend(uint256,bytes32)", send: (r) => r.suspend(1n, ZeroHash) },
        { signature: "reinstate(uint256)", send: (r) => r.reinstate(1n) },
        { signature: "pause()", send: (r) => r.pause() },
        { signature: "unpause()", send: (r) => r.unpause() },
      ]);
    });
  }

  it("refuses pause() from the permit officer (GUARDIAN only)", async function () {
    const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
    await expect(registry.connect(permitOfficer).pause())
      .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
      .withArgs(permitOfficer.address);
  });
});
