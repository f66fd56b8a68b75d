import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { ZeroAddress } from "ethers";

import { UserError, parseAddress, parseAmount, parseBool, parseUint, requireText } from "../../scripts/lib/args.js";
import { parseDocument } from "../../scripts/lib/hashes.js";
import { parseCheckRoles } from "../../scripts/lib/permits.js";
import { roleLabel } from "../../scripts/lib/revert.js";
import { APPLICATION_STATUS, PERMIT_STATUS, nameOf } from "../../scripts/lib/status.js";
import { formatDuration, formatInstant, parseDuration } from "../../scripts/lib/time.js";
import { fields, table } from "../../scripts/lib/format.js";
import { eventIn, eventsIn, openContext, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

async function registryOf(ctx: TaskContext) {
  return ctx.ethers.getContractAt("PermitRegistry", ctx.address("PermitRegistry"), ctx.signer);
}

type Registry = Awaited<ReturnType<typeof registryOf>>;
type PermitType = Awaited<ReturnType<Registry["getPermitType"]>>;
type Application = Awaited<ReturnType<Registry["getApplication"]>>;
type Permit = Awaited<ReturnType<Registry["getPermit"]>>;

/** `what` ids are 1..count: a UserError naming the option otherwise. */
function unknown(option: string, what: string, id: bigint, count: bigint): UserError {
  const known = count === 0n ? "none exists yet" : `ids are 1..${count}`;
  return new UserError(`--${option}: no ${what} ${id} (${known})`);
}

async function requireType(registry: Registry, typeId: bigint, option = "type"): Promise<PermitType> {
  const [types] = await registry.counts();
  if (typeId > types) throw unknown(option, "permit type", typeId, types);
  return registry.getPermitType(typeId);
}

async function requireApplication(registry: Registry, id: bigint): Promise<Application> {
  const [, applications] = await registry.counts();
  if (id > applications) throw unknown("application", "application", id, applications);
  return registry.getApplication(id);
}

async function requirePermit(registry: Registry, id: bigint): Promise<Permit> {
  const [, , permits] = await registry.counts();
  if (id > permits) throw unknown("permit", "permit", id, permits);
  return registry.getPermit(id);
}

function requirePending(application: Application, id: bigint): void {
  if (application.status !== 1n) {
    throw new UserError(
      `application ${id} is ${nameOf(APPLICATION_STATUS, application.status)}, no longer Pending` +
        (application.permitId !== 0n ? ` (permit ${application.permitId})` : ""),
    );
  }
}

/** Approves the registry for `amount` of the fee token when the allowance is short. */
async function approveFee(ctx: TaskContext, spender: string, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  const ledger = await ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"));
  const token = await ctx.ethers.getContractAt("IERC20", await ledger.token(), ctx.signer);
  const balance = await token.balanceOf(ctx.signer.address);
  if (balance < amount)
    throw new UserError(`The fee is ${ctx.format(amount)}; ${ctx.signer.address} holds ${ctx.format(balance)}`);
  if ((await token.allowance(ctx.signer.address, spender)) < amount) {
    await send(ctx, `Approved the fee of ${ctx.format(amount)}`, token, "approve", [spender, amount]);
  }
}

function checksText(roles: readonly bigint[]): string {
  return roles.length === 0 ? "none (issued at once)" : roles.map(String).join(", ");
}

// ------------------------------------------------------------------ permit officer

export async function defineType(
  args: Base & { name: string; fee: string; validity: string; checks: string; recheck: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const name = requireText(args.name, "name");
    const validity = parseDuration(requireText(args.validity, "validity"), "validity");
    if (validity === 0n) throw new UserError("--validity must be greater than 0");
    const checks = parseCheckRoles(args.checks, "checks");
    const recheck = parseBool(args.recheck, "recheck");
    const ctx = await openContext(hre, args.signer);
    const fee = parseAmount(args.fee, ctx.decimals, "fee", true);
    const registry = await registryOf(ctx);
    const receipt = await send(ctx, `Defined permit type "${name}"`, registry, "definePermitType", [
      name,
      fee,
      validity,
      checks,
      recheck,
    ]);
    const defined = eventIn(receipt, registry, "PermitTypeDefined");
    console.log(
      `Permit type ${defined.typeId}: "${name}", fee ${ctx.format(fee)}, valid ${formatDuration(validity)}, ` +
        `checks ${checksText(checks)}${recheck && checks.length > 0 ? ", checked again on renewal" : ""}`,
    );
  });
}

