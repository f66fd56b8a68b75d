import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

import { ZeroHash } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress, parseAmount, parseBytes32, parseUint } from "../../scripts/lib/args.js";
import { parseDocument } from "../../scripts/lib/hashes.js";
import { ROLES, type RoleName } from "../../scripts/lib/roles.js";
import {
  MAX_BATCH,
  RosterError,
  RosterFile,
  RosterFileError,
  buildRosterFile,
  claimChunks,
  kindName,
  progressBar,
  statusName,
  toClaimStruct,
  type RosterClaim,
} from "../../scripts/lib/roster/index.js";
import { formatInstant, parseInstant } from "../../scripts/lib/time.js";
import type { SubsidyDisbursement } from "../../types/ethers-contracts/index.js";
import { lineName, table } from "../../scripts/lib/format.js";
import { eventIn, openContext, preview, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

// ------------------------------------------------------------------ argument checks (no network)

/** A required option: names it when it is missing. */
function need(value: string, name: string): string {
  if (value.trim() === "") throw new UserError(`--${name} is required`);
  return value.trim();
}

/** Opens a roster tree file, turning its problems into one clear line. */
function openTree(path: string, name = "tree"): RosterFile {
  try {
    return RosterFile.open(need(path, name));
  } catch (error) {
    if (error instanceof RosterFileError) throw new UserError(`--${name}: ${error.message}`);
    throw error;
  }
}

/** Exactly one of --index / --beneficiary picks a roster entry. */
function pickEntry(file: RosterFile, index: string, beneficiary: string): RosterClaim {
  if ((index.trim() === "") === (beneficiary.trim() === "")) {
    throw new UserError("give either --index or --beneficiary (one of them)");
  }
  try {
    if (index.trim() !== "") {
      const i = parseUint(index, "index", { max: BigInt(file.count - 1) });
      return file.claimAt(Number(i));
    }
    const address = parseAddress(beneficiary, "beneficiary");
    const claim = file.claimOf(address);
    if (claim === undefined) throw new UserError(`--beneficiary: ${address} is not listed in ${file.headerPath}`);
    return claim;
  } catch (error) {
    if (error instanceof RosterFileError) throw new UserError(error.message);
    throw error;
  }
}

function parseProgramId(value: string): bigint {
  return parseUint(need(value, "program"), "program", { min: 1n });
}

/** An instant option; "now" is the chain's latest block time. */
function parseTime(value: string, name: string, now: bigint): bigint {
  if (value.trim().toLowerCase() === "now") return now;
  return parseInstant(need(value, name), name, now);
}

/** A document-like option that may be left out (then 0x00..00). */
function optionalDocument(value: string, name: string): string {
  return value.trim() === "" ? ZeroHash : parseDocument(value, name);
}

// ------------------------------------------------------------------ chain helpers

async function subsidiesOf(ctx: TaskContext): Promise<SubsidyDisbursement> {
  const address = ctx.address("SubsidyDisbursement");
  return ctx.ethers.getContractAt("SubsidyDisbursement", address, ctx.signer);
}

async function chainNow(ctx: TaskContext): Promise<bigint> {
  const block = await ctx.ethers.provider.getBlock("latest");
  return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
}

/** Refuses early, with the command that fixes it, when the signer lacks a role. */
async function requireRole(ctx: TaskContext, role: RoleName): Promise<void> {
  const manager = await ctx.ethers.getContractAt("AccessManager", ctx.address("AccessManager"));
  const [isMember, delay] = await manager.hasRole(ROLES[role], ctx.signer.address);
  if (!isMember) {
    throw new UserError(
      `${ctx.signer.address} does not hold ${role}. Grant it with: npx hardhat roles grant --role ${role} --account ${ctx.signer.address}`,
    );
  }
  if (delay !== 0n) {
    throw new UserError(
      `${ctx.signer.address} holds ${role} with an execution delay of ${delay} s: schedule the call through the AccessManager`,
    );
  }
}

type Program = Awaited<ReturnType<SubsidyDisbursement["getProgram"]>>;

async function programOf(subsidies: SubsidyDisbursement, id: bigint): Promise<Program> {
  const count = await subsidies.programCount();
  if (id > count) {
    throw new UserError(`--program: no programme ${id} (${count === 0n ? "none created yet" : `ids are 1..${count}`})`);
  }
  return subsidies.getProgram(id);
}

function requireKind(program: Program, id: bigint, kind: 0n | 1n): void {
  const named = (k: bigint) => `${k === 1n ? "an" : "a"} ${kindName(k)} programme`;
  if (program.kind !== kind) throw new UserError(`programme ${id} is ${named(program.kind)}, not ${named(kind)}`);
}

async function requireOpen(subsidies: SubsidyDisbursement, program: Program, id: bigint): Promise<void> {
  const status = await subsidies.programStatus(id);
  if (status === 2n) return;
  const when =
    status === 1n
      ? `it opens at ${formatInstant(program.opensAt)}`
      : status === 3n
        ? `it closed for claims at ${formatInstant(program.closesAt)}`
        : "it is closed";
  throw new UserError(`programme ${id} is ${statusName(status)}: ${when}`);
}

async function requireAvailable(ctx: TaskContext, lineId: string, amount: bigint): Promise<void> {
  const ledger = await ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"));
  let available: bigint;
  try {
    available = await ledger.available(lineId);
  } catch {
    throw new UserError(`--line: no budget line "${lineName(lineId)}" (see npx hardhat budget lines)`);
  }
  const line = await ledger.getLine(lineId);
  if (line.closed) throw new UserError(`--line: budget line "${lineName(lineId)}" is closed`);
  if (available < amount) {
    throw new UserError(
      `--line: "${lineName(lineId)}" has ${ctx.format(available)} available, less than the budget ${ctx.format(amount)}`,
    );
  }
}

function checkWindow(opensAt: bigint, closesAt: bigint, now: bigint): void {
  if (closesAt <= now) throw new UserError(`--closes (${formatInstant(closesAt)}) is in the past`);
  if (closesAt <= opensAt) {
    throw new UserError(`--closes (${formatInstant(closesAt)}) must be after --opens (${formatInstant(opensAt)})`);
  }
}

// ------------------------------------------------------------------ roster files (no network)

export async function buildRoster(args: { csv: string; out: string }) {
  await runTask(async () => {
    const csv = need(args.csv, "csv");
    const out = need(args.out, "out");
    if (!out.toLowerCase().endsWith(".json")) {
      throw new UserError(`--out: "${out}" must end in .json (the data file is written next to it as .bin)`);
    }
    if (!existsSync(csv) || !statSync(csv).isFile()) throw new UserError(`--csv: ${csv} does not exist`);
    const outDir = dirname(resolve(out));
    if (!existsSync(outDir) || !statSync(outDir).isDirectory()) {
      throw new UserError(`--out: the folder ${outDir} does not exist`);
    }
    if (resolve(out) === resolve(csv)) throw new UserError("--out must not be the CSV file");
    let built;
    try {
      built = buildRosterFile(csv, out, progressBar());
    } catch (error) {
      if (error instanceof RosterError) throw new UserError(error.message);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
        throw new UserError(`--out: cannot write ${out} (${code}); nothing written`);
      }
      throw error;
    }
    const { header } = built;
    console.log(`Roster of ${header.count} beneficiaries written to ${out} (+ ${header.data})`);
    console.log(`root:  ${header.root}`);
    console.log(`total: ${header.total} (base units: the budget the programme needs)`);
    console.log(`proofs: ${header.proofLength.min}-${header.proofLength.max} nodes`);
  });
}

