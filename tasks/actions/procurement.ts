import type { ContractTransactionReceipt } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAmount, parseUint } from "../../scripts/lib/args.js";
import { parseDocument } from "../../scripts/lib/hashes.js";
import {
  computeSeal,
  defaultBidFile,
  newSalt,
  readBidSecret,
  readTenderFile,
  writeBidSecret,
} from "../../scripts/lib/procurement.js";
import { formatInstant } from "../../scripts/lib/time.js";
import { lineName } from "./budget.js";
import { openContext, registerErrors, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

const TENDER_STATUS = ["None", "Bidding", "Revealing", "Closed", "Awarded", "Failed", "Cancelled"];
const AGREEMENT_STATUS = ["None", "Active", "Completed", "Terminated"];
const MILESTONE_STATUS = ["Pending", "Submitted", "Paid", "Cancelled"];

async function escrowOf(ctx: TaskContext) {
  registerErrors((await ctx.hre.artifacts.readArtifact("ProcurementEscrow")).abi);
  return ctx.ethers.getContractAt("ProcurementEscrow", ctx.address("ProcurementEscrow"), ctx.signer);
}

type Escrow = Awaited<ReturnType<typeof escrowOf>>;

async function requireTender(escrow: Escrow, id: bigint) {
  const tender = await escrow.getTender(id).catch(() => undefined);
  if (tender === undefined || tender.maxPrice === 0n) throw new UserError(`--tender: tender ${id} does not exist`);
  return tender;
}

async function requireAgreement(escrow: Escrow, id: bigint) {
  const agreement = await escrow.getAgreement(id).catch(() => undefined);
  if (agreement === undefined || agreement.tenderId === 0n)
    throw new UserError(`--agreement: agreement ${id} does not exist`);
  return agreement;
}

async function now(ctx: TaskContext): Promise<bigint> {
  const block = await ctx.ethers.provider.getBlock("latest");
  return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
}

function eventArg(
  receipt: ContractTransactionReceipt | null,
  escrow: Escrow,
  event: string,
  arg: string,
): bigint | undefined {
  for (const log of receipt?.logs ?? []) {
    try {
      const parsed = escrow.interface.parseLog(log);
      if (parsed?.name === event) return parsed.args.getValue(arg) as bigint;
    } catch {
      // another contract's log
    }
  }
  return undefined;
}

async function approveToken(ctx: TaskContext, spender: string, amount: bigint, what: string): Promise<void> {
  if (amount === 0n) return;
  const ledger = await ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"));
  const token = await ctx.ethers.getContractAt("IERC20", await ledger.token(), ctx.signer);
  const balance = await token.balanceOf(ctx.signer.address);
  if (balance < amount)
    throw new UserError(`The ${what} is ${ctx.format(amount)}; ${ctx.signer.address} holds ${ctx.format(balance)}`);
  if ((await token.allowance(ctx.signer.address, spender)) < amount) {
    await send(ctx, `Approved the ${what}`, token, "approve", [spender, amount]);
  }
}

export async function createTender(args: Base & { file: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const t = readTenderFile(args.file, ctx.decimals, await now(ctx));
    const tx = await escrow
      .connect(ctx.signer)
      .createTender(
        t.lineId,
        t.specHash,
        t.maxPrice,
        t.bidBond,
        t.bidDeadline,
        t.revealDeadline,
        t.retentionBps,
        t.quorum,
        t.milestones,
      );
    const receipt = await tx.wait();
    const id = eventArg(receipt, escrow, "TenderCreated", "tenderId");
    console.log(
      `Tender ${id} created on line ${lineName(t.lineId)} (max price ${ctx.format(t.maxPrice)}): tx ${tx.hash}`,
    );
    console.log(`  bids until ${formatInstant(t.bidDeadline)}, reveals until ${formatInstant(t.revealDeadline)}`);
  });
}

export async function bid(
  args: Base & { tender: string; price: string; proposal: string; out: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    const tender = await requireTender(escrow, tenderId);
    if ((await now(ctx)) >= tender.bidDeadline)
      throw new UserError(`Bidding on tender ${tenderId} closed at ${formatInstant(tender.bidDeadline)}`);
    const price = parseAmount(args.price, ctx.decimals, "price");
    if (price > tender.maxPrice)
      throw new UserError(`--price ${args.price} is above the tender's maximum ${ctx.format(tender.maxPrice)}`);
    const secret = {
      chainId: ctx.chainId,
      escrow: await escrow.getAddress(),
      tenderId,
      bidder: ctx.signer.address,
      price,
      proposalHash: parseDocument(args.proposal, "proposal"),
      salt: newSalt(),
    };
    const seal = computeSeal(secret);
    const out = args.out || defaultBidFile(secret);
    // Save first: a bid whose secret is lost can never be revealed, and its bond is forfeited.
    writeBidSecret(out, { ...secret, seal });
    const existing = await escrow.getBid(tenderId, ctx.signer.address);
    if (existing.bond === 0n) await approveToken(ctx, await escrow.getAddress(), tender.bidBond, "bid bond");
    await send(ctx, `Sealed bid on tender ${tenderId}`, escrow, "submitBid", [tenderId, seal]);
    console.log(
      `Your bid secret is in ${out}. Keep it safe and private: you need it to reveal after ${formatInstant(tender.bidDeadline)}.`,
    );
  });
}

