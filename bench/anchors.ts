/**
 * The public anchors of the gas benchmark, deployed from their published npm packages on the
 * same in-process chain as civic-ledger: Uniswap's MerkleDistributor (build artifact of
 * `@uniswap/merkle-distributor`) and the Ethereum Attestation Service
 * (`@ethereum-attestation-service/eas-contracts` artifacts), plus two baselines written in
 * bench/contracts (an OpenZeppelin soulbound ERC-721 mint with expiry, a disperse loop).
 */
import { readFileSync } from "node:fs";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { AbiCoder, Contract, ContractFactory, ZeroHash, keccak256, solidityPacked, type InterfaceAbi } from "ethers";

import { sparseTree } from "./merkle.js";

interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
}

function artifact(path: string): Artifact {
  const json = JSON.parse(readFileSync(new URL(`../node_modules/${path}`, import.meta.url), "utf8")) as {
    abi: InterfaceAbi;
    bytecode: string | { object: string };
    evm?: { bytecode?: { object?: string } };
  };
  const raw = typeof json.bytecode === "string" ? json.bytecode : json.bytecode.object;
  const bytecode = raw.startsWith("0x") ? raw : `0x${raw}`;
  return { abi: json.abi, bytecode };
}

async function deploy(a: Artifact, signer: HardhatEthersSigner, args: unknown[] = []): Promise<Contract> {
  const contract = await new ContractFactory(a.abi, a.bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

export async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

/** Uniswap MerkleDistributor claim at `depth`: new recipient, new bitmap word, same token. */
export async function distributorClaimGas(
  ethers: HardhatEthers,
  token: Contract,
  depth: number,
  fresh: () => Promise<string>,
): Promise<{ gas: bigint; warmWordGas: bigint }> {
  const [deployer] = await ethers.getSigners();
  const recipients = [await fresh(), await fresh()];
  const amount = 1_000_000n;
  // indices 0 and 1 share bitmap word 0: the first claim writes a new word, the second a warm one
  const leaves = recipients.map((r, i) => keccak256(solidityPacked(["uint256", "address", "uint256"], [i, r, amount])));
  const tree = sparseTree(leaves, depth, depth);
  const distributor = await deploy(artifact("@uniswap/merkle-distributor/build/MerkleDistributor.json"), deployer, [
    await token.getAddress(),
    tree.root,
  ]);
  // over-funded: emptying the balance would earn a storage refund no real distributor gets
  await (await token.getFunction("mint")(await distributor.getAddress(), amount * 3n)).wait();
  const gas = await gasOf(distributor.getFunction("claim")(0, recipients[0], amount, tree.proofs[0]));
  const warmWordGas = await gasOf(distributor.getFunction("claim")(1, recipients[1], amount, tree.proofs[1]));
  return { gas, warmWordGas };
}

/** One EAS `attest` of a permit-like schema (type id, document hash, expiry) to a new recipient. */
export async function easAttestGas(ethers: HardhatEthers, recipient: string): Promise<bigint> {
  const [deployer] = await ethers.getSigners();
  const base = "@ethereum-attestation-service/eas-contracts/artifacts/contracts";
  const registry = await deploy(artifact(`${base}/SchemaRegistry.sol/SchemaRegistry.json`), deployer);
  const eas = await deploy(artifact(`${base}/EAS.sol/EAS.json`), deployer, [await registry.getAddress()]);
  const schema = "uint256 typeId,bytes32 documentHash,uint64 expiresAt";
  await (await registry.getFunction("register")(schema, "0x0000000000000000000000000000000000000000", true)).wait();
  const schemaUid = keccak256(
    solidityPacked(["string", "address", "bool"], [schema, "0x0000000000000000000000000000000000000000", true]),
  );
  const expiresAt = BigInt(Math.floor(Date.now() / 1000) + 365 * 86400);
  const data = AbiCoder.defaultAbiCoder().encode(
    ["uint256", "bytes32", "uint64"],
    [1n, keccak256("0x1234"), expiresAt],
  );
  const request = {
    schema: schemaUid,
    data: { recipient, expirationTime: expiresAt, revocable: true, refUID: ZeroHash, data, value: 0n },
  };
  // a first attestation warms nothing that the measured one relies on: fresh recipient, new uid
  return gasOf(eas.getFunction("attest")(request));
}

/** OpenZeppelin ERC-721 mint of a soulbound token with stored expiry to a new holder. */
export async function baselinePermitMintGas(ethers: HardhatEthers, holder: string): Promise<bigint> {
  const baseline = await ethers.deployContract("BaselineSoulboundPermit");
  await (await baseline.mint(await (await ethers.getSigners())[0].getAddress(), 1n)).wait(); // counter slot warm-up
  return gasOf(baseline.mint(holder, BigInt(Math.floor(Date.now() / 1000) + 365 * 86400)));
}

/** Per-recipient gas of pushing tokens to `count` new holders in one disperse-style loop. */
export async function disperseGas(
  ethers: HardhatEthers,
  token: Contract,
  recipients: string[],
  amount: bigint,
): Promise<bigint> {
  const disperse = await ethers.deployContract("BaselineDisperse");
  await (await token.getFunction("mint")(await disperse.getAddress(), amount * BigInt(recipients.length + 1))).wait(); // over-funded: no refund for emptying
  return gasOf(
    disperse.disperse(
      await token.getAddress(),
      recipients,
      recipients.map(() => amount),
    ),
  );
}