export async function setActive(args: Base & { type: string; active: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const typeId = parseUint(args.type, "type", { min: 1n });
    const active = parseBool(args.active, "active");
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const type = await requireType(registry, typeId);
    await send(
      ctx,
      `Permit type ${typeId} ("${type.name}") ${active ? "activated" : "deactivated"}`,
      registry,
      "setPermitTypeActive",
      [typeId, active],
    );
  });
}

async function officerAction(
  args: Base & { permit: string; reason?: string },
  hre: HardhatRuntimeEnvironment,
  fn: "suspend" | "reinstate" | "revoke",
) {
  await runTask(async () => {
    const id = parseUint(args.permit, "permit", { min: 1n });
    const callArgs: unknown[] = fn === "reinstate" ? [id] : [id, parseDocument(args.reason ?? "", "reason")];
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    await requirePermit(registry, id);
    const done = { suspend: "suspended", reinstate: "reinstated", revoke: "revoked" }[fn];
    await send(ctx, `Permit ${id} ${done}`, registry, fn, callArgs);
    console.log(`Permit ${id} is now ${nameOf(PERMIT_STATUS, await registry.permitStatus(id))}`);
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

// ------------------------------------------------------------------ applicants and holders

export async function apply(args: Base & { type: string; document: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const typeId = parseUint(args.type, "type", { min: 1n });
    const documentHash = parseDocument(args.document, "document");
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const type = await requireType(registry, typeId);
    if (!type.active) throw new UserError(`--type: permit type ${typeId} ("${type.name}") is not active`);
    // a document is bound to its applicant (issue #12): only the signer's own use of it blocks
    const holder = await registry.applicationOfDocument(ctx.signer.address, documentHash);
    if (holder !== 0n) {
      throw new UserError(
        `--document: ${documentHash} already backs application ${holder} (see npx hardhat permits show --application ${holder})`,
      );
    }
    await approveFee(ctx, await registry.getAddress(), type.fee);
    const receipt = await send(ctx, `Applied for "${type.name}"`, registry, "submitApplication", [
      typeId,
      documentHash,
    ]);
    const submitted = eventIn(receipt, registry, "ApplicationSubmitted");
    console.log(`Application ${submitted.applicationId}: document ${documentHash}, fee ${ctx.format(submitted.fee)}`);
    const [issued] = eventsIn(receipt, registry, "PermitIssued");
    if (issued !== undefined) {
      console.log(
        `Permit ${issued.permitId} issued at once (the type needs no checks), valid until ${formatInstant(issued.expiresAt)}`,
      );
    } else {
      console.log(`Waiting for checks ${checksText(type.checkRoles)}`);
    }
  });
}

export async function check(
  args: Base & { application: string; role: string; passed: string; evidence: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const id = parseUint(args.application, "application", { min: 1n });
    const [role] = parseCheckRoles(requireText(args.role, "role"), "role");
    const passed = parseBool(args.passed, "passed");
    const evidence = parseDocument(args.evidence, "evidence");
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const application = await requireApplication(registry, id);
    requirePending(application, id);
    const type = await registry.getPermitType(application.typeId);
    if (!type.checkRoles.includes(role)) {
      throw new UserError(
        `--role: ${role} is not a check of permit type ${application.typeId} ("${type.name}"), whose checks are ${checksText(type.checkRoles)}`,
      );
    }
    const manager = await ctx.ethers.getContractAt("AccessManager", ctx.address("AccessManager"));
    const [isMember, executionDelay] = await manager.hasRole(role, ctx.signer.address);
    if (!isMember) {
      throw new UserError(
        `${ctx.signer.address} does not hold ${roleLabel(role)}, which this check needs. ` +
          `An ADMIN grants it with: npx hardhat roles grant --role ${role} --account ${ctx.signer.address}`,
      );
    }
    if (executionDelay !== 0n) {
      throw new UserError(
        `${ctx.signer.address} holds ${roleLabel(role)} with an execution delay of ${executionDelay} s; checks are recorded only without delay`,
      );
    }
    if (application.applicant === ctx.signer.address) {
      throw new UserError(`${ctx.signer.address} is the applicant of application ${id} and may not check it`);
    }
    if (await registry.isCheckPassed(id, role)) {
      throw new UserError(`check ${role} is recorded already on application ${id}`);
    }
    const receipt = await send(
      ctx,
      `Check ${role} on application ${id}: ${passed ? "passed" : "failed"}`,
      registry,
      "recordCheck",
      [id, role, passed, evidence],
    );
    const [issued] = eventsIn(receipt, registry, "PermitIssued");
    const [renewed] = eventsIn(receipt, registry, "PermitRenewed");
    if (issued !== undefined) {
      console.log(
        `All checks passed: permit ${issued.permitId} issued, valid until ${formatInstant(issued.expiresAt)}`,
      );
    } else if (renewed !== undefined) {
      console.log(`All checks passed: permit ${renewed.permitId} renewed until ${formatInstant(renewed.expiresAt)}`);
    } else if (!passed) {
      console.log(`Application ${id} is rejected and its fee of ${ctx.format(application.fee)} refunded`);
    } else {
      const now = await registry.getApplication(id);
      console.log(`${now.checksPassed} of ${type.checkRoles.length} checks passed`);
    }
  });
}

export async function withdraw(args: Base & { application: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const id = parseUint(args.application, "application", { min: 1n });
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const application = await requireApplication(registry, id);
    requirePending(application, id);
    if (application.applicant !== ctx.signer.address) {
      throw new UserError(`only the applicant ${application.applicant} may withdraw application ${id} (--signer)`);
    }
    await send(ctx, `Withdrew application ${id}`, registry, "withdrawApplication", [id]);
    console.log(`Fee of ${ctx.format(application.fee)} refunded to ${application.applicant}`);
  });
}

