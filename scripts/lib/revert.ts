/**
 * Refused transactions for people: finds the revert data in whatever error a provider threw
 * (in-process chain, JSON-RPC node, ethers wrappers), decodes it with the ABIs of the
 * civic-ledger contracts into `ErrorName(arg, ...)`, and turns the errors that carry an enum
 * or a bitmask of allowed states into a sentence that names them.
 */
import { Interface, decodeBytes32String, isHexString, type InterfaceAbi } from "ethers";

import { FUNCTION_ROLES, selector, type SuiteContract } from "./wiring.js";
import { ROLES, type RoleName } from "./roles.js";
import {
  AGREEMENT_STATUS,
  APPLICATION_STATUS,
  MILESTONE_STATUS,
  PERMIT_STATUS,
  PROGRAM_STATUS,
  TENDER_STATUS,
  allowedNames,
  nameOf,
} from "./status.js";

export interface DecodedRevert {
  name: string;
  args: unknown[];
  /** `ErrorName(arg, ...)` with short bytes32 texts shown as text. */
  text: string;
}

/** Interfaces that decode the errors of the contracts registered so far (one per name). */
export class RevertDecoder {
  readonly #interfaces = new Map<string, Interface>();

  register(name: string, abi: InterfaceAbi): void {
    if (!this.#interfaces.has(name)) this.#interfaces.set(name, new Interface(abi));
  }

  has(name: string): boolean {
    return this.#interfaces.has(name);
  }

  /** Decodes revert data into its custom error, or undefined if no registered ABI knows it. */
  decode(data: string | undefined): DecodedRevert | undefined {
    if (data === undefined || data.length < 10) return undefined;
    for (const iface of this.#interfaces.values()) {
      try {
        const parsed = iface.parseError(data);
        if (parsed !== null) {
          const args = [...parsed.args];
          return { name: parsed.name, args, text: `${parsed.name}(${args.map(showArg).join(", ")})` };
        }
      } catch {
        // not an error of this interface
      }
    }
    return undefined;
  }
}

/** An error argument for people: a bytes32 that holds short text is shown as that text. */
export function showArg(arg: unknown): string {
  if (typeof arg === "string" && isHexString(arg, 32)) {
    try {
      const text = decodeBytes32String(arg);
      if (/^[\x20-\x7e]+$/.test(text)) return `"${text}"`;
    } catch {
      // not a short string
    }
  }
  return String(arg);
}

/**
 * The revert data somewhere inside an error: ethers puts it in `data`, JSON-RPC providers in
 * `error.data` or `error.data.data`, wrappers in `cause` or `info.error`.
 */
export function findRevertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): string | undefined => {
    if (depth > 6 || typeof value !== "object" || value === null || seen.has(value)) return undefined;
    seen.add(value);
    const record = value as Record<string, unknown>;
    const data = record.data;
    if (typeof data === "string" && isHexString(data) && data.length >= 10) return data;
    for (const key of ["data", "error", "cause", "info", "payload"]) {
      const found = visit(record[key], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}

/** The role `wiring.ts` maps a contract's function (by selector) to, with the function's signature. */
export function wiredRole(
  contract: string,
  functionSelector: string,
): { role: RoleName; signature: string } | undefined {
  const byRole = FUNCTION_ROLES[contract as SuiteContract];
  if (byRole === undefined) return undefined;
  for (const [role, signatures] of Object.entries(byRole)) {
    for (const signature of signatures ?? []) {
      if (selector(signature) === functionSelector.toLowerCase()) return { role: role as RoleName, signature };
    }
  }
  return undefined;
}

/**
 * A sentence for errors whose arguments are enums or bitmasks, so that a refusal reads
 * "tender 3 is Bidding; this needs Awardable" instead of numbers. Undefined for other errors.
 */
export function explainStatusError(revert: DecodedRevert): string | undefined {
  const a = revert.args;
  const n = (i: number) => BigInt(a[i] as bigint | number);
  switch (revert.name) {
    case "Procurement_UnexpectedTenderStatus":
      return `tender ${a[0]} is ${nameOf(TENDER_STATUS, a[1])}; this needs ${allowedNames(n(2), TENDER_STATUS)}`;
    case "Procurement_UnexpectedAgreementStatus":
      return `agreement ${a[0]} is ${nameOf(AGREEMENT_STATUS, a[1])}; this needs ${allowedNames(n(2), AGREEMENT_STATUS)}`;
    case "Procurement_UnexpectedMilestoneStatus":
      return `milestone ${a[1]} of agreement ${a[0]} is ${nameOf(MILESTONE_STATUS, a[2])}; this needs ${allowedNames(n(3), MILESTONE_STATUS)}`;
    case "Permit_UnexpectedApplicationStatus":
      return `application ${a[0]} is ${nameOf(APPLICATION_STATUS, a[1])}, no longer Pending`;
    case "Permit_InvalidPermitStatus":
      return `permit ${a[0]} is ${nameOf(PERMIT_STATUS, a[1])}; this needs ${allowedNames(n(2), PERMIT_STATUS)}`;
    case "Subsidy_UnexpectedProgramStatus":
      return `programme ${a[0]} is ${nameOf(PROGRAM_STATUS, a[1])}; this needs ${allowedNames(n(2), PROGRAM_STATUS)}`;
    case "EnforcedPause":
      return "the contract is paused by a GUARDIAN (npx hardhat guardian unpause)";
    case "AccessManagerUnauthorizedAccount": {
      const role = n(1);
      return `${a[0]} does not hold ${roleLabel(role)}, which this AccessManager call needs`;
    }
    default:
      return undefined;
  }
}

/** `BUDGET_OFFICER (role 1)`, `check role 100`. */
export function roleLabel(role: bigint): string {
  for (const [name, value] of Object.entries(ROLES)) if (value === role) return `${name} (role ${role})`;
  return role >= 100n ? `check role ${role}` : `role ${role}`;
}
