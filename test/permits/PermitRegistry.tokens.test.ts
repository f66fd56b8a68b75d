/**
 * PermitRegistry: the token matrix (USDT-style, fee-on-transfer, re-entering and blocklisting
 * tokens), deferred refunds (claimRefund) and surplus (sweepSurplus).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import type { BlocklistToken, ReentrantToken } from "../../types/ethers-contracts/index.js";
import {
  AppStatus,
  FEE,
  FIRE,
  ZONING,
  apply,
  defineType,
  deployPermitSuite,
  deployPermitSuiteOn,
  doc,
  fund,
  passAll,
  type PermitSuite,
} from "./fixture.js";

const { ethers, networkHelpers } = await network.create();

const usdtSuite = async () => {
  const suite = await deployPermitSuiteOn(ethers, "UsdtStyleToken");
  return { ...suite, typeId: await defineType(suite) };
};
const feeOnTransferSuite = async () => {
  const suite = await deployPermitSuiteOn(ethers, "FeeOnTransferToken");
  return { ...suite, typeId: await defineType(suite) };
};
const blocklistSuite = async () => {
  const suite = await deployPermitSuiteOn(ethers, "BlocklistToken");
  return { ...suite, typeId: await defineType(suite), blocklist: suite.token as unknown as BlocklistToken };
};

/**
 * A suite on the re-entering token, where the token contract itself is an applicant (it
 * approved the registry and applied through its own hook), so that a hook it runs in the middle
 * of a transfer is the applicant's own call.
 */
async function reentrantSuite(): Promise<
  PermitSuite & { typeId: bigint; rtoken: ReentrantToken; tokenAddress: string }
> {
  const suite = await deployPermitSuiteOn(ethers, "ReentrantToken");
  const rtoken = suite.token as unknown as ReentrantToken;
  const tokenAddress = await rtoken.getAddress();
  const registryAddress = await suite.registry.getAddress();
  const typeId = await defineType(suite);
  await rtoken.mint(tokenAddress, FEE);
  await rtoken.mint(suite.admin.address, 10n);
  await asToken(
    rtoken,
    suite.admin,
    tokenAddress,
    rtoken.interface.encodeFunctionData("approve", [registryAddress, FEE]),
  );
  const submit = suite.registry.interface.encodeFunctionData("submitApplication", [typeId, doc("token's deed")]);
  await asToken(rtoken, suite.admin, registryAddress, submit);
  expect(await rtoken.lastReentrySucceeded()).to.equal(true);
  expect((await suite.registry.getApplication(1n)).applicant).to.equal(tokenAddress);
  return { ...suite, typeId, rtoken, tokenAddress };
}

/** Makes the re-entering token call `target` with `data` (during a 1-unit transfer by `by`). */
async function asToken(rtoken: ReentrantToken, by: HardhatEthersSigner, target: string, data: string): Promise<void> {
  await rtoken.arm(target, data);
  await rtoken.connect(by).transfer(by.address, 1n);
}

