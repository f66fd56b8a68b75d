/**
 * The paymaster service in process (its HTTP server on 127.0.0.1, the in-process chain behind
 * it): ERC-7677 answers, a signature the EntryPoint accepts, every JSON-RPC error, the
 * per-sender rate limit, and the rate limiter on its own clock.
 */
import { expect } from "chai";
import { keccak256, toBeHex, toUtf8Bytes, type Wallet } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { STUB_SIGNATURE, toRpcUserOperation, type UserOperation } from "../../scripts/lib/sponsorship.js";
import { delegate7702, deploySponsorFixture, handleOps, newOp, signOp, type SponsorFixture } from "./fixture.js";
import { RateLimiter } from "../../sponsor/src/rate-limit.js";
import { RPC_ERRORS, startPaymasterService, type PaymasterService } from "../../sponsor/src/service.js";

describe("Paymaster service (ERC-7677 over HTTP)", function () {
  let connection: NetworkConnection;
  let f: SponsorFixture;
  let service: PaymasterService;
  let citizen: Wallet;
  const lines: string[] = [];

  before(async function () {
    connection = await network.create();
    f = await deploySponsorFixture(connection);
    citizen = f.wallet("service citizen");
    await delegate7702(f, citizen);
    service = await startPaymasterService({
      provider: connection.ethers.provider,
      paymaster: f.sp.addresses.CivicPaymaster,
      entryPoint: f.sp.addresses.EntryPoint,
      signer: f.service,
      rateLimit: { requests: 6, windowSeconds: 3_600 },
      log: (line) => lines.push(line),
    });
  });
  after(async function () {
    await service?.close();
    await connection.close();
  });

  async function post(body: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(service.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const raw = await res.text();
    return { status: res.status, json: raw === "" ? undefined : JSON.parse(raw) };
  }
  const request = (method: string, params: unknown[], id: unknown = 1) => ({ jsonrpc: "2.0", id, method, params });
  const pmParams = (op: UserOperation, entryPoint = f.sp.addresses.EntryPoint, chainId = toBeHex(f.chainId)) => [
    toRpcUserOperation(op),
    entryPoint,
    chainId,
    {},
  ];
  async function error(body: unknown): Promise<{ code: number; message: string; data?: { reason: string } }> {
    const { json } = await post(body);
    return (json as { error: { code: number; message: string; data?: { reason: string } } }).error;
  }
  const application = (document: string) => ({
    target: f.suite.addresses.PermitRegistry,
    data: f.suite.permits.interface.encodeFunctionData("submitApplication", [
      f.freeType,
      keccak256(toUtf8Bytes(document)),
    ]),
  });

  it("listens on 127.0.0.1 only", function () {
    expect(service.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("gives stub data, then signed data the EntryPoint accepts", async function () {
    const op = await newOp(f, { sender: citizen.address, calls: [application("via the service")] });
    const stub = (await post(request("pm_getPaymasterStubData", pmParams(op)))).json as {
      result: Record<string, unknown>;
    };
    expect(stub.result).to.include({
      paymaster: f.sp.addresses.CivicPaymaster,
      paymasterVerificationGasLimit: "0x1d4c0",
      paymasterPostOpGasLimit: "0x9c40",
      isFinal: false,
    });
    expect(stub.result.sponsor).to.deep.equal({ name: "civic-ledger" });
    expect(String(stub.result.paymasterData).endsWith(STUB_SIGNATURE.slice(2))).to.equal(true);

    const data = (await post(request("pm_getPaymasterData", pmParams(op)))).json as {
      result: { paymaster: string; paymasterData: string };
    };
    op.paymasterData = data.result.paymasterData;
    await signOp(f, op, citizen);
    await expect(handleOps(f, op)).to.emit(f.sp.paymaster, "OperationSponsored");
    expect(lines.some((l) => l.startsWith(`signed ${citizen.address} nonce 0`))).to.equal(true);
  });

  it("refuses what the policy refuses, with the paymaster's error as data (-32003)", async function () {
    const op = await newOp(f, {
      sender: citizen.address,
      calls: [{ target: f.suite.addresses.BudgetLedger, data: "0x12345678" }],
    });
    const e = await error(request("pm_getPaymasterData", pmParams(op)));
    expect(e.code).to.equal(RPC_ERRORS.REFUSED);
    expect(e.message).to.equal(
      `sponsorship refused: Paymaster_CallNotSponsored(${f.suite.addresses.BudgetLedger}, 0x12345678)`,
    );
    expect(e.data).to.deep.equal({
      reason: "Paymaster_CallNotSponsored",
      args: [f.suite.addresses.BudgetLedger, "0x12345678"],
    });
  });

  it("answers bad input with JSON-RPC errors", async function () {
    const op = await newOp(f, { sender: citizen.address, calls: [application("bad input")] });
    expect((await error("{not json")).code).to.equal(RPC_ERRORS.PARSE);
    expect((await error({ id: 1, method: "pm_getPaymasterData" })).code).to.equal(RPC_ERRORS.INVALID_REQUEST);
    expect((await error({ jsonrpc: "2.0", id: { a: 1 }, method: "x", params: [] })).code).to.equal(
      RPC_ERRORS.INVALID_REQUEST,
    );
    expect((await error([])).code).to.equal(RPC_ERRORS.INVALID_REQUEST);
    expect((await error(request("eth_sendTransaction", []))).code).to.equal(RPC_ERRORS.METHOD_NOT_FOUND);
    expect((await error(request("pm_getPaymasterData", [toRpcUserOperation(op)]))).code).to.equal(
      RPC_ERRORS.INVALID_PARAMS,
    );
    const wrongEntryPoint = await error(request("pm_getPaymasterData", pmParams(op, f.suite.addresses.BudgetLedger)));
    expect(wrongEntryPoint).to.include({ code: RPC_ERRORS.INVALID_PARAMS });
    expect(wrongEntryPoint.message).to.include("EntryPoint v0.8");
    expect(
      (await error(request("pm_getPaymasterData", pmParams(op, f.sp.addresses.EntryPoint, "0x1")))).message,
    ).to.equal(`chainId must be ${toBeHex(f.chainId)}`);
    const broken: Array<[Record<string, unknown>, string]> = [
      [{ ...toRpcUserOperation(op), sender: "0x1234" }, "userOperation.sender must be an address"],
      [{ ...toRpcUserOperation(op), nonce: "12" }, "userOperation.nonce must be a hex quantity (0x...)"],
      [{ ...toRpcUserOperation(op), callData: "0xabc" }, "userOperation.callData must be hex bytes (0x...)"],
      [{ ...toRpcUserOperation(op), factory: "0x12" }, "userOperation.factory must be an address or 0x7702"],
      [{ ...toRpcUserOperation(op), initCode: "0x" }, "userOperation is in the v0.6 form"],
    ];
    for (const [userOp, message] of broken) {
      const e = await error(
        request("pm_getPaymasterStubData", [userOp, f.sp.addresses.EntryPoint, toBeHex(f.chainId)]),
      );
      expect(e.code, message).to.equal(RPC_ERRORS.INVALID_PARAMS);
      expect(e.message).to.include(message);
    }
    const notification = { jsonrpc: "2.0", method: "pm_getPaymasterStubData", params: pmParams(op) };
    expect((await post(notification)).status).to.equal(204);
    expect((await post(`"${"x".repeat(300 * 1024)}"`)).status).to.equal(413);
    expect((await fetch(service.url)).status).to.equal(405);
  });

  it("answers a batch, and limits each sender's requests (-32005)", async function () {
    const other = f.wallet("busy sender");
    await delegate7702(f, other);
    const op = await newOp(f, { sender: other.address, calls: [application("busy")] });
    const batch = (await post(Array.from({ length: 7 }, (_, i) => request("pm_getPaymasterStubData", pmParams(op), i))))
      .json as Array<{ id: number; result?: unknown; error?: { code: number } }>;
    expect(batch.map((a) => a.id)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(batch.filter((a) => a.result !== undefined)).to.have.length(6);
    expect(batch.filter((a) => a.error?.code === RPC_ERRORS.RATE_LIMITED)).to.have.length(1);
  });

  it("refuses to start with a key that is not the paymaster's signer", async function () {
    let failure: unknown;
    await startPaymasterService({
      provider: connection.ethers.provider,
      paymaster: f.sp.addresses.CivicPaymaster,
      entryPoint: f.sp.addresses.EntryPoint,
      signer: f.wallet("not the signer"),
    }).catch((e) => (failure = e));
    expect(String(failure)).to.match(/The paymaster's signer is 0x\w+, not this key's address/);
  });

  it("rate limiter: a bucket per key, refilled evenly, swept when full", function () {
    let now = 0;
    const limiter = new RateLimiter(2, 1_000, () => now);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a"), limiter.take("b")]).to.deep.equal([
      true,
      true,
      false,
      true,
    ]);
    now = 500; // half the window: one request back
    expect([limiter.take("a"), limiter.take("a")]).to.deep.equal([true, false]);
    now = 5_000;
    limiter.take("c");
    expect(limiter.size).to.equal(1); // a and b refilled and were dropped
    expect(() => new RateLimiter(0, 1)).to.throw(/positive/);
  });
});
