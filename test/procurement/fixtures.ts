/**
 * Fixtures of the ProcurementEscrow tests: the ledger suite (test/helpers/suite.ts) plus an
 * escrow wired from scripts/lib/wiring.ts, holding LEDGER_CLIENT, with a funded budget line,
 * a procurement officer, three inspectors and four bidders. Helpers compute seals locally (as a
 * bidder should) and drive a tender to the stage a test needs.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { AbiCoder, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";

import { ROLES } from "../../scripts/lib/roles.js";
import type {
  AccessManager,
  BudgetLedger,
  IProcurementEscrow,
  MockToken,
  ProcurementEscrow,
} from "../../types/ethers-contracts/index.js";
import { deployLedgerSuite, wire } from "../helpers/suite.js";

export const LINE = encodeBytes32String("roads-2027");
export const LINE_FUNDS = 10_000_000_000n; // 10,000 tokens of 6 decimals
export const MAX_PRICE = 1_000_000_000n;
export const BOND = 5_000_000n;
export const SPEC_HASH = keccak256(toUtf8Bytes("tender spec: bridge repair"));
export const REASON = keccak256(toUtf8Bytes("reason"));
export const EVIDENCE = keccak256(toUtf8Bytes("evidence"));
export const BID_WINDOW = 7n * 86_400n;
export const REVEAL_WINDOW = 3n * 86_400n;

export const TenderStatus = { None: 0, Bidding: 1, Revealing: 2, Awardable: 3, Awarded: 4, Failed: 5, Cancelled: 6 };
export const AgreementStatus = { None: 0, Active: 1, Completed: 2, Terminated: 3 };
export const MilestoneStatus = { None: 0, Pending: 1, Submitted: 2, Rejected: 3, Paid: 4, Cancelled: 5 };

/** The `allowed` bitmap of the status errors: bit `1 << status` for each status. */
export function allowed(...statuses: number[]): string {
  const bits = statuses.reduce((acc, s) => acc | (1n << BigInt(s)), 0n);
  return "0x" + bits.toString(16).padStart(64, "0");
}

/** A ledger reference of the escrow: kind << 128 | id << 64 | index. */
export function ref(kind: 1 | 2 | 3 | 4, id: bigint, index = 0n): string {
  return "0x" + ((BigInt(kind) << 128n) | (id << 64n) | index).toString(16).padStart(64, "0");
}

export type MilestoneSpec = IProcurementEscrow.MilestoneSpecStruct;

export const THREE_MILESTONES: MilestoneSpec[] = [
  { shareBps: 3_000, duration: 30n * 86_400n, descriptionHash: keccak256(toUtf8Bytes("foundations")) },
  { shareBps: 3_000, duration: 60n * 86_400n, descriptionHash: keccak256(toUtf8Bytes("deck")) },
  { shareBps: 4_000, duration: 90n * 86_400n, descriptionHash: keccak256(toUtf8Bytes("finishing")) },
];

export interface TenderTerms {
  lineId: string;
  specHash: string;
  maxPrice: bigint;
  bidBond: bigint;
  bidDeadline: bigint;
  revealDeadline: bigint;
  retentionBps: number;
  quorum: number;
  milestones: MilestoneSpec[];
}

export interface ProcurementSuite {
  ethers: HardhatEthers;
  admin: HardhatEthersSigner;
  budgetOfficer: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  procurer: HardhatEthersSigner;
  inspectors: HardhatEthersSigner[];
  bidders: HardhatEthersSigner[];
  stranger: HardhatEthersSigner;
  recipient: HardhatEthersSigner;
  manager: AccessManager;
  ledger: BudgetLedger;
  /** The settlement token (every test token shares MockToken's mint/approve/balanceOf). */
  token: MockToken;
  escrow: ProcurementEscrow;
  chainId: bigint;
}

/**
 * Test tokens of the token matrix (contracts/test/, and test/procurement/FeeSwitchToken.sol whose
 * fee starts off), or undefined for the TestStablecoin.
 */
export type TokenKind =
  "UsdtStyleToken" | "FeeOnTransferToken" | "FeeSwitchToken" | "BlocklistToken" | "ReentrantToken" | "MockToken18";

