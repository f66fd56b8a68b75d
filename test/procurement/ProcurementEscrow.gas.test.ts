/**
 * Gas of the escrow's operations, and the paying approval (quorum reached, transfer, ledger
 * booking) against its EVM floor: what any implementation of SPEC.md must spend on Cancun.
 * The figures are printed (docs/procurement.md quotes them) and the ratio is held to <= 1.6.
 */
import { expect } from "chai";
import { getBytes } from "ethers";
import { network } from "hardhat";

import {
  EVIDENCE,
  awardedAgreement,
  createTenderTx,
  deployProcurementSuite,
  fundBond,
  placeBid,
  revealTx,
  sealFor,
  termsAt,
  type ProcurementSuite,
} from "./fixtures.js";

const { ethers, networkHelpers } = await network.create();
const suite = () => deployProcurementSuite(ethers);

// Cancun gas schedule (EIP-2028, EIP-2929, EIP-2200/3529, yellow paper LOG costs)
const TX_BASE = 21_000n;
const COLD_ACCOUNT = 2_600n;
const WARM_ACCESS = 100n;
const COLD_SLOAD = 2_100n;
const SSTORE_RESET = 2_900n; // non-zero -> non-zero on a slot read first (cold cost paid by the read)
const LOG = 375n;
const LOG_TOPIC = 375n;
const LOG_BYTE = 8n;

function calldataGas(data: string): bigint {
  return getBytes(data).reduce((sum, b) => sum + (b === 0 ? 4n : 16n), 0n);
}

function logGas(topics: number, dataWords: number): bigint {
  return LOG + LOG_TOPIC * BigInt(topics) + LOG_BYTE * 32n * BigInt(dataWords);
}

/**
 * The floor of the paying approval of a milestone that is not the last, to a contractor that
 * already holds tokens. Each line is something SPEC.md makes unavoidable.
 */