export async function renew(args: Base & { permit: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const id = parseUint(args.permit, "permit", { min: 1n });
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const permit = await requirePermit(registry, id);
    if (permit.holder !== ctx.signer.address) {
      throw new UserError(`only the holder ${permit.holder} may renew permit ${id} (--signer)`);
    }
    const type = await registry.getPermitType(permit.typeId);
    await approveFee(ctx, await registry.getAddress(), type.fee);
    const receipt = await send(ctx, `Renewal of permit ${id}`, registry, "renew", [id]);
    const [opened] = eventsIn(receipt, registry, "ApplicationSubmitted");
    if (opened !== undefined) {
      console.log(
        `Renewal application ${opened.applicationId} opened; it needs checks ${checksText(type.checkRoles)} again`,
      );
    } else {
      const renewed = eventIn(receipt, registry, "PermitRenewed");
      console.log(`Permit ${id} renewed until ${formatInstant(renewed.expiresAt)}`);
    }
  });
}

export async function claimRefund(args: Base & { to: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const to = args.to.trim() === "" ? ctx.signer.address : parseAddress(args.to, "to");
    const registry = await registryOf(ctx);
    const owed = await registry.refundOwed(ctx.signer.address);
    if (owed === 0n) throw new UserError(`${ctx.signer.address} is owed no refund`);
    await send(ctx, `Claimed a refund of ${ctx.format(owed)} to ${to}`, registry, "claimRefund", [to]);
  });
}

// ------------------------------------------------------------------ views

/**
 * The applicant whose application or permit holds `documentHash` (documents are bound to their
 * applicant): found from the `ApplicationSubmitted` events; refuses when several applicants used
 * the same hash (the caller then names the holder). The zero address when nobody holds it.
 */
