import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress, parseAmount, parseBytes32, parseUint, requireText } from "../../scripts/lib/args.js";
import { lineName, table } from "../../scripts/lib/format.js";
import { eventIn, openContext, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

async function ledgerOf(ctx: TaskContext) {
  return ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"), ctx.signer);
}

type Line = Awaited<ReturnType<Awaited<ReturnType<typeof ledgerOf>>["getLine"]>>;

/** The line, or a UserError naming the option (getLine reverts for an unknown id). */
async function ensureLine(ctx: TaskContext, lineId: string, arg: string, { open = false } = {}): Promise<Line> {
  const ledger = await ledgerOf(ctx);
  let line: Line;
  try {
    line = await ledger.getLine(lineId);
  } catch {
    throw new UserError(`--${arg}: no budget line "${lineName(lineId)}" (see npx hardhat budget lines)`);
  }
  if (open && line.closed) throw new UserError(`--${arg}: budget line "${lineName(lineId)}" is closed`);
  return line;
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
    const label = requireText(args.label, "label");
    const ledger = await ledgerOf(ctx);
    if (
      await ledger.getLine(lineId).then(
        () => true,
        () => false,
      )
    ) {
      throw new UserError(`--line: budget line "${lineName(lineId)}" exists already (see npx hardhat budget lines)`);
    }
    await send(
      ctx,
      `Created line ${lineName(lineId)} (${year}, ${ctx.format(amount)} appropriated)`,
      ledger,
      "createLine",
      [lineId, year, amount, label],
    );
  });
}

export async function increase(args: Base & { line: string; amount: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const lineId = parseBytes32(args.line, "line");
    await ensureLine(ctx, lineId, "line", { open: true });
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    const receipt = await send(
      ctx,
      `Increased ${lineName(lineId)} by ${ctx.format(amount)}`,
      await ledgerOf(ctx),
      "increaseAppropriation",
      [lineId, amount],
    );
    const changed = eventIn(receipt, await ledgerOf(ctx), "AppropriationChanged");
    console.log(
      `Appropriation of ${lineName(lineId)}: ${ctx.format(changed.previous)} -> ${ctx.format(changed.current)}`,
    );
  });
}

export async function decrease(args: Base & { line: string; amount: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const lineId = parseBytes32(args.line, "line");
    await ensureLine(ctx, lineId, "line", { open: true });
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    const receipt = await send(
      ctx,
      `Decreased ${lineName(lineId)} by ${ctx.format(amount)}`,
      await ledgerOf(ctx),
      "decreaseAppropriation",
      [lineId, amount],
    );
    const changed = eventIn(receipt, await ledgerOf(ctx), "AppropriationChanged");
    console.log(
      `Appropriation of ${lineName(lineId)}: ${ctx.format(changed.previous)} -> ${ctx.format(changed.current)}`,
    );
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
    if (from === to) throw new UserError("--from and --to are the same line");
    await ensureLine(ctx, from, "from", { open: true });
    await ensureLine(ctx, to, "to", { open: true });
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    await send(
      ctx,
      `Reallocated ${ctx.format(amount)} from ${lineName(from)} to ${lineName(to)}`,
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
    const line = await ensureLine(ctx, lineId, "line");
    if (line.closed) throw new UserError(`--line: budget line "${lineName(lineId)}" is closed already`);
    const ledger = await ledgerOf(ctx);
    const receipt = await send(ctx, `Closed ${lineName(lineId)}`, ledger, "closeLine", [lineId]);
    const closed = eventIn(receipt, ledger, "LineClosed");
    console.log(
      `${ctx.format(closed.lapsed)} lapsed to unallocated cash; ${ctx.format(line.committed)} committed stays spendable`,
    );
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
      throw new UserError(`${ctx.signer.address} holds ${ctx.format(balance)} tokens, less than ${ctx.format(amount)}`);
    }
    if ((await token.allowance(ctx.signer.address, await ledger.getAddress())) < amount) {
      await send(ctx, "Approved the ledger", token, "approve", [await ledger.getAddress(), amount]);
    }
    await send(ctx, `Deposited ${ctx.format(amount)}`, ledger, "deposit", [amount, parseBytes32(args.ref, "ref")]);
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
    await ensureLine(ctx, lineId, "line", { open: true });
    const amount = parseAmount(args.amount, ctx.decimals, "amount");
    await send(ctx, `Paid ${ctx.format(amount)} to ${payee} from ${lineName(lineId)}`, await ledgerOf(ctx), "pay", [
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
    await send(ctx, `Withdrew ${ctx.format(amount)} to ${to}`, await ledgerOf(ctx), "withdrawUnallocated", [
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
    await send(ctx, `Minted ${ctx.format(amount)} to ${to}`, stable, "mint", [to, amount]);
  });
}
