import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress, parseAddressList, parseRole } from "../../scripts/lib/args.js";
import { ROLES, roleName } from "../../scripts/lib/roles.js";
import { roleLabel } from "../../scripts/lib/revert.js";
import { formatInstant, parseDuration } from "../../scripts/lib/time.js";
import { openContext, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

const MAX_DELAY = 2n ** 32n - 1n; // AccessManager delays are uint32 seconds

async function managerOf(ctx: TaskContext) {
  return ctx.ethers.getContractAt("AccessManager", ctx.address("AccessManager"), ctx.signer);
}

type Manager = Awaited<ReturnType<typeof managerOf>>;

/** Refuses early when the signer does not hold the role's admin role (ADMIN unless changed). */
async function requireRoleAdmin(ctx: TaskContext, manager: Manager, role: bigint): Promise<void> {
  const admin = await manager.getRoleAdmin(role);
  const [isAdmin] = await manager.hasRole(admin, ctx.signer.address);
  if (!isAdmin) {
    throw new UserError(
      `${ctx.signer.address} does not hold ${roleLabel(admin)}, which granting and revoking ${roleLabel(role)} needs; ` +
        "sign with such an account (--signer), or propose the change to the ADMIN multisig",
    );
  }
}

/** An address for people: the deployment's contract name after it when it is one. */
function who(ctx: TaskContext, address: string): string {
  const name = ctx.nameOf(address);
  return name === undefined ? address : `${address} (${name})`;
}

export async function grant(
  args: Base & { role: string; account: string; delay: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const role = parseRole(args.role);
    const accounts = parseAddressList(args.account, "account");
    const delay = parseDuration(args.delay, "delay");
    if (delay > MAX_DELAY) throw new UserError(`--delay: ${delay} s is above the AccessManager's ${MAX_DELAY} s`);
    const ctx = await openContext(hre, args.signer);
    const manager = await managerOf(ctx);
    await requireRoleAdmin(ctx, manager, role);
    for (const account of accounts) {
      const [isMember, currentDelay] = await manager.hasRole(role, account);
      if (isMember && currentDelay === delay) {
        console.log(`${account} holds ${roleLabel(role)} already`);
        continue;
      }
      await send(ctx, `Granted ${roleLabel(role)} to ${account}`, manager, "grantRole", [role, account, delay]);
      const [since] = await manager.getAccess(role, account);
      if (since > (await ctx.now())) {
        console.log(`  effective from ${formatInstant(since)} (the role's grant delay)`);
      }
    }
  });
}

export async function revoke(args: Base & { role: string; account: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const role = parseRole(args.role);
    const account = parseAddress(args.account, "account");
    const ctx = await openContext(hre, args.signer);
    const manager = await managerOf(ctx);
    await requireRoleAdmin(ctx, manager, role);
    const [since] = await manager.getAccess(role, account);
    if (since === 0n) throw new UserError(`${account} does not hold ${roleLabel(role)} (nor a pending grant of it)`);
    if (role === ROLES.ADMIN && (await activeHolders(ctx, ROLES.ADMIN)).every((a) => a === account)) {
      throw new UserError(`Refusing to revoke ADMIN from ${account}: no other account would hold ADMIN`);
    }
    await send(ctx, `Revoked ${roleLabel(role)} from ${account}`, manager, "revokeRole", [role, account]);
  });
}

/** Accounts ever granted `role` (from the AccessManager's events since the deployment). */
async function grantees(ctx: TaskContext, role?: bigint): Promise<Array<{ role: bigint; account: string }>> {
  const manager = await managerOf(ctx);
  const fromBlock = ctx.deployment.firstBlock ?? 0;
  const events = await manager.queryFilter(manager.filters.RoleGranted(role), fromBlock);
  const seen = new Set<string>();
  const out: Array<{ role: bigint; account: string }> = [];
  for (const e of events) {
    const key = `${e.args.roleId}:${e.args.account}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ role: e.args.roleId, account: e.args.account });
  }
  return out;
}

/** Current holders of `role`: accounts granted by events whose access is effective now. */
async function activeHolders(ctx: TaskContext, role: bigint): Promise<string[]> {
  const manager = await managerOf(ctx);
  const out: string[] = [];
  for (const { account } of await grantees(ctx, role)) {
    const [isMember] = await manager.hasRole(role, account);
    if (isMember) out.push(account);
  }
  return out;
}

export async function list(args: Base & { role: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const only = args.role.trim() === "" ? undefined : parseRole(args.role);
    const ctx = await openContext(hre, args.signer);
    const manager = await managerOf(ctx);
    const granted = await grantees(ctx, only);
    const roles = only !== undefined ? [only] : [...new Set(granted.map((g) => g.role))];
    roles.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const now = await ctx.now();
    for (const role of roles) {
      const holders: string[] = [];
      const pending: string[] = [];
      for (const { account } of granted.filter((g) => g.role === role)) {
        const [since, executionDelay] = await manager.getAccess(role, account);
        if (since === 0n) continue; // revoked or renounced
        const delay = executionDelay > 0n ? ` [execution delay ${executionDelay} s]` : "";
        if (since <= now) holders.push(`${who(ctx, account)}${delay}`);
        else pending.push(`${who(ctx, account)} from ${formatInstant(since)}`);
      }
      console.log(`${roleName(role)} (${role}): ${holders.length ? holders.join(", ") : "nobody"}`);
      if (pending.length) console.log(`  pending: ${pending.join(", ")}`);
    }
  });
}

export async function handover(args: Base & { to: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const to = parseAddress(args.to, "to");
    if (BigInt(to) === 0n) throw new UserError("--to is the zero address: nobody could ever use ADMIN");
    const ctx = await openContext(hre, args.signer);
    const me = ctx.signer.address;
    if (to === me) throw new UserError("--to is the signer itself: hand ADMIN to another address");
    if (ctx.nameOf(to) !== undefined) throw new UserError(`--to is the suite's own ${ctx.nameOf(to)}, not a multisig`);
    const manager = await managerOf(ctx);
    const [iAmAdmin] = await manager.hasRole(ROLES.ADMIN, me);
    if (!iAmAdmin) throw new UserError(`${me} does not hold ADMIN: nothing to hand over`);
    if ((await ctx.ethers.provider.getCode(to)) === "0x") {
      console.log(`Note: ${to} has no code; a treasury's ADMIN is normally a multisig or timelock contract.`);
    }
    let [since] = await manager.getAccess(ROLES.ADMIN, to);
    if (since === 0n) {
      await send(ctx, `Granted ADMIN to ${to}`, manager, "grantRole", [ROLES.ADMIN, to, 0]);
      [since] = await manager.getAccess(ROLES.ADMIN, to);
    }
    const [toIsAdmin] = await manager.hasRole(ROLES.ADMIN, to);
    if (!toIsAdmin) {
      throw new UserError(
        `ADMIN for ${to} takes effect at ${formatInstant(since)} (the ADMIN grant delay). Refusing to renounce ` +
          `${me}'s ADMIN before then, which would leave no ADMIN; run this task again after that time.`,
      );
    }
    await send(ctx, `Renounced ADMIN of ${me}`, manager, "renounceRole", [ROLES.ADMIN, me]);
    const admins = await activeHolders(ctx, ROLES.ADMIN);
    console.log(`ADMIN is now held by ${admins.join(", ")}`);
  });
}
