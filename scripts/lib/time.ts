/** Durations and instants as people type them, for tasks and tender files. */
import { UserError } from "./args.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** "90", "90s", "15m", "12h", "30d", "2w", "1y" -> seconds. */
export function parseDuration(value: string, name: string): bigint {
  const m = /^(\d+)\s*([smhdwy]?)$/.exec(value.trim());
  if (m === null) throw new UserError(`--${name}: "${value}" is not a duration (e.g. 3600, 90m, 12h, 30d, 2w, 1y)`);
  return BigInt(m[1]) * BigInt(UNITS[m[2] === "" ? "s" : m[2]]);
}

/**
 * An instant: unix seconds ("1767225600"), an ISO date ("2027-01-31T12:00:00Z"), or a duration
 * from `now` ("+7d").
 */
export function parseInstant(value: string, name: string, now: bigint): bigint {
  const v = value.trim();
  if (v.startsWith("+")) return now + parseDuration(v.slice(1), name);
  if (/^\d+$/.test(v)) return BigInt(v);
  const ms = Date.parse(v);
  if (Number.isNaN(ms))
    throw new UserError(`--${name}: "${value}" is not a time (unix seconds, ISO date, or +duration such as +7d)`);
  return BigInt(Math.floor(ms / 1000));
}

/** Unix seconds -> "2027-01-31 12:00:00 UTC". */
export function formatInstant(seconds: bigint | number): string {
  if (BigInt(seconds) === 0n) return "-";
  return new Date(Number(seconds) * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

/** Seconds -> "1y 30d", "12h", "90s": the largest whole units, at most two. */
export function formatDuration(seconds: bigint | number): string {
  let rest = BigInt(seconds);
  if (rest === 0n) return "0s";
  const parts: string[] = [];
  for (const unit of ["y", "d", "h", "m", "s"]) {
    const size = BigInt(UNITS[unit]);
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}
