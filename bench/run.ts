/**
 * `npm run bench`: civic-ledger's gas, side by side with public anchors on one in-process chain
 * in one run, and against EVM floors. Writes bench/results.json and docs/benchmarks.md.
 *
 * The suite is deployed with the project's Ignition module (the same wiring as production).
 * Anchors come from their published npm packages (bench/anchors.ts). Gas is the full
 * transaction's `gasUsed` from the receipt. Accounts marked "fresh" have never held the token
 * or a permit; they are derived from fixed seeds so that every run sends the same bytes.
 */
import { writeFileSync } from "node:fs";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AbiCoder,
  Wallet,
  encodeBytes32String,
  keccak256,
  parseUnits,
  solidityPacked,
  toUtf8Bytes,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";

import { ROLES } from "../scripts/lib/roles.js";
import { deploySuite } from "../scripts/lib/suite.js";
import { baselinePermitMintGas, disperseGas, distributorClaimGas, easAttestGas } from "./anchors.js";
import { COLD_RESET, COLD_SET, GAS, PART, floorOf, logGas, type Floor } from "./floor.js";
import { sparseTree } from "./merkle.js";
import { renderMarkdown, type Row } from "./report.js";
import { sponsorshipRows } from "./sponsorship.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const signers = await ethers.getSigners();
const [treasury, budgetOfficer, procurementOfficer, permitOfficer, programManager, verifier] = signers;
const [inspectorA, inspectorB, fireAgency, zoningAgency, bidderA, bidderB, bidderC] = signers.slice(6);
const usd = (n: number | bigint) => parseUnits(n.toString(), 6);

const rows: Row[] = [];
function row(r: Omit<Row, "ratio" | "floorRatio">, floor?: Floor): void {
  const full: Row = { ...r };
  if (r.anchorGas !== undefined) full.ratio = round(r.gas / r.anchorGas);
  if (floor !== undefined) {
    full.floor = floor.total;
    full.floorRatio = round(r.gas / floor.total);
    full.floorParts = floor.parts;
  }
  rows.push(full);
  const anchor = r.anchorGas === undefined ? "" : ` | anchor ${r.anchorGas} (x${full.ratio})`;
  const floorText = floor === undefined ? "" : ` | floor ${floor.total} (x${full.floorRatio})`;
  console.log(`${r.id.padEnd(24)} ${String(r.gas).padStart(9)}${anchor}${floorText}`);
}
const round = (x: number) => Math.round(x * 1000) / 1000;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<{ gas: number; data: string }> {
  const sent = await tx;
  const receipt = await sent.wait();
  if (receipt === null) throw new Error("no receipt");
  return { gas: Number(receipt.gasUsed), data: sent.data };
}

/** Deterministic fresh accounts: never held the token, a permit or ether before. */
let seed = 0;
function freshWallet(): Wallet {
  seed += 1;
  return new Wallet(keccak256(toUtf8Bytes(`civic-ledger bench account ${seed}`)), ethers.provider);
}
async function fundedFreshWallet(tokens: bigint): Promise<Wallet> {
  const wallet = freshWallet();
  await (await treasury.sendTransaction({ to: wallet.address, value: parseUnits("1", 18) })).wait();
  if (tokens > 0n) await (await token.mint(wallet.address, tokens)).wait();
  return wallet;
}

// ------------------------------------------------------------------ deployment (Ignition)

console.log("civic-ledger gas benchmark (in-process chain, Cancun, receipt gasUsed)\n");
const suite = await deploySuite(connection);
const { manager, token, ledger, permits, escrow, subsidies } = suite;

const grants: Array<[bigint, HardhatEthersSigner]> = [
  [ROLES.BUDGET_OFFICER, budgetOfficer],
  [ROLES.PROCUREMENT_OFFICER, procurementOfficer],
  [ROLES.PERMIT_OFFICER, permitOfficer],
  [ROLES.PROGRAM_MANAGER, programManager],
  [ROLES.OUTCOME_VERIFIER, verifier],
  [ROLES.INSPECTOR, inspectorA],
  [ROLES.INSPECTOR, inspectorB],
  [100n, fireAgency],
  [101n, zoningAgency],
];
for (const [role, signer] of grants) await (await manager.grantRole(role, signer.address, 0)).wait();

// ------------------------------------------------------------------ budget ledger