export function payingApprovalFloor(data: string): Array<[string, bigint]> {
  const readWrite = COLD_SLOAD + SSTORE_RESET;
  return [
    ["transaction base", TX_BASE],
    ["calldata", calldataGas(data)],
    ["cold accounts: AccessManager, token, ledger", 3n * COLD_ACCOUNT],
    ["escrow: pause flag (read)", COLD_SLOAD],
    ["authority: the inspector's INSPECTOR membership (read)", COLD_SLOAD],
    ["escrow: milestone (read + write: Paid)", readWrite],
    ["escrow: contractor and quorum (read)", COLD_SLOAD],
    ["escrow: paid and retention held (read + write)", readWrite],
    ["escrow: the inspector's approval flag this round (read)", COLD_SLOAD],
    ["escrow: budget line id (read)", COLD_SLOAD],
    ["token: escrow balance (read + write)", readWrite],
    ["token: contractor balance (read + write)", readWrite],
    ["ledger: call from the escrow is warm for the authority", WARM_ACCESS],
    ["ledger: pause flag (read)", COLD_SLOAD],
    ["authority: the escrow's LEDGER_CLIENT membership (read)", COLD_SLOAD],
    ["ledger: the escrow's books on the line (read + write)", readWrite],
    ["log Transfer (3 topics, 1 word)", logGas(3, 1)],
    ["log Spent (4 topics, 2 words)", logGas(4, 2)],
    ["log MilestoneApproved (4 topics, 1 word)", logGas(4, 1)],
    ["log MilestonePaid (4 topics, 2 words)", logGas(4, 2)],
  ];
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

describe("ProcurementEscrow gas", function () {
  const figures: Array<[string, bigint]> = [];

  after(function () {
    if (figures.length === 0) return;
    console.log("\n      ProcurementEscrow gas (in-process chain, Cancun, optimizer 10,000 runs)");
    for (const [name, gas] of figures) console.log(`        ${name.padEnd(58)} ${gas.toString().padStart(8)}`);
  });

  it("measures each step of a tender and the paying approval against its floor", async function () {
    const s: ProcurementSuite = await networkHelpers.loadFixture(suite);
    const now = BigInt(await networkHelpers.time.latest());
    const terms = termsAt(now);
    figures.push(["createTender (3 milestones, first tender on the line)", await gasOf(createTenderTx(s, terms))]);
    figures.push(["createTender (3 milestones, line used before)", await gasOf(createTenderTx(s, terms))]);
    const tenderId = await s.escrow.tenderCount();

    const [b1, b2] = s.bidders;
    await fundBond(s, b1, terms.bidBond);
    figures.push([
      "submitBid (first seal, pays the bond)",
      await gasOf(s.escrow.connect(b1).submitBid(tenderId, await sealFor(s, tenderId, b1, 700_000_000n))),
    ]);
    figures.push([
      "submitBid (replaces the seal)",
      await gasOf(s.escrow.connect(b1).submitBid(tenderId, await sealFor(s, tenderId, b1, 800_000_000n))),
    ]);
    await placeBid(s, tenderId, b2, 900_000_000n);
    await networkHelpers.time.increaseTo(terms.bidDeadline);
    figures.push([
      "revealBid (first reveal, leads, refunds the bond)",
      await gasOf(revealTx(s, tenderId, b1, 800_000_000n)),
    ]);
    figures.push(["revealBid (does not lead)", await gasOf(revealTx(s, tenderId, b2, 900_000_000n))]);
    await networkHelpers.time.increaseTo(terms.revealDeadline);
    figures.push(["award (3 milestones, returns maxPrice - price)", await gasOf(s.escrow.award(tenderId))]);
    const agreementId = await s.escrow.agreementCount();

    const [i1, i2] = s.inspectors;
    figures.push(["submitMilestone", await gasOf(s.escrow.connect(b1).submitMilestone(agreementId, 0n, EVIDENCE))]);
    figures.push([
      "approveMilestone (not paying)",
      await gasOf(s.escrow.connect(i1).approveMilestone(agreementId, 0n)),
    ]);
    const paying = s.escrow.connect(i2).approveMilestone(agreementId, 0n);
    const payingTx = await paying;
    const payingGas = await gasOf(paying);
    figures.push(["approveMilestone (paying, quorum 2, milestone 1 of 3)", payingGas]);

    const floorParts = payingApprovalFloor(payingTx.data);
    const floor = floorParts.reduce((sum, [, g]) => sum + g, 0n);
    console.log("\n      EVM floor of the paying approval:");
    for (const [name, g] of floorParts) console.log(`        ${name.padEnd(58)} ${g.toString().padStart(8)}`);
    console.log(`        ${"floor".padEnd(58)} ${floor.toString().padStart(8)}`);
    console.log(`        ${"measured".padEnd(58)} ${payingGas.toString().padStart(8)}`);
    console.log(`        ${"ratio".padEnd(58)} ${(Number(payingGas) / Number(floor)).toFixed(3).padStart(8)}`);
    expect(payingGas * 10n).to.be.at.most(floor * 16n);

    // The other milestones: the last one releases the retention in the same transfer.
    await s.escrow.connect(b1).submitMilestone(agreementId, 1n, EVIDENCE);
    await s.escrow.connect(i1).approveMilestone(agreementId, 1n);
    await s.escrow.connect(i2).approveMilestone(agreementId, 1n);
    await s.escrow.connect(b1).submitMilestone(agreementId, 2n, EVIDENCE);
    await s.escrow.connect(i1).approveMilestone(agreementId, 2n);
    figures.push([
      "approveMilestone (paying the last: releases retention, completes)",
      await gasOf(s.escrow.connect(i2).approveMilestone(agreementId, 2n)),
    ]);
  });

  it("measures rejection, termination and the quorum-1 paying approval", async function () {
    const s: ProcurementSuite = await networkHelpers.loadFixture(suite);
    const { agreementId, contractor } = await awardedAgreement(s, networkHelpers, [800_000_000n], { quorum: 1 });
    await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
    figures.push([
      "rejectMilestone",
      await gasOf(s.escrow.connect(s.inspectors[0]).rejectMilestone(agreementId, 0n, EVIDENCE)),
    ]);
    await s.escrow.connect(contractor).submitMilestone(agreementId, 0n, EVIDENCE);
    figures.push([
      "approveMilestone (paying, quorum 1)",
      await gasOf(s.escrow.connect(s.inspectors[0]).approveMilestone(agreementId, 0n)),
    ]);
    figures.push([
      "terminate (after one paid milestone)",
      await gasOf(s.escrow.connect(s.procurer).terminate(agreementId, EVIDENCE)),
    ]);
  });
});
