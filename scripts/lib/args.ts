/**
 * Validation of user input for tasks and scripts: every parser throws a UserError that names
 * the argument and the bad value, so a task prints one clear line instead of a stack trace.
 */
import { encodeBytes32String, getAddress, isHexString, parseUnits } from "ethers";

import { MAX_CHECK_ROLE, MIN_CHECK_ROLE, ROLES, type RoleName } from "./roles.js";

export class UserError extends Error {
  override name = "UserError";
}

/** A required text option, trimmed; a UserError naming it when it is empty. */
export function requireText(value: string, name: string): string {
  if (value.trim() === "") throw new UserError(`--${name} is required`);
  return value.trim();
}

/** A checksummed address, or a UserError naming the argument. */
export function parseAddress(value: string, name: string): string {
  requireText(value, name);
  try {
    return getAddress(value.trim());
  } catch {
    throw new UserError(`--${name}: "${value}" is not a valid address (0x followed by 40 hex digits)`);
  }
}

/**
 * A bytes32 value: 0x + 64 hex digits as is, otherwise a short text (<= 31 bytes) encoded as
 * a bytes32 string, which is how line ids, refs and reasons are typed by people ("ROADS-2027").
 */
export function parseBytes32(value: string, name: string): string {
  if (isHexString(value, 32)) return value.toLowerCase();
  if (value.startsWith("0x")) throw new UserError(`--${name}: "${value}" is not 32 bytes of hex`);
  requireText(value, name);
  try {
    return encodeBytes32String(value);
  } catch {
    throw new UserError(`--${name}: "${value}" is longer than 31 bytes; give a 0x-prefixed 32-byte hash instead`);
  }
}

/** A token amount in whole units with up to `decimals` decimals ("1500.25") -> base units. */
export function parseAmount(value: string, decimals: number, name: string, allowZero = false): bigint {
  requireText(value, name);
  if (!/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new UserError(`--${name}: "${value}" is not an amount (digits, optionally with a decimal point)`);
  }
  let amount: bigint;
  try {
    amount = parseUnits(value.trim(), decimals);
  } catch {
    throw new UserError(`--${name}: "${value}" has more than ${decimals} decimals`);
  }
  if (amount === 0n && !allowZero) throw new UserError(`--${name} must be greater than 0`);
  return amount;
}

/** A non-negative whole number (ids, counts, years, seconds). */
export function parseUint(value: string, name: string, { min = 0n, max }: { min?: bigint; max?: bigint } = {}): bigint {
  requireText(value, name);
  if (!/^\d+$/.test(value.trim())) throw new UserError(`--${name}: "${value}" is not a whole number`);
  const n = BigInt(value.trim());
  if (n < min) throw new UserError(`--${name}: ${n} is below ${min}`);
  if (max !== undefined && n > max) throw new UserError(`--${name}: ${n} is above ${max}`);
  return n;
}

/** A role by name (BUDGET_OFFICER, case-insensitive) or id (one of ROLES, or a check role 100..2^64-2). */
export function parseRole(value: string, name = "role"): bigint {
  requireText(value, name);
  const upper = value.trim().toUpperCase();
  if (upper in ROLES) return ROLES[upper as RoleName];
  if (/^\d+$/.test(upper)) {
    const id = BigInt(upper);
    if ((Object.values(ROLES) as bigint[]).includes(id) || (id >= MIN_CHECK_ROLE && id <= MAX_CHECK_ROLE)) return id;
  }
  throw new UserError(
    `--${name}: "${value}" is not a role (one of ${Object.keys(ROLES).join(", ")}, or a check role id ${MIN_CHECK_ROLE}..${MAX_CHECK_ROLE})`,
  );
}

/** A comma-separated list of addresses (at least one, no repeats). */
export function parseAddressList(value: string, name: string): string[] {
  const addresses = requireText(value, name)
    .split(",")
    .map((part) => parseAddress(part, name));
  const repeated = addresses.find((a, i) => addresses.indexOf(a) !== i);
  if (repeated !== undefined) throw new UserError(`--${name}: ${repeated} is listed twice`);
  return addresses;
}

/** A yes/no flag given as text. */
export function parseBool(value: string, name: string): boolean {
  requireText(value, name);
  const v = value.trim().toLowerCase();
  if (["true", "yes", "1", "pass", "passed"].includes(v)) return true;
  if (["false", "no", "0", "fail", "failed"].includes(v)) return false;
  throw new UserError(`--${name}: "${value}" is not true/false`);
}