async function deployToken(ethers: HardhatEthers, kind: TokenKind): Promise<MockToken> {
  if (kind === "MockToken18") {
    return (await ethers.deployContract("MockToken", ["Mock", "MCK", 18])) as unknown as MockToken;
  }
  return (await ethers.deployContract(kind)) as unknown as MockToken;
}

/**
 * The suite on the TestStablecoin (through deployLedgerSuite) or on a test token. With a
 * fee-on-transfer token the line cannot be funded (the ledger refuses the deposit), so the
 * escrow is deployed without one.
 */
export async function deployProcurementSuite(ethers: HardhatEthers, kind?: TokenKind): Promise<ProcurementSuite> {
  let admin: HardhatEthersSigner;
  let budgetOfficer: HardhatEthersSigner;
  let guardian: HardhatEthersSigner;
  let others: HardhatEthersSigner[];
  let manager: AccessManager;
  let ledger: BudgetLedger;
  let token: MockToken;
  if (kind === undefined) {
    const suite = await deployLedgerSuite(ethers);
    ({ admin, guardian, others, manager, ledger } = suite);
    budgetOfficer = suite.officer;
    token = suite.token as unknown as MockToken;
  } else {
    [admin, budgetOfficer, guardian, ...others] = await ethers.getSigners();
    manager = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
    token = await deployToken(ethers, kind);
    ledger = (await ethers.deployContract("BudgetLedger", [
      await manager.getAddress(),
      await token.getAddress(),
    ])) as unknown as BudgetLedger;
    await wire(manager, ledger, "BudgetLedger");
    await manager.grantRole(ROLES.BUDGET_OFFICER, budgetOfficer.address, 0);
    await manager.grantRole(ROLES.GUARDIAN, guardian.address, 0);
  }
  const actions = await ethers.deployContract("ProcurementActions");
  const escrow = (await ethers.deployContract(
    "ProcurementEscrow",
    [await manager.getAddress(), await ledger.getAddress()],
    { libraries: { ProcurementActions: await actions.getAddress() } },
  )) as unknown as ProcurementEscrow;
  await wire(manager, escrow, "ProcurementEscrow");
  await manager.grantRole(ROLES.LEDGER_CLIENT, await escrow.getAddress(), 0);
  const [procurer, i1, i2, i3, b1, b2, b3, b4, stranger, recipient] = others;
  await manager.grantRole(ROLES.PROCUREMENT_OFFICER, procurer.address, 0);
  for (const inspector of [i1, i2, i3]) await manager.grantRole(ROLES.INSPECTOR, inspector.address, 0);

  if (kind !== "FeeOnTransferToken") {
    await token.mint(admin.address, LINE_FUNDS);
    await token.connect(admin).approve(await ledger.getAddress(), LINE_FUNDS);
    await ledger.connect(admin).deposit(LINE_FUNDS, LINE);
    await ledger.connect(budgetOfficer).createLine(LINE, 2027, LINE_FUNDS, "Roads 2027");
  }
  const chainId = (await ethers.provider.getNetwork()).chainId;
  return {
    ethers,
    admin,
    budgetOfficer,
    guardian,
    procurer,
    inspectors: [i1, i2, i3],
    bidders: [b1, b2, b3, b4],
    stranger,
    recipient,
    manager,
    ledger,
    token,
    escrow,
    chainId,
  };
}

/** The seal a bidder computes locally: keccak256(abi.encode(chainid, escrow, tenderId, bidder, price, proposal, salt)). */
export function sealOf(
  chainId: bigint,
  escrow: string,
  tenderId: bigint,
  bidder: string,
  price: bigint,
  proposalHash: string,
  salt: string,
): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint256", "address", "uint256", "bytes32", "bytes32"],
      [chainId, escrow, tenderId, bidder, price, proposalHash, salt],
    ),
  );
}

export function proposalOf(bidder: HardhatEthersSigner): string {
  return keccak256(toUtf8Bytes(`proposal of ${bidder.address}`));
}

export function saltOf(bidder: HardhatEthersSigner, price: bigint): string {
  return keccak256(toUtf8Bytes(`salt ${bidder.address} ${price}`));
}

/** Default terms, deadlines counted from `now`. */
export function termsAt(now: bigint, overrides: Partial<TenderTerms> = {}): TenderTerms {
  return {
    lineId: LINE,
    specHash: SPEC_HASH,
    maxPrice: MAX_PRICE,
    bidBond: BOND,
    bidDeadline: now + BID_WINDOW,
    revealDeadline: now + BID_WINDOW + REVEAL_WINDOW,
    retentionBps: 500,
    quorum: 2,
    milestones: THREE_MILESTONES,
    ...overrides,
  };
}

