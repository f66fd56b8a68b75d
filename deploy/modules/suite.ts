/**
 * The one builder behind both Ignition modules: deploys the AccessManager and the civic-ledger
 * contracts on a given token, maps every restricted function to its role (from the shared table
 * of scripts/lib/wiring.ts), labels roles 1-8, grants LEDGER_CLIENT to the modules and, last,
 * applies `adminDelay` so that a new way to move money is public for that long before it works:
 * as the grant delay of every role that moves money or approves its movement (DELAYED_ROLES) and
 * as the target admin delay of every contract of the suite.
 * The deployer ends as the only ADMIN; `npx hardhat roles handover` passes ADMIN to a multisig.
 *
 * The AccessManager applies a raised delay only after its `minSetback()` (5 days): until then a
 * grant takes effect at once. The delays are in force from the `delays` transaction's block time
 * + minSetback; its `RoleGrantDelayChanged` and `TargetAdminDelayUpdated` events carry that time
 * (`since`), and from then on `getRoleGrantDelay(role)` and `getTargetAdminDelay(target)` read
 * `adminDelay` (docs/operations.md, "When the delays are in force").
 */
import type { IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import type { ContractFuture, EncodeFunctionCallFuture } from "@nomicfoundation/ignition-core";

import { ROLES, type RoleName } from "../../scripts/lib/roles.js";
import { roleSelectors, type SuiteContract } from "../../scripts/lib/wiring.js";

/**
 * Roles whose grants take `adminDelay` (SPEC "Timelock"): ADMIN and every role that moves money
 * or approves its movement. PERMIT_OFFICER (fees only go to the ledger) and GUARDIAN (a pause
 * must be quick) are granted at once.
 */
export const DELAYED_ROLES: RoleName[] = [
  "ADMIN",
  "BUDGET_OFFICER",
  "PROCUREMENT_OFFICER",
  "INSPECTOR",
  "PROGRAM_MANAGER",
  "OUTCOME_VERIFIER",
  "LEDGER_CLIENT",
];

/** Roles 1-8 get these AccessManager labels (ADMIN is the manager's own role 0). */
const LABELLED_ROLES: RoleName[] = [
  "BUDGET_OFFICER",
  "PROCUREMENT_OFFICER",
  "INSPECTOR",
  "PERMIT_OFFICER",
  "PROGRAM_MANAGER",
  "OUTCOME_VERIFIER",
  "GUARDIAN",
  "LEDGER_CLIENT",
];

export function buildSuite(
  m: IgnitionModuleBuilder,
  token: ContractFuture<string> | ReturnType<IgnitionModuleBuilder["contractAt"]>,
) {
  const adminDelay = m.getParameter<bigint | number>("adminDelay", 0n);
  const deployer = m.getAccount(0);

  const manager = m.contract("AccessManager", [deployer]);
  const ledger = m.contract("BudgetLedger", [manager, token]);
  // PermitRegistry links two libraries of its own (type storage and on-chain metadata), which
  // keeps its bytecode under the 24 KiB limit.
  const permitTypes = m.library("PermitTypes");
  const permitMetadata = m.library("PermitMetadata");
  const permits = m.contract("PermitRegistry", [manager, ledger], {
    libraries: { PermitTypes: permitTypes, PermitMetadata: permitMetadata },
  });
  // ProcurementEscrow links its cold paths (opening a tender, opening an agreement).
  const procurementActions = m.library("ProcurementActions");
  const procurement = m.contract("ProcurementEscrow", [manager, ledger], {
    libraries: { ProcurementActions: procurementActions },
  });
  const subsidies = m.contract("SubsidyDisbursement", [manager, ledger]);
  const targets: Record<SuiteContract, ContractFuture<string>> = {
    BudgetLedger: ledger,
    PermitRegistry: permits,
    ProcurementEscrow: procurement,
    SubsidyDisbursement: subsidies,
  };
  const modules: SuiteContract[] = ["PermitRegistry", "ProcurementEscrow", "SubsidyDisbursement"];

  // Wiring in one AccessManager `multicall` (one transaction, not one per call: on a public
  // testnet each transaction waits for its confirmations). Every call stays readable in the
  // Ignition journal as a named encoded call.
  const wiring: Array<EncodeFunctionCallFuture<string, string>> = [];
  for (const [name, target] of Object.entries(targets) as Array<[SuiteContract, ContractFuture<string>]>) {
    for (const { role, roleId, selectors } of roleSelectors(name)) {
      wiring.push(
        m.encodeFunctionCall(manager, "setTargetFunctionRole", [target, selectors, roleId], {
          id: `wire_${name}_${role}`,
        }),
      );
    }
  }
  // The modules take commitments from the ledger (SPEC: LEDGER_CLIENT is held by the modules).
  for (const name of modules) {
    wiring.push(
      m.encodeFunctionCall(manager, "grantRole", [ROLES.LEDGER_CLIENT, targets[name], 0], { id: `client_${name}` }),
    );
  }
  for (const role of LABELLED_ROLES) {
    wiring.push(m.encodeFunctionCall(manager, "labelRole", [ROLES[role], role], { id: `label_${role}` }));
  }
  const wired = m.call(manager, "multicall", [wiring], { id: "wire" });

  // Delays last: from here on (once the AccessManager's minSetback has passed), granting a
  // delayed role and re-mapping a contract's functions to roles take `adminDelay` to become
  // effective.
  const delays: Array<EncodeFunctionCallFuture<string, string>> = DELAYED_ROLES.map((role) =>
    m.encodeFunctionCall(manager, "setGrantDelay", [ROLES[role], adminDelay], { id: `delay_${role}` }),
  );
  for (const [name, target] of Object.entries(targets) as Array<[SuiteContract, ContractFuture<string>]>) {
    delays.push(m.encodeFunctionCall(manager, "setTargetAdminDelay", [target, adminDelay], { id: `delay_${name}` }));
  }
  m.call(manager, "multicall", [delays], { id: "delays", after: [wired] });

  return {
    AccessManager: manager,
    BudgetLedger: ledger,
    PermitRegistry: permits,
    ProcurementEscrow: procurement,
    SubsidyDisbursement: subsidies,
  };
}
