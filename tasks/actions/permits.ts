import type { ContractTransactionReceipt } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAmount, parseBool, parseUint } from "../../scripts/lib/args.js";
import { parseDocument } from "../../scripts/lib/hashes.js";
import { MAX_CHECK_ROLE, MIN_CHECK_ROLE } from "../../scripts/lib/roles.js";
import { formatInstant, parseDuration } from "../../scripts/lib/time.js";
import { openContext, registerErrors, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

const STATUS = ["None", "Pending", "Approved", "Rejected", "Withdrawn"];

async function registryOf(ctx: TaskContext) {
  registerErrors((await ctx.hre.artifacts.readArtifact("PermitRegistry")).abi);
  return ctx.ethers.getContractAt("PermitRegistry", ctx.address("PermitRegistry"), ctx.signer);
}

type Registry = Awaited<ReturnType<typeof registryOf>>;

async function requireType(registry: Registry, typeId: bigint) {
  try {
    return await registry.getPermitType(typeId);
  } catch {
    throw new UserError(`--type: permit type ${typeId} does not exist`);
  }
}

async function requireApplication(registry: Registry, id: bigint) {
  const application = await registry.getApplication(id).catch(() => undefined);
  if (application === undefined || application.status === 0n)
    throw new UserError(`--application: application ${id} does not exist`);
  return application;
}

async function requirePermit(registry: Registry, id: bigint) {
  const permit = await registry.getPermit(id).catch(() => undefined);
  if (permit === undefined || permit.holder === "0x0000000000000000000000000000000000000000") {
    throw new UserError(`--permit: permit ${id} does not exist`);
  }
  return permit;
}

/** Pays `amount` of the fee token to `spender` if the allowance is short. */
async function approveFee(ctx: TaskContext, spender: string, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  const ledger = await ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"));
  const token = await ctx.ethers.getContractAt("IERC20", await ledger.token(), ctx.signer);
  const balance = await token.balanceOf(ctx.signer.address);
  if (balance < amount)
    throw new UserError(`The fee is ${ctx.format(amount)}; ${ctx.signer.address} holds ${ctx.format(balance)}`);
  if ((await token.allowance(ctx.signer.address, spender)) < amount) {
    await send(ctx, "Approved the fee", token, "approve", [spender, amount]);
  }
}

function eventArg(
  receipt: ContractTransactionReceipt | null,
  registry: Registry,
  event: string,
  arg: string,
): bigint | undefined {
  for (const log of receipt?.logs ?? []) {
    try {
      const parsed = registry.interface.parseLog(log);
      if (parsed?.name === event) return parsed.args.getValue(arg) as bigint;
    } catch {
      // another contract's log
    }
  }
  return undefined;
}

export async function defineType(
  args: Base & { name: string; fee: string; validity: string; checks: string; recheck: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    if (args.name.trim() === "") throw new UserError("--name is required");
    const fee = parseAmount(args.fee, ctx.decimals, "fee", true);
    const validity = parseDuration(args.validity, "validity");
    if (validity === 0n) throw new UserError("--validity must be greater than 0");
    const checks =
      args.checks.trim() === ""
        ? []
        : args.checks.split(",").map((c) => parseUint(c, "checks", { min: MIN_CHECK_ROLE, max: MAX_CHECK_ROLE }));
    if (new Set(checks).size !== checks.length) throw new UserError("--checks: a check role is listed twice");
    const registry = await registryOf(ctx);
    await send(ctx, `Defined permit type "${args.name}"`, registry, "definePermitType", [
      args.name,
      fee,
      validity,
      checks,
      parseBool(args.recheck, "recheck"),
    ]);
    console.log(`Permit type id: ${await lastTypeId(registry)}`);
  });
}

async function lastTypeId(registry: Registry): Promise<bigint> {
  const events = await registry.queryFilter(registry.filters.PermitTypeDefined(), -1);
  return events.length ? events[events.length - 1].args.typeId : 0n;
}

export async function setActive(args: Base & { type: string; active: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const typeId = parseUint(args.type, "type", { min: 1n });
    await requireType(registry, typeId);
    const active = parseBool(args.active, "active");
    await send(ctx, `Permit type ${typeId} ${active ? "activated" : "deactivated"}`, registry, "setPermitTypeActive", [
      typeId,
      active,
    ]);
  });
}

export async function apply(args: Base & { type: string; document: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const typeId = parseUint(args.type, "type", { min: 1n });
    const type = await requireType(registry, typeId);
    if (!type.active) throw new UserError(`Permit type ${typeId} ("${type.name}") is not active`);
    const documentHash = parseDocument(args.document, "document");
    await approveFee(ctx, await registry.getAddress(), type.fee);
    const tx = await registry.connect(ctx.signer).submitApplication(typeId, documentHash);
    const receipt = await tx.wait();
    const applicationId = eventArg(receipt, registry, "ApplicationSubmitted", "applicationId");
    const permitId = eventArg(receipt, registry, "PermitIssued", "permitId");
    console.log(`Application ${applicationId} submitted (document ${documentHash}): tx ${tx.hash}`);
    if (permitId !== undefined) console.log(`Permit ${permitId} issued at once (the type needs no checks)`);
  });
}

