/**
 * Every event and view the auditor reads, written from SPEC.md, the binding public interface.
 * This is the one place that knows the contracts' ABIs: the event signatures are exactly
 * SPEC's (their topics are what the chain holds), and the view fragments follow SPEC's field
 * order with every integer widened to uint256 (ABI words are 32 bytes whatever the declared
 * width, so a wider type decodes the same value and never truncates it). When the typechain
 * bindings of a contract exist, its Interface here can be replaced by the generated one
 * (`<Contract>__factory.createInterface()`); test/audit/decode.test.ts checks that every SPEC
 * event below is in the compiled ABI of each contract that is built.
 */
import { Interface } from "ethers";

export const CONTRACT_KINDS = [
  "BudgetLedger",
  "AccessManager",
  "PermitRegistry",
  "ProcurementEscrow",
  "SubsidyDisbursement",
  "Token",
] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];

/** The suite's modules: the contracts that hold LEDGER_CLIENT. */
export type ModuleKind = "PermitRegistry" | "ProcurementEscrow" | "SubsidyDisbursement";

export const LEDGER_EVENTS = [
  "event LineCreated(bytes32 indexed lineId, uint16 indexed fiscalYear, uint256 appropriation, string label)",
  "event AppropriationChanged(bytes32 indexed lineId, uint256 previous, uint256 current)",
  "event Reallocated(bytes32 indexed fromLineId, bytes32 indexed toLineId, uint256 amount, bytes32 reason)",
  "event LineClosed(bytes32 indexed lineId, uint256 lapsed)",
  "event Deposited(address indexed from, uint256 amount, bytes32 indexed ref)",
  "event Withdrawn(address indexed to, uint256 amount, bytes32 indexed ref)",
  "event Committed(bytes32 indexed lineId, address indexed module, uint256 amount, bytes32 indexed ref)",
  "event Spent(bytes32 indexed lineId, address indexed payee, uint256 amount, bytes32 indexed ref, address module)",
  "event FundsReturned(bytes32 indexed lineId, address indexed module, uint256 amount, bytes32 indexed ref)",
] as const;

export const LEDGER_VIEWS = [
  "function token() view returns (address)",
  "function getLine(bytes32 lineId) view returns (tuple(uint256 fiscalYear, bool closed, uint256 appropriated, uint256 committed, uint256 spent, string label))",
  "function available(bytes32 lineId) view returns (uint256)",
  "function committedBy(bytes32 lineId, address module) view returns (uint256)",
  "function unallocated() view returns (uint256)",
  "function lineCount() view returns (uint256)",
  "function lineIdAt(uint256 index) view returns (bytes32)",
] as const;

/** OpenZeppelin AccessManager (IAccessManager): the role events the auditor rebuilds holders from. */
export const ACCESS_MANAGER_EVENTS = [
  "event RoleGranted(uint64 indexed roleId, address indexed account, uint32 delay, uint48 since, bool newMember)",
  "event RoleRevoked(uint64 indexed roleId, address indexed account)",
] as const;

export const PERMIT_EVENTS = [
  "event PermitTypeDefined(uint256 indexed typeId, string name, uint256 fee, uint64 validity, uint64[] checkRoles, bool recheckOnRenewal)",
  "event PermitTypeActiveSet(uint256 indexed typeId, bool active)",
  "event ApplicationSubmitted(uint256 indexed applicationId, address indexed applicant, uint256 indexed typeId, uint256 permitId, bytes32 documentHash, uint256 fee)",
  "event CheckRecorded(uint256 indexed applicationId, uint64 indexed checkRole, address indexed inspector, bool passed, bytes32 evidenceHash)",
  "event ApplicationRejected(uint256 indexed applicationId, uint64 checkRole)",
  "event ApplicationWithdrawn(uint256 indexed applicationId)",
  "event PermitIssued(uint256 indexed permitId, address indexed holder, uint256 indexed typeId, uint256 applicationId, uint64 expiresAt)",
  "event PermitRenewed(uint256 indexed permitId, uint64 expiresAt)",
  "event PermitSuspended(uint256 indexed permitId, bytes32 reasonHash)",
  "event PermitReinstated(uint256 indexed permitId)",
  "event PermitRevoked(uint256 indexed permitId, bytes32 reasonHash)",
  "event Locked(uint256 tokenId)",
] as const;

export const PERMIT_VIEWS = [
  "function getPermit(uint256 permitId) view returns (tuple(uint256 typeId, address holder, uint256 issuedAt, uint256 expiresAt, bytes32 documentHash, bool revoked, bool suspended))",
  "function getApplication(uint256 applicationId) view returns (tuple(uint256 typeId, address applicant, uint256 permitId, bytes32 documentHash, uint256 fee, uint256 status, uint256 checksPassed))",
  "function getPermitType(uint256 typeId) view returns (tuple(string name, uint256 fee, uint256 validity, uint256[] checkRoles, bool recheckOnRenewal, bool active))",
  "function permitOfDocument(bytes32 documentHash) view returns (uint256)",
] as const;

