/**
 * The suite (the project's Ignition module) with gas sponsorship (`CivicEntryPoint`,
 * `CivicSponsorship`) on an in-process chain, and helpers that build, sponsor and sign
 * EntryPoint v0.8 user operations the way a wallet and the paymaster service do.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Wallet, keccak256, parseEther, toUtf8Bytes, type Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { ROLES } from "../../scripts/lib/roles.js";
import { deploySponsorship, type Sponsorship } from "../../scripts/lib/sponsorship-deploy.js";
import {
  DAY,
  EIP7702_MARKER,
  executeCalls,
  packUserOperation,
  signPaymasterData,
  type Call,
  type UserOperation,
} from "../../scripts/lib/sponsorship.js";
import { deploySuite, type Suite } from "../../scripts/lib/suite.js";

export interface SponsorFixture {
  connection: NetworkConnection;
  suite: Suite;
  sp: Sponsorship;
  chainId: bigint;
  admin: HardhatEthersSigner;
  manager: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  licensing: HardhatEthersSigner;
  bundler: HardhatEthersSigner;
  /** The paymaster service's key. */
  service: Wallet;
  /** A fee-less permit type with no checks (issued at once): id 1. */
  freeType: bigint;
  /** Wallets derived from a name, holding no ETH. */
  wallet(name: string): Wallet;
  now(): Promise<bigint>;
}

/** Deterministic key of `name`, connected to the chain. */
function walletOf(connection: NetworkConnection, name: string): Wallet {
  return new Wallet(keccak256(toUtf8Bytes(`civic-ledger sponsorship test: ${name}`)), connection.ethers.provider);
}

/**
 * Deploys the suite and sponsorship; SPONSOR_MANAGER, GUARDIAN and PERMIT_OFFICER granted;
 * the paymaster funded with 10 ETH; a fee-less permit type defined. The clock stands at noon
 * UTC, so that a day's window has room on both sides.
 */
export async function deploySponsorFixture(
  connection: NetworkConnection,
  limits: { maxOpsPerDay?: bigint; dailyBudget?: bigint } = {},
): Promise<SponsorFixture> {
  const { ethers, networkHelpers } = connection;
  const [admin, manager, guardian, licensing, bundler] = await ethers.getSigners();
  const suite = await deploySuite(connection);
  const service = walletOf(connection, "paymaster service");
  const sp = await deploySponsorship(connection, suite, { signer: service.address, ...limits });
  await (await suite.manager.grantRole(ROLES.SPONSOR_MANAGER, manager.address, 0)).wait();
  await (await suite.manager.grantRole(ROLES.GUARDIAN, guardian.address, 0)).wait();
  await (await suite.manager.grantRole(ROLES.PERMIT_OFFICER, licensing.address, 0)).wait();
  await (await sp.paymaster.fund({ value: parseEther("10") })).wait();
  await (await suite.permits.connect(licensing).definePermitType("Street stall", 0n, 365n * DAY, [], false)).wait();
  const latest = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increaseTo((latest / DAY + 1n) * DAY + DAY / 2n);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  return {
    connection,
    suite,
    sp,
    chainId,
    admin,
    manager,
    guardian,
    licensing,
    bundler,
    service,
    freeType: 1n,
    wallet: (name) => walletOf(connection, name),
    now: async () => BigInt(await networkHelpers.time.latest()),
  };
}

/** Delegates `citizen` (an EOA with no ETH) to the 7702 account: `relayer` sends its signed authorization. */
export async function delegate7702(f: SponsorFixture, citizen: Wallet, relayer: Signer = f.bundler): Promise<void> {
  const auth = await citizen.authorize({
    address: f.sp.addresses.CitizenAccount7702,
    nonce: await citizen.getNonce(),
    chainId: f.chainId,
  });
  await (await relayer.sendTransaction({ type: 4, to: citizen.address, authorizationList: [auth] })).wait();
}

export interface OpParams {
  sender: string;
  calls: Call[];
  factory?: string;
  factoryData?: string;
  /** Overrides of the raw account call data (for refusals). */
  callData?: string;
}

/** Gas limits generous enough for an account's creation and a permit application. */
export const GAS = {
  verificationGasLimit: 400_000n,
  callGasLimit: 400_000n,
  preVerificationGas: 60_000n,
  paymasterVerificationGasLimit: 120_000n,
  paymasterPostOpGasLimit: 40_000n,
} as const;

/** An unsigned user operation paid by the paymaster, with the chain's current fees. */
export async function newOp(f: SponsorFixture, p: OpParams): Promise<UserOperation> {
  const block = await f.connection.ethers.provider.getBlock("latest");
  const priority = 1_000_000_000n;
  return {
    sender: p.sender,
    nonce: await f.sp.entryPoint.getNonce(p.sender, 0n),
    factory: p.factory ?? null,
    factoryData: p.factoryData ?? null,
    callData: p.callData ?? executeCalls(p.calls),
    callGasLimit: GAS.callGasLimit,
    verificationGasLimit: GAS.verificationGasLimit,
    preVerificationGas: GAS.preVerificationGas,
    maxFeePerGas: (block?.baseFeePerGas ?? 0n) * 2n + priority,
    maxPriorityFeePerGas: priority,
    paymaster: f.sp.addresses.CivicPaymaster,
    paymasterVerificationGasLimit: GAS.paymasterVerificationGasLimit,
    paymasterPostOpGasLimit: GAS.paymasterPostOpGasLimit,
    paymasterData: "0x",
    signature: "0x",
  };
}

/** The paymaster service's signature over `op` for [validAfter, validUntil] (default: the rest of today). */
export async function sponsorOp(
  f: SponsorFixture,
  op: UserOperation,
  window: { validAfter?: bigint; validUntil?: bigint; signer?: Signer } = {},
): Promise<UserOperation> {
  const now = await f.now();
  const validAfter = window.validAfter ?? (now / DAY) * DAY;
  const validUntil = window.validUntil ?? (now / DAY + 1n) * DAY - 1n;
  op.paymasterData = await signPaymasterData(
    window.signer ?? f.service,
    op,
    f.chainId,
    f.sp.addresses.CivicPaymaster,
    validAfter,
    validUntil,
  );
  return op;
}

/** The owner's signature of the EntryPoint v0.8 user operation hash. */
export async function signOp(f: SponsorFixture, op: UserOperation, owner: Wallet): Promise<UserOperation> {
  const hash = await f.sp.entryPoint.getUserOpHash(packUserOperation(op));
  op.signature = owner.signingKey.sign(hash).serialized;
  return op;
}

/** newOp + sponsorOp + signOp. */
export async function readyOp(f: SponsorFixture, p: OpParams, owner: Wallet): Promise<UserOperation> {
  return signOp(f, await sponsorOp(f, await newOp(f, p)), owner);
}

/** The bundler's `handleOps` of `ops`, the bundler collecting the fees. */
export function handleOps(f: SponsorFixture, ...ops: UserOperation[]) {
  return f.sp.entryPoint.connect(f.bundler).handleOps(ops.map(packUserOperation), f.bundler.address);
}

export { EIP7702_MARKER };