export async function check(
  args: Base & { application: string; role: string; passed: string; evidence: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const id = parseUint(args.application, "application", { min: 1n });
    await requireApplication(registry, id);
    const role = parseUint(args.role, "role", { min: MIN_CHECK_ROLE, max: MAX_CHECK_ROLE });
    const manager = await ctx.ethers.getContractAt("AccessManager", ctx.address("AccessManager"));
    const [isMember] = await manager.hasRole(role, ctx.signer.address);
    if (!isMember)
      throw new UserError(`${ctx.signer.address} does not hold check role ${role}, which this check needs`);
    const passed = parseBool(args.passed, "passed");
    const tx = await registry
      .connect(ctx.signer)
      .recordCheck(id, role, passed, parseDocument(args.evidence, "evidence"));
    const receipt = await tx.wait();
    console.log(`Check ${role} on application ${id}: ${passed ? "passed" : "failed"} (tx ${tx.hash})`);
    const permitId = eventArg(receipt, registry, "PermitIssued", "permitId");
    const renewed = eventArg(receipt, registry, "PermitRenewed", "permitId");
    if (permitId !== undefined) console.log(`All checks passed: permit ${permitId} issued`);
    if (renewed !== undefined) console.log(`All checks passed: permit ${renewed} renewed`);
    if (!passed) console.log("The application is rejected and the fee refunded");
  });
}

export async function withdraw(args: Base & { application: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const id = parseUint(args.application, "application", { min: 1n });
    await requireApplication(registry, id);
    await send(ctx, `Withdrew application ${id}`, registry, "withdrawApplication", [id]);
  });
}

export async function renew(args: Base & { permit: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const id = parseUint(args.permit, "permit", { min: 1n });
    const permit = await requirePermit(registry, id);
    const type = await registry.getPermitType(permit.typeId);
    await approveFee(ctx, await registry.getAddress(), type.fee);
    const tx = await registry.connect(ctx.signer).renew(id);
    const receipt = await tx.wait();
    const applicationId = eventArg(receipt, registry, "ApplicationSubmitted", "applicationId");
    if (applicationId !== undefined)
      console.log(`Renewal application ${applicationId} opened; it needs its checks (tx ${tx.hash})`);
    else
      console.log(
        `Permit ${id} renewed until ${formatInstant((await registry.getPermit(id)).expiresAt)} (tx ${tx.hash})`,
      );
  });
}

async function officerAction(
  args: Base & { permit: string; reason?: string },
  hre: HardhatRuntimeEnvironment,
  fn: "suspend" | "reinstate" | "revoke",
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const id = parseUint(args.permit, "permit", { min: 1n });
    await requirePermit(registry, id);
    const callArgs = fn === "reinstate" ? [id] : [id, parseDocument(args.reason ?? "", "reason")];
    await send(ctx, `Permit ${id}: ${fn}`, registry, fn, callArgs);
  });
}

export async function suspend(args: Base & { permit: string; reason: string }, hre: HardhatRuntimeEnvironment) {
  await officerAction(args, hre, "suspend");
}

export async function reinstate(args: Base & { permit: string }, hre: HardhatRuntimeEnvironment) {
  await officerAction(args, hre, "reinstate");
}

export async function revoke(args: Base & { permit: string; reason: string }, hre: HardhatRuntimeEnvironment) {
  await officerAction(args, hre, "revoke");
}

export async function verify(args: Base & { permit: string; document: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    let id: bigint;
    if (args.permit !== "") id = parseUint(args.permit, "permit", { min: 1n });
    else if (args.document !== "") {
      id = await registry.permitOfDocument(parseDocument(args.document, "document"));
      if (id === 0n) throw new UserError("No permit was issued for that document");
    } else throw new UserError("Give --permit <id> or --document <file|hash|text>");
    const permit = await requirePermit(registry, id);
    const type = await registry.getPermitType(permit.typeId);
    const valid = await registry.isValid(id);
    console.log(`Permit ${id} (${type.name}) held by ${permit.holder}: ${valid ? "VALID" : "NOT VALID"}`);
    console.log(`  issued ${formatInstant(permit.issuedAt)}, expires ${formatInstant(permit.expiresAt)}`);
    console.log(
      `  document ${permit.documentHash}${permit.revoked ? ", REVOKED" : ""}${permit.suspended ? ", SUSPENDED" : ""}`,
    );
  });
}

export async function show(args: Base & { application: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const id = parseUint(args.application, "application", { min: 1n });
    const a = await requireApplication(registry, id);
    const type = await registry.getPermitType(a.typeId);
    console.log(`Application ${id}: ${STATUS[Number(a.status)]} (type ${a.typeId} "${type.name}")`);
    console.log(`  applicant ${a.applicant}, fee ${ctx.format(a.fee)}, document ${a.documentHash}`);
    console.log(
      `  checks passed ${a.checksPassed} of ${type.checkRoles.length} (${type.checkRoles.join(", ") || "none"})`,
    );
    if (a.permitId !== 0n) console.log(`  permit ${a.permitId}`);
  });
}
