/**
 * The paymaster service: ERC-7677 JSON-RPC over HTTP on 127.0.0.1 (`pm_getPaymasterStubData`,
 * `pm_getPaymasterData`) for CivicPaymaster on EntryPoint v0.8. Before it answers, it checks the
 * user operation against the paymaster's own policy on chain (`checkOperation`, the code that
 * validation runs: sponsored (target, selector) pairs, factories, the sender's daily quota, the
 * daily budget) and the paymaster's deposit; it signs only what passes, for a window inside the
 * current UTC day of the chain's clock. Bad input gets JSON-RPC errors; every sender has a rate
 * limit. The signing key is handed in by the caller (the `sponsor serve` task reads it from the
 * keystore or a config variable): never a file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { JsonRpcProvider, getAddress, isAddress, isHexString, type Provider, type Signer } from "ethers";

import {
  DAY,
  encodePaymasterData,
  maxCostOf,
  packUserOperation,
  signPaymasterData,
  STUB_SIGNATURE,
  type UserOperation,
} from "../../scripts/lib/sponsorship.js";
import { CivicPaymaster__factory } from "../../types/ethers-contracts/index.js";
import { RateLimiter } from "./rate-limit.js";

/** JSON-RPC error codes (JSON-RPC 2.0 and EIP-1474). */
export const RPC_ERRORS = {
  PARSE: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  /** EIP-1474 "transaction rejected": the policy refuses to sponsor the operation. */
  REFUSED: -32003,
  /** EIP-1474 "limit exceeded": the sender's rate limit. */
  RATE_LIMITED: -32005,
} as const;

export interface ServiceConfig {
  /** The chain's JSON-RPC URL (or `provider`). */
  rpcUrl?: string;
  /** A provider to use instead of `rpcUrl` (tests on the in-process chain). */
  provider?: Provider;
  paymaster: string;
  entryPoint: string;
  /** The paymaster's signer (the key CivicPaymaster.signer() names). */
  signer: Signer;
  /** Port on 127.0.0.1; 0 (the default) takes a free one. */
  port?: number;
  /** Seconds a signature stays valid (capped at the end of the UTC day). Default 600. */
  validitySeconds?: number;
  /** Requests per sender per window. Default 20 per 60 s. */
  rateLimit?: { requests: number; windowSeconds: number };
  paymasterVerificationGasLimit?: bigint;
  paymasterPostOpGasLimit?: bigint;
  /** Shown to wallets (ERC-7677 `sponsor`). */
  sponsorName?: string;
  /** One line per signed operation and per refusal; default console.log. */
  log?: (line: string) => void;
}

export interface PaymasterService {
  url: string;
  port: number;
  chainId: bigint;
  close(): Promise<void>;
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

const MAX_BODY = 256 * 1024; // bytes
const MAX_BATCH = 20;
const METHODS = new Set(["pm_getPaymasterStubData", "pm_getPaymasterData"]);

/** Starts the service; resolves once it listens on 127.0.0.1. */
export async function startPaymasterService(config: ServiceConfig): Promise<PaymasterService> {
  if (config.provider === undefined && config.rpcUrl === undefined)
    throw new Error("the service needs rpcUrl or provider");
  const own =
    config.provider === undefined
      ? new JsonRpcProvider(config.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true })
      : undefined;
  const provider: Provider = config.provider ?? (own as Provider);
  const chainId = (await provider.getNetwork()).chainId;
  const paymaster = CivicPaymaster__factory.connect(getAddress(config.paymaster), provider);
  const paymasterAddress = await paymaster.getAddress();
  if ((await provider.getCode(paymasterAddress)) === "0x") {
    throw new Error(`No CivicPaymaster at ${paymasterAddress} on chain ${chainId}`);
  }
  const entryPoint = getAddress(config.entryPoint);
  const signerAddress = await config.signer.getAddress();
  const onChainSigner = (await paymaster.getFunction("signer")()) as string;
  if (onChainSigner !== signerAddress) {
    throw new Error(`The paymaster's signer is ${onChainSigner}, not this key's address ${signerAddress}`);
  }
  const validity = BigInt(config.validitySeconds ?? 600);
  const pmVerification = config.paymasterVerificationGasLimit ?? 120_000n;
  const pmPostOp = config.paymasterPostOpGasLimit ?? 40_000n;
  const limiter = new RateLimiter(config.rateLimit?.requests ?? 20, (config.rateLimit?.windowSeconds ?? 60) * 1000);
  const log = config.log ?? ((line: string) => console.log(line));
  const sponsor = { name: config.sponsorName ?? "civic-ledger" };

