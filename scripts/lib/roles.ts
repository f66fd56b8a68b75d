/**
 * The AccessManager role ids of SPEC.md, mirrored from contracts/access/Roles.sol (the source of
 * truth; test/access/roles.test.ts fails if the two ever disagree).
 */
export const ROLES = {
  ADMIN: 0n,
  BUDGET_OFFICER: 1n,
  PROCUREMENT_OFFICER: 2n,
  INSPECTOR: 3n,
  PERMIT_OFFICER: 4n,
  PROGRAM_MANAGER: 5n,
  OUTCOME_VERIFIER: 6n,
  GUARDIAN: 7n,
  LEDGER_CLIENT: 8n,
  SPONSOR_MANAGER: 9n,
} as const;

export type RoleName = keyof typeof ROLES;

/** Lowest and highest id of a compliance check role (2^64 - 1 is the AccessManager's PUBLIC_ROLE). */
export const MIN_CHECK_ROLE = 100n;
export const MAX_CHECK_ROLE = 2n ** 64n - 2n;

/** The name of a role id, or `check role <id>` for compliance roles. */
export function roleName(id: bigint): string {
  for (const [name, value] of Object.entries(ROLES)) if (value === id) return name;
  return id >= MIN_CHECK_ROLE && id <= MAX_CHECK_ROLE ? `check role ${id}` : `role ${id}`;
}
