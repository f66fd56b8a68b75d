/**
 * Deploys gas sponsorship for a suite with the project's Ignition modules (`CivicEntryPoint`
 * when the chain has no EntryPoint v0.8 yet, then `CivicSponsorship`) on a network connection
 * and returns typed contracts. Used by the tests, the benchmark and the end-to-end test.
 */
import type { NetworkConnection } from "hardhat/types/network";

import CivicEntryPointModule from "../../deploy/modules/CivicEntryPoint.js";
import CivicSponsorshipModule from "../../deploy/modules/CivicSponsorship.js";
import type {
  CitizenAccount7702,
  CitizenAccountFactory,
  CivicPaymaster,
  IEntryPoint,
} from "../../types/ethers-contracts/index.js";
import { ENTRYPOINT_V08, ensureCreate2Deployer } from "./sponsorship.js";
import type { Suite } from "./suite.js";

export interface Sponsorship {
  entryPoint: IEntryPoint;
  paymaster: CivicPaymaster;
  account7702: CitizenAccount7702;
  factory: CitizenAccountFactory;
  addresses: { EntryPoint: string; CivicPaymaster: string; CitizenAccount7702: string; CitizenAccountFactory: string };
}

export interface SponsorshipOptions {
  /** The paymaster service's signing address. */
  signer: string;
  /** Where the deposit may go; default signer 0 (the deployer, ADMIN). */
  treasury?: string;
  maxOpsPerDay?: bigint;
  dailyBudget?: bigint;
  adminDelay?: bigint;
}

/** Deploys the EntryPoint (if missing, at its canonical address) and `CivicSponsorship` for `suite`. */
export async function deploySponsorship(
  connection: NetworkConnection,
  suite: Pick<Suite, "addresses">,
  options: SponsorshipOptions,
): Promise<Sponsorship> {
  const { ethers, ignition } = connection;
  if ((await ethers.provider.getCode(ENTRYPOINT_V08)) === "0x") {
    await ensureCreate2Deployer(ethers.provider);
    await ignition.deploy(CivicEntryPointModule);
  }
  const parameters: Record<string, string | bigint> = {
    authority: suite.addresses.AccessManager,
    permitRegistry: suite.addresses.PermitRegistry,
    subsidyDisbursement: suite.addresses.SubsidyDisbursement,
    signer: options.signer,
    treasury: options.treasury ?? (await ethers.provider.getSigner(0)).address,
  };
  if (options.maxOpsPerDay !== undefined) parameters.maxOpsPerDay = options.maxOpsPerDay;
  if (options.dailyBudget !== undefined) parameters.dailyBudget = options.dailyBudget;
  if (options.adminDelay !== undefined) parameters.adminDelay = options.adminDelay;
  const deployed = await ignition.deploy(CivicSponsorshipModule, { parameters: { CivicSponsorship: parameters } });
  const addresses: Sponsorship["addresses"] = {
    EntryPoint: ENTRYPOINT_V08,
    CivicPaymaster: await deployed.CivicPaymaster.getAddress(),
    CitizenAccount7702: await deployed.CitizenAccount7702.getAddress(),
    CitizenAccountFactory: await deployed.CitizenAccountFactory.getAddress(),
  };
  const at = async <T>(name: string, address: string) => (await ethers.getContractAt(name, address)) as unknown as T;
  return {
    entryPoint: await at<IEntryPoint>("IEntryPoint", ENTRYPOINT_V08),
    paymaster: await at<CivicPaymaster>("CivicPaymaster", addresses.CivicPaymaster),
    account7702: await at<CitizenAccount7702>("CitizenAccount7702", addresses.CitizenAccount7702),
    factory: await at<CitizenAccountFactory>("CitizenAccountFactory", addresses.CitizenAccountFactory),
    addresses,
  };
}
