/**
 * Gas of the subsidy hot paths on the in-process chain, set against the public anchors of the
 * benchmark (bench/anchors.ts): Uniswap's MerkleDistributor claim at the same tree depth and a
 * disperse loop's push to new holders. Prints the figures (docs/subsidies.md quotes them) and
 * fails when a figure rises above its recorded ceiling.
 */
import { expect } from "chai";
import { AbiCoder, Contract, dataSlice, getAddress, id, keccak256 } from "ethers";
import { network } from "hardhat";

import { distributorClaimGas, disperseGas, gasOf } from "../../bench/anchors.js";
import { sparseTree } from "../../bench/merkle.js";
import { LINE, META, now, subsidySuite, type SubsidySuite } from "./fixture.js";

const { ethers } = await network.create();
const coder = AbiCoder.defaultAbiCoder();
const leafOf = (index: number, beneficiary: string, amount: bigint) =>
  keccak256(keccak256(coder.encode(["uint256", "address", "uint256"], [index, beneficiary, amount])));
/** New addresses from a fixed sequence: the calldata (zero bytes cost less) and so the figures repeat exactly. */
let minted = 0;
const fresh = async () => getAddress(dataSlice(id(`gas test address ${minted++}`), 12));
const AMOUNT = 1_000_000n;

/** Ceilings: the measured figures plus a little room. */
const CEILING = {
  claimAt17: 130_000n,
  perLevel: 700,
  batchEntryAt17: 50_500,
  outcome: 130_000n,
};

interface Step {
  op: string;
  gas: number;
  depth: number;
  stack?: string[];
}

/** Gas spent inside each call made by the module itself (depth 1), keyed by callee. */
async function callsOf(hash: string): Promise<Map<string, number>> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [hash, { disableMemory: true }])) as {
    structLogs: Step[];
  };
  const logs = trace.structLogs;
  const out = new Map<string, number>();
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    if (step.depth !== 1 || step.op !== "CALL" || step.stack === undefined) continue;
    let j = i + 1;
    while (j < logs.length && logs[j].depth > 1) j++;
    const callee = `0x${step.stack[step.stack.length - 2].replace(/^0x/, "").padStart(40, "0").slice(-40)}`;
    out.set(callee.toLowerCase(), (out.get(callee.toLowerCase()) ?? 0) + step.gas - logs[j].gas);
  }
  return out;
}

async function rosterAtDepth(s: SubsidySuite, depth: number, beneficiaries: string[]) {
  const tree = sparseTree(
    beneficiaries.map((b, i) => leafOf(i, b, AMOUNT)),
    depth,
    depth,
  );
  const t = await now(ethers);
  await s.subsidies
    .connect(s.programManager)
    // budget above the roster's total: a payout that empties the module's token balance would earn
    // a storage refund that no real programme sees on every claim
    .createRosterProgram(LINE, tree.root, AMOUNT * BigInt(beneficiaries.length + 10), t - 1, t + 86_400, META);
  return { programId: await s.subsidies.programCount(), proofs: tree.proofs };
}

describe("SubsidyDisbursement gas", function () {
  const rows: string[] = [];
  after(function () {
    console.log(`\n      ${rows.join("\n      ")}`);
  });

  it("claim at depths 4, 10, 17, 20 against Uniswap's MerkleDistributor", async function () {
    const s = await subsidySuite(ethers);
    const token = s.token as unknown as Contract;
    const measured: Array<{ depth: number; gas: bigint }> = [];
    rows.push("depth  claim (new word)  claim (warm word)  MerkleDistributor  ratio  target 1.10x");
    for (const depth of [4, 10, 17, 20]) {
      const who = [await fresh(), await fresh()];
      const { programId, proofs } = await rosterAtDepth(s, depth, who);
      const tx = await s.subsidies.claim(programId, 0, who[0], AMOUNT, proofs[0]);
      const gas = (await tx.wait())!.gasUsed;
      const warm = await gasOf(s.subsidies.claim(programId, 1, who[1], AMOUNT, proofs[1]));
      const md = await distributorClaimGas(ethers, token, depth, fresh);
      measured.push({ depth, gas });
      rows.push(
        `${String(depth).padStart(5)}  ${String(gas).padStart(16)}  ${String(warm).padStart(17)}  ` +
          `${String(md.gas).padStart(17)}  ${(Number(gas) / Number(md.gas)).toFixed(3)}  ${Math.round(Number(md.gas) * 1.1)}`,
      );
      if (depth === 17) {
        const calls = await callsOf(tx.hash);
        const ledgerGas = calls.get((await s.ledger.getAddress()).toLowerCase()) ?? 0;
        const tokenGas = calls.get((await s.token.getAddress()).toLowerCase()) ?? 0;
        rows.push(
          `       depth 17 breakdown: ledger.recordSpend call ${ledgerGas} (+ 2600 cold account access), ` +
            `token transfer ${tokenGas}, the rest ${Number(gas) - ledgerGas - tokenGas}`,
        );
        expect(gas).to.be.at.most(CEILING.claimAt17);
      }
    }
    const perLevel = Number(measured[3].gas - measured[0].gas) / (20 - 4);
    rows.push(`       growth per tree level (4 -> 20): ${perLevel.toFixed(0)} gas (target <= 700)`);
    expect(perLevel).to.be.at.most(CEILING.perLevel);
  });

  it("claimBatch of 100 entries at depth 17 against a disperse loop", async function () {
    const s = await subsidySuite(ethers);
    const who = await Promise.all(Array.from({ length: 100 }, fresh));
    const { programId, proofs } = await rosterAtDepth(s, 17, who);
    const claims = who.map((beneficiary, i) => ({ index: i, beneficiary, amount: AMOUNT, proof: proofs[i] }));
    const gas = await gasOf(s.subsidies.claimBatch(programId, claims));
    const perEntry = Number(gas) / 100;
    const disperse =
      Number(
        await disperseGas(
          ethers,
          s.token as unknown as Contract,
          await Promise.all(Array.from({ length: 100 }, fresh)),
          AMOUNT,
        ),
      ) / 100;
    rows.push(
      `claimBatch 100 @ depth 17: ${gas} in all, ${perEntry.toFixed(0)} per entry; disperse ${disperse.toFixed(0)} ` +
        `per recipient; ratio ${(perEntry / disperse).toFixed(3)} (target 1.40x = ${(disperse * 1.4).toFixed(0)})`,
    );
    expect(perEntry).to.be.at.most(CEILING.batchEntryAt17);
  });

  it("recordOutcome", async function () {
    const s = await subsidySuite(ethers);
    const t = await now(ethers);
    await s.subsidies
      .connect(s.programManager)
      .createOutcomeProgram(LINE, 1_000_000_000n, 1_000n, 0n, t - 1, t + 86_400, META);
    const b = await fresh();
    const first = await gasOf(s.subsidies.connect(s.verifier).recordOutcome(1n, b, 5n, id("evidence")));
    const again = await gasOf(s.subsidies.connect(s.verifier).recordOutcome(1n, b, 5n, id("evidence 2")));
    rows.push(`recordOutcome: new beneficiary ${first}, same beneficiary again ${again}`);
    expect(first).to.be.at.most(CEILING.outcome);
  });
});
