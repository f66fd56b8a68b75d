/**
 * One fiscal year through every module, for the auditor's end-to-end tests (in process and on
 * anvil over HTTP). The story of scripts/demo.ts, widened to every path an auditor must follow:
 *
 * - Ledger: revenue, four lines, a supplementary and a reduced appropriation, a reallocation
 *   just before the receiving line commits beyond its own appropriation, a direct payment,
 *   tokens sent to the ledger without `deposit`, an ADMIN withdrawal of unallocated cash, line
 *   closes (one while a programme's commitment is still open, so that its return lands on a
 *   closed line).
 * - Procurement: a bridge tender with four bidders (one replaces its seal, one is an inspector
 *   who never reveals and later approves milestones), a rejected and resubmitted milestone,
 *   payments with retention and the release; a single-bidder tender awarded then terminated
 *   after one paid milestone; a cancelled tender with one bond reclaimed and one left; a failed
 *   tender (the only bid never revealed, its bond forfeited); a tender still open at the end.
 * - Permits: a licence issued by its last check, a rejected and a withdrawn application, a
 *   permit issued at once and renewed at once, a suspended (then reinstated) and a revoked
 *   permit, a renewal with rechecks, a reused document hash, an application still pending at the
 *   end, a surplus swept to the ledger, a type deactivated.
 * - Tokens sent straight to the ledger, the registry and the escrow (no function called), the
 *   registry's and part of the escrow's swept to the ledger as surplus.
 * - Subsidies: a roster claimed by a farmer and by a relayer's `claimBatch` (with a claimed and
 *   a blocked entry skipped), a payout to an inspector listed in the roster, a blocked claim;
 *   outcome payouts up to the cap per beneficiary; a programme closed early by its manager,
 *   one closed by anyone after its window with most of its budget unpaid, one still open.
 *
 * Actors other than the deployer (signer 0, ADMIN) are wallets derived from fixed keys and
 * funded with ETH, so the scenario runs on any node, whatever number of accounts it unlocks.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  Wallet,
  encodeBytes32String,
  keccak256,
  parseEther,
  parseUnits,
  toUtf8Bytes,
  type ContractTransactionResponse,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { computeSeal } from "../../scripts/lib/procurement.js";
import { ROLES } from "../../scripts/lib/roles.js";
import { deploySuite, type Suite } from "../../scripts/lib/suite.js";

export type { Suite };

export const DECIMALS = 6;
export const usd = (n: number) => parseUnits(n.toString(), DECIMALS);
export const text = (s: string) => keccak256(toUtf8Bytes(s));
const ref = (s: string) => encodeBytes32String(s);
const DAY = 86_400n;

export const LINES = {
  ROADS: ref("ROADS-2027"),
  SCHOOLS: ref("SCHOOLS-2027"),
  FARMS: ref("FARM-SUPPORT-2027"),
  PARKS: ref("PARKS-2027"),
} as const;

const ACTORS = [
  "finance",
  "procurement",
  "licensing",
  "benefits",
  "agriculture",
  "guardian",
  "fireAgency",
  "healthAgency",
  "inspectorA",
  "inspectorB",
  "inspectorC",
  "builderA",
  "builderB",
  "builderC",
  "rosa",
  "bruno",
  "chen",
  "dana",
  "eli",
  "farmerA",
  "farmerB",
  "farmerC",
  "parentA",
  "parentB",
  "relayer",
] as const;
export type Actor = (typeof ACTORS)[number];

export interface ScenarioResult {
  suite: Suite;
  /** Every actor's address. */
  who: Record<Actor | "treasury", string>;
  /** The first block of the deployment. */
  firstBlock: number;
  /** The transaction hash of each notable step, for tests that corrupt or inspect them. */
  txs: Record<string, string>;
}