const revenue = usd(1_000_000_000);
await (await token.mint(treasury.address, revenue)).wait();
await (await token.approve(await ledger.getAddress(), revenue)).wait();
{
  const deposit = await gasOf(ledger.deposit(revenue / 2n, encodeBytes32String("TAX-Q1")));
  row({
    id: "ledger-deposit",
    what: "BudgetLedger.deposit",
    gas: deposit.gas,
    conditions: "treasury's tokens into the ledger",
  });
}
await (await ledger.deposit(revenue / 2n, encodeBytes32String("TAX-Q2"))).wait();
const officer = ledger.connect(budgetOfficer);
const mainLine = encodeBytes32String("MAIN-2027");
{
  const created = await gasOf(officer.createLine(mainLine, 2027, usd(600_000_000), "Main programme line 2027"));
  row({
    id: "ledger-create-line",
    what: "BudgetLedger.createLine",
    gas: created.gas,
    conditions: "new line, 24-byte label",
  });
}
{
  const payee = freshWallet().address;
  const paid = await gasOf(officer.pay(mainLine, payee, usd(1_000), encodeBytes32String("INV-0001")));
  row(
    {
      id: "ledger-pay",
      what: "BudgetLedger.pay (direct expenditure)",
      gas: paid.gas,
      conditions: "fresh payee; line warm from nothing (first pay of this tx)",
    },
    floorOf([
      PART.base(),
      PART.calldata(paid.data),
      PART.accessCheck("ledger"),
      PART.pauseFlag("ledger"),
      { what: "the line's books rewritten (one slot)", gas: COLD_RESET },
      ...PART.transfer(true),
      { what: "Spent log (4 topics, 64 bytes)", gas: logGas(4, 64) },
    ]),
  );
}

// ------------------------------------------------------------------ subsidies: roster claims

const leafOf = (index: number, beneficiary: string, amount: bigint) =>
  keccak256(
    keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint256"], [index, beneficiary, amount])),
  );
const claimAmount = usd(100);
const now = async () => BigInt(await networkHelpers.time.latest());
const programs = subsidies.connect(programManager);

async function rosterProgram(root: string, budget: bigint): Promise<void> {
  const opensAt = await now();
  const tx = await programs.createRosterProgram(
    mainLine,
    root,
    budget,
    opensAt,
    opensAt + 86_400n * 90n,
    encodeBytes32String("bench"),
  );
  await tx.wait();
}
async function lastProgramId(): Promise<bigint> {
  const events = await subsidies.queryFilter(subsidies.filters.ProgramCreated());
  return events[events.length - 1].args.programId;
}

const claimGas: Record<number, number> = {};
const anchorClaimGas: Record<number, number> = {};
for (const depth of [4, 10, 17, 20]) {
  const recipients = [freshWallet().address, freshWallet().address];
  // indices 0 and 1 share bitmap word 0: the first claim writes a new word, the second a warm one
  const leaves = recipients.map((r, i) => leafOf(i, r, claimAmount));
  const tree = sparseTree(leaves, depth, depth);
  await rosterProgram(tree.root, claimAmount * 2n);
  const programId = await lastProgramId();
  const first = await gasOf(subsidies.claim(programId, 0, recipients[0], claimAmount, tree.proofs[0]));
  const warm = await gasOf(subsidies.claim(programId, 1, recipients[1], claimAmount, tree.proofs[1]));
  const anchor = await distributorClaimGas(ethers, token as never, depth, async () => freshWallet().address);
  claimGas[depth] = first.gas;
  anchorClaimGas[depth] = Number(anchor.gas);
  row(
    {
      id: `claim-d${depth}`,
      what: `SubsidyDisbursement.claim, tree depth ${depth}`,
      gas: first.gas,
      anchor: "Uniswap MerkleDistributor.claim",
      anchorGas: Number(anchor.gas),
      conditions: "new recipient, new bitmap word, booked on the ledger",
    },
    depth === 17
      ? floorOf([
          PART.base(),
          PART.calldata(first.data),
          PART.pauseFlag("programme contract"),
          { what: "leaf: two keccak256 (96 and 32 bytes)", gas: 2 * 30 + 6 * 3 + 6 },
          { what: `proof: ${depth} keccak256 of 64 bytes (30 + 6x2 each)`, gas: depth * 42 },
          { what: "claimed bitmap word set", gas: COLD_SET },
          { what: "programme's root and budget line read", gas: 2 * GAS.COLD_SLOAD },
          { what: "programme's remaining budget rewritten", gas: COLD_RESET },
          ...PART.transfer(true),
          { what: "Claimed log (4 topics, 32 bytes)", gas: logGas(4, 32) },
          ...PART.ledgerBooking(),
        ])
      : undefined,
  );
  row({
    id: `claim-d${depth}-warm`,
    what: `SubsidyDisbursement.claim, tree depth ${depth}, warm bitmap word`,
    gas: warm.gas,
    anchor: "Uniswap MerkleDistributor.claim",
    anchorGas: Number(anchor.warmWordGas),
    conditions: "new recipient, bitmap word already written, booked on the ledger",
  });
}
row({
  id: "claim-gas-per-level",
  what: "claim gas per tree level (depth 4 to 20)",
  gas: round((claimGas[20] - claimGas[4]) / 16),
  anchor: "Uniswap MerkleDistributor.claim",
  anchorGas: round((anchorClaimGas[20] - anchorClaimGas[4]) / 16),
  conditions: "(gas at depth 20 - gas at depth 4) / 16; target <= 660",
});