export async function reveal(args: Base & { file: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const s = readBidSecret(args.file);
    if (s.chainId !== ctx.chainId)
      throw new UserError(`${args.file} is for chain ${s.chainId}, not this network's ${ctx.chainId}`);
    if (s.escrow !== (await escrow.getAddress()))
      throw new UserError(`${args.file} is for another escrow (${s.escrow})`);
    if (s.bidder !== ctx.signer.address)
      throw new UserError(`${args.file} is ${s.bidder}'s bid; sign with that account (--signer)`);
    await send(ctx, `Revealed bid on tender ${s.tenderId} at ${ctx.format(s.price)}`, escrow, "revealBid", [
      s.tenderId,
      s.price,
      s.proposalHash,
      s.salt,
    ]);
  });
}

export async function award(args: Base & { tender: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    await requireTender(escrow, tenderId);
    const tx = await escrow.connect(ctx.signer).award(tenderId);
    const receipt = await tx.wait();
    const agreementId = eventArg(receipt, escrow, "TenderAwarded", "agreementId");
    if (agreementId === undefined)
      console.log(`Tender ${tenderId} failed: no valid bid; the commitment returned to the line (tx ${tx.hash})`);
    else {
      const a = await escrow.getAgreement(agreementId);
      console.log(
        `Tender ${tenderId} awarded to ${a.contractor} at ${ctx.format(a.price)}: agreement ${agreementId} (tx ${tx.hash})`,
      );
    }
  });
}

export async function cancel(args: Base & { tender: string; reason: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    await requireTender(escrow, tenderId);
    await send(ctx, `Cancelled tender ${tenderId}`, escrow, "cancelTender", [
      tenderId,
      parseDocument(args.reason, "reason"),
    ]);
  });
}

export async function reclaimBond(args: Base & { tender: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    await requireTender(escrow, tenderId);
    await send(ctx, `Reclaimed bond of tender ${tenderId}`, escrow, "reclaimBond", [tenderId]);
  });
}

async function milestoneArgs(ctx: TaskContext, escrow: Escrow, args: { agreement: string; index: string }) {
  const agreementId = parseUint(args.agreement, "agreement", { min: 1n });
  const agreement = await requireAgreement(escrow, agreementId);
  const index = parseUint(args.index, "index", { max: agreement.milestoneCount - 1n });
  return { agreementId, index, agreement };
}

export async function submitMilestone(
  args: Base & { agreement: string; index: string; evidence: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const { agreementId, index } = await milestoneArgs(ctx, escrow, args);
    await send(ctx, `Submitted milestone ${index} of agreement ${agreementId}`, escrow, "submitMilestone", [
      agreementId,
      index,
      parseDocument(args.evidence, "evidence"),
    ]);
  });
}

export async function approveMilestone(
  args: Base & { agreement: string; index: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const { agreementId, index } = await milestoneArgs(ctx, escrow, args);
    await send(ctx, `Approved milestone ${index} of agreement ${agreementId}`, escrow, "approveMilestone", [
      agreementId,
      index,
    ]);
    const m = await escrow.getMilestone(agreementId, index);
    console.log(`  milestone ${index}: ${MILESTONE_STATUS[Number(m.status)]}, ${m.approvals} approval(s)`);
  });
}

export async function rejectMilestone(
  args: Base & { agreement: string; index: string; reason: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const { agreementId, index } = await milestoneArgs(ctx, escrow, args);
    await send(ctx, `Rejected milestone ${index} of agreement ${agreementId}`, escrow, "rejectMilestone", [
      agreementId,
      index,
      parseDocument(args.reason, "reason"),
    ]);
  });
}

export async function terminate(args: Base & { agreement: string; reason: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const agreementId = parseUint(args.agreement, "agreement", { min: 1n });
    await requireAgreement(escrow, agreementId);
    await send(ctx, `Terminated agreement ${agreementId}`, escrow, "terminate", [
      agreementId,
      parseDocument(args.reason, "reason"),
    ]);
  });
}

export async function show(args: Base & { tender: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    const t = await requireTender(escrow, tenderId);
    console.log(`Tender ${tenderId}: ${TENDER_STATUS[Number(t.status)]} on line ${lineName(t.lineId)}`);
    console.log(
      `  max price ${ctx.format(t.maxPrice)}, bond ${ctx.format(t.bidBond)}, retention ${Number(t.retentionBps) / 100}%, quorum ${t.quorum}`,
    );
    console.log(`  bids until ${formatInstant(t.bidDeadline)}, reveals until ${formatInstant(t.revealDeadline)}`);
    if (t.agreementId === 0n) return;
    const a = await escrow.getAgreement(t.agreementId);
    console.log(
      `Agreement ${t.agreementId}: ${AGREEMENT_STATUS[Number(a.status)]}, contractor ${a.contractor}, price ${ctx.format(a.price)}`,
    );
    console.log(`  paid ${ctx.format(a.paid)}, retention held ${ctx.format(a.retentionHeld)}`);
    for (let i = 0n; i < a.milestoneCount; i++) {
      const m = await escrow.getMilestone(t.agreementId, i);
      console.log(
        `  milestone ${i}: ${ctx.format(m.amount)} due ${formatInstant(m.dueAt)}, ${MILESTONE_STATUS[Number(m.status)]}, ${m.approvals} approval(s)`,
      );
    }
  });
}
