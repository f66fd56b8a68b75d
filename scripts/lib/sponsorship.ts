/**
 * Gas sponsorship on the chain side, shared by the Ignition modules, the tasks, the paymaster
 * service (sponsor/), the tests and the benchmark: the EntryPoint v0.8 constants, the default
 * policy, the paymaster's function-to-role table, and ERC-4337 v0.8 user operations (RPC form,
 * packing, maximum cost, ERC-7821 batch call data, the paymaster data the service signs).
 */
import { createRequire } from "node:module";

import {
  AbiCoder,
  Interface,
  TypedDataEncoder,
  concat,
  getBytes,
  id,
  toBeHex,
  zeroPadValue,
  type BytesLike,
  type Signer,
} from "ethers";

import type { ROLES } from "./roles.js";

// ------------------------------------------------------------------ EntryPoint v0.8

/** The canonical EntryPoint v0.8 (eth-infinitism 0.8.0), on every chain that has it. */
export const ENTRYPOINT_V08 = "0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108";
/** The deterministic CREATE2 deployer (Arachnid's), present on anvil and most chains. */
export const CREATE2_DEPLOYER = "0x4e59b44847b379578588920cA78FbF26c0B4956C";
/** Its runtime code, installed with `*_setCode` on a development chain that lacks it. */
export const CREATE2_DEPLOYER_CODE =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";
/** The salt of the canonical deployment: with the published bytecode it gives ENTRYPOINT_V08. */
export const ENTRYPOINT_V08_SALT = "0x0a59dbff790c23c976a548690c27297883cc66b4c67024f9117b0238995e35e9";
/** `initCode` of an EIP-7702 delegated EOA (EntryPoint v0.8), as a 20-byte "factory". */
export const EIP7702_MARKER = "0x7702000000000000000000000000000000000000";

const require = createRequire(import.meta.url);

/** The published Hardhat artifact of EntryPoint 0.8.0 (solc 0.8.28, via-IR: the canonical bytecode). */
export function entryPointArtifact(): {
  _format: string;
  contractName: string;
  sourceName: string;
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
  linkReferences: Record<string, unknown>;
  deployedLinkReferences: Record<string, unknown>;
} {
  return require("@account-abstraction/contracts/artifacts/EntryPoint.json");
}

/** The call to the CREATE2 deployer that creates the canonical EntryPoint v0.8. */
export function entryPointCreationCall(): string {
  return concat([ENTRYPOINT_V08_SALT, entryPointArtifact().bytecode]);
}

/**
 * Installs the CREATE2 deployer on a development chain that lacks it (the in-process Hardhat
 * chain; anvil has it), so that the EntryPoint lands at its canonical address there too.
 */
export async function ensureCreate2Deployer(provider: {
  getCode(address: string): Promise<string>;
  send(method: string, params: unknown[]): Promise<unknown>;
}): Promise<void> {
  if ((await provider.getCode(CREATE2_DEPLOYER)) !== "0x") return;
  try {
    await provider.send("hardhat_setCode", [CREATE2_DEPLOYER, CREATE2_DEPLOYER_CODE]);
  } catch {
    await provider.send("anvil_setCode", [CREATE2_DEPLOYER, CREATE2_DEPLOYER_CODE]);
  }
}

// ------------------------------------------------------------------ the policy

/** The citizen-facing functions sponsored by default (issue #17). */
export const DEFAULT_SPONSORED_CALLS = {
  PermitRegistry: [
    "submitApplication(uint256,bytes32)",
    "submitApplicationWithPermit(uint256,bytes32,uint256,uint8,bytes32,bytes32)",
    "withdrawApplication(uint256)",
    "renew(uint256)",
  ],
  SubsidyDisbursement: [
    "claim(uint256,uint256,address,uint256,bytes32[])",
    "claimBatch(uint256,(uint256,address,uint256,bytes32[])[])",
  ],
} as const;
export type SponsoredContract = keyof typeof DEFAULT_SPONSORED_CALLS;

/** Default limits of the Ignition module: 10 operations per sender per day, 1 ETH a day. */
export const DEFAULT_MAX_OPS_PER_DAY = 10n;
export const DEFAULT_DAILY_BUDGET = 10n ** 18n;

/** Which role may call which function of CivicPaymaster (the Ignition module maps them). */
export const PAYMASTER_FUNCTION_ROLES: Partial<Record<keyof typeof ROLES, readonly string[]>> = {
  SPONSOR_MANAGER: [
    "setSponsoredCalls(address,bytes4[],bool)",
    "setSponsoredFactory(address,bool)",
    "setLimits((uint32,uint128))",
    "setSigner(address)",
    "withdrawDeposit(uint256)",
    "addStake(uint32)",
    "unlockStake()",
    "withdrawStake()",
  ],
  GUARDIAN: ["pause()", "unpause()"],
};

/** The 4-byte selector of a function signature. */
export function selectorOf(signature: string): string {
  return id(signature).slice(0, 10);
}

/** Seconds per day: the paymaster's quota and budget count per UTC day (`timestamp / 86400`). */
export const DAY = 86_400n;
export const dayOf = (timestamp: bigint | number): bigint => BigInt(timestamp) / DAY;