{
  const count = 100;
  const recipients = Array.from({ length: count }, () => freshWallet().address);
  const leaves = recipients.map((r, i) => leafOf(i, r, claimAmount));
  const tree = sparseTree(leaves, 17, 17);
  await rosterProgram(tree.root, claimAmount * BigInt(count));
  const programId = await lastProgramId();
  const claims = recipients.map((beneficiary, index) => ({
    index,
    beneficiary,
    amount: claimAmount,
    proof: tree.proofs[index],
  }));
  const batch = await gasOf(subsidies.claimBatch(programId, claims));
  const disperseRecipients = Array.from({ length: count }, () => freshWallet().address);
  const disperse = await disperseGas(ethers, token as never, disperseRecipients, claimAmount);
  row(
    {
      id: "claim-batch-per-entry",
      what: `SubsidyDisbursement.claimBatch of ${count} at depth 17, per entry`,
      gas: round((batch.gas - 21_000) / count),
      anchor: "disperse-style loop, per new recipient",
      anchorGas: round((Number(disperse) - 21_000) / count),
      conditions: `(gas - 21,000) / ${count}; fresh recipients; every entry booked on the ledger`,
    },
    batchFloorPerEntry(batch.data, count),
  );
}

/**
 * The floor of a claimBatch of `count` fresh recipients at depth 17, per entry: the whole
 * batch's unavoidable parts (one cold access of each kind, then warm ones) less the 21,000 base,
 * divided by `count`.
 */
function batchFloorPerEntry(data: string, count: number): Floor {
  const WARM = 100;
  const per = (gas: number) => round(gas / count);
  return floorOf([
    { what: `calldata (${count} claims with 17-node proofs)`, gas: per(PART.calldata(data).gas) },
    { what: "pause flag, programme root and line read once", gas: per(3 * GAS.COLD_SLOAD) },
    { what: "programme's remaining budget rewritten once", gas: per(COLD_RESET) },
    { what: "claimed bitmap: one word set, then warm bit writes", gas: per(COLD_SET + (count - 1) * WARM) },
    { what: "leaf and 17-level proof hashing", gas: 2 * 30 + 6 * 3 + 6 + 17 * 42 },
    {
      what: "token contract and the module's balance: cold once, then warm",
      gas: per(GAS.COLD_ACCOUNT + COLD_RESET + (count - 1) * 2 * WARM),
    },
    { what: "recipient token balance set (new holder)", gas: COLD_SET },
    { what: "Transfer log (3 topics, 32 bytes)", gas: logGas(3, 32) },
    { what: "Claimed log (4 topics, 32 bytes)", gas: logGas(4, 32) },
    {
      // no access check since issue #12: the ledger books the caller's own commitment
      what: "ledger booking: cold once (call, pause flag, books), then warm (call, flag, books read and write)",
      gas: per(GAS.COLD_ACCOUNT + GAS.COLD_SLOAD + COLD_RESET + (count - 1) * 4 * WARM),
    },
    { what: "Spent log (4 topics, 64 bytes)", gas: logGas(4, 64) },
  ]);
}

