/**
 * Deploys the whole suite with the project's Ignition module (`CivicLedger`: a TestStablecoin
 * and every contract, wired to their roles) on a network connection, and returns typed
 * contracts. Used by the demo, the benchmark and the tests that need the production wiring.
 */
import type { NetworkConnection } from "hardhat/types/network";

import CivicLedgerModule from "../../deploy/modules/CivicLedger.js";
import type {
  AccessManager,
  BudgetLedger,
  PermitRegistry,
  ProcurementEscrow,
  SubsidyDisbursement,
  TestStablecoin,
} from "../../types/ethers-contracts/index.js";

export interface Suite {
  manager: AccessManager;
  token: TestStablecoin;
  ledger: BudgetLedger;
  permits: PermitRegistry;
  escrow: ProcurementEscrow;
  subsidies: SubsidyDisbursement;
  addresses: {
    AccessManager: string;
    BudgetLedger: string;
    PermitRegistry: string;
    ProcurementEscrow: string;
    SubsidyDisbursement: string;
    TestStablecoin: string;
  };
}

/** Deploys `CivicLedger` with `adminDelay` (seconds) on `connection` (signer 0 deploys and is ADMIN). */
export async function deploySuite(connection: NetworkConnection, adminDelay = 0n): Promise<Suite> {
  const { ethers, ignition } = connection;
  const deployed = await ignition.deploy(CivicLedgerModule, { parameters: { CivicLedger: { adminDelay } } });
  const addresses: Suite["addresses"] = {
    AccessManager: await deployed.AccessManager.getAddress(),
    BudgetLedger: await deployed.BudgetLedger.getAddress(),
    PermitRegistry: await deployed.PermitRegistry.getAddress(),
    ProcurementEscrow: await deployed.ProcurementEscrow.getAddress(),
    SubsidyDisbursement: await deployed.SubsidyDisbursement.getAddress(),
    TestStablecoin: await deployed.TestStablecoin.getAddress(),
  };
  const at = async <T>(name: keyof Suite["addresses"]) =>
    (await ethers.getContractAt(name, addresses[name])) as unknown as T;
  return {
    manager: await at<AccessManager>("AccessManager"),
    token: await at<TestStablecoin>("TestStablecoin"),
    ledger: await at<BudgetLedger>("BudgetLedger"),
    permits: await at<PermitRegistry>("PermitRegistry"),
    escrow: await at<ProcurementEscrow>("ProcurementEscrow"),
    subsidies: await at<SubsidyDisbursement>("SubsidyDisbursement"),
    addresses,
  };
}