export async function proof(args: { tree: string; index: string; beneficiary: string }) {
  await runTask(async () => {
    const file = openTree(args.tree);
    try {
      const claim = pickEntry(file, args.index, args.beneficiary);
      console.log(
        JSON.stringify(
          {
            root: file.root,
            index: claim.index,
            beneficiary: claim.beneficiary,
            amount: claim.amount.toString(),
            proof: claim.proof,
          },
          null,
          2,
        ),
      );
    } finally {
      file.close();
    }
  });
}

// ------------------------------------------------------------------ programme manager

export async function createRoster(
  args: Base & { line: string; tree: string; budget: string; opens: string; closes: string; metadata: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const lineId = parseBytes32(need(args.line, "line"), "line");
    need(args.closes, "closes");
    const file = openTree(args.tree);
    const root = file.root;
    const total = BigInt(file.header.total);
    const ctx = await openContext(hre, args.signer);
    const module = ctx.address("SubsidyDisbursement");
    const self = file.indexOf(module);
    file.close();
    if (self !== undefined) {
      throw new UserError(
        `--tree: index ${self} lists the SubsidyDisbursement contract ${module} itself as beneficiary`,
      );
    }
    const budget = args.budget.trim() === "" ? total : parseAmount(args.budget, ctx.decimals, "budget");
    if (budget < total) {
      throw new UserError(
        `--budget ${ctx.format(budget)} is below the roster's total ${ctx.format(total)}: every listed claim must be payable`,
      );
    }
    const now = await chainNow(ctx);
    const opensAt = parseTime(args.opens, "opens", now);
    const closesAt = parseTime(args.closes, "closes", now);
    checkWindow(opensAt, closesAt, now);
    const metadata = optionalDocument(args.metadata, "metadata");
    await requireRole(ctx, "PROGRAM_MANAGER");
    await requireAvailable(ctx, lineId, budget);
    const subsidies = await subsidiesOf(ctx);
    const call = [lineId, root, budget, opensAt, closesAt, metadata] as const;
    const [expected] = await preview(ctx, subsidies, "createRosterProgram", [...call]);
    const receipt = await send(ctx, `Created roster programme ${expected}`, subsidies, "createRosterProgram", [
      ...call,
    ]);
    const id = eventIn(receipt, subsidies, "ProgramCreated").programId as bigint;
    console.log(
      `Programme ${id}: ${ctx.format(budget)} from ${lineName(lineId)}, root ${root}, open ${formatInstant(opensAt)} - ${formatInstant(closesAt)}`,
    );
  });
}

