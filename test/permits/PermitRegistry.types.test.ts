/**
 * PermitRegistry: deployment, permit types (definePermitType, setPermitTypeActive,
 * getPermitType) and access control of every restricted function.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { AbiCoder, ZeroAddress, ZeroHash, concat, hexlify } from "ethers";
import { network } from "hardhat";

import { FUNCTION_ROLES } from "../../scripts/lib/wiring.js";
import type { AccessManager, PermitRegistry } from "../../types/ethers-contracts/index.js";
import { itRefusesCallersWithoutTheRole } from "./behaviours.js";
import { FEE, FIRE, YEAR, ZONING, apply, defineType, deployPermitSuite, deployRegistry, doc } from "./fixture.js";

const { ethers, networkHelpers } = await network.create();
const permitSuite = () => deployPermitSuite(ethers);

const MAX_VALIDITY = 1000n * YEAR;
const MAX_FEE = 2n ** 96n - 1n;
const MAX_CHECK_ROLE = 2n ** 64n - 2n;

/**
 * Calldata of definePermitType with a name of raw bytes (a `string` and a `bytes` argument have
 * the same ABI encoding), so that names which are not valid UTF-8 can be sent.
 */
function defineWithRawName(registry: PermitRegistry, name: Uint8Array): string {
  const selector = registry.interface.getFunction("definePermitType").selector;
  const args = AbiCoder.defaultAbiCoder().encode(
    ["bytes", "uint256", "uint64", "uint64[]", "bool"],
    [name, FEE, YEAR, [FIRE], false],
  );
  return concat([selector, args]);
}

/** The outcome of definePermitType with a raw name, as an eth_call from `officer`. */
async function tryRawName(
  registry: PermitRegistry,
  officer: HardhatEthersSigner,
  name: Uint8Array,
): Promise<{ ok: true } | { ok: false; offset: bigint }> {
  try {
    await ethers.provider.call({
      from: officer.address,
      to: await registry.getAddress(),
      data: defineWithRawName(registry, name),
    });
    return { ok: true };
  } catch (error) {
    const data = (error as { data?: string }).data;
    const parsed = data === undefined ? null : registry.interface.parseError(data);
    if (parsed?.name !== "Permit_InvalidTypeNameEncoding") throw error;
    return { ok: false, offset: parsed.args[0] as bigint };
  }
}

