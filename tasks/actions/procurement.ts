import { existsSync, renameSync, rmSync } from "node:fs";

import { ZeroAddress, ZeroHash } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseAddress, parseAmount, parseUint } from "../../scripts/lib/args.js";
import { fields, lineName, table } from "../../scripts/lib/format.js";
import { parseDocument } from "../../scripts/lib/hashes.js";
import {
  computeSeal,
  defaultBidFile,
  isSameBidSlot,
  newSalt,
  readBidSecret,
  readTenderFile,
  writeBidSecret,
} from "../../scripts/lib/procurement.js";
import { AGREEMENT_STATUS, MILESTONE_STATUS, TENDER_STATUS, nameOf } from "../../scripts/lib/status.js";
import { formatDuration, formatInstant } from "../../scripts/lib/time.js";
import { eventIn, eventsIn, openContext, runTask, send, type TaskContext } from "./context.js";

interface Base {
  signer: string;
}

async function escrowOf(ctx: TaskContext) {
  return ctx.ethers.getContractAt("ProcurementEscrow", ctx.address("ProcurementEscrow"), ctx.signer);
}

type Escrow = Awaited<ReturnType<typeof escrowOf>>;
type Tender = Awaited<ReturnType<Escrow["getTender"]>>;
type Agreement = Awaited<ReturnType<Escrow["getAgreement"]>>;

const BIDDING = 1n;
const REVEALING = 2n;
const AWARDABLE = 3n;
const ACTIVE = 1n;

function unknown(option: string, what: string, id: bigint, count: bigint): UserError {
  return new UserError(`--${option}: no ${what} ${id} (${count === 0n ? "none exists yet" : `ids are 1..${count}`})`);
}

async function requireTender(escrow: Escrow, id: bigint): Promise<Tender> {
  const count = await escrow.tenderCount();
  if (id > count) throw unknown("tender", "tender", id, count);
  return escrow.getTender(id);
}

async function requireAgreement(escrow: Escrow, id: bigint): Promise<Agreement> {
  const count = await escrow.agreementCount();
  if (id > count) throw unknown("agreement", "agreement", id, count);
  return escrow.getAgreement(id);
}

function requireTenderStatus(tender: Tender, id: bigint, wanted: bigint, what: string): void {
  if (tender.status === wanted) return;
  const when =
    tender.status === BIDDING
      ? `; bids close at ${formatInstant(tender.bidDeadline)}`
      : tender.status === REVEALING
        ? `; reveals close at ${formatInstant(tender.revealDeadline)}`
        : "";
  throw new UserError(`tender ${id} is ${nameOf(TENDER_STATUS, tender.status)}${when}: ${what}`);
}

function requireActive(agreement: Agreement, id: bigint): void {
  if (agreement.status !== ACTIVE) {
    throw new UserError(`agreement ${id} is ${nameOf(AGREEMENT_STATUS, agreement.status)}, not Active`);
  }
}

/** Approves the escrow for `amount` of the settlement token when the allowance is short. */
async function approveToken(ctx: TaskContext, spender: string, amount: bigint, what: string): Promise<void> {
  if (amount === 0n) return;
  const ledger = await ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"));
  const token = await ctx.ethers.getContractAt("IERC20", await ledger.token(), ctx.signer);
  const balance = await token.balanceOf(ctx.signer.address);
  if (balance < amount)
    throw new UserError(`The ${what} is ${ctx.format(amount)}; ${ctx.signer.address} holds ${ctx.format(balance)}`);
  if ((await token.allowance(ctx.signer.address, spender)) < amount) {
    await send(ctx, `Approved the ${what} of ${ctx.format(amount)}`, token, "approve", [spender, amount]);
  }
}

// ------------------------------------------------------------------ procurement officer

