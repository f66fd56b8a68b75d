/**
 * `npm run sponsor:load`: a bounded load test of the paymaster service on 127.0.0.1. Starts its
 * own anvil (a free port), deploys the suite and sponsorship with Ignition over HTTP, starts the
 * service in this process (signing with a throwaway key), then, for 1, 10 and 50 concurrent
 * clients, sends `pm_getPaymasterData` requests (each a full policy check on chain and an
 * EIP-712 signature) for a fixed time and a fixed most number of requests, and prints requests
 * per second and latency percentiles. Stops anvil and removes its deployment folder at the end.
 * The figures depend on the machine and its load (anvil runs on the same cores).
 */
import { rmSync } from "node:fs";
import { createServer } from "node:net";

import { Wallet, hexlify, keccak256, parseEther, randomBytes, toBeHex, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { startAnvil } from "./lib/local-node.js";
import { ROLES } from "./lib/roles.js";
import { deploySponsorship } from "./lib/sponsorship-deploy.js";
import { DAY, executeCalls, toRpcUserOperation, type UserOperation } from "./lib/sponsorship.js";
import { deploySuite } from "./lib/suite.js";
import { startPaymasterService } from "../sponsor/src/service.js";

const CHAIN_ID = 31_377;
const DEPLOYMENT_DIR = `deploy/deployments/chain-${CHAIN_ID}`;
const LEVELS = [1, 10, 50];
const SECONDS_PER_LEVEL = 4;
const MAX_REQUESTS_PER_LEVEL = 5_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
const node = await startAnvil({ port: await freePort(), chainId: CHAIN_ID });
const connection = await network.create({ network: "localhost", override: { url: node.url } });
try {
  console.log(`Paymaster service load test (anvil ${node.url}, chain ${CHAIN_ID})\n`);
  const { ethers } = connection;
  const [admin, licensing] = await ethers.getSigners();
  const serviceKey = Wallet.createRandom();
  await ethers.provider.send("evm_mine", []);
  const suite = await deploySuite(connection);
  const sp = await deploySponsorship(connection, suite, { signer: serviceKey.address, maxOpsPerDay: 1_000n });
  await (await suite.manager.connect(admin).grantRole(ROLES.PERMIT_OFFICER, licensing.address, 0)).wait();
  await (await suite.permits.connect(licensing).definePermitType("Street stall", 0n, 365n * DAY, [], false)).wait();
  await (await sp.paymaster.fund({ value: parseEther("10") })).wait();

  const service = await startPaymasterService({
    rpcUrl: node.url,
    paymaster: sp.addresses.CivicPaymaster,
    entryPoint: sp.addresses.EntryPoint,
    signer: serviceKey,
    rateLimit: { requests: 1_000_000, windowSeconds: 60 },
    log: () => {},
  });
  const block = await ethers.provider.getBlock("latest");
  /** A user operation of a sender of its own: an application, with realistic gas fields. */
  const opOf = (sender: string): UserOperation => ({
    sender,
    nonce: 0n,
    callData: executeCalls([
      {
        target: suite.addresses.PermitRegistry,
        data: suite.permits.interface.encodeFunctionData("submitApplication", [1n, keccak256(toUtf8Bytes(sender))]),
      },
    ]),
    callGasLimit: 300_000n,
    verificationGasLimit: 100_000n,
    preVerificationGas: 50_000n,
    maxFeePerGas: (block?.baseFeePerGas ?? 1n) * 2n + 1_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    signature: "0x",
  });
  const body = (op: UserOperation) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "pm_getPaymasterData",
      params: [toRpcUserOperation(op), sp.addresses.EntryPoint, toBeHex(CHAIN_ID), {}],
    });

  async function level(clients: number) {
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    const until = started + SECONDS_PER_LEVEL * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        const payload = body(opOf(hexlify(randomBytes(20))));
        while (performance.now() < until && sent < MAX_REQUESTS_PER_LEVEL) {
          sent++;
          const t0 = performance.now();
          const res = await fetch(service.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: payload,
          });
          const json = (await res.json()) as { result?: unknown };
          latencies.push(performance.now() - t0);
          if (json.result === undefined) errors++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      clients,
      requests: latencies.length,
      errors,
      rps: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    };
  }

  await level(2); // warm-up (JIT, connections)
  const rows = [];
  for (const clients of LEVELS) rows.push(await level(clients));
  console.log("clients  requests  errors  req/s    p50 ms  p95 ms  p99 ms");
  for (const r of rows) {
    console.log(
      `${String(r.clients).padStart(7)}  ${String(r.requests).padStart(8)}  ${String(r.errors).padStart(6)}  ` +
        `${r.rps.toFixed(1).padStart(6)}  ${r.p50.toFixed(1).padStart(6)}  ${r.p95.toFixed(1).padStart(6)}  ${r.p99.toFixed(1).padStart(6)}`,
    );
  }
  console.log(
    `\nEach level runs ${SECONDS_PER_LEVEL} s or ${MAX_REQUESTS_PER_LEVEL} requests; every request is a policy check ` +
      "on chain (eth_call) and a signature. Figures are noisy under load: the service, the load and anvil share the machine.",
  );
  await service.close();
} finally {
  await connection.close();
  await node.stop();
  rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
}