async function applicantOf(
  ctx: TaskContext,
  registry: Awaited<ReturnType<typeof registryOf>>,
  documentHash: string,
): Promise<string> {
  const events = await registry.queryFilter(registry.filters.ApplicationSubmitted(), ctx.deployment.firstBlock ?? 0);
  const holders: string[] = [];
  for (const e of events) {
    if (e.args.documentHash !== documentHash || holders.includes(e.args.applicant)) continue;
    if ((await registry.applicationOfDocument(e.args.applicant, documentHash)) !== 0n) holders.push(e.args.applicant);
  }
  if (holders.length > 1) {
    throw new UserError(`document ${documentHash} is held by ${holders.join(", ")}: give --holder <address>`);
  }
  return holders[0] ?? ZeroAddress;
}

export async function verify(
  args: Base & { permit: string; document: string; holder: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const byId = args.permit.trim() !== "";
    if (byId === (args.document.trim() !== ""))
      throw new UserError("give either --permit <id> or --document <file|hash|text>");
    const documentHash = byId ? undefined : parseDocument(args.document, "document");
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    let id: bigint;
    if (documentHash === undefined) id = parseUint(args.permit, "permit", { min: 1n });
    else {
      const holder =
        args.holder.trim() === ""
          ? await applicantOf(ctx, registry, documentHash)
          : parseAddress(args.holder, "holder");
      id = await registry.permitOfDocument(holder, documentHash);
      if (id === 0n) {
        const pending = await registry.applicationOfDocument(holder, documentHash);
        throw new UserError(
          pending === 0n
            ? `no permit was issued for document ${documentHash}`
            : `no permit for document ${documentHash} yet: application ${pending} is still pending`,
        );
      }
    }
    const permit = await requirePermit(registry, id);
    const type = await registry.getPermitType(permit.typeId);
    const valid = await registry.isValid(id);
    const status = nameOf(PERMIT_STATUS, await registry.permitStatus(id));
    console.log(`Permit ${id}: ${valid ? "VALID" : "NOT VALID"} (${status})`);
    console.log(
      fields([
        ["type", `${permit.typeId} "${type.name}"`],
        ["holder", permit.holder],
        ["issued", formatInstant(permit.issuedAt)],
        ["expires", formatInstant(permit.expiresAt)],
        ["document", permit.documentHash],
        ["application", String(permit.applicationId)],
      ]),
    );
  });
}

export async function show(args: Base & { application: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const id = parseUint(args.application, "application", { min: 1n });
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const a = await requireApplication(registry, id);
    const type = await registry.getPermitType(a.typeId);
    const renewal = a.permitId !== 0n && (await registry.getPermit(a.permitId)).applicationId !== id;
    console.log(
      `Application ${id}: ${nameOf(APPLICATION_STATUS, a.status)}${renewal ? ` (renewal of permit ${a.permitId})` : ""}`,
    );
    const rows: Array<[string, string]> = [
      ["type", `${a.typeId} "${type.name}"`],
      ["applicant", a.applicant],
      ["fee", ctx.format(a.fee)],
      ["document", a.documentHash],
      ["checks", `${a.checksPassed} of ${type.checkRoles.length} passed`],
    ];
    for (const role of type.checkRoles) {
      rows.push([`  check ${role}`, (await registry.isCheckPassed(id, role)) ? "passed" : "not passed"]);
    }
    if (a.decidedAt !== 0n) rows.push(["decided", formatInstant(a.decidedAt)]);
    if (a.permitId !== 0n && !renewal) rows.push(["permit", String(a.permitId)]);
    console.log(fields(rows));
  });
}

export async function types(args: Base, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const registry = await registryOf(ctx);
    const [count] = await registry.counts();
    if (count === 0n) {
      console.log("No permit type yet");
      return;
    }
    const rows = [["id", "name", "fee", "validity", "checks", "renewal", "active"]];
    for (let id = 1n; id <= count; id++) {
      const t = await registry.getPermitType(id);
      rows.push([
        String(id),
        t.name,
        ctx.format(t.fee),
        formatDuration(t.validity),
        t.checkRoles.length === 0 ? "none" : t.checkRoles.join(" "),
        t.recheckOnRenewal && t.checkRoles.length > 0 ? "rechecked" : "at once",
        t.active ? "yes" : "no",
      ]);
    }
    console.log(table(rows));
  });
}