// ------------------------------------------------------------------ user operations (v0.8)

/** A user operation in the JSON-RPC form of ERC-4337 v0.7/v0.8 (bundlers, ERC-7677), as bigints. */
export interface UserOperation {
  sender: string;
  nonce: bigint;
  /** A factory address, or "0x7702" / EIP7702_MARKER for an EIP-7702 delegated EOA. */
  factory?: string | null;
  factoryData?: string | null;
  callData: string;
  callGasLimit: bigint;
  verificationGasLimit: bigint;
  preVerificationGas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  paymaster?: string | null;
  paymasterVerificationGasLimit?: bigint | null;
  paymasterPostOpGasLimit?: bigint | null;
  paymasterData?: string | null;
  signature: string;
}

/** The on-chain struct (`PackedUserOperation`). */
export interface PackedUserOperation {
  sender: string;
  nonce: bigint;
  initCode: string;
  callData: string;
  accountGasLimits: string;
  preVerificationGas: bigint;
  gasFees: string;
  paymasterAndData: string;
  signature: string;
}

const u128 = (value: bigint) => zeroPadValue(toBeHex(value), 16);

/** The `initCode` of an operation: factory + factoryData (as bundlers pack it: "0x7702" stays 2 bytes). */
export function initCodeOf(op: Pick<UserOperation, "factory" | "factoryData">): string {
  if (op.factory === undefined || op.factory === null || op.factory === "0x") return "0x";
  return concat([op.factory, op.factoryData ?? "0x"]);
}

/** Whether an `initCode` is an EIP-7702 one: its first 20 bytes, zero-padded, are the marker. */
export function isEip7702InitCode(initCode: string): boolean {
  const head = initCode.slice(2, 42).padEnd(40, "0").toLowerCase();
  return initCode.length >= 6 && `0x${head}` === EIP7702_MARKER;
}

/** `paymasterAndData`: paymaster, its two gas limits (16 bytes each), its data. */
export function paymasterAndDataOf(op: UserOperation): string {
  if (op.paymaster === undefined || op.paymaster === null || op.paymaster === "0x") return "0x";
  return concat([
    op.paymaster,
    u128(op.paymasterVerificationGasLimit ?? 0n),
    u128(op.paymasterPostOpGasLimit ?? 0n),
    op.paymasterData ?? "0x",
  ]);
}

export function packUserOperation(op: UserOperation): PackedUserOperation {
  return {
    sender: op.sender,
    nonce: op.nonce,
    initCode: initCodeOf(op),
    callData: op.callData,
    accountGasLimits: concat([u128(op.verificationGasLimit), u128(op.callGasLimit)]),
    preVerificationGas: op.preVerificationGas,
    gasFees: concat([u128(op.maxPriorityFeePerGas), u128(op.maxFeePerGas)]),
    paymasterAndData: paymasterAndDataOf(op),
    signature: op.signature,
  };
}

/** The most the operation can cost (wei): the EntryPoint v0.8's required prefund. */
export function maxCostOf(op: UserOperation): bigint {
  const gas =
    op.verificationGasLimit +
    op.callGasLimit +
    (op.paymasterVerificationGasLimit ?? 0n) +
    (op.paymasterPostOpGasLimit ?? 0n) +
    op.preVerificationGas;
  return gas * op.maxFeePerGas;
}

/** The operation as JSON-RPC hex quantities (what a bundler's `eth_sendUserOperation` takes). */
export function toRpcUserOperation(op: UserOperation): Record<string, string | null> {
  const hex = (v: bigint) => toBeHex(v);
  const out: Record<string, string | null> = {
    sender: op.sender,
    nonce: hex(op.nonce),
    callData: op.callData,
    callGasLimit: hex(op.callGasLimit),
    verificationGasLimit: hex(op.verificationGasLimit),
    preVerificationGas: hex(op.preVerificationGas),
    maxFeePerGas: hex(op.maxFeePerGas),
    maxPriorityFeePerGas: hex(op.maxPriorityFeePerGas),
    signature: op.signature,
  };
  if (op.factory) {
    out.factory = op.factory.toLowerCase() === EIP7702_MARKER || op.factory === "0x7702" ? "0x7702" : op.factory;
    out.factoryData = op.factoryData ?? "0x";
  }
  if (op.paymaster) {
    out.paymaster = op.paymaster;
    out.paymasterVerificationGasLimit = hex(op.paymasterVerificationGasLimit ?? 0n);
    out.paymasterPostOpGasLimit = hex(op.paymasterPostOpGasLimit ?? 0n);
    out.paymasterData = op.paymasterData ?? "0x";
  }
  return out;
}

// ------------------------------------------------------------------ account call data (ERC-7821)

/** ERC-7821 / ERC-7579 mode: batch call type, default exec type, no selector, no payload. */
export const BATCH_MODE = "0x0100000000000000000000000000000000000000000000000000000000000000";
const EXECUTE = new Interface(["function execute(bytes32 mode, bytes executionData)"]);

export interface Call {
  target: string;
  value?: bigint;
  data: string;
}

