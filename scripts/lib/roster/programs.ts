/**
 * What the tasks, tests and demo share about subsidy programmes on chain: names of kinds and
 * statuses, and the chunking of a roster range into `claimBatch` calls.
 */
import type { RosterClaim, RosterFile } from "./file.js";

/** `Program.kind` values (SPEC: 0 roster, 1 outcome). */
export const PROGRAM_KINDS = ["roster", "outcome"] as const;

/** `programStatus` values, in the order of the contract's enum. */
export const PROGRAM_STATUSES = ["none", "scheduled", "open", "ended", "closed"] as const;

export function kindName(kind: bigint | number): string {
  return PROGRAM_KINDS[Number(kind)] ?? `kind ${kind}`;
}

export function statusName(status: bigint | number): string {
  return PROGRAM_STATUSES[Number(status)] ?? `status ${status}`;
}

/** One `claimBatch` entry as the contract's `Claim` struct. */
export interface ClaimStruct {
  index: bigint;
  beneficiary: string;
  amount: bigint;
  proof: string[];
}

export function toClaimStruct(claim: RosterClaim): ClaimStruct {
  return { index: BigInt(claim.index), beneficiary: claim.beneficiary, amount: claim.amount, proof: claim.proof };
}

/** Most entries one `claimBatch` should carry: about 50,000 gas each, far below a block. */
export const MAX_BATCH = 250;

/** The claims of roster indices from..to (inclusive) in chunks of `size`. */
export function* claimChunks(file: RosterFile, from: number, to: number, size: number): Generator<RosterClaim[]> {
  for (let start = from; start <= to; start += size) {
    const end = Math.min(to, start + size - 1);
    const chunk: RosterClaim[] = [];
    for (let i = start; i <= end; i++) chunk.push(file.claimAt(i));
    yield chunk;
  }
}
