/**
 * Reusable behaviour suites for civic-ledger contracts: access control through the one
 * AccessManager, and the GUARDIAN pause. Each suite registers mocha tests; call it inside a
 * `describe` with a fixture and the calls to check.
 *
 * ```ts
 * shouldRefuseCallersWithoutRole(() => ({ ...context }), [
 *   { name: "closeLine", role: ROLES.BUDGET_OFFICER, send: (s, caller) => s.ledger.connect(caller).closeLine(line) },
 * ]);
 * ```
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import type { BaseContract, ContractTransactionResponse } from "ethers";

import { ROLES, roleName } from "../../scripts/lib/roles.js";
import type { AccessManager } from "../../types/ethers-contracts/index.js";

/** What the behaviour suites need to know about the contract under test. */
export interface BehaviourContext<S> {
  ethers: HardhatEthers;
  /** Loads the fixture (normally `() => networkHelpers.loadFixture(deploy)`). */
  load: () => Promise<S>;
  /** The contract whose custom errors the reverts are decoded with. */
  target: (suite: S) => BaseContract;
  manager: (suite: S) => AccessManager;
  /** The AccessManager's admin (grants roles). */
  admin: (suite: S) => HardhatEthersSigner;
  /** A signer that holds no role in the fixture; the suites grant it the roles they test. */
  fresh: (suite: S) => HardhatEthersSigner;
}

