/**
 * Gas sponsorship end to end on anvil (prague: EIP-7702), with a real ERC-4337 bundler (Pimlico
 * alto from the npm registry, run on 127.0.0.1) and the paymaster service started by its task
 * (`npx hardhat sponsor serve`), as a wallet would use them (ERC-7677 stub data, the bundler's
 * gas estimate, the service's signature, `eth_sendUserOperation`):
 *
 * - a citizen with 0 ETH, her own EOA delegated to CitizenAccount7702 by an authorization the
 *   bundler carries, applies for a licence paying the fee with an ERC-2612 signature; the fire
 *   agency's check issues the permit to her;
 * - a beneficiary with 0 ETH claims a roster subsidy from a smart account that the same
 *   sponsored operation creates through CitizenAccountFactory;
 * - `sponsor fund`, `sponsor policy` and `sponsor day` tasks on the same chain, and the
 *   service's refusal of a call the policy does not sponsor.
 *
 * The suite is deployed with scripts/lib/suite.ts (the project's Ignition module) over HTTP, and
 * sponsorship with its own modules. anvil, alto and the service are stopped by their PIDs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { Signature, Wallet, encodeBytes32String, keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { E2E_PORT_OFFSET, startAnvil, testPort, type LocalNode } from "../../scripts/lib/local-node.js";
import { ROLES } from "../../scripts/lib/roles.js";
import { deploySponsorship, type Sponsorship } from "../../scripts/lib/sponsorship-deploy.js";
import {
  executeCalls,
  toRpcUserOperation,
  userOperationHash,
  type Call,
  type UserOperation,
} from "../../scripts/lib/sponsorship.js";
import { deploySuite, type Suite } from "../../scripts/lib/suite.js";
import { hardhat } from "../helpers/cli.js";
import { fundLine, type LedgerSuite } from "../helpers/suite.js";

const PORT = testPort(E2E_PORT_OFFSET); // the `e2e` network of hardhat.config.ts, for the tasks
const CHAIN_ID = 31339;
const DEPLOYMENT_DIR = `deploy/deployments/chain-${CHAIN_ID}`;
const NET = ["--network", "e2e"];
const U = 1_000_000n; // TestStablecoin: 6 decimals
const ALTO = fileURLToPath(new URL("../../node_modules/@pimlico/alto/esm/cli/alto.js", import.meta.url));
const LOOPBACK = fileURLToPath(new URL("../../sponsor/src/loopback.mjs", import.meta.url));
const HARDHAT_CLI = fileURLToPath(new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url));
/** anvil's dev keys 8 and 9 (mnemonic "test test ... junk"): the bundler's executor and utility accounts. */
const EXECUTOR_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
const UTILITY_KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
const text = (s: string) => keccak256(toUtf8Bytes(s));

/** A free TCP port on 127.0.0.1 (for alto, which takes a port number, not 0). */
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

async function rpc(url: string, method: string, params: unknown[]): Promise<{ result?: unknown; error?: RpcErr }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await res.json()) as { result?: unknown; error?: RpcErr };
}
interface RpcErr {
  code: number;
  message: string;
  data?: { reason?: string; args?: string[] };
}
async function ok<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const answer = await rpc(url, method, params);
  if (answer.error !== undefined) throw new Error(`${method}: ${answer.error.message} (${answer.error.code})`);
  return answer.result as T;
}

