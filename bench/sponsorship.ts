/**
 * Gas of sponsored calls (issue #17), for `npm run bench`: a permit application and a roster
 * claim sent as ERC-4337 user operations paid by CivicPaymaster (one operation per
 * `EntryPoint.handleOps`, the bundler's whole transaction), against the same calls sent directly
 * by an EOA that holds ETH (the "anchor" of each row). Accounts are fresh and derived from fixed
 * seeds, as in run.ts.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { Signature, Wallet, encodeBytes32String, keccak256, parseEther, toUtf8Bytes, type BaseWallet } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { ROLES } from "../scripts/lib/roles.js";
import { deploySponsorship } from "../scripts/lib/sponsorship-deploy.js";
import {
  DAY,
  executeCalls,
  packUserOperation,
  signPaymasterData,
  type Call,
  type UserOperation,
} from "../scripts/lib/sponsorship.js";
import type { Suite } from "../scripts/lib/suite.js";
import type { Row } from "./report.js";

type AddRow = (r: Omit<Row, "ratio" | "floorRatio">) => void;

export async function sponsorshipRows(connection: NetworkConnection, suite: Suite, row: AddRow): Promise<void> {
  const { ethers } = connection;
  const provider = ethers.provider;
  const signers = await ethers.getSigners();
  const [admin] = signers;
  const [licensing, finance, benefits, bundler] = signers.slice(15);
  const seed = (name: string) =>
    new Wallet(keccak256(toUtf8Bytes(`civic-ledger bench sponsorship: ${name}`)), provider);
  const service = seed("paymaster service");
  const usd = (n: bigint) => n * 1_000_000n;

  const sp = await deploySponsorship(connection, suite, { signer: service.address });
  for (const [role, who] of [
    [ROLES.PERMIT_OFFICER, licensing],
    [ROLES.BUDGET_OFFICER, finance],
    [ROLES.PROGRAM_MANAGER, benefits],
  ] as const) {
    await (await suite.manager.grantRole(role, who.address, 0)).wait();
  }
  await (await sp.paymaster.fund({ value: parseEther("10") })).wait();
  const chainId = (await provider.getNetwork()).chainId;

  /** One sponsored operation through handleOps; returns the bundle transaction's gasUsed. */
  async function sponsored(sender: string, owner: BaseWallet, calls: Call[], factory?: string, factoryData?: string) {
    const block = await provider.getBlock("latest");
    const op: UserOperation = {
      sender,
      nonce: await sp.entryPoint.getNonce(sender, 0n),
      factory: factory ?? null,
      factoryData: factoryData ?? null,
      callData: executeCalls(calls),
      callGasLimit: 300_000n,
      verificationGasLimit: factory === undefined ? 100_000n : 300_000n,
      preVerificationGas: 50_000n,
      maxFeePerGas: (block?.baseFeePerGas ?? 0n) * 2n + 1_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
      paymaster: sp.addresses.CivicPaymaster,
      paymasterVerificationGasLimit: 120_000n,
      paymasterPostOpGasLimit: 40_000n,
      paymasterData: "0x",
      signature: "0x",
    };
    const now = BigInt(block!.timestamp);
    const day = now / DAY;
    op.paymasterData = await signPaymasterData(
      service,
      op,
      chainId,
      sp.addresses.CivicPaymaster,
      day * DAY,
      (day + 1n) * DAY - 1n,
    );
    op.signature = owner.signingKey.sign(await sp.entryPoint.getUserOpHash(packUserOperation(op))).serialized;
    const receipt = await (
      await sp.entryPoint.connect(bundler).handleOps([packUserOperation(op)], bundler.address)
    ).wait();
    const event = receipt!.logs
      .map((log) => sp.entryPoint.interface.parseLog(log))
      .find((e) => e?.name === "UserOperationEvent");
    if (event?.args.success !== true) throw new Error("the sponsored operation failed");
    return Number(receipt!.gasUsed);
  }

  // ------------------------------------------------------------------ a permit application
  const fee = usd(20n);
  const defined = await (
    await suite.permits.connect(licensing).definePermitType("Market stall", fee, 365n * DAY, [], false)
  ).wait();
  const typeId = defined!.logs
    .map((log) => suite.permits.interface.parseLog(log))
    .find((e) => e?.name === "PermitTypeDefined")!.args.typeId as bigint;
  async function applyCall(applicant: BaseWallet, document: string): Promise<Call> {
    await (await suite.token.mint(applicant.address, fee)).wait();
    const deadline = BigInt((await provider.getBlock("latest"))!.timestamp) + 3_600n;
    const sig = Signature.from(
      await applicant.signTypedData(
        { name: await suite.token.name(), version: "1", chainId, verifyingContract: suite.addresses.TestStablecoin },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: applicant.address, spender: suite.addresses.PermitRegistry, value: fee, nonce: 0n, deadline },
      ),
    );
    return {
      target: suite.addresses.PermitRegistry,
      data: suite.permits.interface.encodeFunctionData("submitApplicationWithPermit", [
        typeId,
        keccak256(toUtf8Bytes(document)),
        deadline,
        sig.v,
        sig.r,
        sig.s,
      ]),
    };
  }
  const direct = seed("direct applicant");
  await (await admin.sendTransaction({ to: direct.address, value: parseEther("1") })).wait();
  const directCall = await applyCall(direct, "stall 1");
  const directGas = Number(
    (await (await direct.sendTransaction({ to: directCall.target, data: directCall.data })).wait())!.gasUsed,
  );

  const citizen = seed("sponsored applicant"); // no ETH
  const auth = await citizen.authorize({ address: sp.addresses.CitizenAccount7702, nonce: 0n, chainId });
  await (await bundler.sendTransaction({ type: 4, to: citizen.address, authorizationList: [auth] })).wait();
  const sponsoredGas = await sponsored(citizen.address, citizen, [await applyCall(citizen, "stall 2")]);
  row({
    id: "sponsored-apply",
    what: "PermitRegistry.submitApplicationWithPermit as a sponsored user operation",
    gas: sponsoredGas,
    anchor: "the same call sent directly by an EOA",
    anchorGas: directGas,
    conditions:
      "EIP-7702-delegated EOA with no ETH, fee by ERC-2612 signature, issued at once (no checks); " +
      "handleOps with one operation (bundle gasUsed: validation, paymaster policy and postOp included)",
  });

  // ------------------------------------------------------------------ a roster claim
  const owner = seed("sponsored beneficiary");
  const owner2 = seed("sponsored beneficiary, new account");
  await (await sp.factory.createAccount(owner.address, 0n)).wait();
  const account = await sp.factory.accountAddress(owner.address, 0n);
  const account2 = await sp.factory.accountAddress(owner2.address, 0n);
  const claimant = seed("direct beneficiary");
  await (await admin.sendTransaction({ to: claimant.address, value: parseEther("1") })).wait();
  const amount = usd(100n);
  const tree = StandardMerkleTree.of(
    [
      [0n, claimant.address, amount],
      [1n, account, amount],
      [2n, account2, amount],
    ],
    ["uint256", "address", "uint256"],
  );
  const line = encodeBytes32String("BENCH-SPONSORED");
  await (await suite.token.mint(admin.address, usd(1_000n))).wait();
  await (await suite.token.connect(admin).approve(suite.addresses.BudgetLedger, usd(1_000n))).wait();
  await (await suite.ledger.connect(admin).deposit(usd(1_000n), line)).wait();
  await (await suite.ledger.connect(finance).createLine(line, 2027, usd(1_000n), "Sponsored claims")).wait();
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  await (
    await suite.subsidies
      .connect(benefits)
      .createRosterProgram(line, tree.root, usd(300n), now, now + 30n * DAY, keccak256(toUtf8Bytes("bench")))
  ).wait();
  const programId = await suite.subsidies.programCount();
  const claimCall = (index: number, beneficiary: string): Call => ({
    target: suite.addresses.SubsidyDisbursement,
    data: suite.subsidies.interface.encodeFunctionData("claim", [
      programId,
      BigInt(index),
      beneficiary,
      amount,
      tree.getProof(index),
    ]),
  });
  const directClaim = claimCall(0, claimant.address);
  const directClaimGas = Number(
    (await (await claimant.sendTransaction({ to: directClaim.target, data: directClaim.data })).wait())!.gasUsed,
  );
  row({
    id: "sponsored-claim",
    what: "SubsidyDisbursement.claim as a sponsored user operation",
    gas: await sponsored(account, owner, [claimCall(1, account)]),
    anchor: "the same call sent directly by an EOA",
    anchorGas: directClaimGas,
    conditions:
      "CitizenAccount smart account (deployed), no ETH; roster of 3, fresh beneficiary; handleOps with one operation",
  });
  const factoryData = sp.factory.interface.encodeFunctionData("createAccount", [owner2.address, 0n]);
  row({
    id: "sponsored-claim-new-account",
    what: "SubsidyDisbursement.claim as a sponsored user operation that creates the account",
    gas: await sponsored(account2, owner2, [claimCall(2, account2)], sp.addresses.CitizenAccountFactory, factoryData),
    anchor: "the same call sent directly by an EOA",
    anchorGas: directClaimGas,
    conditions: "the operation's initCode creates the CitizenAccount clone through the factory (first use of a wallet)",
  });
}
