/**
 * Gas sponsorship tasks: fund the paymaster, withdraw to the treasury, show or change the
 * policy, list a day's sponsored operations and spending, run the paymaster service.
 */
import { Wallet, formatEther, getAddress, isAddress, parseEther } from "ethers";
import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress, parseUint, requireText } from "../../scripts/lib/args.js";
import { fields, table } from "../../scripts/lib/format.js";
import { DAY, DEFAULT_SPONSORED_CALLS, selectorOf } from "../../scripts/lib/sponsorship.js";
import { formatInstant } from "../../scripts/lib/time.js";
import { readSponsorshipAddresses, SponsorshipDeploymentError } from "../../sponsor/src/deployment.js";
import { startPaymasterService } from "../../sponsor/src/service.js";
import type { CivicPaymaster } from "../../types/ethers-contracts/index.js";
import { openContext, runTask, send, type TaskContext } from "./context.js";

async function paymasterOf(ctx: TaskContext): Promise<CivicPaymaster> {
  const { paymaster } = await readSponsorshipAddresses(ctx.hre.config.paths.ignition, ctx.chainId).catch((e) => {
    throw e instanceof SponsorshipDeploymentError ? new UserError(e.message) : e;
  });
  return (await ctx.ethers.getContractAt("CivicPaymaster", paymaster, ctx.signer)) as unknown as CivicPaymaster;
}

function parseEth(value: string, name: string): bigint {
  requireText(value, name);
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim())) throw new UserError(`--${name}: "${value}" is not an amount of ETH`);
  const amount = parseEther(value.trim());
  if (amount === 0n) throw new UserError(`--${name}: must be more than 0`);
  return amount;
}

export async function fund(args: { amount: string; signer: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const paymaster = await paymasterOf(ctx);
    const amount = parseEth(args.amount, "amount");
    const target = await paymaster.getAddress();
    const data = paymaster.interface.encodeFunctionData("fund");
    const sent = await ctx.signer.sendTransaction({ to: target, data, value: amount });
    const receipt = await sent.wait();
    console.log(`Funded ${formatEther(amount)} ETH: tx ${sent.hash} (block ${receipt?.blockNumber})`);
    console.log(`Deposit now ${formatEther(await paymaster.deposit())} ETH`);
  });
}

export async function withdraw(args: { amount: string; signer: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const paymaster = await paymasterOf(ctx);
    const amount = parseEth(args.amount, "amount");
    const deposit = await paymaster.deposit();
    if (amount > deposit) throw new UserError(`--amount: the deposit holds only ${formatEther(deposit)} ETH`);
    await send(
      ctx,
      `Withdrew ${formatEther(amount)} ETH to the treasury ${await paymaster.treasury()}`,
      paymaster,
      "withdrawDeposit",
      [amount],
    );
  });
}

/** `Contract.function` (a default sponsored function) or `0xtarget:0xselector`. */
function parseCalls(ctx: TaskContext, value: string, name: string): Array<{ target: string; selector: string }> {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const raw = /^(0x[0-9a-fA-F]{40}):(0x[0-9a-fA-F]{8})$/.exec(part);
      if (raw !== null) return { target: getAddress(raw[1]), selector: raw[2].toLowerCase() };
      const named = /^(\w+)\.(\w+)$/.exec(part);
      if (named !== null && named[1] in DEFAULT_SPONSORED_CALLS) {
        const contract = named[1] as keyof typeof DEFAULT_SPONSORED_CALLS;
        const signature = DEFAULT_SPONSORED_CALLS[contract].find((s) => s.startsWith(`${named[2]}(`));
        if (signature !== undefined) return { target: ctx.address(contract), selector: selectorOf(signature) };
      }
      throw new UserError(
        `--${name}: "${part}" is neither 0xtarget:0xselector nor one of ` +
          Object.entries(DEFAULT_SPONSORED_CALLS)
            .flatMap(([c, sigs]) => sigs.map((s) => `${c}.${s.split("(")[0]}`))
            .join(", "),
      );
    });
}