/** True when `bytes` is valid UTF-8 (the WHATWG decoder, which follows RFC 3629). */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A name of 1 to 64 bytes mixing ASCII, valid multi-byte characters and bytes at UTF-8's edges. */
function randomName(next: () => number): Uint8Array {
  const edges = [
    0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
  ];
  const bytes: number[] = [];
  const target = 1 + Math.floor(next() * 64);
  while (bytes.length < target) {
    const kind = next();
    if (kind < 0.3) {
      bytes.push(0x20 + Math.floor(next() * 0x5f));
    } else if (kind < 0.65) {
      const ranges: Array<[number, number]> = [
        [0x80, 0x7ff],
        [0x800, 0xd7ff],
        [0xe000, 0xffff],
        [0x10000, 0x10ffff],
      ];
      const [low, high] = ranges[Math.floor(next() * ranges.length)];
      bytes.push(...new TextEncoder().encode(String.fromCodePoint(low + Math.floor(next() * (high - low + 1)))));
    } else if (kind < 0.85) {
      bytes.push(edges[Math.floor(next() * edges.length)]);
    } else {
      bytes.push(Math.floor(next() * 256));
    }
  }
  return Uint8Array.from(bytes.slice(0, 64));
}

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
      "Module_ZeroAddress",
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

    it("accepts multi-byte UTF-8 names and the edges of UTF-8", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      const officer = registry.connect(permitOfficer);
      const name = "Baugenehmigung Zürich – 許可 🏗";
      await expect(officer.definePermitType(name, FEE, YEAR, [FIRE], false))
        .to.emit(registry, "PermitTypeDefined")
        .withArgs(1n, name, FEE, YEAR, [FIRE], false);
      expect((await registry.getPermitType(1n)).name).to.equal(name);
      // U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF
      for (const edge of [
        [0x7f],
        [0xc2, 0x80],
        [0xdf, 0xbf],
        [0xe0, 0xa0, 0x80],
        [0xed, 0x9f, 0xbf],
        [0xee, 0x80, 0x80],
        [0xef, 0xbf, 0xbf],
        [0xf0, 0x90, 0x80, 0x80],
        [0xf4, 0x8f, 0xbf, 0xbf],
      ]) {
        expect(
          await tryRawName(registry, permitOfficer, Uint8Array.from(edge)),
          hexlify(Uint8Array.from(edge)),
        ).to.deep.equal({ ok: true });
      }
    });

    it("refuses a name that is not valid UTF-8, with the offset of the bad sequence", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      const cases: Array<[number[], bigint, string]> = [
        [[0xff], 0n, "never in UTF-8"],
        [[0x41, 0x80], 1n, "stray continuation byte"],
        [[0xc0, 0xaf], 0n, "overlong 2-byte form"],
        [[0xc1, 0xbf], 0n, "overlong 2-byte form"],
        [[0xe0, 0x9f, 0xbf], 0n, "overlong 3-byte form"],
        [[0xf0, 0x8f, 0xbf, 0xbf], 0n, "overlong 4-byte form"],
        [[0x41, 0xed, 0xa0, 0x80], 1n, "surrogate U+D800"],
        [[0xed, 0xbf, 0xbf], 0n, "surrogate U+DFFF"],
        [[0xf4, 0x90, 0x80, 0x80], 0n, "above U+10FFFF"],
        [[0xf5, 0x80, 0x80, 0x80], 0n, "lead byte above F4"],
        [[0x41, 0x42, 0xc3], 2n, "truncated 2-byte sequence"],
        [[0xe2, 0x82], 0n, "truncated 3-byte sequence"],
        [[0xc3, 0xa9, 0xe2, 0x28, 0xa1], 2n, "bad second continuation"],
        [[0xf0, 0x9f, 0x8f, 0x41], 0n, "bad last continuation"],
      ];
      for (const [bytes, offset, what] of cases) {
        await expect(
          permitOfficer.sendTransaction({
            to: await registry.getAddress(),
            data: defineWithRawName(registry, Uint8Array.from(bytes)),
          }),
          what,
        )
          .to.be.revertedWithCustomError(registry, "Permit_InvalidTypeNameEncoding")
          .withArgs(offset);
      }
      expect((await registry.counts())[0]).to.equal(0n);
    });

    it("agrees with a strict UTF-8 decoder on random names, and points at the first bad sequence", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
      const next = random(20_270_101);
      let valid = 0;
      for (let run = 0; run < 150; ++run) {
        const name = randomName(next);
        const outcome = await tryRawName(registry, permitOfficer, name);
        expect(outcome.ok, hexlify(name)).to.equal(isUtf8(name));
        if (outcome.ok) {
          ++valid;
          continue;
        }
        const offset = Number(outcome.offset);
        // everything before the offset decodes; no character starting there completes
        expect(isUtf8(name.slice(0, offset)), `${hexlify(name)} prefix`).to.equal(true);
        for (let end = offset + 1; end <= Math.min(offset + 4, name.length); ++end) {
          expect(isUtf8(name.slice(0, end)), `${hexlify(name)} up to ${end}`).to.equal(false);
        }
      }
      // both outcomes were exercised
      expect(valid).to.be.greaterThan(10);
      expect(valid).to.be.lessThan(140);
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

  it("refuses recordCheck from the permit officer and the admin, who hold no check role", async function () {
    const suite = await networkHelpers.loadFixture(permitSuite);
    const typeId = await defineType(suite);
    await apply(suite, suite.alice, typeId, doc("d"));
    for (const who of [suite.permitOfficer, suite.admin]) {
      await expect(suite.registry.connect(who).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(suite.registry, "Permit_MissingCheckRole")
        .withArgs(who.address, FIRE);
    }
  });

  it("refuses pause() from the permit officer (GUARDIAN only)", async function () {
    const { registry, permitOfficer } = await networkHelpers.loadFixture(permitSuite);
    await expect(registry.connect(permitOfficer).pause())
      .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
      .withArgs(permitOfficer.address);
  });
});