{
  const opensAt = await now();
  await (
    await programs.createOutcomeProgram(
      mainLine,
      usd(1_000_000),
      usd(2),
      usd(5_000),
      opensAt,
      opensAt + 86_400n * 365n,
      encodeBytes32String("yields"),
    )
  ).wait();
  const programId = await lastProgramId();
  const farmer = freshWallet().address;
  const outcome = await gasOf(
    subsidies.connect(verifier).recordOutcome(programId, farmer, 1_200n, keccak256(toUtf8Bytes("harvest record 1"))),
  );
  row({
    id: "outcome-record",
    what: "SubsidyDisbursement.recordOutcome (pays at once)",
    gas: outcome.gas,
    conditions: "fresh beneficiary, first outcome, capped programme, booked on the ledger",
  });
}

// ------------------------------------------------------------------ permits

{
  const fee = usd(25);
  const registry = permits.connect(permitOfficer);
  await (await registry.definePermitType("Building permit", fee, 365n * 86_400n, [100n, 101n], false)).wait();
  const typeId = 1n;
  const applicant = await fundedFreshWallet(fee * 3n);
  await (await token.connect(applicant).approve(await permits.getAddress(), fee * 3n)).wait();
  const submit = await gasOf(permits.connect(applicant).submitApplication(typeId, keccak256(toUtf8Bytes("plans v1"))));
  row({
    id: "permit-submit",
    what: "PermitRegistry.submitApplication",
    gas: submit.gas,
    conditions: "two checks required, fee pulled",
  });
  const applicationId = 1n;
  const check = await gasOf(
    permits.connect(fireAgency).recordCheck(applicationId, 100n, true, keccak256(toUtf8Bytes("fire report"))),
  );
  row({
    id: "permit-check",
    what: "PermitRegistry.recordCheck (not the last)",
    gas: check.gas,
    conditions: "first of two checks passes",
  });
  const issue = await gasOf(
    permits.connect(zoningAgency).recordCheck(applicationId, 101n, true, keccak256(toUtf8Bytes("zoning report"))),
  );
  const eas = await easAttestGas(ethers, freshWallet().address);
  row({
    id: "permit-issue",
    what: "PermitRegistry.recordCheck that issues the permit",
    gas: issue.gas,
    anchor: "EAS attest (permit-like schema)",
    anchorGas: Number(eas),
    conditions: "last check passes: permit minted to a fresh holder, record written, fee deposited to the ledger",
  });
  const oz = await baselinePermitMintGas(ethers, freshWallet().address);
  row({
    id: "permit-issue-vs-oz-mint",
    what: "PermitRegistry.recordCheck that issues the permit",
    gas: issue.gas,
    anchor: "OpenZeppelin ERC-721 soulbound mint with expiry (bench/contracts)",
    anchorGas: Number(oz),
    conditions: "the anchor does no role check, no fee and no ledger booking",
  });
  const renew = await gasOf(permits.connect(applicant).renew(1n));
  row({
    id: "permit-renew",
    what: "PermitRegistry.renew (no rechecks)",
    gas: renew.gas,
    conditions: "fee pulled and deposited to the ledger",
  });
}

// ------------------------------------------------------------------ procurement