export async function createOutcome(
  args: Base & {
    line: string;
    budget: string;
    rate: string;
    cap: string;
    opens: string;
    closes: string;
    metadata: string;
  },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const lineId = parseBytes32(need(args.line, "line"), "line");
    need(args.budget, "budget");
    need(args.rate, "rate");
    need(args.closes, "closes");
    const ctx = await openContext(hre, args.signer);
    const budget = parseAmount(args.budget, ctx.decimals, "budget");
    const rate = parseAmount(args.rate, ctx.decimals, "rate");
    const cap = parseAmount(args.cap, ctx.decimals, "cap", true);
    const now = await chainNow(ctx);
    const opensAt = parseTime(args.opens, "opens", now);
    const closesAt = parseTime(args.closes, "closes", now);
    checkWindow(opensAt, closesAt, now);
    const metadata = optionalDocument(args.metadata, "metadata");
    await requireRole(ctx, "PROGRAM_MANAGER");
    await requireAvailable(ctx, lineId, budget);
    const subsidies = await subsidiesOf(ctx);
    const call = [lineId, budget, rate, cap, opensAt, closesAt, metadata] as const;
    const [expected] = await preview(ctx, subsidies, "createOutcomeProgram", [...call]);
    const receipt = await send(ctx, `Created outcome programme ${expected}`, subsidies, "createOutcomeProgram", [
      ...call,
    ]);
    const id = eventIn(receipt, subsidies, "ProgramCreated").programId as bigint;
    console.log(
      `Programme ${id}: ${ctx.format(budget)} from ${lineName(lineId)}, ${ctx.format(rate)} per unit, ` +
        `cap ${cap === 0n ? "none" : ctx.format(cap)}, open ${formatInstant(opensAt)} - ${formatInstant(closesAt)}`,
    );
  });
}

export async function block(
  args: Base & { program: string; index: string; reason: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const id = parseProgramId(args.program);
    const index = parseUint(need(args.index, "index"), "index");
    const reason = parseDocument(need(args.reason, "reason"), "reason");
    const ctx = await openContext(hre, args.signer);
    const subsidies = await subsidiesOf(ctx);
    const program = await programOf(subsidies, id);
    requireKind(program, id, 0n);
    if (program.closed) throw new UserError(`programme ${id} is closed`);
    if (await subsidies.isBlocked(id, index))
      throw new UserError(`index ${index} of programme ${id} is blocked already`);
    if (await subsidies.isClaimed(id, index))
      throw new UserError(`index ${index} of programme ${id} was claimed already`);
    await requireRole(ctx, "PROGRAM_MANAGER");
    await send(ctx, `Blocked index ${index} of programme ${id}`, subsidies, "blockClaim", [id, index, reason]);
  });
}