  // The chain's clock: the offset of the latest block's timestamp to the wall clock, refreshed
  // at most every 2 s (a local node's clock may have been moved).
  let clock = { offset: 0n, readAt: 0 };
  async function chainNow(): Promise<bigint> {
    if (Date.now() - clock.readAt > 2_000) {
      const block = await provider.getBlock("latest");
      const wall = BigInt(Math.floor(Date.now() / 1000));
      clock = { offset: BigInt(block?.timestamp ?? Number(wall)) - wall, readAt: Date.now() };
    }
    return BigInt(Math.floor(Date.now() / 1000)) + clock.offset;
  }

  // The paymaster's deposit, read at most every 2 s (the EntryPoint has the last word: AA31).
  let deposit = { value: 0n, readAt: 0 };
  async function depositNow(): Promise<bigint> {
    if (Date.now() - deposit.readAt > 2_000) deposit = { value: await paymaster.deposit(), readAt: Date.now() };
    return deposit.value;
  }

  /** Checks the operation as validation would; returns it with this paymaster's fields and its window. */
  async function checked(op: UserOperation) {
    const now = await chainNow();
    const day = now / DAY;
    const validAfter = now - 60n > day * DAY ? now - 60n : day * DAY;
    const dayEnd = (day + 1n) * DAY - 1n;
    const validUntil = now + validity < dayEnd ? now + validity : dayEnd;
    const sponsored: UserOperation = {
      ...op,
      paymaster: paymasterAddress,
      paymasterVerificationGasLimit: pmVerification,
      paymasterPostOpGasLimit: pmPostOp,
      paymasterData: encodePaymasterData(validAfter, validUntil, STUB_SIGNATURE),
    };
    const maxCost = maxCostOf(sponsored);
    const [check, deposit] = await Promise.allSettled([
      paymaster.checkOperation(packUserOperation(sponsored), maxCost, day),
      depositNow(),
    ]);
    if (check.status === "rejected") throw refusal(check.reason, op.sender);
    if (deposit.status === "fulfilled" && deposit.value < maxCost) {
      throw new RpcError(
        RPC_ERRORS.REFUSED,
        `the paymaster's deposit (${deposit.value} wei) is below the operation's maximum cost (${maxCost} wei)`,
        {
          reason: "DepositTooLow",
          args: [deposit.value.toString(), maxCost.toString()],
        },
      );
    }
    const [target, selector, calls] = check.value;
    return { sponsored, validAfter, validUntil, maxCost, target, selector, calls };
  }

  function refusal(error: unknown, sender: string): RpcError {
    const data = revertData(error);
    const parsed = data === undefined ? null : paymaster.interface.parseError(data);
    if (parsed === null) {
      return new RpcError(RPC_ERRORS.INTERNAL, `could not check the operation on chain: ${short(error)}`);
    }
    const args = parsed.args.map((a) => (typeof a === "bigint" ? a.toString() : String(a)));
    log(`refused ${sender}: ${parsed.name}(${args.join(", ")})`);
    return new RpcError(RPC_ERRORS.REFUSED, `sponsorship refused: ${parsed.name}(${args.join(", ")})`, {
      reason: parsed.name,
      args,
    });
  }

