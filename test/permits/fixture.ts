/**
 * PermitRegistry fixtures: the ledger suite (test/helpers/suite.ts) plus a registry wired from
 * scripts/lib/wiring.ts, a permit officer, and agencies holding check roles FIRE and ZONING.
 * `deployPermitSuiteOn` builds the same suite on another fee token (the token matrix).
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toBeHex, toUtf8Bytes } from "ethers";

import { ROLES } from "../../scripts/lib/roles.js";
import type {
  AccessManager,
  BudgetLedger,
  PermitRegistry,
  TestStablecoin,
} from "../../types/ethers-contracts/index.js";
import { deployLedgerSuite, wire, type LedgerSuite } from "../helpers/suite.js";

export const FIRE = 100n;
export const ZONING = 101n;
export const HEALTH = 102n;
export const FEE = 250_000_000n; // 250 tokens of 6 decimals
export const YEAR = 365n * 86_400n; // seconds

/** Application status values (SPEC). */
export const AppStatus = { None: 0n, Pending: 1n, Approved: 2n, Rejected: 3n, Withdrawn: 4n } as const;
/** Derived permit status values (IPermitRegistry.PermitStatus). */
export const PermitStatus = { None: 0n, Active: 1n, Suspended: 2n, Revoked: 3n, Expired: 4n } as const;
/** Bitmaps (bytes32) of allowed permit statuses carried by Permit_InvalidPermitStatus. */
export const ALLOWED = {
  activeOrExpired: toBeHex((1n << 1n) | (1n << 4n), 32),
  suspended: toBeHex(1n << 2n, 32),
  notRevoked: toBeHex((1n << 1n) | (1n << 2n) | (1n << 4n), 32),
} as const;
/** The bitmap of Permit_UnexpectedApplicationStatus: every call on an application needs Pending. */
export const PENDING = toBeHex(1n << 1n, 32);

export interface PermitActors {
  permitOfficer: HardhatEthersSigner;
  fireInspector: HardhatEthersSigner;
  zoningInspector: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

export interface PermitSuite extends LedgerSuite, PermitActors {
  registry: PermitRegistry;
}

/** A document hash from a short text. */
export function doc(text: string): string {
  return keccak256(toUtf8Bytes(text));
}

/** Deploys the two linked libraries and the registry. */
export async function deployRegistry(
  ethers: HardhatEthers,
  manager: AccessManager,
  ledger: BudgetLedger,
): Promise<PermitRegistry> {
  const types = await ethers.deployContract("PermitTypes");
  const metadata = await ethers.deployContract("PermitMetadata");
  return (await ethers.deployContract("PermitRegistry", [await manager.getAddress(), await ledger.getAddress()], {
    libraries: { PermitTypes: await types.getAddress(), PermitMetadata: await metadata.getAddress() },
  })) as unknown as PermitRegistry;
}

/** Wires the registry, grants PERMIT_OFFICER and the check roles (signer 0 is the admin). */
async function addRegistry(ethers: HardhatEthers, base: LedgerSuite): Promise<PermitSuite> {
  const [permitOfficer, fireInspector, zoningInspector, alice, bob, stranger] = base.others;
  const registry = await deployRegistry(ethers, base.manager, base.ledger);
  await wire(base.manager, registry, "PermitRegistry");
  await base.manager.grantRole(ROLES.PERMIT_OFFICER, permitOfficer.address, 0);
  await base.manager.grantRole(FIRE, fireInspector.address, 0);
  await base.manager.grantRole(ZONING, zoningInspector.address, 0);
  return { ...base, registry, permitOfficer, fireInspector, zoningInspector, alice, bob, stranger };
}

/** The default suite on the 6-decimal ERC-2612 TestStablecoin. */
export async function deployPermitSuite(ethers: HardhatEthers): Promise<PermitSuite> {
  return addRegistry(ethers, await deployLedgerSuite(ethers));
}

/** Fee tokens of the token matrix (contracts/test and contracts/token). */
export type FeeTokenName = "UsdtStyleToken" | "FeeOnTransferToken" | "ReentrantToken" | "BlocklistToken";

/**
 * The suite on another fee token. `token` is typed as the TestStablecoin for the calls all test
 * tokens share (mint, approve, balanceOf); cast it for token-specific calls.
 */
export async function deployPermitSuiteOn(ethers: HardhatEthers, tokenName: FeeTokenName): Promise<PermitSuite> {
  const [admin, officer, guardian, ...others] = await ethers.getSigners();
  const manager = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
  const token = (await ethers.deployContract(tokenName)) as unknown as TestStablecoin;
  const ledger = (await ethers.deployContract("BudgetLedger", [
    await manager.getAddress(),
    await token.getAddress(),
  ])) as unknown as BudgetLedger;
  await wire(manager, ledger, "BudgetLedger");
  await manager.grantRole(ROLES.BUDGET_OFFICER, officer.address, 0);
  await manager.grantRole(ROLES.GUARDIAN, guardian.address, 0);
  return addRegistry(ethers, { admin, officer, guardian, others, manager, token, ledger });
}

/** Defines a type as the permit officer and returns its id. */
export async function defineType(
  suite: PermitSuite,
  options: { name?: string; fee?: bigint; validity?: bigint; checks?: bigint[]; recheck?: boolean } = {},
): Promise<bigint> {
  const { name = "Building permit", fee = FEE, validity = YEAR, checks = [FIRE, ZONING], recheck = false } = options;
  const registry = suite.registry.connect(suite.permitOfficer);
  const typeId = await registry.definePermitType.staticCall(name, fee, validity, checks, recheck);
  await registry.definePermitType(name, fee, validity, checks, recheck);
  return typeId;
}

/** Mints `amount` to `who` and approves the registry for it. */
export async function fund(suite: PermitSuite, who: HardhatEthersSigner, amount: bigint = FEE): Promise<void> {
  await suite.token.mint(who.address, amount);
  await suite.token.connect(who).approve(await suite.registry.getAddress(), amount);
}

/** Funds `who` and submits an application; returns its id. */
export async function apply(
  suite: PermitSuite,
  who: HardhatEthersSigner,
  typeId: bigint,
  documentHash: string,
): Promise<bigint> {
  const fee = (await suite.registry.getPermitType(typeId)).fee;
  if (fee > 0n) await fund(suite, who, fee);
  const registry = suite.registry.connect(who);
  const applicationId = await registry.submitApplication.staticCall(typeId, documentHash);
  await registry.submitApplication(typeId, documentHash);
  return applicationId;
}

/** FIRE and ZONING pass the application. */
export async function passAll(suite: PermitSuite, applicationId: bigint): Promise<void> {
  await suite.registry.connect(suite.fireInspector).recordCheck(applicationId, FIRE, true, doc("fire ok"));
  await suite.registry.connect(suite.zoningInspector).recordCheck(applicationId, ZONING, true, doc("zoning ok"));
}

/** A type with FIRE and ZONING, an application by alice and both checks: permit 1 issued. */
export async function issueOne(
  suite: PermitSuite,
  options: Parameters<typeof defineType>[1] = {},
): Promise<{ typeId: bigint; applicationId: bigint; permitId: bigint; documentHash: string }> {
  const typeId = await defineType(suite, options);
  const documentHash = doc(`deed ${typeId}`);
  const applicationId = await apply(suite, suite.alice, typeId, documentHash);
  await passAll(suite, applicationId);
  const permitId = await suite.registry.permitOfDocument(suite.alice.address, documentHash);
  return { typeId, applicationId, permitId, documentHash };
}