export async function createTender(args: Base & { file: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    if (args.file.trim() === "") throw new UserError("--file is required (the tender file, see docs/operations.md)");
    const ctx = await openContext(hre, args.signer);
    const t = readTenderFile(args.file, ctx.decimals, await ctx.now());
    const ledger = await ctx.ethers.getContractAt("BudgetLedger", ctx.address("BudgetLedger"));
    const line = await ledger.getLine(t.lineId).catch(() => undefined);
    if (line === undefined) throw new UserError(`${args.file}: line: no budget line "${lineName(t.lineId)}"`);
    if (line.closed) throw new UserError(`${args.file}: line: budget line "${lineName(t.lineId)}" is closed`);
    const available = await ledger.available(t.lineId);
    if (available < t.maxPrice) {
      throw new UserError(
        `${args.file}: maxPrice ${ctx.format(t.maxPrice)} is more than the ${ctx.format(available)} available on ${lineName(t.lineId)}`,
      );
    }
    const escrow = await escrowOf(ctx);
    const receipt = await send(ctx, `Created a tender on ${lineName(t.lineId)}`, escrow, "createTender", [
      t.lineId,
      t.specHash,
      t.maxPrice,
      t.bidBond,
      t.bidDeadline,
      t.revealDeadline,
      t.retentionBps,
      t.quorum,
      t.milestones,
    ]);
    const created = eventIn(receipt, escrow, "TenderCreated");
    console.log(
      `Tender ${created.tenderId}: max price ${ctx.format(t.maxPrice)} committed from ${lineName(t.lineId)}, ` +
        `bond ${ctx.format(t.bidBond)}, ${t.milestones.length} milestone(s), quorum ${t.quorum}`,
    );
    console.log(`  bids until ${formatInstant(t.bidDeadline)}, reveals until ${formatInstant(t.revealDeadline)}`);
  });
}

export async function cancel(args: Base & { tender: string; reason: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    const reason = parseDocument(args.reason, "reason");
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tender = await requireTender(escrow, tenderId);
    if (tender.status > AWARDABLE) {
      throw new UserError(
        `tender ${tenderId} is ${nameOf(TENDER_STATUS, tender.status)}: only a tender before award can be cancelled`,
      );
    }
    await send(ctx, `Cancelled tender ${tenderId}`, escrow, "cancelTender", [tenderId, reason]);
    console.log(`${ctx.format(tender.maxPrice)} returned to ${lineName(tender.lineId)}; bidders reclaim their bonds`);
  });
}

export async function terminate(args: Base & { agreement: string; reason: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const agreementId = parseUint(args.agreement, "agreement", { min: 1n });
    const reason = parseDocument(args.reason, "reason");
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    requireActive(await requireAgreement(escrow, agreementId), agreementId);
    const receipt = await send(ctx, `Terminated agreement ${agreementId}`, escrow, "terminate", [agreementId, reason]);
    const terminated = eventIn(receipt, escrow, "AgreementTerminated");
    console.log(`${ctx.format(terminated.refunded)} (unpaid milestones and retention) returned to the line`);
  });
}

// ------------------------------------------------------------------ bidders

export async function bid(
  args: Base & { tender: string; price: string; proposal: string; out: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    const proposalHash = parseDocument(args.proposal, "proposal");
    const ctx = await openContext(hre, args.signer);
    const price = parseAmount(args.price, ctx.decimals, "price");
    const escrow = await escrowOf(ctx);
    const tender = await requireTender(escrow, tenderId);
    requireTenderStatus(tender, tenderId, BIDDING, "bids are no longer accepted");
    if (price > tender.maxPrice) {
      throw new UserError(`--price ${ctx.format(price)} is above the tender's maximum ${ctx.format(tender.maxPrice)}`);
    }
    const slot = { chainId: ctx.chainId, escrow: await escrow.getAddress(), tenderId, bidder: ctx.signer.address };
    const secret = { ...slot, price, proposalHash, salt: newSalt() };
    const seal = computeSeal(secret);
    const out = args.out.trim() || defaultBidFile(secret);
    if (existsSync(out) && !isSameBidSlot(out, slot)) {
      throw new UserError(
        `--out: ${out} exists and is not the secret of this bidder's bid on tender ${tenderId}; choose another file`,
      );
    }
    const existing = await escrow.getBid(tenderId, ctx.signer.address);
    const replacing = existing.sealedBid !== ZeroHash;
    if (!replacing) await approveToken(ctx, slot.escrow, tender.bidBond, "bid bond");
    // The secret is on disk before the seal is sent: a seal without its secret can never be
    // revealed, and its bond is forfeited. It replaces the old file only once the new seal is
    // on chain (the old seal no longer counts then).
    const pending = `${out}.pending`;
    writeBidSecret(pending, { ...secret, seal });
    try {
      await send(
        ctx,
        `${replacing ? "Replaced the sealed bid" : "Sealed bid"} on tender ${tenderId}`,
        escrow,
        "submitBid",
        [tenderId, seal],
      );
    } catch (error) {
      const onChain = await escrow.getBid(tenderId, ctx.signer.address).then(
        (b) => b.sealedBid,
        () => undefined,
      );
      if (onChain === seal) renameSync(pending, out);
      else if (onChain !== undefined) rmSync(pending, { force: true });
      throw error;
    }
    renameSync(pending, out);
    console.log(
      `Your bid secret is in ${out}. Keep it private and safe: you need it to reveal your price between ` +
        `${formatInstant(tender.bidDeadline)} and ${formatInstant(tender.revealDeadline)}, or your bond of ` +
        `${ctx.format(tender.bidBond)} is forfeited.`,
    );
  });
}