export function createTenderTx(s: ProcurementSuite, t: TenderTerms, from = s.procurer) {
  return s.escrow
    .connect(from)
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
}

/** Creates a tender with default terms (plus overrides) and returns its id and terms. */
export async function openTender(
  s: ProcurementSuite,
  helpers: NetworkHelpers,
  overrides: Partial<TenderTerms> = {},
): Promise<{ tenderId: bigint; terms: TenderTerms }> {
  const now = BigInt(await helpers.time.latest());
  const terms = termsAt(now, overrides);
  await createTenderTx(s, terms);
  return { tenderId: await s.escrow.tenderCount(), terms };
}

/** Mints and approves the bond for `bidder`. */
export async function fundBond(s: ProcurementSuite, bidder: HardhatEthersSigner, amount: bigint): Promise<void> {
  await s.token.mint(bidder.address, amount);
  await s.token.connect(bidder).approve(await s.escrow.getAddress(), amount);
}

/** The sealed bid of `bidder` at `price` with its default proposal and salt. */
export async function sealFor(
  s: ProcurementSuite,
  tenderId: bigint,
  bidder: HardhatEthersSigner,
  price: bigint,
): Promise<string> {
  return sealOf(
    s.chainId,
    await s.escrow.getAddress(),
    tenderId,
    bidder.address,
    price,
    proposalOf(bidder),
    saltOf(bidder, price),
  );
}

/** Funds the bond and submits `bidder`'s sealed bid at `price`. */
export async function placeBid(
  s: ProcurementSuite,
  tenderId: bigint,
  bidder: HardhatEthersSigner,
  price: bigint,
  bond = BOND,
): Promise<void> {
  await fundBond(s, bidder, bond);
  await s.escrow.connect(bidder).submitBid(tenderId, await sealFor(s, tenderId, bidder, price));
}

export function revealTx(s: ProcurementSuite, tenderId: bigint, bidder: HardhatEthersSigner, price: bigint) {
  return s.escrow.connect(bidder).revealBid(tenderId, price, proposalOf(bidder), saltOf(bidder, price));
}

/**
 * Tender -> bids -> reveals -> award. `prices[i]` is bidder i's price. Returns the ids; the
 * chain's clock ends at the reveal deadline.
 */
export async function awardedAgreement(
  s: ProcurementSuite,
  helpers: NetworkHelpers,
  prices: bigint[] = [800_000_000n],
  overrides: Partial<TenderTerms> = {},
): Promise<{ tenderId: bigint; agreementId: bigint; terms: TenderTerms; contractor: HardhatEthersSigner }> {
  const { tenderId, terms } = await openTender(s, helpers, overrides);
  for (let i = 0; i < prices.length; i++) await placeBid(s, tenderId, s.bidders[i], prices[i], terms.bidBond);
  await helpers.time.increaseTo(terms.bidDeadline);
  for (let i = 0; i < prices.length; i++) await revealTx(s, tenderId, s.bidders[i], prices[i]);
  await helpers.time.increaseTo(terms.revealDeadline);
  await s.escrow.award(tenderId);
  const agreementId = await s.escrow.agreementCount();
  const contractorAddress = (await s.escrow.getAgreement(agreementId)).contractor;
  const contractor = s.bidders.find((b) => b.address === contractorAddress);
  if (contractor === undefined) throw new Error("no contractor");
  return { tenderId, agreementId, terms, contractor };
}

/** Milestone amounts as the escrow fixes them: price * share / 10,000, the last takes the rest. */
export function amountsOf(price: bigint, milestones: MilestoneSpec[]): bigint[] {
  const amounts = milestones.map((m) => (price * BigInt(m.shareBps)) / 10_000n);
  amounts[amounts.length - 1] = price - amounts.slice(0, -1).reduce((a, b) => a + b, 0n);
  return amounts;
}

/** Net of retention: amount * (10,000 - retentionBps) / 10,000, rounded down. */
export function netOf(amount: bigint, retentionBps: number): bigint {
  return (amount * (10_000n - BigInt(retentionBps))) / 10_000n;
}