/** A readable name for a sponsored pair. */
function callName(ctx: TaskContext, target: string, selector: string): string {
  const contract = ctx.nameOf(target);
  if (contract !== undefined && contract in DEFAULT_SPONSORED_CALLS) {
    const signature = DEFAULT_SPONSORED_CALLS[contract as keyof typeof DEFAULT_SPONSORED_CALLS].find(
      (s) => selectorOf(s) === selector.toLowerCase(),
    );
    if (signature !== undefined) return `${contract}.${signature}`;
  }
  return `${contract ?? target}:${selector}`;
}

export async function policy(
  args: { maxOps: string; budget: string; sponsor: string; unsponsor: string; serviceSigner: string; signer: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const paymaster = await paymasterOf(ctx);
    if (args.maxOps !== "" || args.budget !== "") {
      const current = await paymaster.limits();
      const maxOpsPerDay =
        args.maxOps === "" ? current.maxOpsPerDay : parseUint(args.maxOps, "max-ops", { max: 2n ** 32n - 1n });
      const dailyBudget = args.budget === "" ? current.dailyBudget : parseEth(args.budget, "budget");
      await send(
        ctx,
        `Limits set: ${maxOpsPerDay} operations per sender per day, ${formatEther(dailyBudget)} ETH a day`,
        paymaster,
        "setLimits",
        [{ maxOpsPerDay, dailyBudget }],
      );
    }
    for (const [option, sponsored] of [
      [args.sponsor, true],
      [args.unsponsor, false],
    ] as const) {
      if (option === "") continue;
      const calls = parseCalls(ctx, option, sponsored ? "sponsor" : "unsponsor");
      const byTarget = new Map<string, string[]>();
      for (const c of calls) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c.selector]);
      for (const [target, selectors] of byTarget) {
        const names = selectors.map((s) => callName(ctx, target, s)).join(", ");
        await send(
          ctx,
          `${sponsored ? "Sponsored" : "No longer sponsored"}: ${names}`,
          paymaster,
          "setSponsoredCalls",
          [target, selectors, sponsored],
        );
      }
    }
    if (args.serviceSigner !== "") {
      const next = parseAddress(args.serviceSigner, "service-signer");
      await send(ctx, `Paymaster service signer set to ${next}`, paymaster, "setSigner", [next]);
    }
    // The policy as it stands: limits, signer, money, and every pair ever set (from the events).
    const limits = await paymaster.limits();
    const events = await paymaster.queryFilter(paymaster.filters.SponsoredCallSet(), ctx.deployment.firstBlock ?? 0);
    const pairs = new Map<string, boolean>();
    for (const e of events) pairs.set(`${e.args.target}:${e.args.selector}`, e.args.sponsored);
    const day = (await ctx.now()) / DAY;
    console.log(
      fields([
        ["Paymaster", await paymaster.getAddress()],
        ["Service signer", (await paymaster.getFunction("signer")()) as string],
        ["Treasury", await paymaster.treasury()],
        ["Deposit", `${formatEther(await paymaster.deposit())} ETH`],
        ["Per sender", `${limits.maxOpsPerDay} operations a day`],
        [
          "Daily budget",
          `${formatEther(limits.dailyBudget)} ETH (spent today: ${formatEther(await paymaster.spentOn(day))} ETH)`,
        ],
        ["Paused", (await paymaster.paused()) ? "yes: nothing is sponsored" : "no"],
      ]),
    );
    console.log("Sponsored calls:");
    for (const [key, sponsored] of pairs) {
      const [target, selector] = key.split(":");
      if (sponsored) console.log(`  ${callName(ctx, target, selector)}`);
    }
  });
}

/** The UTC day index of `YYYY-MM-DD` or `today` (the chain's clock). */
function parseDay(value: string, now: bigint): bigint {
  if (value === "today" || value === "") return now / DAY;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const ms = m === null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value.trim()) {
    throw new UserError(`--day: "${value}" is not a date YYYY-MM-DD (or today)`);
  }
  return BigInt(ms / 1000) / DAY;
}

