/**
 * Red flags: patterns worth an auditor's look that are not inconsistencies of the books. Each
 * rule is a pure function of plain data taken from the books, so each can be tested alone.
 * They are listed apart from mismatches and never change the exit code.
 */
import { displayLine } from "./format.js";
import { MAX_CHECK_ROLE, MIN_CHECK_ROLE, ROLES, roleName } from "../roles.js";
import type { RedFlag } from "./books/types.js";

export const RULES = {
  approverAlsoBidder: "approver-also-bidder",
  payoutToOfficial: "payout-to-official",
  reallocationBeforeOverspend: "reallocation-before-overspend",
  programmeMostlyUnclaimed: "programme-closed-mostly-unclaimed",
  singleBidder: "single-bidder-tender",
  documentOfTwoApplicants: "document-of-two-applicants",
} as const;

type Format = (amount: bigint) => string;
const plain: Format = (amount) => amount.toString();

// ------------------------------------------------------------------ approver also bidder

export interface ApprovalFact {
  agreementId: bigint;
  tenderId: bigint;
  index: bigint;
  inspector: string;
  block: number;
  tx: string;
}

/** A milestone approved by an inspector who also bid on the agreement's tender. */
export function approverAlsoBidder(input: {
  approvals: readonly ApprovalFact[];
  /** Bidders (every BidSubmitted) of each tender. */
  bidders: ReadonlyMap<bigint, Iterable<string>>;
}): RedFlag[] {
  const out: RedFlag[] = [];
  for (const a of input.approvals) {
    const bidders = new Set(input.bidders.get(a.tenderId) ?? []);
    if (!bidders.has(a.inspector)) continue;
    out.push({
      rule: RULES.approverAlsoBidder,
      record: `agreement ${a.agreementId} milestone ${a.index}`,
      detail: `approved by ${a.inspector}, who also bid on tender ${a.tenderId}`,
      block: a.block,
      tx: a.tx,
    });
  }
  return out;
}

// ------------------------------------------------------------------ payout to an official

export interface RoleChangeFact {
  roleId: bigint;
  account: string;
  granted: boolean;
  block: number;
  logIndex: number;
}

export interface PayoutFact {
  lineId: string;
  payee: string;
  amount: bigint;
  module: string;
  block: number;
  logIndex: number;
  tx: string;
}

/** Officer and inspector roles: ADMIN, the officers, INSPECTOR, OUTCOME_VERIFIER and every compliance check role. */
export function isOfficialRole(roleId: bigint): boolean {
  if (roleId >= MIN_CHECK_ROLE && roleId <= MAX_CHECK_ROLE) return true;
  return (
    roleId === ROLES.ADMIN ||
    roleId === ROLES.BUDGET_OFFICER ||
    roleId === ROLES.PROCUREMENT_OFFICER ||
    roleId === ROLES.INSPECTOR ||
    roleId === ROLES.PERMIT_OFFICER ||
    roleId === ROLES.PROGRAM_MANAGER ||
    roleId === ROLES.OUTCOME_VERIFIER
  );
}

/**
 * A payout (any `Spent`: direct payment, milestone, claim, outcome) to an address that holds an
 * officer or inspector role at that moment (granted before the payout, in chain order, and not
 * revoked since).
 */
export function payoutToOfficial(input: {
  roleChanges: readonly RoleChangeFact[];
  payouts: readonly PayoutFact[];
  isOfficial?: (roleId: bigint) => boolean;
  format?: Format;
}): RedFlag[] {
  const official = input.isOfficial ?? isOfficialRole;
  const format = input.format ?? plain;
  const before = (a: { block: number; logIndex: number }, b: { block: number; logIndex: number }) =>
    a.block < b.block || (a.block === b.block && a.logIndex < b.logIndex);
  const changes = [...input.roleChanges].sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  const payouts = [...input.payouts].sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  const held = new Map<string, Set<bigint>>();
  const out: RedFlag[] = [];
  let next = 0;
  for (const p of payouts) {
    while (next < changes.length && before(changes[next], p)) {
      const c = changes[next++];
      if (!official(c.roleId)) continue;
      const roles = held.get(c.account) ?? new Set<bigint>();
      if (c.granted) roles.add(c.roleId);
      else roles.delete(c.roleId);
      held.set(c.account, roles);
    }
    const roles = held.get(p.payee);
    if (roles === undefined || roles.size === 0) continue;
    out.push({
      rule: RULES.payoutToOfficial,
      record: `line ${displayLine(p.lineId)}`,
      detail: `paid ${format(p.amount)} to ${p.payee}, who holds ${[...roles].map(roleName).join(", ")}`,
      block: p.block,
      tx: p.tx,
    });
  }
  return out;
}

// ------------------------------------------------------------------ reallocation before overspend

export interface ReallocationFact {
  from: string;
  to: string;
  amount: bigint;
  block: number;
  tx: string;
  timestamp?: number;
}

/** A moment where a line used (committed + spent) more than its own appropriation. */
export interface OverspendFact {
  lineId: string;
  used: bigint;
  /** Created + supplementary - reduced: the appropriation without reallocations. */
  own: bigint;
  block: number;
  tx: string;
  timestamp?: number;
}