export async function close(args: Base & { program: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const id = parseProgramId(args.program);
    const ctx = await openContext(hre, args.signer);
    const subsidies = await subsidiesOf(ctx);
    const program = await programOf(subsidies, id);
    if (program.closed) throw new UserError(`programme ${id} is closed already`);
    if ((await chainNow(ctx)) < program.closesAt) {
      try {
        await requireRole(ctx, "PROGRAM_MANAGER");
      } catch (error) {
        throw new UserError(
          `programme ${id} runs until ${formatInstant(program.closesAt)}; before then only a PROGRAM_MANAGER may close it. ${(error as Error).message}`,
        );
      }
    }
    const returned = program.budget - program.paid;
    await send(ctx, `Closed programme ${id}`, subsidies, "closeProgram", [id]);
    console.log(`${ctx.format(returned)} returned to ${lineName(program.lineId)}`);
  });
}

// ------------------------------------------------------------------ claims and outcomes

export async function claim(
  args: Base & { program: string; tree: string; index: string; beneficiary: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const id = parseProgramId(args.program);
    const file = openTree(args.tree);
    let entry: RosterClaim;
    try {
      entry = pickEntry(file, args.index, args.beneficiary);
    } finally {
      file.close();
    }
    const ctx = await openContext(hre, args.signer);
    const subsidies = await subsidiesOf(ctx);
    const program = await programOf(subsidies, id);
    requireKind(program, id, 0n);
    if (program.merkleRoot !== file.root) {
      throw new UserError(`--tree: its root ${file.root} is not programme ${id}'s root ${program.merkleRoot}`);
    }
    await requireOpen(subsidies, program, id);
    if (await subsidies.isBlocked(id, entry.index))
      throw new UserError(`index ${entry.index} of programme ${id} is blocked`);
    if (await subsidies.isClaimed(id, entry.index)) {
      throw new UserError(`index ${entry.index} of programme ${id} was claimed already`);
    }
    const left = await subsidies.remaining(id);
    if (entry.amount > left) {
      throw new UserError(
        `programme ${id} has ${ctx.format(left)} left, less than the claim of ${ctx.format(entry.amount)}`,
      );
    }
    await send(
      ctx,
      `Paid ${ctx.format(entry.amount)} to ${entry.beneficiary} (index ${entry.index})`,
      subsidies,
      "claim",
      [id, entry.index, entry.beneficiary, entry.amount, entry.proof],
    );
  });
}

export async function claimBatch(
  args: Base & { program: string; tree: string; from: string; to: string; chunk: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const id = parseProgramId(args.program);
    const file = openTree(args.tree);
    try {
      const last = BigInt(file.count - 1);
      const from = Number(parseUint(args.from, "from", { max: last }));
      const to = args.to.trim() === "" ? Number(last) : Number(parseUint(args.to, "to", { max: last }));
      if (to < from) throw new UserError(`--to ${to} is below --from ${from}`);
      const size = Number(parseUint(args.chunk, "chunk", { min: 1n, max: BigInt(MAX_BATCH) }));
      const ctx = await openContext(hre, args.signer);
      const subsidies = await subsidiesOf(ctx);
      const program = await programOf(subsidies, id);
      requireKind(program, id, 0n);
      if (program.merkleRoot !== file.root) {
        throw new UserError(`--tree: its root ${file.root} is not programme ${id}'s root ${program.merkleRoot}`);
      }
      await requireOpen(subsidies, program, id);
      let paid = 0;
      let skipped = 0;
      const refused: number[] = [];
      for (const chunk of claimChunks(file, from, to, size)) {
        const settled = await Promise.all(
          chunk.map(async (c) => (await subsidies.isClaimed(id, c.index)) || (await subsidies.isBlocked(id, c.index))),
        );
        const pending = chunk.filter((_, k) => !settled[k]);
        const range = `indices ${chunk[0].index}-${chunk[chunk.length - 1].index}`;
        skipped += chunk.length - pending.length;
        if (pending.length === 0) {
          console.log(`${range}: all claimed or blocked already`);
          continue;
        }
        const sum = pending.reduce((s, c) => s + c.amount, 0n);
        const left = await subsidies.remaining(id);
        if (sum > left) {
          throw new UserError(
            `${range} ask for ${ctx.format(sum)}, more than programme ${id} has left (${ctx.format(left)}); ${paid} paid so far`,
          );
        }
        await send(
          ctx,
          `${range}: sent ${pending.length} (${ctx.format(sum)}), skipped ${chunk.length - pending.length}`,
          subsidies,
          "claimBatch",
          [id, pending.map(toClaimStruct)],
        );
        // an entry whose transfer the token refused (a blocklisted beneficiary) stays unclaimed
        const after = await Promise.all(pending.map((c) => subsidies.isClaimed(id, c.index)));
        const notPaid = pending.filter((_, k) => !after[k]).map((c) => c.index);
        if (notPaid.length > 0)
          console.log(`${range}: the token refused ${notPaid.join(", ")}: not paid, still unclaimed`);
        refused.push(...notPaid);
        paid += pending.length - notPaid.length;
      }
      console.log(
        `Done: ${paid} claims paid, ${skipped} skipped (claimed or blocked before)` +
          (refused.length > 0 ? `, ${refused.length} refused by the token (indices ${refused.join(", ")})` : ""),
      );
    } finally {
      file.close();
    }
  });
}