export async function reveal(args: Base & { file: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    if (args.file.trim() === "") throw new UserError("--file is required (the bid secret file the bid task saved)");
    const s = readBidSecret(args.file);
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    if (s.chainId !== ctx.chainId)
      throw new UserError(`--file: ${args.file} is for chain ${s.chainId}, not this network's ${ctx.chainId}`);
    if (s.escrow !== (await escrow.getAddress()))
      throw new UserError(`--file: ${args.file} is for another escrow (${s.escrow})`);
    if (s.bidder !== ctx.signer.address)
      throw new UserError(`--file: ${args.file} is ${s.bidder}'s bid; sign with that account (--signer ${s.bidder})`);
    const tender = await requireTender(escrow, s.tenderId);
    requireTenderStatus(
      tender,
      s.tenderId,
      REVEALING,
      "bids are revealed after the bid deadline, before the reveal deadline",
    );
    const onChain = await escrow.getBid(s.tenderId, s.bidder);
    if (onChain.revealed) throw new UserError(`your bid on tender ${s.tenderId} is revealed already`);
    if (onChain.sealedBid !== s.seal) {
      throw new UserError(
        `--file: ${args.file} holds seal ${s.seal}, but your bid on tender ${s.tenderId} is sealed ${onChain.sealedBid}: use the file of your last bid`,
      );
    }
    await send(ctx, `Revealed the bid on tender ${s.tenderId} at ${ctx.format(s.price)}`, escrow, "revealBid", [
      s.tenderId,
      s.price,
      s.proposalHash,
      s.salt,
    ]);
    const [leader, best] = await escrow.bestBid(s.tenderId);
    console.log(
      `Bond of ${ctx.format(onChain.bond)} refunded; ${leader === s.bidder ? "yours is the lowest price so far" : `the lowest price so far is ${ctx.format(best)}`}`,
    );
  });
}

export async function reclaimBond(args: Base & { tender: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tender = await requireTender(escrow, tenderId);
    requireTenderStatus(tender, tenderId, 6n, "bonds are reclaimed from cancelled tenders only");
    const held = (await escrow.getBid(tenderId, ctx.signer.address)).bond;
    if (held === 0n) throw new UserError(`${ctx.signer.address} holds no bond on tender ${tenderId}`);
    await send(ctx, `Reclaimed the bond of ${ctx.format(held)} on tender ${tenderId}`, escrow, "reclaimBond", [
      tenderId,
    ]);
  });
}

export async function withdrawOwed(args: Base & { to: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const to = args.to.trim() === "" ? ctx.signer.address : parseAddress(args.to, "to");
    const escrow = await escrowOf(ctx);
    const owed = await escrow.owedTo(ctx.signer.address);
    if (owed === 0n) throw new UserError(`${ctx.signer.address} is owed nothing by the escrow`);
    await send(ctx, `Withdrew ${ctx.format(owed)} owed to ${ctx.signer.address} to ${to}`, escrow, "withdrawOwed", [
      to,
    ]);
  });
}

// ------------------------------------------------------------------ anyone