  async function call(method: string, params: unknown): Promise<unknown> {
    if (!METHODS.has(method)) throw new RpcError(RPC_ERRORS.METHOD_NOT_FOUND, `method ${method} is not supported`);
    if (!Array.isArray(params) || params.length < 3 || params.length > 4) {
      throw new RpcError(RPC_ERRORS.INVALID_PARAMS, "params must be [userOperation, entryPoint, chainId, context?]");
    }
    const [rawOp, rawEntryPoint, rawChainId] = params;
    if (typeof rawEntryPoint !== "string" || !isAddress(rawEntryPoint) || getAddress(rawEntryPoint) !== entryPoint) {
      throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `entry point must be ${entryPoint} (EntryPoint v0.8)`);
    }
    if (parseQuantity(rawChainId, "chainId") !== chainId) {
      throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `chainId must be 0x${chainId.toString(16)}`);
    }
    const op = parseUserOperation(rawOp);
    if (!limiter.take(op.sender.toLowerCase())) {
      throw new RpcError(RPC_ERRORS.RATE_LIMITED, `rate limit of ${op.sender} exceeded; retry later`);
    }
    const result = await checked(op);
    const gasLimits = {
      paymasterVerificationGasLimit: `0x${pmVerification.toString(16)}`,
      paymasterPostOpGasLimit: `0x${pmPostOp.toString(16)}`,
    };
    if (method === "pm_getPaymasterStubData") {
      return {
        paymaster: paymasterAddress,
        paymasterData: result.sponsored.paymasterData,
        ...gasLimits,
        sponsor,
        isFinal: false,
      };
    }
    const paymasterData = await signPaymasterData(
      config.signer,
      result.sponsored,
      chainId,
      paymasterAddress,
      result.validAfter,
      result.validUntil,
    );
    log(
      `signed ${op.sender} nonce ${op.nonce}: ${result.target} ${result.selector} (${result.calls} call(s)), ` +
        `max cost ${result.maxCost} wei, valid ${result.validAfter}..${result.validUntil}`,
    );
    return { paymaster: paymasterAddress, paymasterData, ...gasLimits };
  }

  async function answer(request: unknown): Promise<object | undefined> {
    const id = isObject(request) && isId(request.id) ? request.id : null;
    // a notification (no id) gets no answer, not even an error (JSON-RPC 2.0)
    const notification = isObject(request) && request.jsonrpc === "2.0" && !("id" in request);
    try {
      if (!isObject(request) || request.jsonrpc !== "2.0" || typeof request.method !== "string") {
        throw new RpcError(RPC_ERRORS.INVALID_REQUEST, "not a JSON-RPC 2.0 request");
      }
      if (request.id !== undefined && !isId(request.id)) {
        throw new RpcError(RPC_ERRORS.INVALID_REQUEST, "id must be a string, a number or null");
      }
      const result = await call(request.method, request.params);
      return request.id === undefined ? undefined : { jsonrpc: "2.0", id, result };
    } catch (error) {
      const e =
        error instanceof RpcError ? error : new RpcError(RPC_ERRORS.INTERNAL, `internal error: ${short(error)}`);
      if (notification) return undefined;
      return { jsonrpc: "2.0", id, error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) } };
    }
  }

  const server: Server = createServer((req, res) => {
    void serve(req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-headers", "content-type");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (req.method !== "POST") {
      return void res.writeHead(405, { allow: "POST" }).end();
    }
    let body = "";
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        send(res, 413, {
          jsonrpc: "2.0",
          id: null,
          error: { code: RPC_ERRORS.INVALID_REQUEST, message: "request too large" },
        });
        req.destroy();
        return;
      }
      body += chunk.toString("utf8");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 200, { jsonrpc: "2.0", id: null, error: { code: RPC_ERRORS.PARSE, message: "parse error" } });
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0 || parsed.length > MAX_BATCH) {
        return send(res, 200, {
          jsonrpc: "2.0",
          id: null,
          error: { code: RPC_ERRORS.INVALID_REQUEST, message: `a batch holds 1 to ${MAX_BATCH} requests` },
        });
      }
      const answers = (await Promise.all(parsed.map(answer))).filter((a) => a !== undefined);
      return answers.length === 0 ? void res.writeHead(204).end() : send(res, 200, answers);
    }
    const single = await answer(parsed);
    return single === undefined ? void res.writeHead(204).end() : send(res, 200, single);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    chainId,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      own?.destroy();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