{
  const procurement = escrow.connect(procurementOfficer);
  const start = await now();
  const bidDeadline = start + 86_400n * 7n;
  const revealDeadline = bidDeadline + 86_400n * 3n;
  const bond = usd(1_000);
  const milestones = [
    { shareBps: 3_000, duration: 86_400n * 30n, descriptionHash: keccak256(toUtf8Bytes("foundations")) },
    { shareBps: 3_000, duration: 86_400n * 60n, descriptionHash: keccak256(toUtf8Bytes("structure")) },
    { shareBps: 4_000, duration: 86_400n * 90n, descriptionHash: keccak256(toUtf8Bytes("handover")) },
  ];
  const created = await gasOf(
    procurement.createTender(
      mainLine,
      keccak256(toUtf8Bytes("bridge spec")),
      usd(2_000_000),
      bond,
      bidDeadline,
      revealDeadline,
      500,
      2,
      milestones,
    ),
  );
  row({
    id: "tender-create",
    what: "ProcurementEscrow.createTender",
    gas: created.gas,
    conditions: "3 milestones, maxPrice committed from the line",
  });
  const tenderId = 1n;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const sealOf = (bidder: string, price: bigint, proposal: string, salt: string) =>
    keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["uint256", "address", "uint256", "address", "uint256", "bytes32", "bytes32"],
        [chainId, escrowAddress, tenderId, bidder, price, proposal, salt],
      ),
    );
  const escrowAddress = await escrow.getAddress();
  const bids: Array<[HardhatEthersSigner, bigint]> = [
    [bidderA, usd(1_800_000)],
    [bidderB, usd(1_650_000)],
    [bidderC, usd(1_900_000)],
  ];
  let submitGas = 0;
  for (const [bidder, price] of bids) {
    await (await token.mint(bidder.address, bond)).wait();
    await (await token.connect(bidder).approve(escrowAddress, bond)).wait();
    const proposal = keccak256(toUtf8Bytes(`proposal of ${bidder.address}`));
    const salt = keccak256(solidityPacked(["string", "address"], ["salt", bidder.address]));
    const sent = await gasOf(escrow.connect(bidder).submitBid(tenderId, sealOf(bidder.address, price, proposal, salt)));
    submitGas = sent.gas;
  }
  row({ id: "bid-submit", what: "ProcurementEscrow.submitBid", gas: submitGas, conditions: "sealed bid, bond pulled" });
  await networkHelpers.time.increaseTo(bidDeadline);
  let revealGas = 0;
  for (const [bidder, price] of bids) {
    const proposal = keccak256(toUtf8Bytes(`proposal of ${bidder.address}`));
    const salt = keccak256(solidityPacked(["string", "address"], ["salt", bidder.address]));
    revealGas = (await gasOf(escrow.connect(bidder).revealBid(tenderId, price, proposal, salt))).gas;
  }
  row({
    id: "bid-reveal",
    what: "ProcurementEscrow.revealBid",
    gas: revealGas,
    conditions: "third reveal, not the best price; bond refunded",
  });
  await networkHelpers.time.increaseTo(revealDeadline);
  const awarded = await gasOf(escrow.award(tenderId));
  row({
    id: "tender-award",
    what: "ProcurementEscrow.award",
    gas: awarded.gas,
    conditions: "3 revealed bids, difference returned to the ledger",
  });
  const agreementId = 1n;
  const submitted = await gasOf(
    escrow.connect(bidderB).submitMilestone(agreementId, 0, keccak256(toUtf8Bytes("photos m0"))),
  );
  row({
    id: "milestone-submit",
    what: "ProcurementEscrow.submitMilestone",
    gas: submitted.gas,
    conditions: "first submission",
  });
  const approved = await gasOf(escrow.connect(inspectorA).approveMilestone(agreementId, 0));
  row({
    id: "milestone-approve",
    what: "ProcurementEscrow.approveMilestone (below quorum)",
    gas: approved.gas,
    conditions: "first of two approvals",
  });
  const paying = await gasOf(escrow.connect(inspectorB).approveMilestone(agreementId, 0));
  row(
    {
      id: "milestone-pay",
      what: "ProcurementEscrow.approveMilestone that pays",
      gas: paying.gas,
      conditions: "quorum reached: contractor paid net of retention, booked on the ledger",
    },
    floorOf([
      PART.base(),
      PART.calldata(paying.data),
      PART.accessCheck("escrow"),
      PART.pauseFlag("escrow"),
      { what: "this inspector's earlier approval read", gas: GAS.COLD_SLOAD },
      { what: "milestone record rewritten (Paid)", gas: COLD_RESET },
      { what: "agreement's contractor and budget line read", gas: 2 * GAS.COLD_SLOAD },
      { what: "MilestoneApproved log (4 topics, 32 bytes)", gas: logGas(4, 32) },
      { what: "MilestonePaid log (4 topics, 64 bytes)", gas: logGas(4, 64) },
      ...PART.transfer(false),
      ...PART.ledgerBooking(),
    ]),
  );
}

// ------------------------------------------------------------------ sponsored calls (bench/sponsorship.ts)

await sponsorshipRows(connection, suite, row);

// ------------------------------------------------------------------ results

const results = { chain: "Hardhat in-process (EDR), evmVersion cancun", generatedBy: "npm run bench", rows };
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL("../docs/benchmarks.md", import.meta.url), renderMarkdown(rows));
console.log("\nWrote bench/results.json and docs/benchmarks.md");

export type { HardhatEthers };
