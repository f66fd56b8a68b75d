/**
 * PermitRegistry: applications (submitApplication, submitApplicationWithPermit,
 * withdrawApplication), document-hash rules, checks (recordCheck), issuance and rejection.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { Signature, ZeroHash } from "ethers";
import { network } from "hardhat";

import {
  AppStatus,
  FEE,
  FIRE,
  HEALTH,
  PENDING,
  PermitStatus,
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
const permitSuite = () => deployPermitSuite(ethers);

/** A suite with the default type (FIRE + ZONING, FEE, one year) defined as type 1. */
async function typedSuite(): Promise<PermitSuite & { typeId: bigint }> {
  const suite = await deployPermitSuite(ethers);
  return { ...suite, typeId: await defineType(suite) };
}

async function blockTime(tx: Promise<{ wait(): Promise<{ blockNumber: number } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  if (block === null) throw new Error("no block");
  return BigInt(block.timestamp);
}

/** An ERC-2612 signature of `owner` for `value` to the registry. */
async function signPermit(
  suite: PermitSuite,
  owner: HardhatEthersSigner,
  value: bigint,
  deadline: bigint,
): Promise<Signature> {
  const { chainId } = await ethers.provider.getNetwork();
  const signature = await owner.signTypedData(
    { name: "Test Stablecoin", version: "1", chainId, verifyingContract: await suite.token.getAddress() },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    {
      owner: owner.address,
      spender: await suite.registry.getAddress(),
      value,
      nonce: await suite.token.nonces(owner.address),
      deadline,
    },
  );
  return Signature.from(signature);
}

describe("PermitRegistry: applications", function () {
  describe("submitApplication", function () {
    it("pulls the fee, holds it and emits ApplicationSubmitted", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, typeId } = suite;
      await fund(suite, alice);
      const deed = doc("deed");
      const tx = registry.connect(alice).submitApplication(typeId, deed);
      await expect(tx).to.emit(registry, "ApplicationSubmitted").withArgs(1n, alice.address, typeId, 0n, deed, FEE);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [-FEE, FEE]);
      const a = await registry.getApplication(1n);
      expect(a.typeId).to.equal(typeId);
      expect(a.applicant).to.equal(alice.address);
      expect(a.permitId).to.equal(0n);
      expect(a.documentHash).to.equal(deed);
      expect(a.fee).to.equal(FEE);
      expect(a.status).to.equal(AppStatus.Pending);
      expect(a.checksPassed).to.equal(0n);
      expect(a.checksBitmap).to.equal(0n);
      expect(a.decidedAt).to.equal(0n);
      expect(await registry.feesHeld()).to.equal(FEE);
      expect(await registry.applicationOfDocument(alice.address, deed)).to.equal(1n);
      expect(await registry.permitOfDocument(alice.address, deed)).to.equal(0n);
    });

    it("issues at once for a type without checks: fee to the ledger, token minted", async function () {
      const suite = await networkHelpers.loadFixture(permitSuite);
      const { registry, ledger, token, alice } = suite;
      const typeId = await defineType(suite, { name: "Parking permit", checks: [] });
      await fund(suite, alice);
      const tx = registry.connect(alice).submitApplication(typeId, doc("car"));
      await expect(tx)
        .to.emit(registry, "ApplicationSubmitted")
        .withArgs(1n, alice.address, typeId, 0n, doc("car"), FEE);
      await expect(tx).to.emit(registry, "Transfer").withArgs(ethers.ZeroAddress, alice.address, 1n);
      await expect(tx).to.emit(registry, "Locked").withArgs(1n);
      const now = await blockTime(tx);
      await expect(tx)
        .to.emit(registry, "PermitIssued")
        .withArgs(1n, alice.address, typeId, 1n, now + YEAR);
      await expect(tx)
        .to.emit(ledger, "Deposited")
        .withArgs(await registry.getAddress(), FEE, ethers.zeroPadValue("0x01", 32));
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry, ledger], [-FEE, 0n, FEE]);
      expect(await registry.isValid(1n)).to.equal(true);
      expect(await registry.feesHeld()).to.equal(0n);
      expect((await registry.getApplication(1n)).status).to.equal(AppStatus.Approved);
    });

    it("issues a free type without checks without touching tokens", async function () {
      const suite = await networkHelpers.loadFixture(permitSuite);
      const typeId = await defineType(suite, { name: "Free", checks: [], fee: 0n });
      const tx = suite.registry.connect(suite.bob).submitApplication(typeId, doc("free"));
      await expect(tx).to.emit(suite.registry, "PermitIssued");
      await expect(tx).not.to.emit(suite.ledger, "Deposited");
      expect(await suite.registry.ownerOf(1n)).to.equal(suite.bob.address);
    });

    it("refuses an unknown or inactive type", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, alice, typeId } = suite;
      await fund(suite, alice);
      await expect(registry.connect(alice).submitApplication(2n, doc("d")))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownType")
        .withArgs(2n);
      await registry.connect(suite.permitOfficer).setPermitTypeActive(typeId, false);
      await expect(registry.connect(alice).submitApplication(typeId, doc("d")))
        .to.be.revertedWithCustomError(registry, "Permit_TypeInactive")
        .withArgs(typeId);
    });

    it("refuses document hash 0", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      await fund(suite, suite.alice);
      await expect(
        suite.registry.connect(suite.alice).submitApplication(suite.typeId, ZeroHash),
      ).to.be.revertedWithCustomError(suite.registry, "Permit_ZeroDocumentHash");
    });

    it("refuses a missing allowance with the token's error and changes nothing", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      await suite.token.mint(suite.alice.address, FEE);
      await expect(suite.registry.connect(suite.alice).submitApplication(suite.typeId, doc("d")))
        .to.be.revertedWithCustomError(suite.token, "ERC20InsufficientAllowance")
        .withArgs(await suite.registry.getAddress(), 0n, FEE);
      expect((await suite.registry.counts())[1]).to.equal(0n);
    });
  });

  describe("document hashes", function () {
    it("refuses the applicant's own document of a pending application, a permit and a revoked permit", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, alice, typeId } = suite;
      const deed = doc("deed");
      await apply(suite, alice, typeId, deed);
      await fund(suite, alice);
      await expect(registry.connect(alice).submitApplication(typeId, deed))
        .to.be.revertedWithCustomError(registry, "Permit_DocumentInUse")
        .withArgs(deed, 1n);
      await passAll(suite, 1n);
      await expect(registry.connect(alice).submitApplication(typeId, deed))
        .to.be.revertedWithCustomError(registry, "Permit_DocumentInUse")
        .withArgs(deed, 1n);
      await registry.connect(suite.permitOfficer).revoke(1n, doc("fraud"));
      await expect(registry.connect(alice).submitApplication(typeId, deed))
        .to.be.revertedWithCustomError(registry, "Permit_DocumentInUse")
        .withArgs(deed, 1n);
      expect(await registry.permitOfDocument(alice.address, deed)).to.equal(1n);
    });

    it("frees the document of a rejected or withdrawn application", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, alice, typeId } = suite;
      const deed = doc("deed");
      await apply(suite, alice, typeId, deed);
      await registry.connect(suite.fireInspector).recordCheck(1n, FIRE, false, doc("no"));
      expect(await registry.applicationOfDocument(alice.address, deed)).to.equal(0n);
      expect(await apply(suite, alice, typeId, deed)).to.equal(2n);
      await registry.connect(alice).withdrawApplication(2n);
      expect(await registry.applicationOfDocument(alice.address, deed)).to.equal(0n);
      expect(await apply(suite, alice, typeId, deed)).to.equal(3n);
      await passAll(suite, 3n);
      expect(await registry.permitOfDocument(alice.address, deed)).to.equal(1n);
      expect((await registry.getPermit(1n)).applicationId).to.equal(3n);
    });

    // Finding 2 of issue #12: a hash copied from a pending transaction (front-run) neither blocks
    // its owner nor gains the copier anything.
    it("binds a document to its applicant: a copier neither blocks the owner nor gains anything", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, alice, bob, token, typeId } = suite;
      const deed = doc("alice's deed");
      // bob copies alice's hash from the mempool and submits it first
      expect(await apply(suite, bob, typeId, deed)).to.equal(1n);
      // alice is not refused
      expect(await apply(suite, alice, typeId, deed)).to.equal(2n);
      expect(await registry.applicationOfDocument(bob.address, deed)).to.equal(1n);
      expect(await registry.applicationOfDocument(alice.address, deed)).to.equal(2n);
      // the agencies pass alice's application: the permit is alice's, found under alice only
      await passAll(suite, 2n);
      expect(await registry.ownerOf(1n)).to.equal(alice.address);
      expect(await registry.permitOfDocument(alice.address, deed)).to.equal(1n);
      expect(await registry.permitOfDocument(bob.address, deed)).to.equal(0n);
      // bob's copy affects nothing of alice's: his withdrawal frees only his own entry
      await expect(registry.connect(bob).withdrawApplication(1n)).to.changeTokenBalance(ethers, token, bob, FEE);
      expect(await registry.applicationOfDocument(alice.address, deed)).to.equal(2n);
      expect(await registry.permitOfDocument(alice.address, deed)).to.equal(1n);
      expect(await registry.isValid(1n)).to.equal(true);
      // and he cannot act on alice's application
      await expect(registry.connect(bob).withdrawApplication(2n))
        .to.be.revertedWithCustomError(registry, "Permit_UnexpectedApplicationStatus")
        .withArgs(2n, AppStatus.Approved, PENDING);
    });
  });

  describe("submitApplicationWithPermit (ERC-2612)", function () {
    it("applies with a signature instead of an approval", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, typeId } = suite;
      await token.mint(alice.address, FEE);
      const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
      const sig = await signPermit(suite, alice, FEE, deadline);
      const tx = registry.connect(alice).submitApplicationWithPermit(typeId, doc("d"), deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.emit(registry, "ApplicationSubmitted").withArgs(1n, alice.address, typeId, 0n, doc("d"), FEE);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [-FEE, FEE]);
      expect(await token.nonces(alice.address)).to.equal(1n);
    });

    it("proceeds when someone used the signature first (front-run permit)", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, stranger, typeId } = suite;
      await token.mint(alice.address, FEE);
      const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
      const sig = await signPermit(suite, alice, FEE, deadline);
      await token
        .connect(stranger)
        .permit(alice.address, await registry.getAddress(), FEE, deadline, sig.v, sig.r, sig.s);
      await expect(
        registry.connect(alice).submitApplicationWithPermit(typeId, doc("d"), deadline, sig.v, sig.r, sig.s),
      ).to.emit(registry, "ApplicationSubmitted");
      expect(await registry.feesHeld()).to.equal(FEE);
    });

    it("refuses when the signature fails and the allowance is short", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, typeId } = suite;
      await token.mint(alice.address, FEE);
      const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
      const sig = await signPermit(suite, alice, FEE - 1n, deadline); // signed for another value
      await token.connect(alice).approve(await registry.getAddress(), FEE - 1n);
      await expect(registry.connect(alice).submitApplicationWithPermit(typeId, doc("d"), deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(registry, "Permit_InsufficientAllowance")
        .withArgs(FEE - 1n, FEE);
    });

    it("needs no signature for a free type and checks the type first", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, alice } = suite;
      const free = await defineType(suite, { name: "Free", fee: 0n });
      await expect(registry.connect(alice).submitApplicationWithPermit(free, doc("d"), 0n, 0, ZeroHash, ZeroHash))
        .to.emit(registry, "ApplicationSubmitted")
        .withArgs(1n, alice.address, free, 0n, doc("d"), 0n);
      await expect(registry.connect(alice).submitApplicationWithPermit(9n, doc("e"), 0n, 0, ZeroHash, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownType")
        .withArgs(9n);
    });
  });

  describe("submitApplicationWithPermit: refusals", function () {
    it("refuses an inactive type and document hash 0 before touching the signature", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, typeId } = suite;
      await token.mint(alice.address, FEE);
      const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
      const sig = await signPermit(suite, alice, FEE, deadline);
      await expect(
        registry.connect(alice).submitApplicationWithPermit(typeId, ZeroHash, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(registry, "Permit_ZeroDocumentHash");
      await registry.connect(suite.permitOfficer).setPermitTypeActive(typeId, false);
      await expect(registry.connect(alice).submitApplicationWithPermit(typeId, doc("d"), deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(registry, "Permit_TypeInactive")
        .withArgs(typeId);
      // nothing was used: the signature still works once the type is active again
      expect(await token.nonces(alice.address)).to.equal(0n);
      await registry.connect(suite.permitOfficer).setPermitTypeActive(typeId, true);
      await expect(
        registry.connect(alice).submitApplicationWithPermit(typeId, doc("d"), deadline, sig.v, sig.r, sig.s),
      ).to.emit(registry, "ApplicationSubmitted");
    });

    it("refuses an expired signature without an allowance", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, typeId } = suite;
      await token.mint(alice.address, FEE);
      const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
      const sig = await signPermit(suite, alice, FEE, deadline);
      await networkHelpers.time.increase(120n);
      await expect(registry.connect(alice).submitApplicationWithPermit(typeId, doc("d"), deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(registry, "Permit_InsufficientAllowance")
        .withArgs(0n, FEE);
    });
  });

  describe("withdrawApplication", function () {
    it("refunds the applicant and emits ApplicationWithdrawn", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, typeId } = suite;
      await apply(suite, alice, typeId, doc("d"));
      await registry.connect(suite.fireInspector).recordCheck(1n, FIRE, true, doc("ok"));
      const tx = registry.connect(alice).withdrawApplication(1n);
      await expect(tx).to.emit(registry, "ApplicationWithdrawn").withArgs(1n);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [FEE, -FEE]);
      const a = await registry.getApplication(1n);
      expect(a.status).to.equal(AppStatus.Withdrawn);
      expect(a.decidedAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(await registry.feesHeld()).to.equal(0n);
    });

    it("refuses an unknown application, another caller and a closed application", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, alice, bob, typeId } = suite;
      await expect(registry.connect(alice).withdrawApplication(1n))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownApplication")
        .withArgs(1n);
      await apply(suite, alice, typeId, doc("d"));
      await expect(registry.connect(bob).withdrawApplication(1n))
        .to.be.revertedWithCustomError(registry, "Permit_NotApplicant")
        .withArgs(1n, bob.address);
      await registry.connect(alice).withdrawApplication(1n);
      await expect(registry.connect(alice).withdrawApplication(1n))
        .to.be.revertedWithCustomError(registry, "Permit_UnexpectedApplicationStatus")
        .withArgs(1n, AppStatus.Withdrawn, PENDING);
    });
  });

  describe("recordCheck", function () {
    it("records a passing check that is not the last", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, fireInspector, alice, typeId } = suite;
      await apply(suite, alice, typeId, doc("d"));
      await expect(registry.connect(fireInspector).recordCheck(1n, FIRE, true, doc("fire ok")))
        .to.emit(registry, "CheckRecorded")
        .withArgs(1n, FIRE, fireInspector.address, true, doc("fire ok"));
      const a = await registry.getApplication(1n);
      expect(a.status).to.equal(AppStatus.Pending);
      expect(a.checksPassed).to.equal(1n);
      expect(a.checksBitmap).to.equal(1n);
      expect(await registry.isCheckPassed(1n, FIRE)).to.equal(true);
      expect(await registry.isCheckPassed(1n, ZONING)).to.equal(false);
      expect(await registry.isCheckPassed(1n, HEALTH)).to.equal(false);
    });

    it("issues the permit with the last passing check, in any order", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, ledger, token, alice, fireInspector, zoningInspector, typeId } = suite;
      await apply(suite, alice, typeId, doc("d"));
      await registry.connect(zoningInspector).recordCheck(1n, ZONING, true, doc("z"));
      const tx = registry.connect(fireInspector).recordCheck(1n, FIRE, true, doc("f"));
      const now = await blockTime(tx);
      await expect(tx).to.emit(registry, "CheckRecorded").withArgs(1n, FIRE, fireInspector.address, true, doc("f"));
      await expect(tx).to.emit(registry, "Transfer").withArgs(ethers.ZeroAddress, alice.address, 1n);
      await expect(tx).to.emit(registry, "Locked").withArgs(1n);
      await expect(tx)
        .to.emit(registry, "PermitIssued")
        .withArgs(1n, alice.address, typeId, 1n, now + YEAR);
      await expect(tx)
        .to.emit(ledger, "Deposited")
        .withArgs(await registry.getAddress(), FEE, ethers.zeroPadValue("0x01", 32));
      await expect(tx).to.changeTokenBalances(ethers, token, [registry, ledger], [-FEE, FEE]);
      const p = await registry.getPermit(1n);
      expect(p.typeId).to.equal(typeId);
      expect(p.holder).to.equal(alice.address);
      expect(p.issuedAt).to.equal(now);
      expect(p.expiresAt).to.equal(now + YEAR);
      expect(p.documentHash).to.equal(doc("d"));
      expect(p.revoked).to.equal(false);
      expect(p.suspended).to.equal(false);
      expect(p.applicationId).to.equal(1n);
      const a = await registry.getApplication(1n);
      expect(a.status).to.equal(AppStatus.Approved);
      expect(a.permitId).to.equal(1n);
      expect(a.checksPassed).to.equal(2n);
      expect(a.decidedAt).to.equal(now);
      expect(await registry.isValid(1n)).to.equal(true);
      expect(await registry.permitStatus(1n)).to.equal(PermitStatus.Active);
      expect(await registry.balanceOf(alice.address)).to.equal(1n);
      expect(await registry.counts()).to.deep.equal([1n, 1n, 1n]);
      expect(await registry.feesHeld()).to.equal(0n);
      expect(await ledger.unallocated()).to.equal(FEE);
    });

    it("rejects with a failing check: refund, document freed, CheckRecorded then ApplicationRejected", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, fireInspector, zoningInspector, typeId } = suite;
      await apply(suite, alice, typeId, doc("d"));
      await registry.connect(fireInspector).recordCheck(1n, FIRE, true, doc("f"));
      const tx = registry.connect(zoningInspector).recordCheck(1n, ZONING, false, doc("too tall"));
      await expect(tx)
        .to.emit(registry, "CheckRecorded")
        .withArgs(1n, ZONING, zoningInspector.address, false, doc("too tall"))
        .and.to.emit(registry, "ApplicationRejected")
        .withArgs(1n, ZONING);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [FEE, -FEE]);
      const receipt = await (await tx).wait();
      const registryAddress = await registry.getAddress();
      const names = receipt!.logs
        .filter((l) => l.address === registryAddress)
        .map((l) => registry.interface.parseLog(l)?.name);
      expect(names).to.deep.equal(["CheckRecorded", "ApplicationRejected"]);
      const a = await registry.getApplication(1n);
      expect(a.status).to.equal(AppStatus.Rejected);
      expect(a.checksPassed).to.equal(1n);
      expect(await registry.applicationOfDocument(suite.alice.address, doc("d"))).to.equal(0n);
      expect(await registry.feesHeld()).to.equal(0n);
      expect((await registry.counts())[2]).to.equal(0n);
    });

    it("refuses an unknown application and a closed one", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, fireInspector, zoningInspector, alice, typeId } = suite;
      await expect(registry.connect(fireInspector).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownApplication")
        .withArgs(1n);
      await apply(suite, alice, typeId, doc("a"));
      await passAll(suite, 1n);
      await expect(registry.connect(fireInspector).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_UnexpectedApplicationStatus")
        .withArgs(1n, AppStatus.Approved, PENDING);
      await apply(suite, alice, typeId, doc("b"));
      await registry.connect(zoningInspector).recordCheck(2n, ZONING, false, ZeroHash);
      await expect(registry.connect(fireInspector).recordCheck(2n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_UnexpectedApplicationStatus")
        .withArgs(2n, AppStatus.Rejected, PENDING);
    });

    it("refuses a role that is not one of the type's checks", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, manager, alice, stranger, typeId } = suite;
      await manager.grantRole(HEALTH, stranger.address, 0);
      await apply(suite, alice, typeId, doc("d"));
      await expect(registry.connect(stranger).recordCheck(1n, HEALTH, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_NotACheckOfType")
        .withArgs(typeId, HEALTH);
    });

    it("refuses a caller without the check role, or whose grant is not effective yet", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, manager, alice, stranger, zoningInspector, typeId } = suite;
      await apply(suite, alice, typeId, doc("d"));
      await expect(registry.connect(stranger).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_MissingCheckRole")
        .withArgs(stranger.address, FIRE);
      // ZONING's agency is not the fire agency
      await expect(registry.connect(zoningInspector).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_MissingCheckRole")
        .withArgs(zoningInspector.address, FIRE);
      await manager.setGrantDelay(FIRE, 3600n);
      await networkHelpers.time.increase(5n * 86_400n + 1n); // the grant delay's setback
      await manager.grantRole(FIRE, stranger.address, 0);
      await expect(registry.connect(stranger).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_MissingCheckRole")
        .withArgs(stranger.address, FIRE);
    });

    it("refuses a holder with an execution delay", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, manager, alice, stranger, typeId } = suite;
      await manager.grantRole(FIRE, stranger.address, 600);
      await apply(suite, alice, typeId, doc("d"));
      await expect(registry.connect(stranger).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_CheckRoleDelayed")
        .withArgs(stranger.address, FIRE, 600n);
    });

    it("refuses the applicant, even holding the check role", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, fireInspector, typeId } = suite;
      await apply(suite, fireInspector, typeId, doc("d"));
      await expect(registry.connect(fireInspector).recordCheck(1n, FIRE, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_ApplicantCannotCheck")
        .withArgs(1n, fireInspector.address);
    });

    it("refuses a check recorded twice (passing, then failing)", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, fireInspector, alice, typeId } = suite;
      await apply(suite, alice, typeId, doc("d"));
      await registry.connect(fireInspector).recordCheck(1n, FIRE, true, ZeroHash);
      await expect(registry.connect(fireInspector).recordCheck(1n, FIRE, false, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_CheckAlreadyRecorded")
        .withArgs(1n, FIRE);
    });

    it("keeps the fee of several pending applications apart", async function () {
      const suite = await networkHelpers.loadFixture(typedSuite);
      const { registry, token, alice, bob, typeId } = suite;
      await apply(suite, alice, typeId, doc("a"));
      await apply(suite, bob, typeId, doc("b"));
      expect(await registry.feesHeld()).to.equal(2n * FEE);
      await passAll(suite, 2n);
      expect(await registry.ownerOf(1n)).to.equal(bob.address);
      expect(await registry.feesHeld()).to.equal(FEE);
      expect(await token.balanceOf(await registry.getAddress())).to.equal(FEE);
    });
  });

  describe("views", function () {
    it("revert for unknown ids; permitOfDocument and isValid return 0/false", async function () {
      const suite = await networkHelpers.loadFixture(permitSuite);
      const { registry } = suite;
      await expect(registry.getApplication(1n))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownApplication")
        .withArgs(1n);
      await expect(registry.getPermit(1n)).to.be.revertedWithCustomError(registry, "Permit_UnknownPermit").withArgs(1n);
      expect(await registry.permitOfDocument(suite.alice.address, doc("none"))).to.equal(0n);
      expect(await registry.isValid(0n)).to.equal(false);
      expect(await registry.permitStatus(7n)).to.equal(PermitStatus.None);
      expect(await registry.isCheckPassed(1n, FIRE)).to.equal(false);
    });

    it("issueOne helper yields permit 1", async function () {
      const suite = await networkHelpers.loadFixture(permitSuite);
      const { permitId, applicationId } = await issueOne(suite);
      expect(permitId).to.equal(1n);
      expect(applicationId).to.equal(1n);
    });
  });
});