// ------------------------------------------------------------------ input

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isId = (v: unknown) => v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));

function parseQuantity(value: unknown, name: string, fallback?: bigint): bigint {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `${name} is missing`);
  }
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) {
    throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `${name} must be a hex quantity (0x...)`);
  }
  return BigInt(value);
}

function parseHexData(value: unknown, name: string, fallback?: string): string {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `${name} is missing`);
  }
  if (typeof value !== "string" || !isHexString(value) || value.length % 2 !== 0) {
    throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `${name} must be hex bytes (0x...)`);
  }
  return value;
}

/** A v0.7/v0.8 RPC user operation; gas fields may be missing (0), as before estimation. */
export function parseUserOperation(value: unknown): UserOperation {
  if (!isObject(value)) throw new RpcError(RPC_ERRORS.INVALID_PARAMS, "userOperation must be an object");
  if ("initCode" in value || "paymasterAndData" in value) {
    throw new RpcError(
      RPC_ERRORS.INVALID_PARAMS,
      "userOperation is in the v0.6 form; EntryPoint v0.8 takes factory/paymaster fields",
    );
  }
  if (typeof value.sender !== "string" || !isAddress(value.sender)) {
    throw new RpcError(RPC_ERRORS.INVALID_PARAMS, "userOperation.sender must be an address");
  }
  let factory: string | null = null;
  if (value.factory !== undefined && value.factory !== null && value.factory !== "0x") {
    // "0x7702" stays 2 bytes, as the bundler packs it (the signature covers initCode's bytes)
    if (typeof value.factory === "string" && value.factory.toLowerCase() === "0x7702") factory = "0x7702";
    else if (typeof value.factory === "string" && isAddress(value.factory)) factory = getAddress(value.factory);
    else throw new RpcError(RPC_ERRORS.INVALID_PARAMS, "userOperation.factory must be an address or 0x7702");
  }
  return {
    sender: getAddress(value.sender),
    nonce: parseQuantity(value.nonce, "userOperation.nonce"),
    factory,
    factoryData: factory === null ? null : parseHexData(value.factoryData, "userOperation.factoryData", "0x"),
    callData: parseHexData(value.callData, "userOperation.callData"),
    callGasLimit: parseQuantity(value.callGasLimit, "userOperation.callGasLimit", 0n),
    verificationGasLimit: parseQuantity(value.verificationGasLimit, "userOperation.verificationGasLimit", 0n),
    preVerificationGas: parseQuantity(value.preVerificationGas, "userOperation.preVerificationGas", 0n),
    maxFeePerGas: parseQuantity(value.maxFeePerGas, "userOperation.maxFeePerGas", 0n),
    maxPriorityFeePerGas: parseQuantity(value.maxPriorityFeePerGas, "userOperation.maxPriorityFeePerGas", 0n),
    signature: parseHexData(value.signature, "userOperation.signature", "0x"),
  };
}

/** The revert data an ethers call error carries, wherever the provider put it. */
function revertData(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && isObject(e); depth++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && isHexString(data) && data.length >= 10) return data;
    if (isObject(data) && typeof data.data === "string") return data.data;
    e = (e as { error?: unknown; info?: unknown }).error ?? (e as { info?: { error?: unknown } }).info?.error;
  }
  return undefined;
}

function short(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return ((error as { shortMessage?: string }).shortMessage ?? error.message).split("\n")[0];
}