export const DEFAULT_REALLOCATION_WINDOW = 7 * 24 * 3600; // seconds

/**
 * A reallocation out of a line into another that is overspent within `windowSeconds` after it:
 * the receiving line's use (committed + spent) exceeds the appropriation voted for it
 * (created + supplementary - reduced, money moved in by reallocation not counted). The budget
 * could only pay because money was moved in from elsewhere shortly before. One flag per
 * reallocation, at the first overspend in the window. Facts without a timestamp are skipped.
 */
export function reallocationBeforeOverspend(input: {
  reallocations: readonly ReallocationFact[];
  overspends: readonly OverspendFact[];
  windowSeconds?: number;
  format?: Format;
}): RedFlag[] {
  const window = input.windowSeconds ?? DEFAULT_REALLOCATION_WINDOW;
  const format = input.format ?? plain;
  const byLine = new Map<string, OverspendFact[]>();
  for (const o of input.overspends) {
    if (o.timestamp === undefined) continue;
    const list = byLine.get(o.lineId) ?? [];
    list.push(o);
    byLine.set(o.lineId, list);
  }
  const out: RedFlag[] = [];
  for (const r of input.reallocations) {
    if (r.timestamp === undefined) continue;
    const start = r.timestamp;
    const hit = (byLine.get(r.to) ?? []).find(
      (o) => o.block >= r.block && (o.timestamp as number) >= start && (o.timestamp as number) <= start + window,
    );
    if (hit === undefined) continue;
    const hours = ((hit.timestamp as number) - start) / 3600;
    out.push({
      rule: RULES.reallocationBeforeOverspend,
      record: `line ${displayLine(r.from)}`,
      detail:
        `${format(r.amount)} reallocated to ${displayLine(r.to)}, which ${hours < 1 ? "within the hour" : `${hours.toFixed(1)} h later`} ` +
        `used ${format(hit.used)} against its own appropriation of ${format(hit.own)}`,
      block: r.block,
      tx: r.tx,
    });
  }
  return out;
}

// ------------------------------------------------------------------ programme closed mostly unclaimed

export interface ProgrammeFact {
  id: bigint;
  budget: bigint;
  paid: bigint;
  closed: boolean;
  closedAtBlock?: number;
  closedTx?: string;
}

/** A programme closed with more than `thresholdBps` (default 5000 = 50 %) of its budget unpaid. */
export function programmeClosedMostlyUnclaimed(input: {
  programmes: readonly ProgrammeFact[];
  thresholdBps?: number;
  format?: Format;
}): RedFlag[] {
  const threshold = BigInt(input.thresholdBps ?? 5_000);
  const format = input.format ?? plain;
  const out: RedFlag[] = [];
  for (const p of input.programmes) {
    if (!p.closed || p.budget === 0n) continue;
    const unclaimed = p.budget - p.paid;
    if (unclaimed * 10_000n <= p.budget * threshold) continue;
    const pct = Number((unclaimed * 1_000n) / p.budget) / 10;
    out.push({
      rule: RULES.programmeMostlyUnclaimed,
      record: `programme ${p.id}`,
      detail: `closed with ${format(unclaimed)} of ${format(p.budget)} unclaimed (${pct}%)`,
      block: p.closedAtBlock,
      tx: p.closedTx,
    });
  }
  return out;
}

// ------------------------------------------------------------------ single bidder

export interface TenderFact {
  id: bigint;
  status: string;
  bidders: number;
  block: number;
  tx: string;
}

/** An awarded tender that had a single bidder: no competition on price. */
export function singleBidderTender(input: { tenders: readonly TenderFact[] }): RedFlag[] {
  return input.tenders
    .filter((t) => t.status === "awarded" && t.bidders === 1)
    .map((t) => ({
      rule: RULES.singleBidder,
      record: `tender ${t.id}`,
      detail: "awarded with a single bidder",
      block: t.block,
      tx: t.tx,
    }));
}

// ------------------------------------------------------------------ one document, two applicants

export interface DocumentUseFact {
  applicant: string;
  applicationId: bigint;
  block: number;
  tx: string;
}

/**
 * One document hash submitted by two or more applicants. Documents are bound to their applicant,
 * so a copy gains nothing on chain, but a hash copied from someone else's pending transaction (or
 * two people filing the same deed) is worth an auditor's look. Flagged at the second applicant.
 */
export function documentOfTwoApplicants(input: { uses: ReadonlyMap<string, readonly DocumentUseFact[]> }): RedFlag[] {
  const out: RedFlag[] = [];
  for (const [documentHash, uses] of input.uses) {
    if (uses.length < 2) continue;
    const [first, ...later] = uses;
    for (const use of later) {
      out.push({
        rule: RULES.documentOfTwoApplicants,
        record: `document ${documentHash}`,
        detail:
          `submitted by ${use.applicant} (application ${use.applicationId}) after ${first.applicant} ` +
          `(application ${first.applicationId})`,
        block: use.block,
        tx: use.tx,
      });
    }
  }
  return out;
}