/** The account call data that runs `calls` in one batch (`execute(BATCH_MODE, abi.encode(calls))`). */
export function executeCalls(calls: Call[]): string {
  const executionData = AbiCoder.defaultAbiCoder().encode(
    ["tuple(address,uint256,bytes)[]"],
    [calls.map((c) => [c.target, c.value ?? 0n, c.data])],
  );
  return EXECUTE.encodeFunctionData("execute", [BATCH_MODE, executionData]);
}

// ------------------------------------------------------------------ the paymaster's signature

/** `paymasterData` of CivicPaymaster: validAfter (6 bytes), validUntil (6 bytes), signature. */
export function encodePaymasterData(validAfter: bigint, validUntil: bigint, signature: BytesLike): string {
  return concat([zeroPadValue(toBeHex(validAfter), 6), zeroPadValue(toBeHex(validUntil), 6), signature]);
}

/** A 65-byte stand-in signature for gas estimation (ERC-7677 stub data). */
export const STUB_SIGNATURE = `0x${"ff".repeat(32)}${"7f".repeat(32)}1c`;

/** OpenZeppelin PaymasterSigner's EIP-712 request type. */
export const USER_OPERATION_REQUEST_TYPES = {
  UserOperationRequest: [
    { name: "sender", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "initCode", type: "bytes" },
    { name: "callData", type: "bytes" },
    { name: "accountGasLimits", type: "bytes32" },
    { name: "preVerificationGas", type: "uint256" },
    { name: "gasFees", type: "bytes32" },
    { name: "paymasterVerificationGasLimit", type: "uint256" },
    { name: "paymasterPostOpGasLimit", type: "uint256" },
    { name: "validAfter", type: "uint48" },
    { name: "validUntil", type: "uint48" },
  ],
};

export function paymasterDomain(chainId: bigint, paymaster: string) {
  return { name: "CivicPaymaster", version: "1", chainId, verifyingContract: paymaster };
}

function requestOf(op: UserOperation, validAfter: bigint, validUntil: bigint) {
  const packed = packUserOperation(op);
  return {
    sender: packed.sender,
    nonce: packed.nonce,
    initCode: packed.initCode,
    callData: packed.callData,
    accountGasLimits: packed.accountGasLimits,
    preVerificationGas: packed.preVerificationGas,
    gasFees: packed.gasFees,
    paymasterVerificationGasLimit: op.paymasterVerificationGasLimit ?? 0n,
    paymasterPostOpGasLimit: op.paymasterPostOpGasLimit ?? 0n,
    validAfter,
    validUntil,
  };
}

/** The EIP-712 hash the paymaster's signer signs (equals `CivicPaymaster.signableHash`). */
export function paymasterHash(
  op: UserOperation,
  chainId: bigint,
  paymaster: string,
  validAfter: bigint,
  validUntil: bigint,
): string {
  return TypedDataEncoder.hash(
    paymasterDomain(chainId, paymaster),
    USER_OPERATION_REQUEST_TYPES,
    requestOf(op, validAfter, validUntil),
  );
}

/** Signs `op` for CivicPaymaster with the service's key; returns the `paymasterData`. */
export async function signPaymasterData(
  signer: Signer,
  op: UserOperation,
  chainId: bigint,
  paymaster: string,
  validAfter: bigint,
  validUntil: bigint,
): Promise<string> {
  const signature = await signer.signTypedData(
    paymasterDomain(chainId, paymaster),
    USER_OPERATION_REQUEST_TYPES,
    requestOf(op, validAfter, validUntil),
  );
  return encodePaymasterData(validAfter, validUntil, getBytes(signature));
}

// ------------------------------------------------------------------ the user operation hash (v0.8)

const PACKED_USER_OPERATION_TYPES = {
  PackedUserOperation: [
    { name: "sender", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "initCode", type: "bytes" },
    { name: "callData", type: "bytes" },
    { name: "accountGasLimits", type: "bytes32" },
    { name: "preVerificationGas", type: "uint256" },
    { name: "gasFees", type: "bytes32" },
    { name: "paymasterAndData", type: "bytes" },
  ],
};

/**
 * EntryPoint v0.8's `getUserOpHash`, computed off chain: the EIP-712 hash (domain "ERC4337",
 * version "1") of the packed operation. For an EIP-7702 `initCode` the EntryPoint hashes the
 * sender's delegate (and any init data after the marker) in its place: pass `delegate`, since
 * the delegation may not exist on chain yet when the account signs.
 */
export function userOperationHash(op: UserOperation, chainId: bigint, entryPoint: string, delegate?: string): string {
  const packed = packUserOperation(op);
  let initCode = packed.initCode;
  if (isEip7702InitCode(initCode)) {
    if (delegate === undefined) throw new Error("userOperationHash: an EIP-7702 operation needs its delegate");
    initCode = concat([delegate, `0x${initCode.slice(42)}`]);
  }
  return TypedDataEncoder.hash(
    { name: "ERC4337", version: "1", chainId, verifyingContract: entryPoint },
    PACKED_USER_OPERATION_TYPES,
    { ...packed, initCode },
  );
}