describe("PermitRegistry: the authority", function () {
  it("asks hasRole of the current authority: after updateAuthority the new AccessManager decides", async function () {
    const suite = await networkHelpers.loadFixture(permitSuite);
    const { registry, manager, admin, fireInspector, alice } = suite;
    const typeId = await defineType(suite);
    await apply(suite, alice, typeId, doc("d"));
    const next = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
    await manager.updateAuthority(await registry.getAddress(), await next.getAddress());
    expect(await registry.authority()).to.equal(await next.getAddress());
    // the old manager's grant no longer counts
    await expect(registry.connect(fireInspector).recordCheck(1n, FIRE, true, ZeroHash))
      .to.be.revertedWithCustomError(registry, "Permit_MissingCheckRole")
      .withArgs(fireInspector.address, FIRE);
    await next.grantRole(FIRE, fireInspector.address, 0);
    await expect(registry.connect(fireInspector).recordCheck(1n, FIRE, true, ZeroHash))
      .to.emit(registry, "CheckRecorded")
      .withArgs(1n, FIRE, fireInspector.address, true, ZeroHash);
    // and restricted functions follow the new manager too (nothing is wired there yet)
    await expect(registry.connect(suite.permitOfficer).setPermitTypeActive(typeId, false))
      .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
      .withArgs(suite.permitOfficer.address);
  });

  it("a grant with a grant delay counts once effective", async function () {
    const suite = await networkHelpers.loadFixture(permitSuite);
    const { registry, manager, alice, stranger } = suite;
    const typeId = await defineType(suite);
    await apply(suite, alice, typeId, doc("d"));
    await manager.setGrantDelay(FIRE, 3600n);
    await networkHelpers.time.increase(5n * 86_400n + 1n); // the grant delay's minimum setback
    await manager.grantRole(FIRE, stranger.address, 0);
    await expect(registry.connect(stranger).recordCheck(1n, FIRE, true, ZeroHash))
      .to.be.revertedWithCustomError(registry, "Permit_MissingCheckRole")
      .withArgs(stranger.address, FIRE);
    await networkHelpers.time.increase(3600n);
    await expect(registry.connect(stranger).recordCheck(1n, FIRE, true, ZeroHash))
      .to.emit(registry, "CheckRecorded")
      .withArgs(1n, FIRE, stranger.address, true, ZeroHash);
  });

  it("a revoked check role stops its holder at once", async function () {
    const suite = await networkHelpers.loadFixture(permitSuite);
    const { registry, manager, alice, zoningInspector } = suite;
    const typeId = await defineType(suite);
    await apply(suite, alice, typeId, doc("d"));
    await manager.revokeRole(ZONING, zoningInspector.address);
    await expect(registry.connect(zoningInspector).recordCheck(1n, ZONING, false, ZeroHash))
      .to.be.revertedWithCustomError(registry, "Permit_MissingCheckRole")
      .withArgs(zoningInspector.address, ZONING);
    // the other agency is unaffected
    await registry.connect(suite.fireInspector).recordCheck(1n, FIRE, true, ZeroHash);
    expect((await registry.getApplication(1n)).checksPassed).to.equal(1n);
    await manager.grantRole(ZONING, zoningInspector.address, 0);
    await registry.connect(zoningInspector).recordCheck(1n, ZONING, true, ZeroHash);
    expect(await registry.ownerOf(1n)).to.equal(alice.address);
  });
});