export const PROCUREMENT_EVENTS = [
  "event TenderCreated(uint256 indexed tenderId, bytes32 indexed lineId, uint256 maxPrice, uint64 bidDeadline, uint64 revealDeadline, bytes32 specHash)",
  "event TenderCancelled(uint256 indexed tenderId, bytes32 reasonHash)",
  "event BidSubmitted(uint256 indexed tenderId, address indexed bidder)",
  "event BidRevealed(uint256 indexed tenderId, address indexed bidder, uint256 price, bytes32 proposalHash)",
  "event TenderAwarded(uint256 indexed tenderId, uint256 indexed agreementId, address indexed contractor, uint256 price)",
  "event TenderFailed(uint256 indexed tenderId)",
  "event BondReclaimed(uint256 indexed tenderId, address indexed bidder, uint256 amount)",
  "event BondsForfeited(uint256 indexed tenderId, uint256 amount)",
  "event MilestoneSubmitted(uint256 indexed agreementId, uint256 indexed index, bytes32 evidenceHash)",
  "event MilestoneApproved(uint256 indexed agreementId, uint256 indexed index, address indexed inspector, uint256 approvals)",
  "event MilestoneRejected(uint256 indexed agreementId, uint256 indexed index, address indexed inspector, bytes32 reasonHash)",
  "event MilestonePaid(uint256 indexed agreementId, uint256 indexed index, address indexed contractor, uint256 paid, uint256 retained)",
  "event RetentionReleased(uint256 indexed agreementId, address indexed contractor, uint256 amount)",
  "event AgreementCompleted(uint256 indexed agreementId)",
  "event AgreementTerminated(uint256 indexed agreementId, uint256 refunded, bytes32 reasonHash)",
] as const;

export const PROCUREMENT_VIEWS = [
  "function getTender(uint256 tenderId) view returns (tuple(bytes32 lineId, bytes32 specHash, uint256 maxPrice, uint256 bidBond, uint256 bidDeadline, uint256 revealDeadline, uint256 retentionBps, uint256 quorum, uint256 milestoneCount, uint256 status, uint256 agreementId))",
  "function getBid(uint256 tenderId, address bidder) view returns (tuple(bytes32 sealedBid, uint256 bond, bool revealed, uint256 price, bytes32 proposalHash))",
  "function getAgreement(uint256 agreementId) view returns (tuple(uint256 tenderId, address contractor, uint256 price, uint256 status, uint256 paid, uint256 retentionHeld, uint256 milestoneCount))",
  "function getMilestone(uint256 agreementId, uint256 index) view returns (tuple(uint256 amount, uint256 dueAt, bytes32 descriptionHash, uint256 status, uint256 approvals, bytes32 evidenceHash))",
] as const;

export const SUBSIDY_EVENTS = [
  "event ProgramCreated(uint256 indexed programId, bytes32 indexed lineId, uint8 kind, uint256 budget, uint64 opensAt, uint64 closesAt, bytes32 merkleRoot, bytes32 metadataHash)",
  "event Claimed(uint256 indexed programId, uint256 indexed index, address indexed beneficiary, uint256 amount)",
  "event OutcomeRecorded(uint256 indexed programId, address indexed beneficiary, uint256 quantity, uint256 paid, bytes32 evidenceHash)",
  "event ClaimBlocked(uint256 indexed programId, uint256 indexed index, bytes32 reasonHash)",
  "event ProgramClosed(uint256 indexed programId, uint256 returned)",
] as const;

export const SUBSIDY_VIEWS = [
  "function getProgram(uint256 programId) view returns (tuple(uint256 kind, bytes32 lineId, uint256 budget, uint256 paid, uint256 opensAt, uint256 closesAt, bool closed, bytes32 merkleRoot, uint256 ratePerUnit, uint256 capPerBeneficiary, bytes32 metadataHash))",
  "function isClaimed(uint256 programId, uint256 index) view returns (bool)",
  "function isBlocked(uint256 programId, uint256 index) view returns (bool)",
  "function paidTo(uint256 programId, address beneficiary) view returns (uint256)",
] as const;

export const TOKEN_EVENTS = ["event Transfer(address indexed from, address indexed to, uint256 value)"] as const;
export const TOKEN_VIEWS = [
  "function balanceOf(address account) view returns (uint256)",
  "function decimals() view returns (uint256)",
  "function symbol() view returns (string)",
] as const;

/** The SPEC events of each contract (what the decoder recognises). */
export const SPEC_EVENTS: Record<ContractKind, readonly string[]> = {
  BudgetLedger: LEDGER_EVENTS,
  AccessManager: ACCESS_MANAGER_EVENTS,
  PermitRegistry: PERMIT_EVENTS,
  ProcurementEscrow: PROCUREMENT_EVENTS,
  SubsidyDisbursement: SUBSIDY_EVENTS,
  Token: TOKEN_EVENTS,
};

/** One Interface per contract kind: its events and the views the auditor calls. */
export const INTERFACES: Record<ContractKind, Interface> = {
  BudgetLedger: new Interface([...LEDGER_EVENTS, ...LEDGER_VIEWS]),
  AccessManager: new Interface([...ACCESS_MANAGER_EVENTS]),
  PermitRegistry: new Interface([...PERMIT_EVENTS, ...PERMIT_VIEWS]),
  ProcurementEscrow: new Interface([...PROCUREMENT_EVENTS, ...PROCUREMENT_VIEWS]),
  SubsidyDisbursement: new Interface([...SUBSIDY_EVENTS, ...SUBSIDY_VIEWS]),
  Token: new Interface([...TOKEN_EVENTS, ...TOKEN_VIEWS]),
};

/** topic0 of the ERC-20 Transfer event. */
export const TRANSFER_TOPIC = INTERFACES.Token.getEvent("Transfer")!.topicHash;