export async function recordOutcome(
  args: Base & { program: string; beneficiary: string; quantity: string; evidence: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const id = parseProgramId(args.program);
    const beneficiary = parseAddress(need(args.beneficiary, "beneficiary"), "beneficiary");
    const quantity = parseUint(need(args.quantity, "quantity"), "quantity", { min: 1n });
    const evidence = parseDocument(need(args.evidence, "evidence"), "evidence");
    const ctx = await openContext(hre, args.signer);
    const subsidies = await subsidiesOf(ctx);
    const program = await programOf(subsidies, id);
    requireKind(program, id, 1n);
    await requireOpen(subsidies, program, id);
    await requireRole(ctx, "OUTCOME_VERIFIER");
    const call = [id, beneficiary, quantity, evidence] as const;
    await preview(ctx, subsidies, "recordOutcome", [...call]); // a refusal is explained before anything is sent
    const receipt = await send(ctx, `Recorded ${quantity} units for ${beneficiary}`, subsidies, "recordOutcome", [
      ...call,
    ]);
    const paid = eventIn(receipt, subsidies, "OutcomeRecorded").paid as bigint;
    console.log(
      `Paid ${ctx.format(paid)}; ${beneficiary} has received ${ctx.format(await subsidies.paidTo(id, beneficiary))} in all`,
    );
  });
}

export async function sweep(args: Base, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const subsidies = await subsidiesOf(ctx);
    // The contract keeps the open programmes' unpaid budgets as one total (`reserved`).
    const surplus = await subsidies.surplus();
    if (surplus === 0n) {
      const balance = (await subsidies.reserved()) + (await subsidies.totalOwed());
      throw new UserError(
        `nothing to sweep: the contract holds ${ctx.format(balance)}, all of it owed to open programmes`,
      );
    }
    await send(ctx, `Swept ${ctx.format(surplus)} to the ledger`, subsidies, "sweepSurplus", []);
  });
}

// ------------------------------------------------------------------ views

export async function show(args: Base & { program: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const only = args.program.trim() === "" ? undefined : parseProgramId(args.program);
    const ctx = await openContext(hre, args.signer);
    const subsidies = await subsidiesOf(ctx);
    const count = await subsidies.programCount();
    if (only !== undefined) await programOf(subsidies, only);
    if (count === 0n) {
      console.log("No programme yet");
      return;
    }
    const rows: string[][] = [["id", "kind", "status", "line", "budget", "paid", "left", "opens", "closes", "terms"]];
    for (let id = only ?? 1n; id <= (only ?? count); id++) {
      const p = await subsidies.getProgram(id);
      rows.push([
        String(id),
        kindName(p.kind),
        statusName(await subsidies.programStatus(id)),
        lineName(p.lineId),
        ctx.format(p.budget),
        ctx.format(p.paid),
        ctx.format(await subsidies.remaining(id)),
        formatInstant(p.opensAt),
        formatInstant(p.closesAt),
        p.kind === 0n
          ? `root ${p.merkleRoot}`
          : `${ctx.format(p.ratePerUnit)}/unit, cap ${p.capPerBeneficiary === 0n ? "none" : ctx.format(p.capPerBeneficiary)}`,
      ]);
    }
    console.log(table(rows));
  });
}