/** Deploys the suite with the project's Ignition module and runs the fiscal year on `connection`. */
export async function runScenario(connection: NetworkConnection): Promise<ScenarioResult> {
  const { ethers } = connection;
  const provider = ethers.provider;
  const [treasury] = await ethers.getSigners();
  const firstBlock = (await provider.getBlockNumber()) + 1;
  const suite = await deploySuite(connection);
  const { manager, token, ledger, permits, escrow, subsidies, addresses } = suite;
  const txs: Record<string, string> = {};
  const done = async (tx: Promise<ContractTransactionResponse>, name?: string) => {
    const receipt = await (await tx).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${name ?? ""} failed`);
    if (name !== undefined) txs[name] = receipt.hash;
    return receipt;
  };
  const latest = async () => BigInt((await provider.getBlock("latest"))!.timestamp);
  const increaseTo = async (timestamp: bigint) => {
    await provider.send("evm_setNextBlockTimestamp", [`0x${timestamp.toString(16)}`]);
    await provider.send("evm_mine", []);
  };
  const increase = async (seconds: bigint) => increaseTo((await latest()) + seconds);

  // ------------------------------------------------------------------ actors and roles
  const wallets = Object.fromEntries(
    ACTORS.map((name) => [name, new Wallet(text(`civic-ledger scenario: ${name}`), provider)]),
  ) as Record<Actor, Wallet>;
  for (const w of Object.values(wallets)) {
    await (await treasury.sendTransaction({ to: w.address, value: parseEther("10") })).wait();
  }
  const a = wallets;
  const grants: Array<[bigint, Actor]> = [
    [ROLES.BUDGET_OFFICER, "finance"],
    [ROLES.PROCUREMENT_OFFICER, "procurement"],
    [ROLES.PERMIT_OFFICER, "licensing"],
    [ROLES.PROGRAM_MANAGER, "benefits"],
    [ROLES.OUTCOME_VERIFIER, "agriculture"],
    [ROLES.GUARDIAN, "guardian"],
    [ROLES.INSPECTOR, "inspectorA"],
    [ROLES.INSPECTOR, "inspectorB"],
    [ROLES.INSPECTOR, "inspectorC"],
    [100n, "fireAgency"],
    [101n, "healthAgency"],
  ];
  for (const [role, actor] of grants) await done(manager.grantRole(role, a[actor].address, 0));

  // ------------------------------------------------------------------ budget
  await done(token.mint(treasury.address, usd(10_001_000)));
  await done(token.approve(addresses.BudgetLedger, usd(10_000_000)));
  await done(ledger.deposit(usd(10_000_000), ref("TAX-2027-Q1")), "deposit");
  const books = ledger.connect(a.finance);
  await done(books.createLine(LINES.ROADS, 2027, usd(3_500_000), "Roads 2027"));
  await done(books.createLine(LINES.SCHOOLS, 2027, usd(2_000_000), "Schools 2027"));
  await done(books.createLine(LINES.FARMS, 2027, usd(600_000), "Farm support 2027"));
  await done(books.createLine(LINES.PARKS, 2027, usd(100_000), "Parks 2027"));
  await done(books.increaseAppropriation(LINES.PARKS, usd(20_000)));
  await done(books.decreaseAppropriation(LINES.PARKS, usd(50_000)));
  await done(books.reallocate(LINES.SCHOOLS, LINES.ROADS, usd(250_000), ref("BRIDGE-COST-REVIEW")), "reallocate");
  await done(books.pay(LINES.SCHOOLS, a.builderC.address, usd(180_000), ref("INV-SCH-0042")), "pay");
  await done(token.transfer(addresses.BudgetLedger, usd(5)), "direct-to-ledger");
  await done(ledger.withdrawUnallocated(treasury.address, usd(1_000), ref("REFUND-GRANT")), "withdraw");

  // ------------------------------------------------------------------ procurement: tenders
  const start = await latest();
  const bidDeadline = start + 14n * DAY;
  const revealDeadline = bidDeadline + 3n * DAY;
  const office = escrow.connect(a.procurement);
  const three = [
    { shareBps: 3_000, duration: 60n * DAY, descriptionHash: text("foundations and piers") },
    { shareBps: 4_000, duration: 150n * DAY, descriptionHash: text("deck and structure") },
    { shareBps: 3_000, duration: 240n * DAY, descriptionHash: text("surfacing and handover") },
  ];
  const two = [
    { shareBps: 5_000, duration: 30n * DAY, descriptionHash: text("resurfacing, north") },
    { shareBps: 5_000, duration: 60n * DAY, descriptionHash: text("resurfacing, south") },
  ];
  // Tender 1 (bridge) and 2 (resurfacing) take Roads beyond its own appropriation: only the
  // reallocation just made lets it commit 3,600,000.
  await done(
    office.createTender(
      LINES.ROADS,
      text("River bridge, spec v3"),
      usd(3_000_000),
      usd(20_000),
      bidDeadline,
      revealDeadline,
      500,
      2,
      three,
    ),
    "tender-1",
  );
  await done(
    office.createTender(
      LINES.ROADS,
      text("Ring road resurfacing"),
      usd(600_000),
      usd(5_000),
      bidDeadline,
      revealDeadline,
      1_000,
      1,
      two,
    ),
    "tender-2",
  );
  await done(
    office.createTender(
      LINES.SCHOOLS,
      text("School roofs"),
      usd(400_000),
      usd(10_000),
      bidDeadline,
      revealDeadline,
      0,
      1,
      two,
    ),
    "tender-3",
  );
  await done(
    office.createTender(
      LINES.SCHOOLS,
      text("Playground kit"),
      usd(300_000),
      usd(10_000),
      bidDeadline,
      revealDeadline,
      0,
      1,
      two,
    ),
    "tender-4",
  );
  const chainId = (await provider.getNetwork()).chainId;
  const bids: Array<{ tender: bigint; bidder: Actor; price: bigint; bond: bigint; reveal: boolean }> = [
    { tender: 1n, bidder: "builderA", price: usd(2_900_000), bond: usd(20_000), reveal: false }, // replaced below
    { tender: 1n, bidder: "builderA", price: usd(2_740_000), bond: 0n, reveal: true },
    { tender: 1n, bidder: "builderB", price: usd(2_615_000), bond: usd(20_000), reveal: true },
    { tender: 1n, bidder: "builderC", price: usd(2_880_000), bond: usd(20_000), reveal: true },
    { tender: 1n, bidder: "inspectorA", price: usd(2_990_000), bond: usd(20_000), reveal: false },
    { tender: 2n, bidder: "builderA", price: usd(550_000), bond: usd(5_000), reveal: true },
    { tender: 3n, bidder: "builderB", price: usd(390_000), bond: usd(10_000), reveal: false },
    { tender: 3n, bidder: "builderC", price: usd(380_000), bond: usd(10_000), reveal: false },
    { tender: 4n, bidder: "builderA", price: usd(290_000), bond: usd(10_000), reveal: false },
  ];
  const sealOf = (b: (typeof bids)[number]) => ({
    chainId,
    escrow: addresses.ProcurementEscrow,
    tenderId: b.tender,
    bidder: a[b.bidder].address,
    price: b.price,
    proposalHash: text(`proposal of ${b.bidder} for tender ${b.tender}`),
    salt: text(`salt of ${b.bidder} for tender ${b.tender} at ${b.price}`),
  });
  for (const b of bids) {
    const bidder = a[b.bidder];
    if (b.bond > 0n) {
      await done(token.mint(bidder.address, b.bond));
      await done(token.connect(bidder).approve(addresses.ProcurementEscrow, b.bond));
    }
    await done(escrow.connect(bidder).submitBid(b.tender, computeSeal(sealOf(b))));
  }
  await done(office.cancelTender(3n, text("roof survey found asbestos: new specification")), "cancel-3");
  await done(escrow.connect(a.builderC).reclaimBond(3n), "reclaim-3");

  // ------------------------------------------------------------------ permits
  const registry = permits.connect(a.licensing);
  await done(registry.definePermitType("Restaurant licence", usd(150), 365n * DAY, [100n, 101n], true));
  await done(registry.definePermitType("Market stall", usd(20), 30n * DAY, [], false));
  const apply = async (who: Actor, typeId: bigint, document: string, fee: bigint, name?: string) => {
    await done(token.mint(a[who].address, fee));
    await done(token.connect(a[who]).approve(addresses.PermitRegistry, fee));
    return done(permits.connect(a[who]).submitApplication(typeId, text(document)), name);
  };
  const fire = permits.connect(a.fireAgency);
  const health = permits.connect(a.healthAgency);
  await apply("rosa", 1n, "Rosa's Kitchen, 12 Harbour Street", usd(150), "apply-1");
  await done(fire.recordCheck(1n, 100n, true, text("fire inspection 1")));
  await done(health.recordCheck(1n, 101n, true, text("health inspection 1")), "issue-1");
  await apply("bruno", 1n, "Bruno's Grill, 3 Mill Lane", usd(150), "apply-2");
  await done(fire.recordCheck(2n, 100n, false, text("fire inspection 2: no extinguisher")), "reject-2");
  await apply("chen", 1n, "Chen's Noodles, 8 Bridge Road", usd(150), "apply-3");
  await done(fire.recordCheck(3n, 100n, true, text("fire inspection 3")));
  await done(permits.connect(a.chen).withdrawApplication(3n), "withdraw-3");
  await apply("dana", 2n, "Dana's flowers, pitch 14", usd(20), "issue-2");
  await done(token.mint(a.dana.address, usd(20)));
  await done(token.connect(a.dana).approve(addresses.PermitRegistry, usd(20)));
  await done(permits.connect(a.dana).renew(2n), "renew-2");
  await done(registry.suspend(2n, text("stall left unattended with open flame")), "suspend-2");
  await apply("eli", 2n, "Eli's hot dogs, pitch 15", usd(20), "issue-3");
  await done(registry.revoke(3n, text("licence obtained with a false identity")), "revoke-3");
  await apply("bruno", 1n, "Bruno's Grill, 3 Mill Lane", usd(150), "apply-6"); // the rejected document, reused
  await done(fire.recordCheck(6n, 100n, true, text("fire inspection 6")));
  await done(token.transfer(addresses.PermitRegistry, usd(7)), "direct-to-registry");
  await done(permits.connect(a.relayer).sweepSurplus(), "sweep");

  // ------------------------------------------------------------------ subsidies
  const roster: Array<[bigint, string, bigint]> = [
    [0n, a.farmerA.address, usd(1_200)],
    [1n, a.farmerB.address, usd(950)],
    [2n, a.farmerC.address, usd(1_100)],
    [3n, a.inspectorB.address, usd(700)], // an inspector on the seed-grant roster
  ];
  const tree = StandardMerkleTree.of(roster, ["uint256", "address", "uint256"]);
  const now = await latest();
  const agency = subsidies.connect(a.benefits);
  await done(
    agency.createRosterProgram(
      LINES.FARMS,
      tree.root,
      usd(3_950),
      now,
      now + 90n * DAY,
      text("seed grant 2027 roster"),
    ),
    "programme-1",
  );
  await done(
    agency.createOutcomeProgram(
      LINES.FARMS,
      usd(50_000),
      usd(12),
      usd(6_000),
      now,
      now + 180n * DAY,
      text("yield bonus"),
    ),
    "programme-2",
  );
  const meals: Array<[bigint, string, bigint]> = [
    [0n, a.parentA.address, usd(300)],
    [1n, a.parentB.address, usd(300)],
  ];
  const mealsTree = StandardMerkleTree.of(meals, ["uint256", "address", "uint256"]);
  await done(
    agency.createRosterProgram(LINES.SCHOOLS, mealsTree.root, usd(1_000), now, now + 720n * DAY, text("school meals")),
    "programme-3",
  );
  const proof = (i: number) => tree.getProof(i);
  await done(subsidies.connect(a.farmerA).claim(1n, 0n, a.farmerA.address, usd(1_200), proof(0)), "claim-1-0");
  await done(agency.blockClaim(1n, 2n, text("beneficiary deceased")), "block-1-2");
  await done(
    subsidies.connect(a.relayer).claimBatch(1n, [
      { index: 1n, beneficiary: a.farmerB.address, amount: usd(950), proof: proof(1) },
      { index: 3n, beneficiary: a.inspectorB.address, amount: usd(700), proof: proof(3) },
      { index: 0n, beneficiary: a.farmerA.address, amount: usd(1_200), proof: proof(0) }, // claimed: skipped
      { index: 2n, beneficiary: a.farmerC.address, amount: usd(1_100), proof: proof(2) }, // blocked: skipped
    ]),
    "claim-batch",
  );
  await done(agency.closeProgram(1n), "close-programme-1"); // before its window ends: only its manager may
  const verifier = subsidies.connect(a.agriculture);
  await done(verifier.recordOutcome(2n, a.farmerC.address, 430n, text("harvest: 430 t maize")), "outcome-1");
  await done(verifier.recordOutcome(2n, a.farmerC.address, 200n, text("harvest: 200 t beans")), "outcome-cap");
  await done(verifier.recordOutcome(2n, a.farmerA.address, 100n, text("harvest: 100 t rice")));
  await done(
    subsidies.connect(a.parentA).claim(3n, 0n, a.parentA.address, usd(300), mealsTree.getProof(0)),
    "claim-3-0",
  );

  // ------------------------------------------------------------------ reveals and awards
  await increaseTo(bidDeadline);
  for (const b of bids.filter((x) => x.reveal)) {
    const s = sealOf(b);
    await done(escrow.connect(a[b.bidder]).revealBid(b.tender, b.price, s.proposalHash, s.salt));
  }
  await increaseTo(revealDeadline);
  await done(escrow.connect(a.relayer).award(1n), "award-1");
  await done(escrow.connect(a.relayer).award(2n), "award-2");
  await done(escrow.connect(a.relayer).award(4n), "fail-4");

  // ------------------------------------------------------------------ milestones
  const inspect = (who: Actor) => escrow.connect(a[who]);
  const builderB = escrow.connect(a.builderB);
  await increase(30n * DAY);
  await done(builderB.submitMilestone(1n, 0n, text("piers: photos and survey")));
  await done(inspect("inspectorA").approveMilestone(1n, 0n));
  await done(inspect("inspectorC").approveMilestone(1n, 0n), "milestone-1-0");
  await done(escrow.connect(a.builderA).submitMilestone(2n, 0n, text("north lane resurfaced")));
  await done(inspect("inspectorB").approveMilestone(2n, 0n), "milestone-2-0");
  await done(office.terminate(2n, text("south lane works abandoned")), "terminate-2");
  await increase(30n * DAY);
  await done(builderB.submitMilestone(1n, 1n, text("deck: first evidence")));
  await done(inspect("inspectorB").rejectMilestone(1n, 1n, text("load test missing")));
  await done(builderB.submitMilestone(1n, 1n, text("deck: load test report")));
  await done(inspect("inspectorA").approveMilestone(1n, 1n));
  await done(inspect("inspectorC").approveMilestone(1n, 1n), "milestone-1-1");

  // ------------------------------------------------------------------ renewal with rechecks
  await done(registry.suspend(1n, text("complaint under review")));
  await done(registry.reinstate(1n));
  await done(token.mint(a.rosa.address, usd(150)));
  await done(token.connect(a.rosa).approve(addresses.PermitRegistry, usd(150)));
  await done(permits.connect(a.rosa).renew(1n), "renewal-apply");
  await done(fire.recordCheck(7n, 100n, true, text("fire re-inspection")));
  await done(health.recordCheck(7n, 101n, true, text("health re-inspection")), "renewal-approved");
  await done(registry.setPermitTypeActive(2n, false));

  // ------------------------------------------------------------------ the bridge is finished
  await increase(30n * DAY);
  await done(builderB.submitMilestone(1n, 2n, text("handover certificate")));
  await done(inspect("inspectorA").approveMilestone(1n, 2n));
  await done(inspect("inspectorC").approveMilestone(1n, 2n), "milestone-1-2");

  // ------------------------------------------------------------------ year end
  await done(books.closeLine(LINES.FARMS), "close-farms"); // the yield bonus is still committed
  await increaseTo(now + 180n * DAY);
  await done(subsidies.connect(a.relayer).closeProgram(2n), "close-programme-2"); // returns to a closed line
  await done(books.closeLine(LINES.ROADS), "close-roads");
  await done(books.closeLine(LINES.PARKS), "close-parks");
  // Next year's tender opens on Schools: still bidding when the books are audited.
  const later = await latest();
  await done(
    office.createTender(
      LINES.SCHOOLS,
      text("Library extension"),
      usd(250_000),
      usd(5_000),
      later + 30n * DAY,
      later + 40n * DAY,
      500,
      1,
      two,
    ),
    "tender-5",
  );
  await done(token.mint(a.builderC.address, usd(5_000)));
  await done(token.connect(a.builderC).approve(addresses.ProcurementEscrow, usd(5_000)));
  await done(
    escrow
      .connect(a.builderC)
      .submitBid(
        5n,
        computeSeal({ ...sealOf({ tender: 5n, bidder: "builderC", price: usd(240_000), bond: 0n, reveal: false }) }),
      ),
  );

  // Tokens sent to the escrow without a function: surplus, swept to the ledger by anyone; a
  // second transfer is still there when the books are audited.
  await done(token.transfer(addresses.ProcurementEscrow, usd(3)), "direct-to-escrow");
  await done(escrow.connect(a.relayer).sweepSurplus(), "sweep-escrow");
  await done(token.transfer(addresses.ProcurementEscrow, usd(1)), "direct-to-escrow-2");
  // The same for the subsidies module (one O(1) sweep, as in every module).
  await done(token.transfer(addresses.SubsidyDisbursement, usd(2)), "direct-to-subsidies");
  await done(subsidies.connect(a.relayer).sweepSurplus(), "sweep-subsidies");
  await done(token.transfer(addresses.SubsidyDisbursement, usd(1)), "direct-to-subsidies-2");

  const who = Object.fromEntries([
    ["treasury", treasury.address],
    ...ACTORS.map((name) => [name, a[name].address]),
  ]) as Record<Actor | "treasury", string>;
  return { suite, who, firstBlock, txs };
}
