/**
 * PermitRegistry: renewal, at once (no rechecks) and through a recheck application.
 */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import {
  ALLOWED,
  AppStatus,
  FEE,
  FIRE,
  PermitStatus,
  YEAR,
  ZONING,
  deployPermitSuite,
  doc,
  fund,
  issueOne,
  passAll,
  type PermitSuite,
} from "./fixture.js";

const { ethers, networkHelpers } = await network.create();

type Issued = PermitSuite & Awaited<ReturnType<typeof issueOne>>;

/** Permit 1 for alice, of a type without rechecks. */
async function issuedSuite(): Promise<Issued> {
  const suite = await deployPermitSuite(ethers);
  return { ...suite, ...(await issueOne(suite)) };
}

/** Permit 1 for alice, of a type with rechecks on renewal. */
async function recheckSuite(): Promise<Issued> {
  const suite = await deployPermitSuite(ethers);
  return { ...suite, ...(await issueOne(suite, { name: "Restaurant licence", recheck: true })) };
}

async function nextTimestamp(): Promise<bigint> {
  const next = BigInt(await networkHelpers.time.latest()) + 10n;
  await networkHelpers.time.setNextBlockTimestamp(next);
  return next;
}

describe("PermitRegistry: renewal", function () {
  describe("without rechecks", function () {
    it("extends an active permit from its expiry, fee to the ledger, returns 0", async function () {
      const suite = await networkHelpers.loadFixture(issuedSuite);
      const { registry, ledger, token, alice, permitId } = suite;
      const before = (await registry.getPermit(permitId)).expiresAt;
      await fund(suite, alice);
      expect(await registry.connect(alice).renew.staticCall(permitId)).to.equal(0n);
      const tx = registry.connect(alice).renew(permitId);
      await expect(tx)
        .to.emit(registry, "PermitRenewed")
        .withArgs(permitId, before + YEAR);
      await expect(tx)
        .to.emit(ledger, "Deposited")
        .withArgs(await registry.getAddress(), FEE, ethers.zeroPadValue("0x01", 32));
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry, ledger], [-FEE, 0n, FEE]);
      expect((await registry.getPermit(permitId)).expiresAt).to.equal(before + YEAR);
      expect((await registry.counts())[1]).to.equal(1n); // no application opened
    });

    it("extends an expired permit from now", async function () {
      const suite = await networkHelpers.loadFixture(issuedSuite);
      const { registry, alice, permitId } = suite;
      await networkHelpers.time.increase(2n * YEAR);
      expect(await registry.permitStatus(permitId)).to.equal(PermitStatus.Expired);
      expect(await registry.isValid(permitId)).to.equal(false);
      await fund(suite, alice);
      const now = await nextTimestamp();
      await expect(registry.connect(alice).renew(permitId))
        .to.emit(registry, "PermitRenewed")
        .withArgs(permitId, now + YEAR);
      expect(await registry.isValid(permitId)).to.equal(true);
    });

    it("is valid until the second before expiresAt, expired at expiresAt", async function () {
      const suite = await networkHelpers.loadFixture(issuedSuite);
      const { registry, permitId } = suite;
      const expiresAt = (await registry.getPermit(permitId)).expiresAt;
      await networkHelpers.time.increaseTo(expiresAt - 1n);
      expect(await registry.isValid(permitId)).to.equal(true);
      await networkHelpers.time.increaseTo(expiresAt);
      expect(await registry.isValid(permitId)).to.equal(false);
      expect(await registry.permitStatus(permitId)).to.equal(PermitStatus.Expired);
    });

    it("renews twice in a row: each renewal adds the validity to the last expiry", async function () {
      const suite = await networkHelpers.loadFixture(issuedSuite);
      const { registry, ledger, alice, permitId } = suite;
      const before = (await registry.getPermit(permitId)).expiresAt;
      await fund(suite, alice, 2n * FEE);
      await expect(registry.connect(alice).renew(permitId))
        .to.emit(registry, "PermitRenewed")
        .withArgs(permitId, before + YEAR);
      await expect(registry.connect(alice).renew(permitId))
        .to.emit(registry, "PermitRenewed")
        .withArgs(permitId, before + 2n * YEAR);
      expect(await registry.pendingRenewalOf(permitId)).to.equal(0n);
      expect(await ledger.unallocated()).to.equal(3n * FEE); // issue + two renewals
    });

    it("renews a free type without tokens", async function () {
      const suite = await deployPermitSuite(ethers);
      const { permitId } = await issueOne(suite, { fee: 0n });
      await expect(suite.registry.connect(suite.alice).renew(permitId)).not.to.emit(suite.ledger, "Deposited");
    });
  });

  describe("with rechecks", function () {
    it("opens an application for the same permit carrying its id and document", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, token, alice, permitId, typeId, documentHash } = suite;
      await fund(suite, alice);
      expect(await registry.connect(alice).renew.staticCall(permitId)).to.equal(2n);
      const tx = registry.connect(alice).renew(permitId);
      await expect(tx)
        .to.emit(registry, "ApplicationSubmitted")
        .withArgs(2n, alice.address, typeId, permitId, documentHash, FEE);
      await expect(tx).not.to.emit(registry, "PermitRenewed");
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [-FEE, FEE]);
      expect(await registry.pendingRenewalOf(permitId)).to.equal(2n);
      expect(await registry.feesHeld()).to.equal(FEE);
      const a = await registry.getApplication(2n);
      expect(a.permitId).to.equal(permitId);
      expect(a.documentHash).to.equal(documentHash);
      expect(a.status).to.equal(AppStatus.Pending);
      // the document still resolves to the permit, through its original application
      expect(await registry.permitOfDocument(suite.alice.address, documentHash)).to.equal(permitId);
      expect(await registry.applicationOfDocument(suite.alice.address, documentHash)).to.equal(1n);
    });

    it("extends the same permit when the checks pass (from max(now, expiresAt))", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, ledger, alice, permitId, zoningInspector } = suite;
      const expiresAt = (await registry.getPermit(permitId)).expiresAt;
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      await registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, doc("f"));
      const tx = registry.connect(zoningInspector).recordCheck(2n, ZONING, true, doc("z"));
      await expect(tx)
        .to.emit(registry, "PermitRenewed")
        .withArgs(permitId, expiresAt + YEAR);
      await expect(tx).not.to.emit(registry, "PermitIssued");
      await expect(tx).not.to.emit(registry, "Transfer");
      await expect(tx)
        .to.emit(ledger, "Deposited")
        .withArgs(await registry.getAddress(), FEE, ethers.zeroPadValue("0x01", 32));
      expect((await registry.getApplication(2n)).status).to.equal(AppStatus.Approved);
      expect(await registry.pendingRenewalOf(permitId)).to.equal(0n);
      expect((await registry.counts())[2]).to.equal(1n);
      expect(await registry.balanceOf(alice.address)).to.equal(1n);
      expect(await registry.feesHeld()).to.equal(0n);
      // the permit keeps its original issue record
      const p = await registry.getPermit(permitId);
      expect(p.applicationId).to.equal(1n);
      expect(p.expiresAt).to.equal(expiresAt + YEAR);
    });

    it("measures an expired permit's renewal from the completing check", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, alice, permitId } = suite;
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      await networkHelpers.time.increase(3n * YEAR);
      await registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, ZeroHash);
      const now = await nextTimestamp();
      await expect(registry.connect(suite.zoningInspector).recordCheck(2n, ZONING, true, ZeroHash))
        .to.emit(registry, "PermitRenewed")
        .withArgs(permitId, now + YEAR);
    });

    it("a failing recheck refunds and leaves the permit as it was", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, token, alice, permitId, documentHash } = suite;
      const before = await registry.getPermit(permitId);
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      const tx = registry.connect(suite.fireInspector).recordCheck(2n, FIRE, false, doc("violations"));
      await expect(tx).to.emit(registry, "ApplicationRejected").withArgs(2n, FIRE);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [FEE, -FEE]);
      expect(await registry.getPermit(permitId)).to.deep.equal(before);
      expect(await registry.pendingRenewalOf(permitId)).to.equal(0n);
      // the permit still holds its document; a new renewal may be opened
      expect(await registry.permitOfDocument(suite.alice.address, documentHash)).to.equal(permitId);
      await fund(suite, alice);
      await expect(registry.connect(alice).renew(permitId)).to.emit(registry, "ApplicationSubmitted");
    });

    it("a withdrawn renewal refunds and frees the renewal slot, not the document", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, token, alice, bob, permitId, documentHash, typeId } = suite;
      const before = await registry.getPermit(permitId);
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      await registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, ZeroHash);
      await expect(registry.connect(bob).withdrawApplication(2n))
        .to.be.revertedWithCustomError(registry, "Permit_NotApplicant")
        .withArgs(2n, bob.address);
      const tx = registry.connect(alice).withdrawApplication(2n);
      await expect(tx).to.emit(registry, "ApplicationWithdrawn").withArgs(2n);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [FEE, -FEE]);
      expect((await registry.getApplication(2n)).status).to.equal(AppStatus.Withdrawn);
      expect(await registry.feesHeld()).to.equal(0n);
      expect(await registry.pendingRenewalOf(permitId)).to.equal(0n);
      expect(await registry.getPermit(permitId)).to.deep.equal(before);
      // the permit keeps its document: its holder may not apply with it again
      expect(await registry.applicationOfDocument(suite.alice.address, documentHash)).to.equal(1n);
      await fund(suite, alice);
      await expect(registry.connect(alice).submitApplication(typeId, documentHash))
        .to.be.revertedWithCustomError(registry, "Permit_DocumentInUse")
        .withArgs(documentHash, 1n);
    });

    it("a pending renewal of a deactivated type still completes", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, alice, permitId, typeId } = suite;
      const expiresAt = (await registry.getPermit(permitId)).expiresAt;
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      await registry.connect(suite.permitOfficer).setPermitTypeActive(typeId, false);
      await registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, ZeroHash);
      await expect(registry.connect(suite.zoningInspector).recordCheck(2n, ZONING, true, ZeroHash))
        .to.emit(registry, "PermitRenewed")
        .withArgs(permitId, expiresAt + YEAR);
    });

    it("a failing recheck of a suspended or revoked permit still rejects and refunds", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, token, alice, permitId, permitOfficer } = suite;
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      await registry.connect(permitOfficer).suspend(permitId, doc("inspection"));
      await registry.connect(permitOfficer).revoke(permitId, doc("fraud"));
      const tx = registry.connect(suite.zoningInspector).recordCheck(2n, ZONING, false, doc("no"));
      await expect(tx).to.emit(registry, "ApplicationRejected").withArgs(2n, ZONING);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, registry], [FEE, -FEE]);
      expect(await registry.pendingRenewalOf(permitId)).to.equal(0n);
      expect(await registry.permitStatus(permitId)).to.equal(PermitStatus.Revoked);
    });

    it("refuses a second renewal while one is pending", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, alice, permitId } = suite;
      await fund(suite, alice, 2n * FEE);
      await registry.connect(alice).renew(permitId);
      await expect(registry.connect(alice).renew(permitId))
        .to.be.revertedWithCustomError(registry, "Permit_RenewalPending")
        .withArgs(permitId, 2n);
    });

    it("cannot complete while the permit is suspended; completes after reinstatement", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, alice, permitId, permitOfficer } = suite;
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      await registry.connect(permitOfficer).suspend(permitId, doc("inspection"));
      await registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, ZeroHash);
      await expect(registry.connect(suite.zoningInspector).recordCheck(2n, ZONING, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Suspended, ALLOWED.activeOrExpired);
      await registry.connect(permitOfficer).reinstate(permitId);
      await expect(registry.connect(suite.zoningInspector).recordCheck(2n, ZONING, true, ZeroHash)).to.emit(
        registry,
        "PermitRenewed",
      );
    });

    it("cannot complete for a revoked permit; the holder withdraws it", async function () {
      const suite = await networkHelpers.loadFixture(recheckSuite);
      const { registry, alice, permitId, permitOfficer } = suite;
      await fund(suite, alice);
      await registry.connect(alice).renew(permitId);
      await registry.connect(permitOfficer).revoke(permitId, doc("fraud"));
      await registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, ZeroHash);
      await expect(registry.connect(suite.zoningInspector).recordCheck(2n, ZONING, true, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Revoked, ALLOWED.activeOrExpired);
      await expect(registry.connect(alice).withdrawApplication(2n)).to.changeTokenBalance(
        ethers,
        suite.token,
        alice,
        FEE,
      );
    });
  });

  describe("refusals", function () {
    it("refuses an unknown permit and a caller who is not the holder", async function () {
      const suite = await networkHelpers.loadFixture(issuedSuite);
      const { registry, bob, permitId } = suite;
      await expect(registry.connect(bob).renew(9n))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownPermit")
        .withArgs(9n);
      await expect(registry.connect(bob).renew(permitId))
        .to.be.revertedWithCustomError(registry, "Permit_NotHolder")
        .withArgs(permitId, bob.address);
    });

    it("refuses a suspended or revoked permit", async function () {
      const suite = await networkHelpers.loadFixture(issuedSuite);
      const { registry, alice, permitOfficer, permitId } = suite;
      await fund(suite, alice);
      await registry.connect(permitOfficer).suspend(permitId, doc("r"));
      await expect(registry.connect(alice).renew(permitId))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Suspended, ALLOWED.activeOrExpired);
      await registry.connect(permitOfficer).revoke(permitId, doc("r"));
      await expect(registry.connect(alice).renew(permitId))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Revoked, ALLOWED.activeOrExpired);
    });

    it("refuses a permit of an inactive type", async function () {
      const suite = await networkHelpers.loadFixture(issuedSuite);
      const { registry, alice, permitOfficer, permitId, typeId } = suite;
      await fund(suite, alice);
      await registry.connect(permitOfficer).setPermitTypeActive(typeId, false);
      await expect(registry.connect(alice).renew(permitId))
        .to.be.revertedWithCustomError(registry, "Permit_TypeInactive")
        .withArgs(typeId);
      // the permit itself stays valid until it expires
      expect(await registry.isValid(permitId)).to.equal(true);
    });
  });

  describe("pending applications of a deactivated type", function () {
    it("still proceed to issue", async function () {
      const suite = await deployPermitSuite(ethers);
      const { registry, alice } = suite;
      const typeId = (await issueOne(suite)).typeId;
      await fund(suite, alice);
      await registry.connect(alice).submitApplication(typeId, doc("second"));
      await registry.connect(suite.permitOfficer).setPermitTypeActive(typeId, false);
      await passAll(suite, 2n);
      expect(await registry.ownerOf(2n)).to.equal(alice.address);
    });
  });
});
