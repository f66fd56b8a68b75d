/**
 * EVM floors: the least gas an operation can cost on a Cancun chain, from the gas schedule
 * alone. A floor counts the 21,000 base cost, the calldata actually sent (4 gas a zero byte,
 * 16 a non-zero byte), and the state accesses, storage writes and logs that the operation's
 * public behaviour makes unavoidable (EIP-2929 cold/warm pricing, EIP-2200/3529 SSTORE
 * pricing). Each floor is a list of named parts, so docs/benchmarks.md can show the
 * arithmetic and a reader can disagree with a part rather than with a number.
 */
import { getBytes } from "ethers";

/** Gas schedule (Cancun). */
export const GAS = {
  TX_BASE: 21_000,
  CALLDATA_ZERO: 4,
  CALLDATA_NONZERO: 16,
  /** First access to an account in the transaction (CALL, STATICCALL, BALANCE, ...). */
  COLD_ACCOUNT: 2_600,
  /** First read of a storage slot in the transaction. */
  COLD_SLOAD: 2_100,
  /** Writing a non-zero value into a zero slot (on top of the cold read). */
  SSTORE_SET: 20_000,
  /** Changing a non-zero slot to another non-zero value (on top of the cold read). */
  SSTORE_RESET: 2_900,
  LOG: 375,
  LOG_TOPIC: 375,
  LOG_DATA_BYTE: 8,
} as const;

export interface FloorPart {
  what: string;
  gas: number;
}

export interface Floor {
  total: number;
  parts: FloorPart[];
}

export function calldataGas(data: string): number {
  let gas = 0;
  for (const byte of getBytes(data)) gas += byte === 0 ? GAS.CALLDATA_ZERO : GAS.CALLDATA_NONZERO;
  return gas;
}

/** A log with `topics` topics (the event signature included) and `dataBytes` bytes of data. */
export function logGas(topics: number, dataBytes: number): number {
  return GAS.LOG + GAS.LOG_TOPIC * topics + GAS.LOG_DATA_BYTE * dataBytes;
}

/** A cold slot rewritten with another non-zero value. */
export const COLD_RESET = GAS.COLD_SLOAD + GAS.SSTORE_RESET;
/** A cold zero slot set to a non-zero value. */
export const COLD_SET = GAS.COLD_SLOAD + GAS.SSTORE_SET;

/** Parts shared by floors. */
export const PART: {
  base: () => FloorPart;
  calldata: (data: string) => FloorPart;
  accessCheck: (who: string, cold?: boolean) => FloorPart;
  pauseFlag: (who: string) => FloorPart;
  transfer: (freshRecipient: boolean) => FloorPart[];
  ledgerBooking: () => FloorPart[];
} = {
  base: (): FloorPart => ({ what: "transaction base", gas: GAS.TX_BASE }),
  calldata: (data: string): FloorPart => ({
    what: `calldata (${getBytes(data).length} bytes)`,
    gas: calldataGas(data),
  }),
  /**
   * SPEC gates the function by the AccessManager: a call to the authority (cold, or warm when an
   * earlier check of the same transaction touched it) that reads the target's closed flag, the
   * function's role and the caller's membership.
   */
  accessCheck: (who: string, cold = true): FloorPart => ({
    what: `${who}: AccessManager call (${cold ? "cold" : "warm"}) reading closed flag, function role, membership`,
    gas: (cold ? GAS.COLD_ACCOUNT : 100) + 3 * GAS.COLD_SLOAD,
  }),
  /** SPEC: a pause stops the operation, so the flag is read. */
  pauseFlag: (who: string): FloorPart => ({ what: `${who}: pause flag read`, gas: GAS.COLD_SLOAD }),
  /** ERC-20 transfer out of the contract: token account, sender balance rewrite, recipient balance, Transfer log. */
  transfer: (freshRecipient: boolean): FloorPart[] => [
    { what: "token contract (cold)", gas: GAS.COLD_ACCOUNT },
    { what: "sender token balance rewritten", gas: COLD_RESET },
    {
      what: freshRecipient ? "recipient token balance set (new holder)" : "recipient token balance rewritten",
      gas: freshRecipient ? COLD_SET : COLD_RESET,
    },
    { what: "Transfer log (3 topics, 32 bytes)", gas: logGas(3, 32) },
  ],
  /**
   * Booking a module's payout on the ledger (SPEC: `recordSpend`, pausable, and since issue #12
   * gated by no role: the caller's own commitment is the limit): the ledger account, its pause
   * flag, the module's books, the Spent log. No AccessManager call.
   */
  ledgerBooking: (): FloorPart[] => [
    { what: "ledger contract (cold)", gas: GAS.COLD_ACCOUNT },
    PART.pauseFlag("ledger"),
    { what: "ledger: the module's books on the line rewritten (one slot)", gas: COLD_RESET },
    { what: "Spent log (4 topics, 64 bytes)", gas: logGas(4, 64) },
  ],
};

export function floorOf(parts: FloorPart[]): Floor {
  return { total: parts.reduce((sum, part) => sum + part.gas, 0), parts };
}
