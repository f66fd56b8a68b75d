/**
 * `CivicSponsorship`: gas sponsorship for a deployed suite (issue #17). Deploys the citizen
 * accounts (the EIP-7702 delegate `CitizenAccount7702`, the `CitizenAccountFactory` of plain
 * smart accounts) and `CivicPaymaster` on the suite's AccessManager, sponsoring the
 * citizen-facing functions of scripts/lib/sponsorship.ts and operations that create an account
 * through the factory or a 7702 delegation; then, as the AccessManager's ADMIN (the deployer,
 * before the handover to a multisig), maps the paymaster's functions to SPONSOR_MANAGER (role 9)
 * and GUARDIAN, labels role 9, and applies `adminDelay` to role 9's grants and to the paymaster
 * as a target, as the suite's module does for the money roles.
 *
 * Parameters: `authority`, `permitRegistry`, `subsidyDisbursement` (the suite's addresses,
 * required), `signer` (the paymaster service's address, required), `treasury` (where the
 * deposit may go, fixed for good: the treasury's ETH account, required), `entryPoint` (default the
 * canonical v0.8), `maxOpsPerDay` (10), `dailyBudget` (wei, 1 ETH), `adminDelay` (s, 0).
 *
 *   npx hardhat ignition deploy deploy/modules/CivicSponsorship.ts --network localhost \
 *     --parameters sponsorship.json
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { EncodeFunctionCallFuture } from "@nomicfoundation/ignition-core";

import { ROLES } from "../../scripts/lib/roles.js";
import {
  DEFAULT_DAILY_BUDGET,
  DEFAULT_MAX_OPS_PER_DAY,
  DEFAULT_SPONSORED_CALLS,
  EIP7702_MARKER,
  ENTRYPOINT_V08,
  PAYMASTER_FUNCTION_ROLES,
  selectorOf,
} from "../../scripts/lib/sponsorship.js";

export default buildModule("CivicSponsorship", (m) => {
  const authority = m.getParameter<string>("authority");
  const permitRegistry = m.getParameter<string>("permitRegistry");
  const subsidyDisbursement = m.getParameter<string>("subsidyDisbursement");
  const signer = m.getParameter<string>("signer");
  const treasury = m.getParameter<string>("treasury");
  const entryPoint = m.getParameter<string>("entryPoint", ENTRYPOINT_V08);
  const maxOpsPerDay = m.getParameter<bigint | number>("maxOpsPerDay", DEFAULT_MAX_OPS_PER_DAY);
  const dailyBudget = m.getParameter<bigint | number>("dailyBudget", DEFAULT_DAILY_BUDGET);
  const adminDelay = m.getParameter<bigint | number>("adminDelay", 0n);

  const account7702 = m.contract("CitizenAccount7702", [entryPoint]);
  const factory = m.contract("CitizenAccountFactory", [entryPoint]);

  const targets = [
    ...DEFAULT_SPONSORED_CALLS.PermitRegistry.map(() => permitRegistry),
    ...DEFAULT_SPONSORED_CALLS.SubsidyDisbursement.map(() => subsidyDisbursement),
  ];
  const selectors = [...DEFAULT_SPONSORED_CALLS.PermitRegistry, ...DEFAULT_SPONSORED_CALLS.SubsidyDisbursement].map(
    selectorOf,
  );
  const paymaster = m.contract("CivicPaymaster", [
    authority,
    entryPoint,
    signer,
    treasury,
    { maxOpsPerDay, dailyBudget },
    targets,
    selectors,
    [factory, EIP7702_MARKER],
  ]);

  // Wiring and delays in one AccessManager multicall; the delays come last.
  const manager = m.contractAt("AccessManager", authority);
  const calls: Array<EncodeFunctionCallFuture<string, string>> = [];
  for (const [role, signatures] of Object.entries(PAYMASTER_FUNCTION_ROLES)) {
    calls.push(
      m.encodeFunctionCall(
        manager,
        "setTargetFunctionRole",
        [paymaster, (signatures ?? []).map(selectorOf), ROLES[role as keyof typeof ROLES]],
        { id: `wire_CivicPaymaster_${role}` },
      ),
    );
  }
  calls.push(
    m.encodeFunctionCall(manager, "labelRole", [ROLES.SPONSOR_MANAGER, "SPONSOR_MANAGER"], {
      id: "label_SPONSOR_MANAGER",
    }),
    m.encodeFunctionCall(manager, "setGrantDelay", [ROLES.SPONSOR_MANAGER, adminDelay], {
      id: "delay_SPONSOR_MANAGER",
    }),
    m.encodeFunctionCall(manager, "setTargetAdminDelay", [paymaster, adminDelay], { id: "delay_CivicPaymaster" }),
  );
  m.call(manager, "multicall", [calls], { id: "wire_sponsorship" });

  return { CivicPaymaster: paymaster, CitizenAccount7702: account7702, CitizenAccountFactory: factory };
});