/** A call gated by an AccessManager role. */
export interface RoleGatedCall<S> {
  /** Shown in the test titles, e.g. "pay". */
  name: string;
  /** The role the call is mapped to. */
  role: bigint;
  /** Sends the call from `caller` (valid arguments in the fixture's state). */
  send: (suite: S, caller: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  /** Runs after `caller` received the role and before `send` (approvals, prior commitments). */
  prepare?: (suite: S, caller: HardhatEthersSigner) => Promise<void>;
}

/** A call that a pause stops or lets through. */
export interface PausableCall<S> {
  name: string;
  /** Sends the call from a caller that may make it, with valid arguments. */
  send: (suite: S) => Promise<ContractTransactionResponse>;
  /** Runs before the pause (approvals, prior commitments). */
  prepare?: (suite: S) => Promise<void>;
}

/** How the contract is paused: the GUARDIAN calls these. */
export interface PauseControls<S> {
  guardian: (suite: S) => HardhatEthersSigner;
  pause: (suite: S, caller: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  unpause: (suite: S, caller: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
}

/** Grants `role` to `account` with no execution delay (the role's grant delay, if any, applies). */
async function grant<S>(ctx: BehaviourContext<S>, suite: S, role: bigint, account: HardhatEthersSigner): Promise<void> {
  await ctx.manager(suite).connect(ctx.admin(suite)).grantRole(role, account.address, 0);
}

/**
 * For every call: a caller without the role is refused with `AccessManagedUnauthorized(caller)`;
 * a holder of another role is refused too; once granted the role (no execution delay) the same
 * caller succeeds.
 */
export function shouldRefuseCallersWithoutRole<S>(
  context: () => BehaviourContext<S>,
  calls: ReadonlyArray<RoleGatedCall<S>>,
): void {
  describe("access control", function () {
    for (const call of calls) {
      describe(`${call.name} (${roleName(call.role)})`, function () {
        it("refuses a caller without the role", async function () {
          const ctx = context();
          const suite = await ctx.load();
          const caller = ctx.fresh(suite);
          await expect(call.send(suite, caller))
            .to.be.revertedWithCustomError(ctx.target(suite), "AccessManagedUnauthorized")
            .withArgs(caller.address);
        });

        it("refuses a holder of another role", async function () {
          const ctx = context();
          const suite = await ctx.load();
          const caller = ctx.fresh(suite);
          const other = call.role === ROLES.GUARDIAN ? ROLES.LEDGER_CLIENT : ROLES.GUARDIAN;
          await grant(ctx, suite, other, caller);
          await expect(call.send(suite, caller))
            .to.be.revertedWithCustomError(ctx.target(suite), "AccessManagedUnauthorized")
            .withArgs(caller.address);
        });

        it(`lets a holder of ${roleName(call.role)} call it`, async function () {
          const ctx = context();
          const suite = await ctx.load();
          const caller = ctx.fresh(suite);
          await grant(ctx, suite, call.role, caller);
          if (call.prepare !== undefined) await call.prepare(suite, caller);
          await expect(call.send(suite, caller)).not.to.revert(ctx.ethers);
        });

        it("refuses a holder whose role was revoked", async function () {
          const ctx = context();
          const suite = await ctx.load();
          const caller = ctx.fresh(suite);
          await grant(ctx, suite, call.role, caller);
          if (call.prepare !== undefined) await call.prepare(suite, caller);
          await ctx.manager(suite).connect(ctx.admin(suite)).revokeRole(call.role, caller.address);
          await expect(call.send(suite, caller))
            .to.be.revertedWithCustomError(ctx.target(suite), "AccessManagedUnauthorized")
            .withArgs(caller.address);
        });
      });
    }
  });
}

/**
 * `pause` / `unpause` are GUARDIAN-only and emit `Paused(account)` / `Unpaused(account)`; a second
 * pause reverts `EnforcedPause`, an unpause while running reverts `ExpectedPause`.
 */
export function shouldPauseAndUnpause<S>(context: () => BehaviourContext<S>, controls: PauseControls<S>): void {
  describe("pause and unpause", function () {
    it("pauses and unpauses, emitting Paused and Unpaused with the guardian", async function () {
      const ctx = context();
      const suite = await ctx.load();
      const guardian = controls.guardian(suite);
      await expect(controls.pause(suite, guardian)).to.emit(ctx.target(suite), "Paused").withArgs(guardian.address);
      await expect(controls.unpause(suite, guardian)).to.emit(ctx.target(suite), "Unpaused").withArgs(guardian.address);
    });

    it("refuses to pause twice and to unpause while running", async function () {
      const ctx = context();
      const suite = await ctx.load();
      const guardian = controls.guardian(suite);
      await expect(controls.unpause(suite, guardian))
        .to.be.revertedWithCustomError(ctx.target(suite), "ExpectedPause")
        .withArgs();
      await controls.pause(suite, guardian);
      await expect(controls.pause(suite, guardian))
        .to.be.revertedWithCustomError(ctx.target(suite), "EnforcedPause")
        .withArgs();
    });

    it("refuses pause and unpause from anyone but the guardian", async function () {
      const ctx = context();
      const suite = await ctx.load();
      const stranger = ctx.fresh(suite);
      await expect(controls.pause(suite, stranger))
        .to.be.revertedWithCustomError(ctx.target(suite), "AccessManagedUnauthorized")
        .withArgs(stranger.address);
      await controls.pause(suite, controls.guardian(suite));
      await expect(controls.unpause(suite, stranger))
        .to.be.revertedWithCustomError(ctx.target(suite), "AccessManagedUnauthorized")
        .withArgs(stranger.address);
    });
  });
}

/**
 * While paused, every `stopped` call reverts `EnforcedPause()` and works again after the unpause;
 * every `continuing` call (officers' bookkeeping, money going back to its owners) still works.
 */
export function shouldStopWhenPaused<S>(
  context: () => BehaviourContext<S>,
  controls: PauseControls<S>,
  calls: { stopped: ReadonlyArray<PausableCall<S>>; continuing: ReadonlyArray<PausableCall<S>> },
): void {
  describe("while paused", function () {
    for (const call of calls.stopped) {
      it(`stops ${call.name}, which works again after the unpause`, async function () {
        const ctx = context();
        const suite = await ctx.load();
        if (call.prepare !== undefined) await call.prepare(suite);
        await controls.pause(suite, controls.guardian(suite));
        await expect(call.send(suite)).to.be.revertedWithCustomError(ctx.target(suite), "EnforcedPause").withArgs();
        await controls.unpause(suite, controls.guardian(suite));
        await expect(call.send(suite)).not.to.revert(ctx.ethers);
      });
    }
    for (const call of calls.continuing) {
      it(`lets ${call.name} through`, async function () {
        const ctx = context();
        const suite = await ctx.load();
        if (call.prepare !== undefined) await call.prepare(suite);
        await controls.pause(suite, controls.guardian(suite));
        await expect(call.send(suite)).not.to.revert(ctx.ethers);
      });
    }
  });
}