export async function day(args: { day: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, "0");
    const paymaster = await paymasterOf(ctx);
    const dayIndex = parseDay(args.day, await ctx.now());
    const date = formatInstant(dayIndex * DAY).slice(0, 10);
    const events = await paymaster.queryFilter(
      paymaster.filters.OperationSponsored(undefined, undefined, dayIndex),
      ctx.deployment.firstBlock ?? 0,
    );
    let total = 0n;
    const senders = new Set<string>();
    const rows = [["block", "sender", "call", "calls", "ok", "gas cost (ETH)"]];
    for (const e of events) {
      total += e.args.actualGasCost;
      senders.add(e.args.sender);
      rows.push([
        String(e.blockNumber),
        e.args.sender,
        callName(ctx, e.args.target, e.args.selector),
        String(e.args.calls),
        e.args.succeeded ? "yes" : "reverted",
        formatEther(e.args.actualGasCost),
      ]);
    }
    console.log(`Sponsored operations on ${date} (UTC day ${dayIndex}): ${events.length} by ${senders.size} sender(s)`);
    if (events.length > 0) console.log(table(rows));
    const limits = await paymaster.limits();
    console.log(
      `Spent: ${formatEther(total)} ETH reported to postOp; ${formatEther(await paymaster.spentOn(dayIndex))} ETH ` +
        `counted against the daily budget of ${formatEther(limits.dailyBudget)} ETH`,
    );
  });
}

/** The signing key: the SPONSOR_SIGNER_KEY environment variable, else Hardhat's keystore. */
async function signingKey(hre: HardhatRuntimeEnvironment): Promise<string> {
  const variable = configVariable("SPONSOR_SIGNER_KEY");
  return hre.hooks.runHandlerChain("configurationVariables", "fetchValue", [variable], async (_context, v) => {
    const value = process.env[v.name];
    if (value === undefined || value === "") {
      throw new UserError(
        "No signing key: set SPONSOR_SIGNER_KEY, or store it with npx hardhat keystore set SPONSOR_SIGNER_KEY",
      );
    }
    return value;
  });
}

export async function serve(
  args: { port: string; rpcUrl: string; validity: string; rate: string },
  hre: HardhatRuntimeEnvironment,
) {
  let close: (() => Promise<void>) | undefined;
  await runTask(async () => {
    const port = Number(parseUint(args.port, "port", { max: 65_535n }));
    const validitySeconds = Number(parseUint(args.validity, "validity", { min: 30n, max: 86_400n }));
    const requests = Number(parseUint(args.rate, "rate", { min: 1n, max: 100_000n }));
    const connection = await hre.network.getOrCreate();
    let rpcUrl = args.rpcUrl;
    if (rpcUrl === "") {
      const config = connection.networkConfig;
      if (config.type !== "http") {
        throw new UserError(
          `--network ${connection.networkName} is in process; serve needs an HTTP network or --rpc-url`,
        );
      }
      rpcUrl = await config.url.getUrl();
    }
    const chainId = (await connection.ethers.provider.getNetwork()).chainId;
    const addresses = await readSponsorshipAddresses(hre.config.paths.ignition, chainId).catch((e) => {
      throw e instanceof SponsorshipDeploymentError ? new UserError(e.message) : e;
    });
    const key = (await signingKey(hre)).trim();
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new UserError("SPONSOR_SIGNER_KEY is not a 32-byte hex private key");
    if (!isAddress(addresses.paymaster)) throw new UserError(`Bad paymaster address ${addresses.paymaster}`);
    const service = await startPaymasterService({
      rpcUrl,
      paymaster: addresses.paymaster,
      entryPoint: addresses.entryPoint,
      signer: new Wallet(key.startsWith("0x") ? key : `0x${key}`),
      port,
      validitySeconds,
      rateLimit: { requests, windowSeconds: 60 },
    });
    close = service.close;
    console.log(
      `Paymaster service for CivicPaymaster ${addresses.paymaster} (chain ${service.chainId}, EntryPoint ` +
        `${addresses.entryPoint}) on ${service.url}`,
    );
  });
  if (close === undefined) return;
  const stop = close;
  await new Promise<void>((resolve) => {
    const done = () => void stop().then(resolve);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
