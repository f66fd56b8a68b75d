/**
 * The whole suite deployed by the real Ignition module (deploy/modules/CivicLedger.ts, the
 * production wiring) with the officers of a small government and money on the way in every
 * module: a funded line, a tender awarded with two milestones, a roster programme and an
 * outcome programme. The tests of the role model (timelock, relayed calls, revocation) run on it.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { ROLES } from "../../scripts/lib/roles.js";
import { deploySuite, type Suite } from "../../scripts/lib/suite.js";

export const LINE = encodeBytes32String("roads-2027");
export const FUNDS = 10_000_000_000n; // 10,000 tokens of 6 decimals
export const MAX_PRICE = 1_000_000_000n;
export const PRICE = 800_000_000n;
export const BUDGET = 500_000_000n;
export const CLAIM = 100_000_000n;
export const FIRE = 100n;
export const DAY = 86_400n;

export interface World extends Suite {
  deployer: HardhatEthersSigner;
  finance: HardhatEthersSigner;
  procurer: HardhatEthersSigner;
  inspector: HardhatEthersSigner;
  licensing: HardhatEthersSigner;
  benefits: HardhatEthersSigner;
  verifier: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  fireAgency: HardhatEthersSigner;
  contractor: HardhatEthersSigner;
  citizen: HardhatEthersSigner;
  attacker: HardhatEthersSigner;
  /** An awarded tender's agreement, quorum 1, two milestones of 50 %, milestone 0 submitted. */
  agreementId: bigint;
  /** A tender still open for bids. */
  openTenderId: bigint;
  /** A roster programme of two entries and an outcome programme (rate 1 unit = 1 base unit). */
  rosterId: bigint;
  outcomeId: bigint;
  roster: { root: string; proof(i: number): string[]; entry(i: number): [bigint, string, bigint] };
  /** The delays transaction's events: when the AccessManager applies `adminDelay`. */
  delaysInForceAt: bigint;
}

/** Deploys the suite through Ignition with `adminDelay`, grants the officers (at once: the delays
 * are not in force yet) and puts money in every module. */
export async function deployWorld(connection: NetworkConnection, adminDelay: bigint): Promise<World> {
  const { ethers, networkHelpers } = connection;
  const suite = await deploySuite(connection, adminDelay);
  const [deployer, finance, procurer, inspector, licensing, benefits, verifier, guardian, fireAgency, contractor] =
    await ethers.getSigners();
  const [citizen, attacker] = (await ethers.getSigners()).slice(10);
  const { manager, token, ledger, escrow, subsidies, permits } = suite;
  const delaysInForceAt = await delaysInForce(suite);
  for (const [role, who] of [
    [ROLES.BUDGET_OFFICER, finance],
    [ROLES.PROCUREMENT_OFFICER, procurer],
    [ROLES.INSPECTOR, inspector],
    [ROLES.PERMIT_OFFICER, licensing],
    [ROLES.PROGRAM_MANAGER, benefits],
    [ROLES.OUTCOME_VERIFIER, verifier],
    [ROLES.GUARDIAN, guardian],
    [FIRE, fireAgency],
  ] as Array<[bigint, HardhatEthersSigner]>) {
    await manager.grantRole(role, who.address, 0);
  }
  await token.mint(deployer.address, FUNDS);
  await token.approve(await ledger.getAddress(), FUNDS);
  await ledger.deposit(FUNDS, encodeBytes32String("tax"));
  await ledger.connect(finance).createLine(LINE, 2027, FUNDS, "Roads 2027");

  // a tender awarded to `contractor` (two milestones, quorum 1), and one still open for bids
  const now = BigInt(await networkHelpers.time.latest());
  const milestones = [
    { shareBps: 5_000, duration: 30n * DAY, descriptionHash: keccak256(toUtf8Bytes("first half")) },
    { shareBps: 5_000, duration: 60n * DAY, descriptionHash: keccak256(toUtf8Bytes("second half")) },
  ];
  const spec = keccak256(toUtf8Bytes("bridge"));
  await escrow
    .connect(procurer)
    .createTender(LINE, spec, MAX_PRICE, 0n, now + 7n * DAY, now + 10n * DAY, 0, 1, milestones);
  const proposal = keccak256(toUtf8Bytes("proposal"));
  const salt = keccak256(toUtf8Bytes("salt"));
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const seal = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint256", "address", "uint256", "bytes32", "bytes32"],
      [chainId, await escrow.getAddress(), 1n, contractor.address, PRICE, proposal, salt],
    ),
  );
  await escrow.connect(contractor).submitBid(1n, seal);
  await networkHelpers.time.increaseTo(now + 7n * DAY);
  await escrow.connect(contractor).revealBid(1n, PRICE, proposal, salt);
  await networkHelpers.time.increaseTo(now + 10n * DAY);
  await escrow.award(1n);
  await escrow.connect(contractor).submitMilestone(1n, 0n, keccak256(toUtf8Bytes("photos")));
  const later = BigInt(await networkHelpers.time.latest());
  await escrow
    .connect(procurer)
    .createTender(LINE, spec, MAX_PRICE, 0n, later + 30n * DAY, later + 40n * DAY, 0, 1, milestones);

  // a roster programme and an outcome programme, open for a year
  const values: Array<[bigint, string, bigint]> = [
    [0n, citizen.address, CLAIM],
    [1n, attacker.address, CLAIM],
  ];
  const tree = StandardMerkleTree.of(values, ["uint256", "address", "uint256"]);
  await subsidies
    .connect(benefits)
    .createRosterProgram(LINE, tree.root, 2n * CLAIM, later, later + 365n * DAY, encodeBytes32String("roster"));
  await subsidies
    .connect(benefits)
    .createOutcomeProgram(LINE, BUDGET, 1n, 0n, later, later + 365n * DAY, encodeBytes32String("yields"));
  void permits;
  return {
    ...suite,
    deployer,
    finance,
    procurer,
    inspector,
    licensing,
    benefits,
    verifier,
    guardian,
    fireAgency,
    contractor,
    citizen,
    attacker,
    agreementId: 1n,
    openTenderId: 2n,
    rosterId: 1n,
    outcomeId: 2n,
    roster: {
      root: tree.root,
      proof: (i) => tree.getProof(i),
      entry: (i) => values[i],
    },
    delaysInForceAt,
  };
}

/**
 * When the deployment's delays are in force: the `since` of the delays transaction's
 * `RoleGrantDelayChanged` and `TargetAdminDelayUpdated` events (the AccessManager applies a raised
 * delay only after its minSetback). All of them carry the same time.
 */
export async function delaysInForce(suite: Suite): Promise<bigint> {
  const { manager } = suite;
  const roles = await manager.queryFilter(manager.filters.RoleGrantDelayChanged());
  const targets = await manager.queryFilter(manager.filters.TargetAdminDelayUpdated());
  const times = new Set([...roles, ...targets].map((e) => e.args.since));
  if (times.size !== 1) throw new Error(`the delays take effect at ${times.size} different times`);
  return [...times][0];
}

/** Moves the clock past the time the deployment's delays are in force. */
export async function waitForDelays(world: World, networkHelpers: NetworkHelpers): Promise<void> {
  const now = BigInt(await networkHelpers.time.latest());
  if (now < world.delaysInForceAt) await networkHelpers.time.increaseTo(world.delaysInForceAt);
}
