import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress, parseRole, parseUint } from "../../scripts/lib/args.js";
import { ROLES, roleName } from "../../scripts/lib/roles.js";
import { openContext, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

async function managerOf(ctx: TaskContext) {
  return ctx.ethers.getContractAt("AccessManager", ctx.address("AccessManager"), ctx.signer);
}

export async function grant(
  args: Base & { role: string; account: string; delay: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const role = parseRole(args.role);
    const account = parseAddress(args.account, "account");
    const delay = parseUint(args.delay, "delay", { max: 2n ** 32n - 1n });
    const manager = await managerOf(ctx);
    await send(ctx, `Granted ${roleName(role)} to ${account}`, manager, "grantRole", [role, account, delay]);
    const [isMember] = await manager.hasRole(role, account);
    if (!isMember) {
      const grantDelay = await manager.getRoleGrantDelay(role);
      console.log(`The grant takes effect after the role's grant delay (${grantDelay} s).`);
    }
  });
}

export async function revoke(args: Base & { role: string; account: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const role = parseRole(args.role);
    const account = parseAddress(args.account, "account");
    const manager = await managerOf(ctx);
    const [isMember] = await manager.hasRole(role, account);
    const [, since] = await manager.getAccess(role, account);
    if (!isMember && since === 0n) throw new UserError(`${account} does not hold ${roleName(role)}`);
    if (role === ROLES.ADMIN && (await activeHolders(ctx, ROLES.ADMIN)).filter((a) => a !== account).length === 0) {
      throw new UserError(`Refusing to revoke ADMIN from ${account}: no other account would hold ADMIN`);
    }
    await send(ctx, `Revoked ${roleName(role)} from ${account}`, manager, "revokeRole", [role, account]);
  });
}

/** Current holders of `role`: accounts granted by events whose access is active now. */
async function activeHolders(ctx: TaskContext, role: bigint): Promise<string[]> {
  const manager = await managerOf(ctx);
  const fromBlock = ctx.deployment.firstBlock ?? 0;
  const granted = await manager.queryFilter(manager.filters.RoleGranted(role), fromBlock);
  const candidates = [...new Set(granted.map((e) => e.args.account))];
  const out: string[] = [];
  for (const account of candidates) {
    const [isMember] = await manager.hasRole(role, account);
    if (isMember) out.push(account);
  }
  return out;
}

export async function list(args: Base & { role: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const manager = await managerOf(ctx);
    const fromBlock = ctx.deployment.firstBlock ?? 0;
    const roles =
      args.role === ""
        ? [...new Set((await manager.queryFilter(manager.filters.RoleGranted(), fromBlock)).map((e) => e.args.roleId))]
        : [parseRole(args.role)];
    roles.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const role of roles) {
      const holders = await activeHolders(ctx, role);
      const granted = await manager.queryFilter(manager.filters.RoleGranted(role), fromBlock);
      const pending = [...new Set(granted.map((e) => e.args.account))].filter((a) => !holders.includes(a));
      const pendingNow: string[] = [];
      for (const account of pending) {
        const [since] = await manager.getAccess(role, account);
        if (since !== 0n) pendingNow.push(`${account} (from ${new Date(Number(since) * 1000).toISOString()})`);
      }
      console.log(`${roleName(role)} (${role}): ${holders.length ? holders.join(", ") : "nobody"}`);
      if (pendingNow.length) console.log(`  pending: ${pendingNow.join(", ")}`);
    }
  });
}

export async function handover(args: Base & { to: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const to = parseAddress(args.to, "to");
    const me = ctx.signer.address;
    if (to === me) throw new UserError("--to is the signer itself: hand ADMIN to another address");
    if ((await ctx.ethers.provider.getCode(to)) === "0x") {
      console.log(`Note: ${to} has no code; a treasury's ADMIN is normally a multisig or timelock contract.`);
    }
    const manager = await managerOf(ctx);
    const [iAmAdmin] = await manager.hasRole(ROLES.ADMIN, me);
    if (!iAmAdmin) throw new UserError(`${me} does not hold ADMIN: nothing to hand over`);
    let [toIsAdmin] = await manager.hasRole(ROLES.ADMIN, to);
    if (!toIsAdmin) {
      const [since] = await manager.getAccess(ROLES.ADMIN, to);
      if (since === 0n) await send(ctx, `Granted ADMIN to ${to}`, manager, "grantRole", [ROLES.ADMIN, to, 0]);
      [toIsAdmin] = await manager.hasRole(ROLES.ADMIN, to);
    }
    if (!toIsAdmin) {
      const [since] = await manager.getAccess(ROLES.ADMIN, to);
      throw new UserError(
        `ADMIN for ${to} takes effect at ${new Date(Number(since) * 1000).toISOString()} (grant delay). ` +
          `Refusing to renounce ${me}'s ADMIN before then, which would leave no ADMIN; run this task again after that time.`,
      );
    }
    await send(ctx, `Renounced ADMIN of ${me}`, manager, "renounceRole", [ROLES.ADMIN, me]);
    console.log(
      `ADMIN is now held by ${to} only${(await activeHolders(ctx, ROLES.ADMIN)).length > 1 ? " and others" : ""}.`,
    );
  });
}