export async function award(args: Base & { tender: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    const tenderId = parseUint(args.tender, "tender", { min: 1n });
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const tender = await requireTender(escrow, tenderId);
    requireTenderStatus(tender, tenderId, AWARDABLE, "a tender is awarded after its reveal deadline, once");
    const receipt = await send(ctx, `Award of tender ${tenderId}`, escrow, "award", [tenderId]);
    const [forfeited] = eventsIn(receipt, escrow, "BondsForfeited");
    const [awarded] = eventsIn(receipt, escrow, "TenderAwarded");
    if (awarded === undefined) {
      console.log(
        `Tender ${tenderId} failed: no valid bid; ${ctx.format(tender.maxPrice)} returned to ${lineName(tender.lineId)}`,
      );
    } else {
      console.log(
        `Agreement ${awarded.agreementId}: tender ${tenderId} awarded to ${awarded.contractor} at ${ctx.format(awarded.price)}; ` +
          `${ctx.format(tender.maxPrice - awarded.price)} returned to ${lineName(tender.lineId)}`,
      );
    }
    if (forfeited !== undefined) console.log(`Unrevealed bonds of ${ctx.format(forfeited.amount)} went to the ledger`);
  });
}

// ------------------------------------------------------------------ contractor and inspectors

async function milestoneArgs(ctx: TaskContext, escrow: Escrow, args: { agreement: string; index: string }) {
  const agreementId = parseUint(args.agreement, "agreement", { min: 1n });
  parseUint(args.index, "index"); // a malformed index is reported before the agreement is looked up
  const agreement = await requireAgreement(escrow, agreementId);
  const index = parseUint(args.index, "index", { max: agreement.milestoneCount - 1n });
  requireActive(agreement, agreementId);
  const milestone = await escrow.getMilestone(agreementId, index);
  return { agreementId, index, agreement, milestone };
}

function requireMilestoneStatus(
  m: { status: bigint },
  agreementId: bigint,
  index: bigint,
  wanted: bigint[],
  what: string,
): void {
  if (wanted.includes(m.status)) return;
  throw new UserError(
    `milestone ${index} of agreement ${agreementId} is ${nameOf(MILESTONE_STATUS, m.status)}: ${what}`,
  );
}

export async function submitMilestone(
  args: Base & { agreement: string; index: string; evidence: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const evidence = parseDocument(args.evidence, "evidence");
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const { agreementId, index, agreement, milestone } = await milestoneArgs(ctx, escrow, args);
    if (agreement.contractor !== ctx.signer.address) {
      throw new UserError(
        `only the contractor ${agreement.contractor} submits milestones of agreement ${agreementId} (--signer)`,
      );
    }
    requireMilestoneStatus(
      milestone,
      agreementId,
      index,
      [1n, 3n],
      "only a Pending or Rejected milestone is submitted",
    );
    await send(
      ctx,
      `Submitted milestone ${index} of agreement ${agreementId}${milestone.status === 3n ? " again" : ""}`,
      escrow,
      "submitMilestone",
      [agreementId, index, evidence],
    );
  });
}

export async function approveMilestone(
  args: Base & { agreement: string; index: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const { agreementId, index, agreement, milestone } = await milestoneArgs(ctx, escrow, args);
    if (agreement.contractor === ctx.signer.address) {
      throw new UserError(`${ctx.signer.address} is the contractor of agreement ${agreementId} and may not inspect it`);
    }
    requireMilestoneStatus(milestone, agreementId, index, [2n], "only a Submitted milestone is approved");
    if (await escrow.hasApproved(agreementId, index, ctx.signer.address)) {
      throw new UserError(`${ctx.signer.address} has approved milestone ${index} of agreement ${agreementId} already`);
    }
    const tender = await escrow.getTender(agreement.tenderId);
    const receipt = await send(
      ctx,
      `Approved milestone ${index} of agreement ${agreementId}`,
      escrow,
      "approveMilestone",
      [agreementId, index],
    );
    const approved = eventIn(receipt, escrow, "MilestoneApproved");
    const [paid] = eventsIn(receipt, escrow, "MilestonePaid");
    if (paid === undefined) {
      console.log(`${approved.approvals} of ${tender.quorum} approvals: not paid yet`);
      return;
    }
    console.log(
      `Quorum reached (${approved.approvals} of ${tender.quorum}): paid ${ctx.format(paid.paid)} to ${paid.contractor}, ` +
        `${ctx.format(paid.retained)} held as retention`,
    );
    const [released] = eventsIn(receipt, escrow, "RetentionReleased");
    if (released !== undefined) console.log(`Retention of ${ctx.format(released.amount)} released to the contractor`);
    if (eventsIn(receipt, escrow, "AgreementCompleted").length > 0) console.log(`Agreement ${agreementId} completed`);
  });
}

