/**
 * Names of the contracts' enum values, in the order of their Solidity enums, for the tasks'
 * views and for refusals that carry a status or a bitmask of allowed statuses.
 */

/** Names of the set bits of a status bitmask (`allowed` of the contracts' status errors). */
export function allowedNames(allowed: bigint, names: readonly string[]): string {
  const out = names.filter((_, i) => (allowed >> BigInt(i)) & 1n);
  return out.length === 0 ? "none" : out.join(" or ");
}

/** IPermitRegistry.ApplicationStatus */
export const APPLICATION_STATUS = ["None", "Pending", "Approved", "Rejected", "Withdrawn"] as const;
/** IPermitRegistry.PermitStatus (derived from the flags and the clock) */
export const PERMIT_STATUS = ["None", "Active", "Suspended", "Revoked", "Expired"] as const;
/** IProcurementEscrow.TenderStatus (derived from the clock until award) */
export const TENDER_STATUS = ["None", "Bidding", "Revealing", "Awardable", "Awarded", "Failed", "Cancelled"] as const;
/** IProcurementEscrow.AgreementStatus */
export const AGREEMENT_STATUS = ["None", "Active", "Completed", "Terminated"] as const;
/** IProcurementEscrow.MilestoneStatus */
export const MILESTONE_STATUS = ["None", "Pending", "Submitted", "Rejected", "Paid", "Cancelled"] as const;
/** ISubsidyDisbursement.ProgramStatus */
export const PROGRAM_STATUS = ["None", "Scheduled", "Open", "Ended", "Closed"] as const;

/** The name of an enum value, or `status <n>` for a value the table does not know. */
export function nameOf(names: readonly string[], value: unknown): string {
  return names[Number(value)] ?? `status ${String(value)}`;
}
