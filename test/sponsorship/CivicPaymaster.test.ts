/**
 * CivicPaymaster through `EntryPoint.handleOps` on the in-process chain: sponsored operations
 * of a 7702-delegated EOA and of a factory smart account, and every refusal of the policy
 * (target, selector, value, account call, factory, window, quota, budget, pause) and of the
 * EntryPoint (bad and expired signatures); then the administration through the AccessManager.
 */
import { expect } from "chai";
import { Interface, ZeroAddress, keccak256, parseEther, toUtf8Bytes, type Wallet } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { ROLES } from "../../scripts/lib/roles.js";
import {
  DAY,
  DEFAULT_SPONSORED_CALLS,
  EIP7702_MARKER,
  maxCostOf,
  packUserOperation,
  paymasterHash,
  selectorOf,
  userOperationHash,
  type Call,
} from "../../scripts/lib/sponsorship.js";
import {
  delegate7702,
  deploySponsorFixture,
  handleOps,
  newOp,
  readyOp,
  signOp,
  sponsorOp,
  type SponsorFixture,
} from "./fixture.js";

const doc = (s: string) => keccak256(toUtf8Bytes(s));

describe("CivicPaymaster (EntryPoint.handleOps)", function () {
  let connection: NetworkConnection;
  let f: SponsorFixture;
  let citizen: Wallet; // an EOA delegated to CitizenAccount7702, no ETH
  let apply: (document: string) => Call;

  before(async function () {
    connection = await network.create();
  });
  after(async function () {
    await connection.close();
  });

  async function fixture(): Promise<SponsorFixture> {
    const fx = await deploySponsorFixture(connection);
    await delegate7702(fx, fx.wallet("citizen"));
    return fx;
  }

  beforeEach(async function () {
    f = await connection.networkHelpers.loadFixture(fixture);
    citizen = f.wallet("citizen");
    const registry = f.suite.addresses.PermitRegistry;
    apply = (document) => ({
      target: registry,
      data: f.suite.permits.interface.encodeFunctionData("submitApplication", [f.freeType, doc(document)]),
    });
  });

  const inner = (name: string, args: unknown[]) => f.sp.paymaster.interface.encodeErrorResult(name, args);
  const today = async () => (await f.now()) / DAY;

  async function expectRefused(op: Parameters<typeof handleOps>[1], name: string, args: unknown[]) {
    await expect(handleOps(f, op))
      .to.be.revertedWithCustomError(f.sp.entryPoint, "FailedOpWithRevert")
      .withArgs(0n, "AA33 reverted", inner(name, args));
  }

  describe("sponsored", function () {
    it("runs a 7702 citizen's application with no ETH and emits who, what and the actual cost", async function () {
      expect(await connection.ethers.provider.getBalance(citizen.address)).to.equal(0n);
      const op = await readyOp(f, { sender: citizen.address, calls: [apply("stall at the market")] }, citizen);
      const depositBefore = await f.sp.paymaster.deposit();
      const receipt = await (await handleOps(f, op)).wait();
      const userOpHash = await f.sp.entryPoint.getUserOpHash(packUserOperation(op));
      const day = await today();

      const sponsored = receipt!.logs
        .map((log) => f.sp.paymaster.interface.parseLog(log))
        .find((e) => e?.name === "OperationSponsored");
      expect(sponsored, "OperationSponsored").to.not.equal(undefined);
      const selector = selectorOf(DEFAULT_SPONSORED_CALLS.PermitRegistry[0]);
      const [sender, target, eventDay, eventSelector, calls, hash, actualGasCost, feePerGas, succeeded] =
        sponsored!.args;
      expect([sender, target, eventDay, eventSelector, calls, hash, succeeded]).to.deep.equal([
        citizen.address,
        f.suite.addresses.PermitRegistry,
        day,
        selector,
        1n,
        userOpHash,
        true,
      ]);
      expect(actualGasCost).to.be.greaterThan(0n);
      expect(feePerGas).to.be.greaterThan(0n);

      const final = receipt!.logs
        .map((log) => f.sp.entryPoint.interface.parseLog(log))
        .find((e) => e?.name === "UserOperationEvent");
      expect(final!.args.paymaster).to.equal(f.sp.addresses.CivicPaymaster);
      expect(final!.args.success).to.equal(true);
      expect(final!.args.actualGasCost).to.be.greaterThanOrEqual(actualGasCost);
      expect(await f.sp.paymaster.deposit()).to.equal(depositBefore - final!.args.actualGasCost);

      expect(await f.suite.permits.ownerOf(1n)).to.equal(citizen.address);
      expect(await connection.ethers.provider.getBalance(citizen.address)).to.equal(0n);
      expect(await f.sp.paymaster.opsOf(citizen.address, day)).to.equal(1n);
      expect(await f.sp.paymaster.spentOn(day)).to.equal(actualGasCost);
    });

    it("creates a smart account through the factory in the sponsored operation", async function () {
      const owner = f.wallet("smart account owner");
      const account = await f.sp.factory.accountAddress(owner.address, 0n);
      const factoryData = f.sp.factory.interface.encodeFunctionData("createAccount", [owner.address, 0n]);
      const op = await readyOp(
        f,
        { sender: account, factory: f.sp.addresses.CitizenAccountFactory, factoryData, calls: [apply("kiosk")] },
        owner,
      );
      await expect(handleOps(f, op))
        .to.emit(f.sp.factory, "AccountCreated")
        .withArgs(account, owner.address, 0n)
        .and.to.emit(f.sp.paymaster, "OperationSponsored");
      expect(await f.suite.permits.ownerOf(1n)).to.equal(account);
      expect(await connection.ethers.provider.getBalance(account)).to.equal(0n);
    });

    it("accepts the EIP-7702 marker as initCode and a batch of sponsored calls", async function () {
      const op = await readyOp(
        f,
        { sender: citizen.address, factory: EIP7702_MARKER, calls: [apply("stall A"), apply("stall B")] },
        citizen,
      );
      await expect(handleOps(f, op)).to.emit(f.sp.paymaster, "OperationSponsored");
      expect(await f.suite.permits.balanceOf(citizen.address)).to.equal(2n);
    });

    it("accepts the 2-byte 0x7702 initCode that bundlers pack", async function () {
      const op = await readyOp(f, { sender: citizen.address, factory: "0x7702", calls: [apply("short")] }, citizen);
      expect(packUserOperation(op).initCode).to.equal("0x7702");
      await expect(handleOps(f, op)).to.emit(f.sp.paymaster, "OperationSponsored");
    });

    it("pays and records an operation whose calls revert (succeeded false)", async function () {
      const withdraw = {
        target: f.suite.addresses.PermitRegistry,
        data: f.suite.permits.interface.encodeFunctionData("withdrawApplication", [99n]),
      };
      const op = await readyOp(f, { sender: citizen.address, calls: [withdraw] }, citizen);
      const receipt = await (await handleOps(f, op)).wait();
      const sponsored = receipt!.logs
        .map((log) => f.sp.paymaster.interface.parseLog(log))
        .find((e) => e?.name === "OperationSponsored");
      expect(sponsored!.args.succeeded).to.equal(false);
      expect(await f.sp.paymaster.opsOf(citizen.address, await today())).to.equal(1n);
    });

    it("computes the v0.8 user operation hash off chain as the EntryPoint does (7702 included)", async function () {
      for (const factory of [EIP7702_MARKER, "0x7702"]) {
        const op7702 = await sponsorOp(f, await newOp(f, { sender: citizen.address, factory, calls: [apply("h")] }));
        expect(
          userOperationHash(op7702, f.chainId, f.sp.addresses.EntryPoint, f.sp.addresses.CitizenAccount7702),
        ).to.equal(await f.sp.entryPoint.getUserOpHash(packUserOperation(op7702)));
      }
      const owner = f.wallet("hash owner");
      const op = await newOp(f, {
        sender: await f.sp.factory.accountAddress(owner.address, 7n),
        factory: f.sp.addresses.CitizenAccountFactory,
        factoryData: f.sp.factory.interface.encodeFunctionData("createAccount", [owner.address, 7n]),
        calls: [apply("h")],
      });
      expect(userOperationHash(op, f.chainId, f.sp.addresses.EntryPoint)).to.equal(
        await f.sp.entryPoint.getUserOpHash(packUserOperation(op)),
      );
    });

    it("checkOperation answers as validation does, and signableHash equals the service's hash", async function () {
      const op = await sponsorOp(f, await newOp(f, { sender: citizen.address, calls: [apply("x")] }));
      const [target, selector, calls] = await f.sp.paymaster.checkOperation(
        packUserOperation(op),
        maxCostOf(op),
        await today(),
      );
      expect([target, selector, calls]).to.deep.equal([
        f.suite.addresses.PermitRegistry,
        selectorOf(DEFAULT_SPONSORED_CALLS.PermitRegistry[0]),
        1n,
      ]);
      expect(await f.sp.paymaster.signableHash(packUserOperation(op), 5n, 10n)).to.equal(
        paymasterHash(op, f.chainId, f.sp.addresses.CivicPaymaster, 5n, 10n),
      );
      await expect(f.sp.paymaster.checkOperation(packUserOperation(op), parseEther("2"), await today()))
        .to.be.revertedWithCustomError(f.sp.paymaster, "Paymaster_BudgetExceeded")
        .withArgs(await today(), 0n, parseEther("2"), parseEther("1"));
    });
  });

  describe("refused by the policy (AA33 with the paymaster's error)", function () {
    it("a call to a target that is not sponsored", async function () {
      const call = {
        target: f.suite.addresses.BudgetLedger,
        data: f.suite.ledger.interface.encodeFunctionData("deposit", [1n, doc("r")]),
      };
      const op = await readyOp(f, { sender: citizen.address, calls: [call] }, citizen);
      await expectRefused(op, "Paymaster_CallNotSponsored", [call.target, call.data.slice(0, 10)]);
    });

    it("a function of a sponsored target that is not sponsored", async function () {
      const call = {
        target: f.suite.addresses.PermitRegistry,
        data: f.suite.permits.interface.encodeFunctionData("sweepSurplus"),
      };
      const op = await readyOp(f, { sender: citizen.address, calls: [apply("ok"), call] }, citizen);
      await expectRefused(op, "Paymaster_CallNotSponsored", [call.target, call.data.slice(0, 10)]);
    });

    it("a call that sends ETH, an empty or long batch, another account call, an unsupported mode", async function () {
      const valued = { ...apply("v"), value: 1n };
      await expectRefused(
        await readyOp(f, { sender: citizen.address, calls: [valued] }, citizen),
        "Paymaster_ValueNotSponsored",
        [valued.target, 1n],
      );
      await expectRefused(await readyOp(f, { sender: citizen.address, calls: [] }, citizen), "Paymaster_BatchSize", [
        0n,
        8n,
      ]);
      const nine = Array.from({ length: 9 }, (_, i) => apply(`n${i}`));
      await expectRefused(await readyOp(f, { sender: citizen.address, calls: nine }, citizen), "Paymaster_BatchSize", [
        9n,
        8n,
      ]);
      const other = new Interface(["function execute(address,uint256,bytes)"]).encodeFunctionData("execute", [
        f.suite.addresses.PermitRegistry,
        0n,
        "0x",
      ]);
      await expectRefused(
        await readyOp(f, { sender: citizen.address, calls: [], callData: other }, citizen),
        "Paymaster_UnsupportedAccountCall",
        [other.slice(0, 10)],
      );
      const single = new Interface(["function execute(bytes32,bytes)"]).encodeFunctionData("execute", [
        `0x${"00".repeat(32)}`,
        "0x",
      ]);
      await expectRefused(
        await readyOp(f, { sender: citizen.address, calls: [], callData: single }, citizen),
        "Paymaster_UnsupportedExecutionMode",
        [`0x${"00".repeat(32)}`],
      );
    });

    it("an account created through a factory that is not sponsored", async function () {
      await (await f.sp.paymaster.connect(f.manager).setSponsoredFactory(EIP7702_MARKER, false)).wait();
      const op = await readyOp(f, { sender: citizen.address, factory: EIP7702_MARKER, calls: [apply("m")] }, citizen);
      await expectRefused(op, "Paymaster_FactoryNotSponsored", [EIP7702_MARKER]);
    });

    it("a signed window that spans two days", async function () {
      const now = await f.now();
      const op = await signOp(
        f,
        await sponsorOp(f, await newOp(f, { sender: citizen.address, calls: [apply("w")] }), {
          validAfter: now - 60n,
          validUntil: now + DAY,
        }),
        citizen,
      );
      await expectRefused(op, "Paymaster_InvalidWindow", [now - 60n, now + DAY]);
    });

    it("a sender over its daily quota", async function () {
      await (
        await f.sp.paymaster.connect(f.manager).setLimits({ maxOpsPerDay: 2, dailyBudget: parseEther("1") })
      ).wait();
      for (const d of ["q1", "q2"]) {
        await (await handleOps(f, await readyOp(f, { sender: citizen.address, calls: [apply(d)] }, citizen))).wait();
      }
      const op = await readyOp(f, { sender: citizen.address, calls: [apply("q3")] }, citizen);
      await expectRefused(op, "Paymaster_QuotaExceeded", [citizen.address, await today(), 2n, 2n]);
      // another sender still has its quota; the next day the citizen has its quota again
      await connection.networkHelpers.time.increase(DAY);
      await expect(handleOps(f, await readyOp(f, { sender: citizen.address, calls: [apply("q3")] }, citizen))).to.emit(
        f.sp.paymaster,
        "OperationSponsored",
      );
    });

    it("an operation whose maximum cost exceeds what is left of the daily budget", async function () {
      const first = await readyOp(f, { sender: citizen.address, calls: [apply("b1")] }, citizen);
      const receipt = await (await handleOps(f, first)).wait();
      expect(receipt!.status).to.equal(1);
      const day = await today();
      const spent = await f.sp.paymaster.spentOn(day);
      const op = await readyOp(f, { sender: citizen.address, calls: [apply("b2")] }, citizen);
      const budget = spent + maxCostOf(op) - 1n;
      await (await f.sp.paymaster.connect(f.manager).setLimits({ maxOpsPerDay: 10, dailyBudget: budget })).wait();
      await expectRefused(op, "Paymaster_BudgetExceeded", [day, spent, maxCostOf(op), budget]);
    });

    it("anything while paused (EnforcedPause)", async function () {
      await (await f.sp.paymaster.connect(f.guardian).pause()).wait();
      const op = await readyOp(f, { sender: citizen.address, calls: [apply("p")] }, citizen);
      await expectRefused(op, "EnforcedPause", []);
      await (await f.sp.paymaster.connect(f.guardian).unpause()).wait();
      await expect(handleOps(f, op)).to.emit(f.sp.paymaster, "OperationSponsored");
    });
  });

  describe("refused by the EntryPoint", function () {
    it("a signature by another key than the service's (AA34)", async function () {
      const op = await newOp(f, { sender: citizen.address, calls: [apply("s")] });
      await signOp(f, await sponsorOp(f, op, { signer: f.wallet("impostor") }), citizen);
      await expect(handleOps(f, op))
        .to.be.revertedWithCustomError(f.sp.entryPoint, "FailedOp")
        .withArgs(0n, "AA34 signature error");
    });

    it("a signature of the old key once the signer was replaced (AA34)", async function () {
      const op = await readyOp(f, { sender: citizen.address, calls: [apply("k")] }, citizen);
      await (await f.sp.paymaster.connect(f.manager).setSigner(f.wallet("new service key").address)).wait();
      await expect(handleOps(f, op))
        .to.be.revertedWithCustomError(f.sp.entryPoint, "FailedOp")
        .withArgs(0n, "AA34 signature error");
    });

    it("an expired signature (AA32)", async function () {
      const now = await f.now();
      const op = await newOp(f, { sender: citizen.address, calls: [apply("e")] });
      await signOp(f, await sponsorOp(f, op, { validAfter: (now / DAY) * DAY, validUntil: now - 10n }), citizen);
      await expect(handleOps(f, op))
        .to.be.revertedWithCustomError(f.sp.entryPoint, "FailedOp")
        .withArgs(0n, "AA32 paymaster expired or not due");
    });

    it("an operation changed after the service signed it (AA34)", async function () {
      const op = await sponsorOp(f, await newOp(f, { sender: citizen.address, calls: [apply("c")] }));
      op.callGasLimit += 1n;
      await signOp(f, op, citizen);
      await expect(handleOps(f, op))
        .to.be.revertedWithCustomError(f.sp.entryPoint, "FailedOp")
        .withArgs(0n, "AA34 signature error");
    });
  });

  describe("administration (AccessManager)", function () {
    it("is refused to anyone without SPONSOR_MANAGER or GUARDIAN", async function () {
      const other = f.bundler;
      const pm = f.sp.paymaster.connect(other);
      const calls = [
        () => pm.setSponsoredCalls(f.suite.addresses.BudgetLedger, ["0x12345678"], true),
        () => pm.setSponsoredFactory(other.address, true),
        () => pm.setLimits({ maxOpsPerDay: 1, dailyBudget: 1 }),
        () => pm.setSigner(other.address),
        () => pm.withdrawDeposit(1n),
        () => pm.addStake(1, { value: 1n }),
        () => pm.unlockStake(),
        () => pm.withdrawStake(),
        () => pm.pause(),
        () => pm.unpause(),
      ];
      for (const call of calls) {
        await expect(call()).to.be.revertedWithCustomError(f.sp.paymaster, "AccessManagedUnauthorized").withArgs(other);
      }
    });

    it("sets the policy with events carrying old and new values", async function () {
      const pm = f.sp.paymaster.connect(f.manager);
      const target = f.suite.addresses.BudgetLedger;
      await expect(pm.setSponsoredCalls(target, ["0x12345678", "0x9abcdef0"], true))
        .to.emit(pm, "SponsoredCallSet")
        .withArgs(target, "0x12345678", true)
        .and.to.emit(pm, "SponsoredCallSet")
        .withArgs(target, "0x9abcdef0", true);
      expect(await pm.isSponsoredCall(target, "0x9abcdef0")).to.equal(true);
      await expect(pm.setSponsoredCalls(ZeroAddress, ["0x12345678"], true)).to.be.revertedWithCustomError(
        pm,
        "Paymaster_ZeroAddress",
      );
      await expect(pm.setSponsoredFactory(target, true)).to.emit(pm, "SponsoredFactorySet").withArgs(target, true);
      expect(await pm.isSponsoredFactory(target)).to.equal(true);
      await expect(pm.setLimits({ maxOpsPerDay: 3, dailyBudget: 7n }))
        .to.emit(pm, "LimitsSet")
        .withArgs([10n, parseEther("1")], [3n, 7n]);
      expect(await pm.limits()).to.deep.equal([3n, 7n]);
      const next = f.wallet("rotated").address;
      await expect(pm.setSigner(next)).to.emit(pm, "SignerSet").withArgs(f.service.address, next);
      expect(await pm.getFunction("signer")()).to.equal(next);
      await expect(pm.setSigner(ZeroAddress)).to.be.revertedWithCustomError(pm, "Paymaster_ZeroAddress");
    });

    it("is funded by anyone; its deposit and stake go only to the treasury", async function () {
      const pm = f.sp.paymaster.connect(f.manager);
      const treasury = await pm.treasury();
      expect(treasury).to.equal(f.admin.address);
      await expect(f.sp.paymaster.connect(f.bundler).fund({ value: 5n }))
        .to.emit(pm, "Funded")
        .withArgs(f.bundler.address, 5n);
      await expect(f.sp.paymaster.fund()).to.be.revertedWithCustomError(pm, "Paymaster_ZeroAmount");
      const deposit = await pm.deposit();
      expect(deposit).to.equal(parseEther("10") + 5n);
      const withdrawal = pm.withdrawDeposit(parseEther("1"));
      await expect(withdrawal).to.emit(pm, "DepositWithdrawn").withArgs(treasury, parseEther("1"));
      await expect(withdrawal).to.changeEtherBalance(connection.ethers, f.admin, parseEther("1"));
      await expect(pm.withdrawDeposit(0n)).to.be.revertedWithCustomError(pm, "Paymaster_ZeroAmount");
      await expect(pm.addStake(60, { value: parseEther("1") }))
        .to.emit(pm, "StakeAdded")
        .withArgs(parseEther("1"), 60n);
      await expect(pm.addStake(60)).to.be.revertedWithCustomError(pm, "Paymaster_ZeroAmount");
      await expect(pm.unlockStake()).to.emit(pm, "StakeUnlocked");
      await connection.networkHelpers.time.increase(61);
      const unstaked = pm.withdrawStake();
      await expect(unstaked).to.emit(pm, "StakeWithdrawn").withArgs(treasury);
      await expect(unstaked).to.changeEtherBalance(connection.ethers, f.admin, parseEther("1"));
      // funding and withdrawals keep working while paused
      await (await f.sp.paymaster.connect(f.guardian).pause()).wait();
      await expect(f.sp.paymaster.fund({ value: 1n })).to.emit(pm, "Funded");
      await expect(pm.withdrawDeposit(1n)).to.emit(pm, "DepositWithdrawn");
    });

    it("maps its functions to SPONSOR_MANAGER and GUARDIAN and labels role 9", async function () {
      const manager = f.suite.manager;
      const pm = f.sp.addresses.CivicPaymaster;
      expect(await manager.getTargetFunctionRole(pm, selectorOf("setLimits((uint32,uint128))"))).to.equal(
        ROLES.SPONSOR_MANAGER,
      );
      expect(await manager.getTargetFunctionRole(pm, selectorOf("withdrawDeposit(uint256)"))).to.equal(
        ROLES.SPONSOR_MANAGER,
      );
      expect(await manager.getTargetFunctionRole(pm, selectorOf("pause()"))).to.equal(ROLES.GUARDIAN);
      expect(await manager.getTargetFunctionRole(pm, selectorOf("fund()"))).to.equal(ROLES.ADMIN); // not restricted
    });
  });
});