/** Stops a child process by its PID and waits for it. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

describe("Gas sponsorship end to end (anvil, alto bundler, paymaster service)", function () {
  this.timeout(600_000);
  let node: LocalNode;
  let connection: NetworkConnection;
  let suite: Suite;
  let sp: Sponsorship;
  let alto: ChildProcess;
  let service: ChildProcess;
  let bundlerUrl: string;
  let serviceUrl: string;
  let started: number;
  let output = "";
  const serviceKey = new Wallet(text("civic-ledger e2e: paymaster service key"));
  const chainIdHex = toBeHex(CHAIN_ID);

  before(async function () {
    started = Date.now();
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    node = await startAnvil({ port: PORT, chainId: CHAIN_ID, accounts: 10 });
    connection = await network.create({ network: "e2e" });
    await connection.ethers.provider.send("evm_mine", []);
    suite = await deploySuite(connection);
    sp = await deploySponsorship(connection, suite, { signer: serviceKey.address });

    // the bundler, on 127.0.0.1 only (the loopback preload), unsafe mode: anvil has no ERC-7562 tracer
    const altoPort = await freePort();
    bundlerUrl = `http://127.0.0.1:${altoPort}`;
    alto = spawn(
      process.execPath,
      [
        ...["--import", LOOPBACK, ALTO],
        ...["--entrypoints", sp.addresses.EntryPoint, "--rpc-url", node.url],
        ...["--executor-private-keys", EXECUTOR_KEY, "--utility-private-key", UTILITY_KEY],
        ...["--safe-mode", "false", "--port", String(altoPort), "--log-level", "warn", "--json"],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    alto.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    alto.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 60_000;
    while (
      (await rpc(bundlerUrl, "eth_supportedEntryPoints", []).catch(() => ({ result: undefined }))).result === undefined
    ) {
      if (alto.exitCode !== null || Date.now() > deadline) throw new Error(`alto did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  after(async function () {
    await stop(service);
    await stop(alto);
    await connection?.close();
    await node?.stop();
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    console.log(`    (sponsorship end to end: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });

  async function task(args: string[]): Promise<string> {
    const result = await hardhat([...args, ...NET]);
    expect(result.code, `${args.join(" ")}\n${result.output}`).to.equal(0);
    expect(result.stderr, args.join(" ")).not.to.match(/^Error/m);
    return result.stdout;
  }

  it("funds the paymaster and shows its policy through the tasks, then serves with one command", async function () {
    expect(await task(["sponsor", "fund", "--amount", "2"])).to.match(
      /Funded 2\.0 ETH: tx 0x\w+[\s\S]*Deposit now 2\.0 ETH/,
    );
    const policy = await task(["sponsor", "policy"]);
    expect(policy).to.include(
      "PermitRegistry.submitApplicationWithPermit(uint256,bytes32,uint256,uint8,bytes32,bytes32)",
    );
    expect(policy).to.include("SubsidyDisbursement.claim(uint256,uint256,address,uint256,bytes32[])");
    expect(policy).to.match(/Per sender\s+10 operations a day/);

    service = spawn(process.execPath, [HARDHAT_CLI, "sponsor", "serve", "--port", "0", ...NET], {
      env: { ...process.env, SPONSOR_SIGNER_KEY: serviceKey.privateKey, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    serviceUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service did not start:\n${log}`)), 60_000);
      const onData = (c: Buffer) => {
        log += c.toString();
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      service.stdout?.on("data", onData);
      service.stderr?.on("data", onData);
      service.once("exit", (code) => reject(new Error(`the service exited (${code}):\n${log}`)));
    });
  });

  /**
   * What a wallet does for a sponsored call (ERC-7677 with a bundler): stub data, the
   * bundler's estimate, the service's data and signature, the account's signature, send, wait.
   */
  async function sponsored(
    op: UserOperation,
    owner: Wallet,
    seven702?: { delegate: string; auth: Record<string, string> },
  ): Promise<{ success: boolean; actualGasCost: bigint; userOpHash: string }> {
    const fees = await ok<{ standard: { maxFeePerGas: string; maxPriorityFeePerGas: string } }>(
      bundlerUrl,
      "pimlico_getUserOperationGasPrice",
      [],
    );
    op.maxFeePerGas = BigInt(fees.standard.maxFeePerGas);
    op.maxPriorityFeePerGas = BigInt(fees.standard.maxPriorityFeePerGas);
    const extra = seven702 === undefined ? {} : { eip7702Auth: seven702.auth };
    const pm = (method: string) =>
      ok<Record<string, string>>(serviceUrl, method, [toRpcUserOperation(op), sp.addresses.EntryPoint, chainIdHex, {}]);

    const stub = await pm("pm_getPaymasterStubData");
    expect(stub.paymaster).to.equal(sp.addresses.CivicPaymaster);
    op.paymaster = stub.paymaster;
    op.paymasterVerificationGasLimit = BigInt(stub.paymasterVerificationGasLimit);
    op.paymasterPostOpGasLimit = BigInt(stub.paymasterPostOpGasLimit);
    op.paymasterData = stub.paymasterData;
    op.signature = `0x${"ff".repeat(32)}${"7f".repeat(32)}1c`; // a dummy signature of the right shape
    const estimate = await ok<Record<string, string>>(bundlerUrl, "eth_estimateUserOperationGas", [
      { ...toRpcUserOperation(op), ...extra },
      sp.addresses.EntryPoint,
    ]);
    op.preVerificationGas = BigInt(estimate.preVerificationGas);
    op.verificationGasLimit = BigInt(estimate.verificationGasLimit);
    op.callGasLimit = BigInt(estimate.callGasLimit);

    const data = await pm("pm_getPaymasterData");
    op.paymasterData = data.paymasterData;
    const hash = userOperationHash(op, BigInt(CHAIN_ID), sp.addresses.EntryPoint, seven702?.delegate);
    op.signature = owner.signingKey.sign(hash).serialized;
    const sent = await ok<string>(bundlerUrl, "eth_sendUserOperation", [
      { ...toRpcUserOperation(op), ...extra },
      sp.addresses.EntryPoint,
    ]);
    expect(sent).to.equal(hash);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const receipt = await ok<{ success: boolean; actualGasCost: string } | null>(
        bundlerUrl,
        "eth_getUserOperationReceipt",
        [hash],
      );
      if (receipt !== null)
        return { success: receipt.success, actualGasCost: BigInt(receipt.actualGasCost), userOpHash: hash };
      if (Date.now() > deadline) throw new Error(`no receipt for ${hash}:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function newOp(sender: string, calls: Call[], factory?: string, factoryData?: string): Promise<UserOperation> {
    return {
      sender,
      nonce: await sp.entryPoint.getNonce(sender, 0n),
      factory: factory ?? null,
      factoryData: factoryData ?? null,
      callData: executeCalls(calls),
      callGasLimit: 0n,
      verificationGasLimit: 0n,
      preVerificationGas: 0n,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
      signature: "0x",
    };
  }

  it("a citizen with 0 ETH applies for a licence from her 7702-delegated EOA; the agency's check issues it", async function () {
    const [admin, , licensing, , fireAgency] = await connection.ethers.getSigners();
    await (await suite.manager.connect(admin).grantRole(ROLES.PERMIT_OFFICER, licensing.address, 0)).wait();
    await (await suite.manager.connect(admin).grantRole(100n, fireAgency.address, 0)).wait();
    const fee = 50n * U;
    await (
      await suite.permits.connect(licensing).definePermitType("Restaurant licence", fee, 365n * 86_400n, [100n], false)
    ).wait();

    const rosa = new Wallet(text("civic-ledger e2e: Rosa"), connection.ethers.provider);
    await (await suite.token.mint(rosa.address, 100n * U)).wait();
    expect(await connection.ethers.provider.getBalance(rosa.address)).to.equal(0n);

    // the fee, as an ERC-2612 signature (no approval transaction: she has no ETH)
    const deadline = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp) + 3_600n;
    const permit = Signature.from(
      await rosa.signTypedData(
        {
          name: await suite.token.name(),
          version: "1",
          chainId: CHAIN_ID,
          verifyingContract: suite.addresses.TestStablecoin,
        },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        {
          owner: rosa.address,
          spender: suite.addresses.PermitRegistry,
          value: fee,
          nonce: await suite.token.nonces(rosa.address),
          deadline,
        },
      ),
    );
    const document = text("Rosa's trattoria, 12 Market Street: floor plan, menu, staff");
    const apply: Call = {
      target: suite.addresses.PermitRegistry,
      data: suite.permits.interface.encodeFunctionData("submitApplicationWithPermit", [
        1n,
        document,
        deadline,
        permit.v,
        permit.r,
        permit.s,
      ]),
    };
    // her EOA becomes an account through an EIP-7702 authorization that the bundler carries
    const auth = await rosa.authorize({
      address: sp.addresses.CitizenAccount7702,
      nonce: 0n,
      chainId: BigInt(CHAIN_ID),
    });
    const eip7702Auth = {
      address: auth.address,
      chainId: toBeHex(auth.chainId),
      nonce: toBeHex(auth.nonce),
      r: auth.signature.r,
      s: auth.signature.s,
      yParity: toBeHex(auth.signature.yParity),
    };
    const result = await sponsored(await newOp(rosa.address, [apply], "0x7702"), rosa, {
      delegate: sp.addresses.CitizenAccount7702,
      auth: eip7702Auth,
    });
    expect(result.success, output).to.equal(true);
    expect(await connection.ethers.provider.getCode(rosa.address)).to.equal(
      `0xef0100${sp.addresses.CitizenAccount7702.slice(2).toLowerCase()}`,
    );
    expect((await suite.permits.getApplication(1n)).applicant).to.equal(rosa.address);

    await expect(suite.permits.connect(fireAgency).recordCheck(1n, 100n, true, text("fire inspection 2027-114")))
      .to.emit(suite.permits, "PermitIssued")
      .withArgs(1n, rosa.address, 1n, 1n, (x: bigint) => x > 0n);
    expect(await suite.permits.isValid(1n)).to.equal(true);
    expect(await suite.permits.ownerOf(1n)).to.equal(rosa.address);
    expect(await connection.ethers.provider.getBalance(rosa.address)).to.equal(0n);
    expect(await suite.token.balanceOf(rosa.address)).to.equal(50n * U);
  });

  it("a beneficiary with 0 ETH claims a subsidy from a smart account the sponsored operation creates", async function () {
    const [admin, finance, , benefits] = await connection.ethers.getSigners();
    await (await suite.manager.connect(admin).grantRole(ROLES.BUDGET_OFFICER, finance.address, 0)).wait();
    await (await suite.manager.connect(admin).grantRole(ROLES.PROGRAM_MANAGER, benefits.address, 0)).wait();
    const line = encodeBytes32String("FARM-SUPPORT-2027");
    const ledgerSuite = { admin, officer: finance, token: suite.token, ledger: suite.ledger } as unknown as LedgerSuite;
    await fundLine(ledgerSuite, line, 10_000n * U);

    const bruno = new Wallet(text("civic-ledger e2e: Bruno"));
    const account = await sp.factory.accountAddress(bruno.address, 0n);
    const tree = StandardMerkleTree.of(
      [
        [0n, account, 300n * U],
        [1n, new Wallet(text("civic-ledger e2e: Chen")).address, 700n * U],
      ],
      ["uint256", "address", "uint256"],
    );
    const now = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
    await (
      await suite.subsidies
        .connect(benefits)
        .createRosterProgram(
          line,
          tree.root,
          1_000n * U,
          now + 2n,
          now + 30n * 86_400n,
          text("farm support rules 2027"),
        )
    ).wait();
    await connection.ethers.provider.send("evm_increaseTime", [5]);
    await connection.ethers.provider.send("evm_mine", []);

    const claim: Call = {
      target: suite.addresses.SubsidyDisbursement,
      data: suite.subsidies.interface.encodeFunctionData("claim", [1n, 0n, account, 300n * U, tree.getProof(0)]),
    };
    const factoryData = sp.factory.interface.encodeFunctionData("createAccount", [bruno.address, 0n]);
    const result = await sponsored(
      await newOp(account, [claim], sp.addresses.CitizenAccountFactory, factoryData),
      bruno,
    );
    expect(result.success, output).to.equal(true);
    expect(await suite.token.balanceOf(account)).to.equal(300n * U);
    expect(await suite.subsidies.isClaimed(1n, 0n)).to.equal(true);
    expect(await connection.ethers.provider.getBalance(account)).to.equal(0n);
    expect(await connection.ethers.provider.getBalance(bruno.address)).to.equal(0n);
  });

  it("the service refuses what the policy does not sponsor, and bad input, with JSON-RPC errors", async function () {
    const rosa = new Wallet(text("civic-ledger e2e: Rosa"));
    const op = await newOp(rosa.address, [
      {
        target: suite.addresses.BudgetLedger,
        data: suite.ledger.interface.encodeFunctionData("deposit", [1n, text("x")]),
      },
    ]);
    const refused = await rpc(serviceUrl, "pm_getPaymasterData", [
      toRpcUserOperation(op),
      sp.addresses.EntryPoint,
      chainIdHex,
      {},
    ]);
    expect(refused.error?.code).to.equal(-32003);
    expect(refused.error?.data?.reason).to.equal("Paymaster_CallNotSponsored");
    const wrongEntryPoint = await rpc(serviceUrl, "pm_getPaymasterStubData", [
      toRpcUserOperation(op),
      suite.addresses.BudgetLedger,
      chainIdHex,
      {},
    ]);
    expect(wrongEntryPoint.error?.code).to.equal(-32602);
  });

  it("lists the day's sponsored operations and their cost (sponsor day)", async function () {
    const day = await task(["sponsor", "day"]);
    expect(day).to.match(/Sponsored operations on \d{4}-\d{2}-\d{2} \(UTC day \d+\): 2 by 2 sender\(s\)/);
    expect(day).to.include("PermitRegistry.submitApplicationWithPermit(");
    expect(day).to.include("SubsidyDisbursement.claim(");
    expect(day).to.match(/Spent: 0\.\d+ ETH reported to postOp/);
  });
});
