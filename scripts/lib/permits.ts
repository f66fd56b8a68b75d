/** Permit types as people type them: the check roles of a type. */
import { UserError, parseUint } from "./args.js";
import { MAX_CHECK_ROLE, MIN_CHECK_ROLE } from "./roles.js";

/** Most checks a permit type may list (PermitTypes.MAX_CHECKS). */
export const MAX_CHECKS = 16;

/**
 * A comma-separated list of check role ids ("100,101"; empty: no checks), each in
 * 100 ... 2^64-2, distinct, at most 16.
 */
export function parseCheckRoles(value: string, name: string): bigint[] {
  if (value.trim() === "") return [];
  const roles = value.split(",").map((part) => parseUint(part, name, { min: MIN_CHECK_ROLE, max: MAX_CHECK_ROLE }));
  const repeated = roles.find((r, i) => roles.indexOf(r) !== i);
  if (repeated !== undefined) throw new UserError(`--${name}: check role ${repeated} is listed twice`);
  if (roles.length > MAX_CHECKS) throw new UserError(`--${name}: ${roles.length} checks, at most ${MAX_CHECKS}`);
  return roles;
}
