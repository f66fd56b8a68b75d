import { decodeBytes32String } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress, parseAmount, parseBytes32, parseUint } from "../../scripts/lib/args.js";
import { openContext, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

async function ledgerOf(ctx: TaskContext) {
  return ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"), ctx.signer);
}

/** Shows a bytes32 line id as text when it is a short string, else as hex. */
export function lineName(id: string): string {
  try {
    const text = decodeBytes32String(id);
    return /^[\x20-\x7e]+$/.test(text) ? text : id;
  } catch {
    return id;
  }
}

async function ensureLine(ctx: TaskContext, lineId: string, arg: string): Promise<void> {
  const ledger = await ledgerOf(ctx);
  const count = await ledger.lineCount();
  for (let i = 0n; i < count; i++) if ((await ledger.lineIdAt(i)) === lineId) return;
  throw new UserError(`--${arg}: no budget line "${lineName(lineId)}" (see npx hardhat budget lines)`);
}

export async function createLine(
  args: Base & { line: string; year: string; amount: string; label: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const lineId = parseBytes32(args.line, "line");
    const year = parseUint(args.year, "year", { min: 1n, max: 65_535n });
    const amount = parseAmount(args.amount, ctx.decimals, "amount", true);
    if (args.label.trim() === "") throw new UserError("--label is required");
    await send(ctx, `Created line ${lineName(lineId)}`, await ledgerOf(ctx), "createLine", [
      lineId,
      year,
      amount,
      args.label,
    ]);
  });
}

export async function increase(args: Base & { line: string; amount: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const lineId = parseBytes32(args.line, "line");
    await ensureLine(ctx, lineId, "line");
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    await send(ctx, `Increased ${lineName(lineId)} by ${args.amount}`, await ledgerOf(ctx), "increaseAppropriation", [
      lineId,
      amount,
    ]);
  });
}

export async function decrease(args: Base & { line: string; amount: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const lineId = parseBytes32(args.line, "line");
    await ensureLine(ctx, lineId, "line");
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    await send(ctx, `Decreased ${lineName(lineId)} by ${args.amount}`, await ledgerOf(ctx), "decreaseAppropriation", [
      lineId,
      amount,
    ]);
  });
}

export async function reallocate(
  args: Base & { from: string; to: string; amount: string; reason: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const from = parseBytes32(args.from, "from");
    const to = parseBytes32(args.to, "to");
    await ensureLine(ctx, from, "from");
    await ensureLine(ctx, to, "to");
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    await send(
      ctx,
      `Reallocated ${args.amount} from ${lineName(from)} to ${lineName(to)}`,
      await ledgerOf(ctx),
      "reallocate",
      [from, to, amount, parseBytes32(args.reason, "reason")],
    );
  });
}

export async function close(args: Base & { line: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const lineId = parseBytes32(args.line, "line");
    await ensureLine(ctx, lineId, "line");
    await send(ctx, `Closed ${lineName(lineId)}`, await ledgerOf(ctx), "closeLine", [lineId]);
  });
}

export async function deposit(args: Base & { amount: string; ref: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    const ledger = await ledgerOf(ctx);
    const token = await ctx.ethers.getContractAt("IERC20", await ledger.token(), ctx.signer);
    const balance = await token.balanceOf(ctx.signer.address);
    if (balance < amount) {
      throw new UserError(`${ctx.signer.address} holds ${ctx.format(balance)} tokens, less than ${args.amount}`);
    }
    if ((await token.allowance(ctx.signer.address, await ledger.getAddress())) < amount) {
      await send(ctx, "Approved the ledger", token, "approve", [await ledger.getAddress(), amount]);
    }
    await send(ctx, `Deposited ${args.amount}`, ledger, "deposit", [amount, parseBytes32(args.ref, "ref")]);
  });
}

export async function pay(
  args: Base & { line: string; payee: string; amount: string; ref: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const lineId = parseBytes32(args.line, "line");
    const payee = parseAddress(args.payee, "payee");
    await ensureLine(ctx, lineId, "line");
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    await send(ctx, `Paid ${args.amount} to ${payee} from ${lineName(lineId)}`, await ledgerOf(ctx), "pay", [
      lineId,
      payee,
      amount,
      parseBytes32(args.ref, "ref"),
    ]);
  });
}

export async function withdraw(
  args: Base & { to: string; amount: string; ref: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const to = parseAddress(args.to, "to");
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    await send(ctx, `Withdrew ${args.amount} to ${to}`, await ledgerOf(ctx), "withdrawUnallocated", [
      to,
      amount,
      parseBytes32(args.ref, "ref"),
    ]);
  });
}

export async function lines(args: Base, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const ledger = await ledgerOf(ctx);
    const count = await ledger.lineCount();
    const rows: string[][] = [["line", "year", "label", "appropriated", "committed", "spent", "available", "status"]];
    for (let i = 0n; i < count; i++) {
      const id = await ledger.lineIdAt(i);
      const line = await ledger.getLine(id);
      rows.push([
        lineName(id),
        String(line.fiscalYear),
        line.label,
        ctx.format(line.appropriated),
        ctx.format(line.committed),
        ctx.format(line.spent),
        ctx.format(await ledger.available(id)),
        line.closed ? "closed" : "open",
      ]);
    }
    console.log(table(rows));
    console.log(`Unallocated cash: ${ctx.format(await ledger.unallocated())}`);
  });
}

export async function faucet(args: Base & { to: string; amount: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const to = parseAddress(args.to, "to");
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    const stable = await ctx.ethers.getContractAt("TestStablecoin", ctx.address("TestStablecoin"), ctx.signer);
    await send(ctx, `Minted ${args.amount} to ${to}`, stable, "mint", [to, amount]);
  });
}

/** A plain-text table with right-aligned numbers. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (/^[\d.,-]+$/.test(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  "),
    )
    .join("\n");
}