export async function rejectMilestone(
  args: Base & { agreement: string; index: string; reason: string },
  hre: HardhatRuntimeEnvironment,
) {
  await runTask(async () => {
    const reason = parseDocument(args.reason, "reason");
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    const { agreementId, index, agreement, milestone } = await milestoneArgs(ctx, escrow, args);
    if (agreement.contractor === ctx.signer.address) {
      throw new UserError(`${ctx.signer.address} is the contractor of agreement ${agreementId} and may not inspect it`);
    }
    requireMilestoneStatus(milestone, agreementId, index, [2n], "only a Submitted milestone is rejected");
    await send(ctx, `Rejected milestone ${index} of agreement ${agreementId}`, escrow, "rejectMilestone", [
      agreementId,
      index,
      reason,
    ]);
    console.log("Its approvals are cleared; the contractor may submit it again");
  });
}

// ------------------------------------------------------------------ views

export async function show(args: Base & { tender: string; agreement: string }, hre: HardhatRuntimeEnvironment) {
  await runTask(async () => {
    if ((args.tender.trim() === "") === (args.agreement.trim() === "")) {
      throw new UserError("give either --tender <id> or --agreement <id>");
    }
    const ctx = await openContext(hre, args.signer);
    const escrow = await escrowOf(ctx);
    let tenderId: bigint;
    if (args.tender.trim() !== "") tenderId = parseUint(args.tender, "tender", { min: 1n });
    else {
      const agreementId = parseUint(args.agreement, "agreement", { min: 1n });
      tenderId = (await requireAgreement(escrow, agreementId)).tenderId;
    }
    const t = await requireTender(escrow, tenderId);
    console.log(`Tender ${tenderId}: ${nameOf(TENDER_STATUS, t.status)}`);
    console.log(
      fields([
        ["line", lineName(t.lineId)],
        ["spec", t.specHash],
        ["max price", ctx.format(t.maxPrice)],
        ["bid bond", ctx.format(t.bidBond)],
        ["bids until", formatInstant(t.bidDeadline)],
        ["reveals until", formatInstant(t.revealDeadline)],
        ["retention", `${Number(t.retentionBps) / 100}%`],
        ["quorum", `${t.quorum} inspector(s)`],
      ]),
    );
    const specs = [["milestone", "share", "due after award", "description"]];
    for (let i = 0n; i < t.milestoneCount; i++) {
      const m = await escrow.getMilestoneSpec(tenderId, i);
      specs.push([String(i), `${Number(m.shareBps) / 100}%`, formatDuration(m.duration), m.descriptionHash]);
    }
    console.log(table(specs));
    const submitted = await escrow.queryFilter(escrow.filters.BidSubmitted(tenderId), ctx.deployment.firstBlock ?? 0);
    const bidders = [...new Set(submitted.map((e) => e.args.bidder))];
    if (bidders.length > 0) {
      const rows = [["bidder", "bond held", "revealed price"]];
      for (const bidder of bidders) {
        const b = await escrow.getBid(tenderId, bidder);
        rows.push([bidder, ctx.format(b.bond), b.revealed ? ctx.format(b.price) : "-"]);
      }
      console.log(table(rows));
    } else console.log("No bid yet");
    if (t.agreementId === 0n) {
      const [leader, best] = await escrow.bestBid(tenderId);
      if (leader !== ZeroAddress) console.log(`Lowest revealed price so far: ${ctx.format(best)} by ${leader}`);
      return;
    }
    const a = await escrow.getAgreement(t.agreementId);
    console.log(`Agreement ${t.agreementId}: ${nameOf(AGREEMENT_STATUS, a.status)}`);
    console.log(
      fields([
        ["contractor", a.contractor],
        ["price", ctx.format(a.price)],
        ["paid", ctx.format(a.paid)],
        ["retention held", ctx.format(a.retentionHeld)],
      ]),
    );
    const rows = [["milestone", "amount", "due", "status", "approvals", "evidence"]];
    for (let i = 0n; i < a.milestoneCount; i++) {
      const m = await escrow.getMilestone(t.agreementId, i);
      rows.push([
        String(i),
        ctx.format(m.amount),
        formatInstant(m.dueAt),
        nameOf(MILESTONE_STATUS, m.status),
        `${m.approvals}/${t.quorum}`,
        m.evidenceHash === ZeroHash ? "-" : m.evidenceHash,
      ]);
    }
    console.log(table(rows));
  });
}
