/**
 * PermitRegistry: the permit officer's suspend / reinstate / revoke, the derived status, the
 * soulbound ERC-721 surface (ERC-5192) and the on-chain metadata.
 */
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { ALLOWED, PermitStatus, YEAR, deployPermitSuite, doc, issueOne, type PermitSuite } from "./fixture.js";

const { ethers, networkHelpers } = await network.create();

type Issued = PermitSuite & Awaited<ReturnType<typeof issueOne>>;

async function issuedSuite(): Promise<Issued> {
  const suite = await deployPermitSuite(ethers);
  return { ...suite, ...(await issueOne(suite)) };
}

interface Metadata {
  name: string;
  description: string;
  attributes: Array<{ trait_type: string; value: string | number; display_type?: string }>;
}

function decodeTokenURI(uri: string): Metadata {
  const prefix = "data:application/json;base64,";
  expect(uri.startsWith(prefix)).to.equal(true);
  return JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as Metadata;
}

describe("PermitRegistry: permits", function () {
  describe("suspend / reinstate / revoke", function () {
    it("suspends and reinstates, emitting PermitSuspended and PermitReinstated", async function () {
      const { registry, permitOfficer, permitId } = await networkHelpers.loadFixture(issuedSuite);
      const officer = registry.connect(permitOfficer);
      await expect(officer.suspend(permitId, doc("inspection")))
        .to.emit(registry, "PermitSuspended")
        .withArgs(permitId, doc("inspection"));
      expect(await registry.isValid(permitId)).to.equal(false);
      expect(await registry.permitStatus(permitId)).to.equal(PermitStatus.Suspended);
      expect((await registry.getPermit(permitId)).suspended).to.equal(true);
      await expect(officer.reinstate(permitId)).to.emit(registry, "PermitReinstated").withArgs(permitId);
      expect(await registry.isValid(permitId)).to.equal(true);
      expect((await registry.getPermit(permitId)).suspended).to.equal(false);
    });

    it("revokes for good: never valid again, not reinstated, not revoked twice", async function () {
      const { registry, permitOfficer, permitId } = await networkHelpers.loadFixture(issuedSuite);
      const officer = registry.connect(permitOfficer);
      await officer.suspend(permitId, doc("inspection"));
      await expect(officer.revoke(permitId, doc("fraud")))
        .to.emit(registry, "PermitRevoked")
        .withArgs(permitId, doc("fraud"));
      expect(await registry.isValid(permitId)).to.equal(false);
      expect(await registry.permitStatus(permitId)).to.equal(PermitStatus.Revoked);
      expect((await registry.getPermit(permitId)).revoked).to.equal(true);
      await expect(officer.reinstate(permitId))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Revoked, ALLOWED.suspended);
      await expect(officer.suspend(permitId, doc("again")))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Revoked, ALLOWED.activeOrExpired);
      await expect(officer.revoke(permitId, doc("again")))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Revoked, ALLOWED.notRevoked);
      // the token stays with its holder
      expect(await registry.ownerOf(permitId)).to.equal((await registry.getPermit(permitId)).holder);
    });

    it("suspends and revokes an expired permit; refuses to suspend twice or reinstate an active one", async function () {
      const { registry, permitOfficer, permitId } = await networkHelpers.loadFixture(issuedSuite);
      const officer = registry.connect(permitOfficer);
      await expect(officer.reinstate(permitId))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Active, ALLOWED.suspended);
      await networkHelpers.time.increase(2n * YEAR);
      await expect(officer.suspend(permitId, doc("r"))).to.emit(registry, "PermitSuspended");
      await expect(officer.suspend(permitId, doc("r")))
        .to.be.revertedWithCustomError(registry, "Permit_InvalidPermitStatus")
        .withArgs(permitId, PermitStatus.Suspended, ALLOWED.activeOrExpired);
      await officer.reinstate(permitId);
      expect(await registry.permitStatus(permitId)).to.equal(PermitStatus.Expired);
      await expect(officer.revoke(permitId, doc("r"))).to.emit(registry, "PermitRevoked");
    });

    it("refuses unknown permits", async function () {
      const { registry, permitOfficer } = await networkHelpers.loadFixture(issuedSuite);
      const officer = registry.connect(permitOfficer);
      await expect(officer.suspend(5n, doc("r")))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownPermit")
        .withArgs(5n);
      await expect(officer.reinstate(5n)).to.be.revertedWithCustomError(registry, "Permit_UnknownPermit").withArgs(5n);
      await expect(officer.revoke(5n, doc("r")))
        .to.be.revertedWithCustomError(registry, "Permit_UnknownPermit")
        .withArgs(5n);
    });
  });

  describe("ERC-721 / ERC-5192", function () {
    it("reports the holder, balance and locked state", async function () {
      const { registry, alice, bob, permitId } = await networkHelpers.loadFixture(issuedSuite);
      expect(await registry.ownerOf(permitId)).to.equal(alice.address);
      expect(await registry.balanceOf(alice.address)).to.equal(1n);
      expect(await registry.balanceOf(bob.address)).to.equal(0n);
      expect(await registry.locked(permitId)).to.equal(true);
      expect(await registry.getApproved(permitId)).to.equal(ZeroAddress);
      expect(await registry.isApprovedForAll(alice.address, bob.address)).to.equal(false);
    });

    it("refuses transfers and approvals with custom errors", async function () {
      const { registry, alice, bob, permitId } = await networkHelpers.loadFixture(issuedSuite);
      const holder = registry.connect(alice);
      await expect(holder.transferFrom(alice.address, bob.address, permitId))
        .to.be.revertedWithCustomError(registry, "Permit_Locked")
        .withArgs(permitId);
      await expect(holder["safeTransferFrom(address,address,uint256)"](alice.address, bob.address, permitId))
        .to.be.revertedWithCustomError(registry, "Permit_Locked")
        .withArgs(permitId);
      await expect(
        holder["safeTransferFrom(address,address,uint256,bytes)"](alice.address, bob.address, permitId, "0x"),
      )
        .to.be.revertedWithCustomError(registry, "Permit_Locked")
        .withArgs(permitId);
      await expect(holder.approve(bob.address, permitId))
        .to.be.revertedWithCustomError(registry, "Permit_Locked")
        .withArgs(permitId);
      await expect(holder.setApprovalForAll(bob.address, true))
        .to.be.revertedWithCustomError(registry, "Permit_ApprovalsDisabled")
        .withArgs(bob.address);
      expect(await registry.ownerOf(permitId)).to.equal(alice.address);
    });

    it("reverts on unknown tokens and the zero owner with the ERC-6093 errors", async function () {
      const { registry } = await networkHelpers.loadFixture(issuedSuite);
      for (const tokenId of [0n, 2n, 9n]) {
        for (const call of [
          registry.ownerOf(tokenId),
          registry.getApproved(tokenId),
          registry.locked(tokenId),
          registry.tokenURI(tokenId),
        ]) {
          await expect(call).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(tokenId);
        }
      }
      await expect(registry.balanceOf(ZeroAddress))
        .to.be.revertedWithCustomError(registry, "ERC721InvalidOwner")
        .withArgs(ZeroAddress);
      // the registry's own view keeps its error
      await expect(registry.getPermit(9n)).to.be.revertedWithCustomError(registry, "Permit_UnknownPermit").withArgs(9n);
    });

    it("supports ERC-165, ERC-721, ERC-721 Metadata and ERC-5192 only", async function () {
      const { registry } = await networkHelpers.loadFixture(issuedSuite);
      for (const id of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0xb45a3c0e"]) {
        expect(await registry.supportsInterface(id), id).to.equal(true);
      }
      for (const id of ["0xffffffff", "0x780e9d63", "0x00000000"]) {
        expect(await registry.supportsInterface(id), id).to.equal(false);
      }
    });
  });

  describe("tokenURI", function () {
    it("serves on-chain JSON with type, status, dates and document", async function () {
      const { registry, permitOfficer, permitId, documentHash } = await networkHelpers.loadFixture(issuedSuite);
      const p = await registry.getPermit(permitId);
      const meta = decodeTokenURI(await registry.tokenURI(permitId));
      expect(meta.name).to.equal("Building permit #1");
      expect(meta.description).to.contain("isValid(1)");
      expect(meta.attributes).to.deep.equal([
        { trait_type: "Type", value: "Building permit" },
        { trait_type: "Status", value: "Active" },
        { trait_type: "Issued", display_type: "date", value: Number(p.issuedAt) },
        { trait_type: "Expires", display_type: "date", value: Number(p.expiresAt) },
        { trait_type: "Document hash", value: documentHash },
      ]);
      await registry.connect(permitOfficer).suspend(permitId, doc("r"));
      expect(decodeTokenURI(await registry.tokenURI(permitId)).attributes[1].value).to.equal("Suspended");
      await registry.connect(permitOfficer).revoke(permitId, doc("r"));
      expect(decodeTokenURI(await registry.tokenURI(permitId)).attributes[1].value).to.equal("Revoked");
    });

    it("shows Expired after expiry and escapes the type name", async function () {
      const suite = await deployPermitSuite(ethers);
      const { permitId } = await issueOne(suite, { name: 'Sign "A"\\B' });
      await networkHelpers.time.increase(2n * YEAR);
      const meta = decodeTokenURI(await suite.registry.tokenURI(permitId));
      expect(meta.name).to.equal('Sign "A"\\B #1');
      expect(meta.attributes[0].value).to.equal('Sign "A"\\B');
      expect(meta.attributes[1].value).to.equal("Expired");
    });

    it("stays valid JSON with control characters and multi-byte UTF-8 in the type name", async function () {
      const suite = await deployPermitSuite(ethers);
      const names = ["Line\nbreak\ttab\r\b\f", "\u0000\u0001\u001f\u007f end", "Baugenehmigung Zürich – 許可 🏗"];
      for (const [i, name] of names.entries()) {
        const { permitId } = await issueOne(suite, { name });
        const uri = await suite.registry.tokenURI(permitId);
        const json = Buffer.from(uri.slice("data:application/json;base64,".length), "base64").toString("utf8");
        // no raw control character reaches the JSON text
        const raw = [...json].filter((c) => c.charCodeAt(0) < 0x20);
        expect(raw, `raw control characters in ${JSON.stringify(json)}`).to.deep.equal([]);
        const meta = JSON.parse(json) as Metadata;
        expect(meta.name).to.equal(`${name} #${i + 1}`);
        expect(meta.attributes[0]).to.deep.equal({ trait_type: "Type", value: name });
      }
    });
  });
});
