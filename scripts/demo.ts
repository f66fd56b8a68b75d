/**
 * `npm run demo`: the project's main job on the in-process chain. Deploys the suite with the
 * project's Ignition module and walks one fiscal year of a treasury end to end: budget lines
 * and a reallocation; a restaurant licence issued automatically when its second agency check
 * passes; a bridge tender with three sealed bids, the award to the lowest price and three
 * milestones paid with retention; a farm-support roster claimed by a farmer and by a relayer,
 * and a crop-yield outcome payout; the year-end close. It prints the story and the final books.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  encodeBytes32String,
  formatUnits,
  keccak256,
  parseUnits,
  toUtf8Bytes,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";

import { computeSeal } from "./lib/procurement.js";
import { ROLES } from "./lib/roles.js";
import { deploySuite } from "./lib/suite.js";

const started = Date.now();
const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const signers = await ethers.getSigners();
const [treasury, finance, procurementOffice, licensing, benefits, agriculture, guardian] = signers;
const [fireAgency, healthAgency, inspectorA, inspectorB, inspectorC] = signers.slice(7);
const [builderA, builderB, builderC, restaurateur, farmerA, farmerB, farmerC, relayer] = signers.slice(12);

const DECIMALS = 6;
const usd = (n: number) => parseUnits(n.toString(), DECIMALS);
const fmt = (n: bigint) =>
  `${Number(formatUnits(n, DECIMALS)).toLocaleString("en-US", { maximumFractionDigits: 2 })} tUSD`;
const text = (s: string) => keccak256(toUtf8Bytes(s));
const ref = (s: string) => encodeBytes32String(s);
const who = new Map<string, string>();
const name = (address: string) => who.get(address.toLowerCase()) ?? address;
const say = (line = "") => console.log(line);
const step = (title: string) => say(`\n== ${title}`);
async function done(tx: Promise<ContractTransactionResponse>) {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction dropped");
  return receipt;
}

for (const [signer, label] of [
  [treasury, "Treasury"],
  [finance, "Ministry of Finance"],
  [procurementOffice, "Procurement Office"],
  [licensing, "Licensing Office"],
  [benefits, "Benefits Agency"],
  [agriculture, "Agriculture Verification Agency"],
  [guardian, "Guardian"],
  [fireAgency, "Fire Safety Agency"],
  [healthAgency, "Health Inspectorate"],
  [inspectorA, "Inspector Amara"],
  [inspectorB, "Inspector Bao"],
  [inspectorC, "Inspector Carmen"],
  [builderA, "Atlas Builders"],
  [builderB, "Bridgeworks Ltd"],
  [builderC, "Civic Construction"],
  [restaurateur, "Rosa (restaurant owner)"],
  [farmerA, "Farmer Ade"],
  [farmerB, "Farmer Bela"],
  [farmerC, "Farmer Chidi"],
  [relayer, "a relayer"],
] as const) {
  who.set(signer.address.toLowerCase(), label);
}

say("civic-ledger demo: one fiscal year of a treasury, on the in-process chain");

// ------------------------------------------------------------------ deploy
step("Deployment (Hardhat Ignition, module CivicLedger)");
const { manager, token, ledger, permits, escrow, subsidies } = await deploySuite(connection);
for (const [label, contract] of [
  ["AccessManager", manager],
  ["TestStablecoin", token],
  ["BudgetLedger", ledger],
  ["PermitRegistry", permits],
  ["ProcurementEscrow", escrow],
  ["SubsidyDisbursement", subsidies],
] as const) {
  const address = await contract.getAddress();
  who.set(address.toLowerCase(), label);
  say(`  ${label.padEnd(20)} ${address}`);
}

const grants: Array<[bigint, string, (typeof signers)[number]]> = [
  [ROLES.BUDGET_OFFICER, "BUDGET_OFFICER", finance],
  [ROLES.PROCUREMENT_OFFICER, "PROCUREMENT_OFFICER", procurementOffice],
  [ROLES.PERMIT_OFFICER, "PERMIT_OFFICER", licensing],
  [ROLES.PROGRAM_MANAGER, "PROGRAM_MANAGER", benefits],
  [ROLES.OUTCOME_VERIFIER, "OUTCOME_VERIFIER", agriculture],
  [ROLES.GUARDIAN, "GUARDIAN", guardian],
  [ROLES.INSPECTOR, "INSPECTOR", inspectorA],
  [ROLES.INSPECTOR, "INSPECTOR", inspectorB],
  [ROLES.INSPECTOR, "INSPECTOR", inspectorC],
  [100n, "check role 100 (fire safety)", fireAgency],
  [101n, "check role 101 (health)", healthAgency],
];
for (const [role, label, signer] of grants) {
  await done(manager.grantRole(role, signer.address, 0));
  say(`  ${label} -> ${name(signer.address)}`);
}

// ------------------------------------------------------------------ budget
step("Budget: revenue and appropriations for fiscal year 2027");
const revenue = usd(10_000_000);
await done(token.mint(treasury.address, revenue));
await done(token.connect(treasury).approve(await ledger.getAddress(), revenue));
await done(ledger.connect(treasury).deposit(revenue, ref("TAX-2027-Q1")));
say(`Treasury deposits ${fmt(revenue)} of tax revenue (ref TAX-2027-Q1).`);

const ROADS = ref("ROADS-2027");
const SCHOOLS = ref("SCHOOLS-2027");
const FARMS = ref("FARM-SUPPORT-2027");
const books = ledger.connect(finance);
await done(books.createLine(ROADS, 2027, usd(3_500_000), "Roads 2027"));
await done(books.createLine(SCHOOLS, 2027, usd(2_000_000), "Schools 2027"));
await done(books.createLine(FARMS, 2027, usd(600_000), "Farm support 2027"));
say("Ministry of Finance opens Roads 2027 (3,500,000), Schools 2027 (2,000,000), Farm support 2027 (600,000).");
await done(books.reallocate(SCHOOLS, ROADS, usd(250_000), ref("BRIDGE-COST-REVIEW")));
say("It moves 250,000 from Schools to Roads after the bridge cost review.");
await done(books.pay(SCHOOLS, builderC.address, usd(180_000), ref("INV-SCH-0042")));
say(`It pays ${name(builderC.address)} 180,000 from Schools directly (invoice INV-SCH-0042).`);
say(`Unallocated cash left: ${fmt(await ledger.unallocated())}.`);

// ------------------------------------------------------------------ permits
step("Permits: a restaurant licence, issued by the last passing check");
const fee = usd(150);
await done(permits.connect(licensing).definePermitType("Restaurant licence", fee, 365n * 86_400n, [100n, 101n], false));
say(
  "Licensing Office defines 'Restaurant licence': fee 150 tUSD, valid 365 days, checks: fire safety (100), health (101).",
);
await done(token.mint(restaurateur.address, usd(1_000)));
await done(token.connect(restaurateur).approve(await permits.getAddress(), fee));
const documentHash = text("Rosa's Kitchen, 12 Harbour Street: floor plan and menu");
await done(permits.connect(restaurateur).submitApplication(1n, documentHash));
say(`${name(restaurateur.address)} applies from her wallet and pays the fee; the registry holds it while checks run.`);
await done(permits.connect(fireAgency).recordCheck(1n, 100n, true, text("fire inspection report 2027-02-03")));
say("Fire Safety Agency records a passing check.");
await done(permits.connect(healthAgency).recordCheck(1n, 101n, true, text("health inspection report 2027-02-05")));
const permit = await permits.getPermit(1n);
say(
  `Health Inspectorate records the last passing check: permit #1 is issued in the same transaction to ` +
    `${name(permit.holder)}, valid until ${new Date(Number(permit.expiresAt) * 1000).toISOString().slice(0, 10)}; ` +
    "the fee goes to the ledger.",
);
say(
  `A verifier asks isValid(1): ${await permits.isValid(1n)}; permitOfDocument finds #${await permits.permitOfDocument(restaurateur.address, documentHash)}; ` +
    `the permit is locked to its holder (ERC-5192 locked: ${await permits.locked(1n)}).`,
);
const metadata = JSON.parse(
  Buffer.from((await permits.tokenURI(1n)).replace(/^data:application\/json;base64,/, ""), "base64").toString("utf8"),
) as { name?: string };
say(`Wallets show it from on-chain metadata: "${metadata.name ?? "permit"}".`);

// ------------------------------------------------------------------ procurement
step("Procurement: a bridge, tendered with sealed bids");
const start = BigInt(await time.latest());
const bidDeadline = start + 14n * 86_400n;
const revealDeadline = bidDeadline + 3n * 86_400n;
const maxPrice = usd(3_000_000);
const bond = usd(20_000);
await done(
  escrow
    .connect(procurementOffice)
    .createTender(ROADS, text("River bridge, spec v3"), maxPrice, bond, bidDeadline, revealDeadline, 500, 2, [
      { shareBps: 3_000, duration: 60n * 86_400n, descriptionHash: text("foundations and piers") },
      { shareBps: 4_000, duration: 150n * 86_400n, descriptionHash: text("deck and structure") },
      { shareBps: 3_000, duration: 240n * 86_400n, descriptionHash: text("surfacing and handover") },
    ]),
);
say("Procurement Office opens tender #1 on Roads 2027: max price 3,000,000 (committed into escrow), bond 20,000,");
say("retention 5%, quorum of 2 inspectors, three milestones (30% / 40% / 30%).");
const chainId = (await ethers.provider.getNetwork()).chainId;
const escrowAddress = await escrow.getAddress();
const offers = [
  { bidder: builderA, price: usd(2_740_000) },
  { bidder: builderB, price: usd(2_615_000) },
  { bidder: builderC, price: usd(2_880_000) },
].map((o, i) => ({ ...o, proposalHash: text(`proposal ${i}`), salt: text(`salt that only bidder ${i} knows`) }));
for (const o of offers) {
  await done(token.mint(o.bidder.address, bond));
  await done(token.connect(o.bidder).approve(escrowAddress, bond));
  const seal = computeSeal({
    chainId,
    escrow: escrowAddress,
    tenderId: 1n,
    bidder: o.bidder.address,
    price: o.price,
    proposalHash: o.proposalHash,
    salt: o.salt,
  });
  await done(escrow.connect(o.bidder).submitBid(1n, seal));
  say(`  ${name(o.bidder.address)} submits a sealed bid and pays the bond (nobody can read the price).`);
}
await time.increaseTo(bidDeadline);
for (const o of offers) {
  await done(escrow.connect(o.bidder).revealBid(1n, o.price, o.proposalHash, o.salt));
  say(`  ${name(o.bidder.address)} reveals ${fmt(o.price)}; its bond comes back.`);
}
await time.increaseTo(revealDeadline);
await done(escrow.connect(relayer).award(1n));
const agreement = await escrow.getAgreement(1n);
say(
  `After the reveal deadline anyone may award: ${name(agreement.contractor)} wins at ${fmt(agreement.price)}; ` +
    `${fmt(maxPrice - agreement.price)} goes back to Roads 2027.`,
);
for (let index = 0n; index < 3n; index++) {
  await time.increase(30n * 86_400n);
  await done(escrow.connect(builderB).submitMilestone(1n, index, text(`site photos and survey, milestone ${index}`)));
  await done(escrow.connect(inspectorA).approveMilestone(1n, index));
  const receipt = await done(escrow.connect(inspectorC).approveMilestone(1n, index));
  const events = receipt.logs.map((log) => {
    try {
      return escrow.interface.parseLog(log);
    } catch {
      return null;
    }
  });
  const paid = events.find((e) => e?.name === "MilestonePaid");
  const release = events.find((e) => e?.name === "RetentionReleased");
  const released =
    release === undefined || release === null
      ? ""
      : `; the final payment also releases the ${fmt(release.args.amount)} retention held`;
  say(
    `  Milestone ${index}: evidence submitted; Inspectors Amara and Carmen approve; ` +
      `${fmt(paid?.args.paid ?? 0n)} paid, ${fmt(paid?.args.retained ?? 0n)} retained${released}.`,
  );
}
const settled = await escrow.getAgreement(1n);
say(`The agreement is complete: ${fmt(settled.paid)} paid to ${name(settled.contractor)} in all.`);

// ------------------------------------------------------------------ subsidies
step("Subsidies: a farm-support roster and a crop-yield payout");
const roster: Array<[bigint, string, bigint]> = [
  [0n, farmerA.address, usd(1_200)],
  [1n, farmerB.address, usd(950)],
  [2n, farmerC.address, usd(1_100)],
];
const tree = StandardMerkleTree.of(roster, ["uint256", "address", "uint256"]);
const now = BigInt(await time.latest());
await done(
  subsidies
    .connect(benefits)
    .createRosterProgram(FARMS, tree.root, usd(3_250), now, now + 90n * 86_400n, text("seed grant 2027 roster")),
);
say(
  `Benefits Agency publishes a roster of 3 farmers (Merkle root ${tree.root.slice(0, 10)}...) with a budget of 3,250.`,
);
const proofOf = (i: number) => tree.getProof(i);
await done(subsidies.connect(farmerA).claim(1n, 0n, farmerA.address, usd(1_200), proofOf(0)));
say(`  ${name(farmerA.address)} claims 1,200 from her own wallet.`);
await done(
  subsidies.connect(relayer).claimBatch(1n, [
    { index: 1n, beneficiary: farmerB.address, amount: usd(950), proof: proofOf(1) },
    { index: 0n, beneficiary: farmerA.address, amount: usd(1_200), proof: proofOf(0) },
  ]),
);
say(`  ${name(relayer.address)} submits a batch for Farmer Bela (and Farmer Ade's entry, already paid, is skipped).`);
await done(
  subsidies
    .connect(benefits)
    .createOutcomeProgram(FARMS, usd(50_000), usd(12), usd(6_000), now, now + 180n * 86_400n, text("yield bonus 2027")),
);
say("Benefits Agency opens a yield bonus: 12 tUSD per tonne, at most 6,000 per farmer, budget 50,000.");
const outcome = await done(
  subsidies.connect(agriculture).recordOutcome(2n, farmerC.address, 430n, text("harvest record: 430 t maize")),
);
const recorded = outcome.logs
  .map((log) => {
    try {
      return subsidies.interface.parseLog(log);
    } catch {
      return null;
    }
  })
  .find((e) => e?.name === "OutcomeRecorded");
say(`  The agency records Farmer Chidi's 430 t harvest: ${fmt(recorded?.args.paid ?? 0n)} paid at once (capped).`);

// ------------------------------------------------------------------ year end
step("Year end");
await time.increase(200n * 86_400n);
for (const programId of [1n, 2n]) {
  const receipt = await done(subsidies.connect(relayer).closeProgram(programId));
  const closed = receipt.logs
    .map((log) => {
      try {
        return subsidies.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .find((e) => e?.name === "ProgramClosed");
  say(
    `Programme #${programId} is past its window; anyone closes it: ${fmt(closed?.args.returned ?? 0n)} unpaid returns to its line.`,
  );
}
for (const lineId of [ROADS, SCHOOLS, FARMS]) {
  const receipt = await done(books.closeLine(lineId));
  const closed = receipt.logs.map((log) => ledger.interface.parseLog(log)).find((e) => e?.name === "LineClosed");
  say(
    `Ministry of Finance closes ${(await ledger.getLine(lineId)).label}: ${fmt(closed?.args.lapsed ?? 0n)} lapses to unallocated cash.`,
  );
}

// ------------------------------------------------------------------ books
step("Final books");
const rows: string[][] = [["line", "year", "appropriated", "committed", "spent", "available", "state"]];
for (let i = 0n; i < (await ledger.lineCount()); i++) {
  const lineId = await ledger.lineIdAt(i);
  const line = await ledger.getLine(lineId);
  rows.push([
    line.label,
    line.fiscalYear.toString(),
    fmt(line.appropriated),
    fmt(line.committed),
    fmt(line.spent),
    fmt(await ledger.available(lineId)),
    line.closed ? "closed" : "open",
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const [i, r] of rows.entries()) {
  say(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")}`);
  if (i === 0) say(`  ${widths.map((w) => "-".repeat(w)).join("  ")}`);
}
say();
say(`  unallocated cash in the ledger   ${fmt(await ledger.unallocated())}`);
say(`  ledger token balance             ${fmt(await token.balanceOf(await ledger.getAddress()))}`);
for (const module of [permits, escrow, subsidies]) {
  say(
    `  held by ${name(await module.getAddress()).padEnd(24)} ${fmt(await token.balanceOf(await module.getAddress()))}`,
  );
}
say(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