describe("PermitRegistry: token matrix", function () {
  describe("USDT-style token (no return values)", function () {
    it("takes fees, issues with the ledger deposit, refunds and renews", async function () {
      const suite = await networkHelpers.loadFixture(usdtSuite);
      const { registry, ledger, token, alice, bob, typeId } = suite;
      await apply(suite, alice, typeId, doc("a"));
      await passAll(suite, 1n);
      expect(await token.balanceOf(await ledger.getAddress())).to.equal(FEE);
      expect(await registry.ownerOf(1n)).to.equal(alice.address);
      await apply(suite, bob, typeId, doc("b"));
      await expect(registry.connect(suite.fireInspector).recordCheck(2n, FIRE, false, ZeroHash)).to.changeTokenBalance(
        ethers,
        token,
        bob,
        FEE,
      );
      await apply(suite, bob, typeId, doc("c"));
      await expect(registry.connect(bob).withdrawApplication(3n)).to.changeTokenBalance(ethers, token, bob, FEE);
      await fund(suite, alice);
      await expect(registry.connect(alice).renew(1n)).to.emit(registry, "PermitRenewed");
      expect(await token.balanceOf(await ledger.getAddress())).to.equal(2n * FEE);
      expect(await token.balanceOf(await registry.getAddress())).to.equal(0n);
    });

    it("submitApplicationWithPermit falls back to the allowance on a token without ERC-2612", async function () {
      const suite = await networkHelpers.loadFixture(usdtSuite);
      const { registry, alice, typeId } = suite;
      await fund(suite, alice);
      await expect(registry.connect(alice).submitApplicationWithPermit(typeId, doc("a"), 0n, 0, ZeroHash, ZeroHash))
        .to.emit(registry, "ApplicationSubmitted")
        .withArgs(1n, alice.address, typeId, 0n, doc("a"), FEE);
      await expect(registry.connect(suite.bob).submitApplicationWithPermit(typeId, doc("b"), 0n, 0, ZeroHash, ZeroHash))
        .to.be.revertedWithCustomError(registry, "Permit_InsufficientAllowance")
        .withArgs(0n, FEE);
    });
  });

  describe("fee-on-transfer token", function () {
    it("refuses the fee with the expected and received amounts", async function () {
      const suite = await networkHelpers.loadFixture(feeOnTransferSuite);
      const { registry, alice, typeId } = suite;
      await fund(suite, alice);
      await expect(registry.connect(alice).submitApplication(typeId, doc("a")))
        .to.be.revertedWithCustomError(registry, "Module_TransferShortfall")
        .withArgs(FEE, FEE - FEE / 100n);
      expect(await registry.feesHeld()).to.equal(0n);
    });

    it("refuses it for a type that issues at once too", async function () {
      const suite = await networkHelpers.loadFixture(feeOnTransferSuite);
      const instant = await defineType(suite, { name: "Instant", checks: [] });
      await fund(suite, suite.alice);
      await expect(suite.registry.connect(suite.alice).submitApplication(instant, doc("a")))
        .to.be.revertedWithCustomError(suite.registry, "Module_TransferShortfall")
        .withArgs(FEE, FEE - FEE / 100n);
    });
  });

  describe("re-entering token", function () {
    it("cannot refund twice: a withdrawal re-entered from the rejection's refund is refused", async function () {
      const suite = await networkHelpers.loadFixture(reentrantSuite);
      const { registry, rtoken, tokenAddress, fireInspector } = suite;
      await rtoken.arm(await registry.getAddress(), registry.interface.encodeFunctionData("withdrawApplication", [1n]));
      const tx = registry.connect(fireInspector).recordCheck(1n, FIRE, false, ZeroHash);
      await expect(tx).to.changeTokenBalances(ethers, rtoken, [tokenAddress, await registry.getAddress()], [FEE, -FEE]);
      expect(await rtoken.reentryCount()).to.equal(3n);
      expect(await rtoken.lastReentrySucceeded()).to.equal(false);
      expect(await rtoken.lastReentryResult()).to.equal(
        registry.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect((await registry.getApplication(1n)).status).to.equal(AppStatus.Rejected);
      expect(await registry.feesHeld()).to.equal(0n);
    });

    it("cannot issue twice: a check re-entered from the issuing deposit is refused", async function () {
      const suite = await networkHelpers.loadFixture(reentrantSuite);
      const { registry, manager, rtoken, tokenAddress, alice, typeId } = suite;
      await manager.grantRole(ZONING, tokenAddress, 0);
      // application 2 by alice waits for ZONING; the token tries to pass it during permit 1's deposit
      await rtoken.mint(alice.address, FEE);
      await rtoken.connect(alice).approve(await registry.getAddress(), FEE);
      await registry.connect(alice).submitApplication(typeId, doc("alice"));
      await registry.connect(suite.fireInspector).recordCheck(2n, FIRE, true, ZeroHash);
      await registry.connect(suite.fireInspector).recordCheck(1n, FIRE, true, ZeroHash);
      await rtoken.arm(
        await registry.getAddress(),
        registry.interface.encodeFunctionData("recordCheck", [2n, ZONING, true, ZeroHash]),
      );
      await expect(registry.connect(suite.zoningInspector).recordCheck(1n, ZONING, true, ZeroHash)).to.emit(
        registry,
        "PermitIssued",
      );
      expect(await rtoken.lastReentrySucceeded()).to.equal(false);
      expect(await rtoken.lastReentryResult()).to.equal(
        registry.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect((await registry.counts())[2]).to.equal(1n);
      expect((await registry.getApplication(2n)).status).to.equal(AppStatus.Pending);
      expect(await rtoken.balanceOf(await suite.ledger.getAddress())).to.equal(FEE);
      expect(await registry.feesHeld()).to.equal(FEE);
    });

    it("cannot withdraw in the middle of a submission: re-entry from the fee pull is refused", async function () {
      const suite = await networkHelpers.loadFixture(reentrantSuite);
      const { registry, rtoken, alice, typeId } = suite;
      await rtoken.mint(alice.address, FEE);
      await rtoken.connect(alice).approve(await registry.getAddress(), FEE);
      // application 1 is the token's own: only the guard stands between it and a withdrawal
      await rtoken.arm(await registry.getAddress(), registry.interface.encodeFunctionData("withdrawApplication", [1n]));
      await expect(registry.connect(alice).submitApplication(typeId, doc("alice")))
        .to.emit(registry, "ApplicationSubmitted")
        .withArgs(2n, alice.address, typeId, 0n, doc("alice"), FEE);
      expect(await rtoken.armed()).to.equal(false);
      expect(await rtoken.lastReentrySucceeded()).to.equal(false);
      expect(await rtoken.lastReentryResult()).to.equal(
        registry.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect((await registry.getApplication(1n)).status).to.equal(AppStatus.Pending);
      expect(await registry.feesHeld()).to.equal(2n * FEE);
      expect(await rtoken.balanceOf(await registry.getAddress())).to.equal(2n * FEE);
    });

    it("cannot sweep twice: a sweep re-entered from the ledger's pull is refused", async function () {
      const suite = await networkHelpers.loadFixture(reentrantSuite);
      const { registry, rtoken, ledger, stranger } = suite;
      const registryAddress = await registry.getAddress();
      await rtoken.mint(registryAddress, 7n);
      await rtoken.arm(registryAddress, registry.interface.encodeFunctionData("sweepSurplus"));
      const tx = registry.connect(stranger).sweepSurplus();
      await expect(tx).to.emit(registry, "SurplusSwept").withArgs(stranger.address, 7n);
      await expect(tx).to.changeTokenBalances(ethers, rtoken, [registryAddress, await ledger.getAddress()], [-7n, 7n]);
      expect(await rtoken.lastReentrySucceeded()).to.equal(false);
      expect(await rtoken.lastReentryResult()).to.equal(
        registry.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect(await rtoken.balanceOf(registryAddress)).to.equal(FEE); // the pending fee stays
    });
  });

  describe("blocklisting token: deferred refunds", function () {
    it("keeps a refund the token refuses and lets the applicant claim it to another address", async function () {
      const suite = await networkHelpers.loadFixture(blocklistSuite);
      const { registry, blocklist, alice, bob, typeId } = suite;
      await apply(suite, alice, typeId, doc("a"));
      await blocklist.setBlocked(alice.address, true);
      const tx = registry.connect(suite.fireInspector).recordCheck(1n, FIRE, false, doc("no"));
      await expect(tx).to.emit(registry, "ApplicationRejected").withArgs(1n, FIRE);
      await expect(tx).to.emit(registry, "RefundDeferred").withArgs(1n, alice.address, FEE);
      expect(await registry.refundOwed(alice.address)).to.equal(FEE);
      expect(await registry.feesHeld()).to.equal(0n);
      await expect(registry.connect(alice).claimRefund(ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "Module_ZeroAddress",
      );
      // Finding 6 of issue #12: never to the registry itself (the refund would become surplus),
      // by either name of the withdrawal
      const self = await registry.getAddress();
      for (const withdraw of [registry.connect(alice).claimRefund, registry.connect(alice).withdrawOwed]) {
        await expect(withdraw(self)).to.be.revertedWithCustomError(registry, "Module_InvalidRecipient").withArgs(self);
      }
      expect(await registry.owedTo(alice.address)).to.equal(FEE);
      // while paused too: money going back to its owner never stops
      await registry.connect(suite.guardian).pause();
      const claim = registry.connect(alice).claimRefund(bob.address);
      await expect(claim).to.emit(registry, "RefundClaimed").withArgs(alice.address, bob.address, FEE);
      await expect(claim).to.changeTokenBalances(ethers, blocklist, [bob, registry], [FEE, -FEE]);
      expect(await registry.refundOwed(alice.address)).to.equal(0n);
      await expect(registry.connect(alice).claimRefund(bob.address))
        .to.be.revertedWithCustomError(registry, "Module_NothingOwed")
        .withArgs(alice.address);
    });

    it("defers a withdrawal's refund too, and never sweeps owed refunds", async function () {
      const suite = await networkHelpers.loadFixture(blocklistSuite);
      const { registry, blocklist, alice, stranger, typeId } = suite;
      await apply(suite, alice, typeId, doc("a"));
      await blocklist.setBlocked(alice.address, true);
      await expect(registry.connect(alice).withdrawApplication(1n))
        .to.emit(registry, "RefundDeferred")
        .withArgs(1n, alice.address, FEE);
      await expect(registry.connect(stranger).sweepSurplus())
        .to.be.revertedWithCustomError(registry, "Module_NoSurplus")
        .withArgs(FEE, FEE);
      await blocklist.mint(await registry.getAddress(), 5n);
      await expect(registry.connect(stranger).sweepSurplus())
        .to.emit(registry, "SurplusSwept")
        .withArgs(stranger.address, 5n);
      expect(await blocklist.balanceOf(await registry.getAddress())).to.equal(FEE);
    });
  });

  describe("sweepSurplus", function () {
    it("sends tokens sent without an application to the ledger (ref 0), never held fees", async function () {
      const suite = await deployPermitSuite(ethers);
      const { registry, ledger, token, alice, stranger } = suite;
      const typeId = await defineType(suite);
      await apply(suite, alice, typeId, doc("a"));
      await expect(registry.connect(stranger).sweepSurplus())
        .to.be.revertedWithCustomError(registry, "Module_NoSurplus")
        .withArgs(FEE, FEE);
      await token.mint(await registry.getAddress(), 42n);
      expect(await registry.connect(stranger).sweepSurplus.staticCall()).to.equal(42n);
      const tx = registry.connect(stranger).sweepSurplus();
      await expect(tx).to.emit(registry, "SurplusSwept").withArgs(stranger.address, 42n);
      await expect(tx)
        .to.emit(ledger, "Deposited")
        .withArgs(await registry.getAddress(), 42n, ZeroHash);
      expect(await token.balanceOf(await registry.getAddress())).to.equal(FEE);
      await passAll(suite, 1n);
      expect(await token.balanceOf(await registry.getAddress())).to.equal(0n);
    });
  });
});
