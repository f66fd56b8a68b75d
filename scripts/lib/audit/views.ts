/** View calls at the pinned block, encoded and decoded with the Interfaces of abi.ts. */
import { Result, type Interface } from "ethers";

import type { PinnedReader } from "./rpc.js";

export type ViewResult = { ok: true; value: unknown } | { ok: false; revert: string };

/** Deep-converts an ethers Result: a struct into a plain object by field name, a list into an array. */
function plain(value: unknown): unknown {
  if (!(value instanceof Result)) return value;
  let named: Record<string, unknown> | undefined;
  try {
    named = value.toObject();
  } catch {
    named = undefined; // unnamed values: a list
  }
  if (named !== undefined && Object.keys(named).length > 0) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(named)) out[key] = plain(value.getValue(key));
    return out;
  }
  return Array.from(value, plain);
}

/**
 * Calls `fn(...args)` on `address` at the pinned block. A single return value is returned as is
 * (a struct as a plain object with its field names); a revert or undecodable data is a failed
 * result, never a thrown error.
 */
export async function callView(
  reader: PinnedReader,
  iface: Interface,
  address: string,
  fn: string,
  args: unknown[],
): Promise<ViewResult> {
  const result = await reader.call(address, iface.encodeFunctionData(fn, args));
  if (!result.ok) return { ok: false, revert: result.revert };
  if (result.data === "0x") return { ok: false, revert: "no data (no contract, or no such function)" };
  try {
    const decoded = iface.decodeFunctionResult(fn, result.data);
    return { ok: true, value: decoded.length === 1 ? plain(decoded[0]) : plain(decoded) };
  } catch (error) {
    return { ok: false, revert: `undecodable result (${(error as Error).message.split("\n")[0]})` };
  }
}
