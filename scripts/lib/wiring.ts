/**
 * Which AccessManager role may call which function of each civic-ledger contract. One table
 * used by the Ignition module (deploy/modules/suite.ts), the test fixtures and the docs.
 * Functions not listed are open to anyone and carry no `restricted` modifier, check a role
 * themselves (`recordCheck`, `closeProgram`), or act on the caller's own books (`recordSpend`,
 * `returnFunds`, `withdrawOwed`).
 */
import { id } from "ethers";

import { ROLES, type RoleName } from "./roles.js";

export type SuiteContract = "BudgetLedger" | "PermitRegistry" | "ProcurementEscrow" | "SubsidyDisbursement";

const MILESTONE_SPEC = "(uint16,uint64,bytes32)[]";

export const FUNCTION_ROLES: Record<SuiteContract, Partial<Record<RoleName, readonly string[]>>> = {
  BudgetLedger: {
    BUDGET_OFFICER: [
      "createLine(bytes32,uint16,uint256,string)",
      "increaseAppropriation(bytes32,uint256)",
      "decreaseAppropriation(bytes32,uint256)",
      "reallocate(bytes32,bytes32,uint256,bytes32)",
      "closeLine(bytes32)",
      "pay(bytes32,address,uint256,bytes32)",
    ],
    ADMIN: ["withdrawUnallocated(address,uint256,bytes32)"],
    // recordSpend and returnFunds need no role: they act on the caller's own commitment (SPEC)
    LEDGER_CLIENT: ["commit(bytes32,uint256,bytes32)"],
    GUARDIAN: ["pause()", "unpause()"],
  },
  PermitRegistry: {
    PERMIT_OFFICER: [
      "definePermitType(string,uint256,uint64,uint64[],bool)",
      "setPermitTypeActive(uint256,bool)",
      "revoke(uint256,bytes32)",
      "suspend(uint256,bytes32)",
      "reinstate(uint256)",
    ],
    GUARDIAN: ["pause()", "unpause()"],
  },
  ProcurementEscrow: {
    PROCUREMENT_OFFICER: [
      `createTender(bytes32,bytes32,uint256,uint256,uint64,uint64,uint16,uint8,${MILESTONE_SPEC})`,
      "cancelTender(uint256,bytes32)",
      "terminate(uint256,bytes32)",
    ],
    INSPECTOR: ["approveMilestone(uint256,uint256)", "rejectMilestone(uint256,uint256,bytes32)"],
    GUARDIAN: ["pause()", "unpause()"],
  },
  SubsidyDisbursement: {
    PROGRAM_MANAGER: [
      "createRosterProgram(bytes32,bytes32,uint256,uint64,uint64,bytes32)",
      "createOutcomeProgram(bytes32,uint256,uint256,uint256,uint64,uint64,bytes32)",
      "blockClaim(uint256,uint256,bytes32)",
    ],
    OUTCOME_VERIFIER: ["recordOutcome(uint256,address,uint256,bytes32)"],
    GUARDIAN: ["pause()", "unpause()"],
  },
};

/** The 4-byte selector of a function signature. */
export function selector(signature: string): string {
  return id(signature).slice(0, 10);
}

/** [role id, selectors] pairs for one contract, in a stable order. */
export function roleSelectors(contract: SuiteContract): Array<{ role: RoleName; roleId: bigint; selectors: string[] }> {
  return Object.entries(FUNCTION_ROLES[contract]).map(([role, signatures]) => ({
    role: role as RoleName,
    roleId: ROLES[role as RoleName],
    selectors: (signatures ?? []).map(selector),
  }));
}
