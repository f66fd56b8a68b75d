/**
 * The indexer's HTTP API (PLAN's contract between the indexer and the portal). Amounts are
 * decimal strings of base units; every answer says the block it is true at.
 *
 * Record shapes the API names but does not spell out (Tender, Bid, Agreement, Milestone,
 * Application, Program) follow the contracts' view field names of SPEC.md, with statuses as
 * their enum names; the portal reads them through `normalize*` in client.ts, the one place to
 * adapt if the indexer spells a field differently.
 */
export interface BlockRef {
  number: string;
  hash: string;
  timestamp: number;
}

export interface Answer {
  block: BlockRef;
}

export interface Status extends Answer {
  chainId: number;
  synced: boolean;
  token: { address: string; symbol: string; decimals: number };
  contracts: {
    AccessManager: string;
    BudgetLedger: string;
    PermitRegistry: string;
    ProcurementEscrow: string;
    SubsidyDisbursement: string;
  };
}

export interface Line {
  lineId: string;
  fiscalYear: number;
  label: string;
  appropriated: string;
  committed: string;
  spent: string;
  available: string;
  closed: boolean;
  createdAt: number;
}

export type MovementKind =
  | "Committed"
  | "Spent"
  | "FundsReturned"
  | "AppropriationChanged"
  | "Reallocated"
  | "LineCreated"
  | "LineClosed"
  | "Deposited"
  | "Withdrawn";

export interface Movement {
  id: string;
  kind: MovementKind;
  lineId: string;
  amount: string;
  module: string | null;
  payee: string | null;
  ref: string | null;
  txHash: string;
  logIndex: number;
  blockNumber: string;
  timestamp: number;
}

export interface Page<T> extends Answer {
  items: T[];
  nextCursor: string | null;
}

export type TenderStatus = "None" | "Bidding" | "Revealing" | "Awardable" | "Awarded" | "Failed" | "Cancelled";

export interface Tender {
  tenderId: string;
  lineId: string;
  specHash: string;
  maxPrice: string;
  bidBond: string;
  bidDeadline: number;
  revealDeadline: number;
  retentionBps: number;
  quorum: number;
  milestoneCount: number;
  status: TenderStatus;
  agreementId: string;
  createdAt?: number;
  bidCount?: number;
  revealCount?: number;
}

export interface Bid {
  bidder: string;
  revealed: boolean;
  price: string;
  proposalHash: string;
  bond: string;
}

export interface Agreement {
  agreementId: string;
  tenderId: string;
  contractor: string;
  price: string;
  status: "None" | "Active" | "Completed" | "Terminated";
  paid: string;
  retentionHeld: string;
  milestoneCount: number;
}

export interface Milestone {
  index: number;
  amount: string;
  dueAt: number;
  descriptionHash: string;
  status: "None" | "Pending" | "Submitted" | "Rejected" | "Paid" | "Cancelled";
  approvals: number;
  evidenceHash: string;
}

export interface TimelineEntry {
  kind: string;
  txHash: string;
  blockNumber: string;
  timestamp: number;
  args: Record<string, string | number | boolean>;
}

export interface TenderDetail extends Answer {
  tender: Tender;
  bids: Bid[];
  agreement: Agreement | null;
  milestones: Milestone[];
  timeline: TimelineEntry[];
}

export type PermitStatus = "valid" | "expired" | "suspended" | "revoked";

export interface Permit {
  permitId: string;
  typeId: string;
  typeName: string;
  holder: string;
  issuedAt: number;
  expiresAt: number;
  documentHash: string;
  status: PermitStatus;
  registry: string;
  applicationId: string;
}

export type ApplicationStatus = "None" | "Pending" | "Approved" | "Rejected" | "Withdrawn";

export interface Application {
  applicationId: string;
  typeId: string;
  applicant: string;
  permitId: string;
  documentHash: string;
  fee: string;
  status: ApplicationStatus;
  checksPassed: number;
  submittedAt?: number;
}

export interface PermitType {
  typeId: string;
  name: string;
  fee: string;
  validity: number;
  checkRoles: string[];
  recheckOnRenewal: boolean;
  active: boolean;
}

export type ProgramState = "Scheduled" | "Open" | "Ended" | "Closed";

export interface Program {
  programId: string;
  kind: "roster" | "outcome";
  lineId: string;
  budget: string;
  paid: string;
  remaining: string;
  claims: number;
  opensAt: number;
  closesAt: number;
  closed: boolean;
  state: ProgramState;
  merkleRoot: string;
  ratePerUnit: string;
  capPerBeneficiary: string;
  metadataHash: string;
}

export interface RedFlag {
  rule: string;
  severity: string;
  subject: string;
  message: string;
}

export interface Audit extends Answer {
  consistent: boolean;
  redFlags: RedFlag[];
}
