// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILedgerModule} from "./ILedgerModule.sol";

/// @title IProcurementEscrow
/// @notice Sealed-bid tenders (commit-reveal), automatic award to the lowest revealed price,
/// milestone payments released when a quorum of distinct inspectors approves, and a retention
/// share held back until the last milestone.
///
/// Money flow. Creating a tender commits `maxPrice` from its budget line into this escrow
/// (`ledger.commit`), so an award can never fail for want of money. The award returns
/// `maxPrice - price` to the line (`ledger.returnFunds`); a cancelled or failed tender returns all
/// of it. Each paid milestone sends its amount net of retention to the contractor and books it
/// on the line (`ledger.recordSpend`); the payment that settles the last unpaid milestone also
/// releases all held retention. `terminate` returns every unpaid amount and all held retention.
/// Bid bonds are held per bidder: refunded on a valid reveal, refunded on request after a
/// cancellation (`reclaimBond`), forfeited to the ledger (`ledger.deposit`) at award when the
/// bid was never (validly) revealed.
///
/// A payee that cannot receive. Every payment to a bidder or contractor is attempted once; if
/// the token refuses it (a blocklisted address, for example), the amount is credited to that
/// payee's `owedTo` balance (`PaymentDeferred`) and the operation goes on, so one payee can
/// never block a milestone, an award or anyone else's money. A milestone payment is booked on
/// the ledger as spent either way: the money is the contractor's from that moment, held for it
/// by the escrow. The payee takes it out with `withdrawOwed(to)` to any address it chooses.
///
/// Tokens sent to the escrow outside these flows are surplus: anyone may move them to the
/// ledger's unallocated cash with `sweepSurplus`, so nothing that enters the escrow is stuck.
///
/// Ledger references. Every ledger call carries `ref = bytes32(kind << 128 | id << 64 | index)`:
/// kind 1 for a tender (`commit`, the unawarded rest, a cancelled or failed tender, forfeited
/// bonds; id = tender id, index 0), kind 2 for a milestone payment (id = agreement id, index =
/// milestone index), kind 3 for a termination (id = agreement id, index 0). A surplus sweep
/// deposits with ref 0, as in every module.
///
/// Pause (GUARDIAN) stops tender creation (it commits money into the escrow), bids, reveals,
/// awards, milestone approvals and `sweepSurplus`; it never stops `cancelTender`, `reclaimBond`,
/// `terminate` or `withdrawOwed`, nor the officers' and contractors' bookkeeping
/// (`submitMilestone`, `rejectMilestone`).
/// Who acts: `submitBid`, `revealBid`, `approveMilestone` and `rejectMilestone` tell actors apart
/// and refuse a call relayed by the AccessManager (`Module_RelayedCall`); so the AccessManager is
/// never a bidder, a contractor or a payee, and `submitMilestone`, `reclaimBond` and
/// `withdrawOwed`, which act for their caller, never act for it.
/// Admins (the AccessManager) decide who holds PROCUREMENT_OFFICER, INSPECTOR and GUARDIAN;
/// they cannot move escrowed money other than through the flows above.
interface IProcurementEscrow is ILedgerModule {
    // ------------------------------------------------------------------ types

    /// @notice A tender's lifecycle. Bidding, Revealing and Awardable follow from the clock.
    enum TenderStatus {
        /// No tender has this id.
        None,
        /// now < bidDeadline: sealed bids are accepted (and replaced).
        Bidding,
        /// bidDeadline <= now < revealDeadline: bidders reveal their price.
        Revealing,
        /// now >= revealDeadline, not yet awarded: anyone may call `award`.
        Awardable,
        /// Awarded to the lowest revealed price; `agreementId` names the agreement.
        Awarded,
        /// `award` found no valid bid: all of `maxPrice` went back to the line.
        Failed,
        /// Cancelled before award: all of `maxPrice` went back; bidders reclaim their bonds.
        Cancelled
    }

    /// @notice An agreement's lifecycle.
    enum AgreementStatus {
        /// No agreement has this id.
        None,
        /// Milestones are being delivered and paid.
        Active,
        /// Every milestone is paid and the retention released.
        Completed,
        /// Terminated by the procurement officer: unpaid amounts and retention went back.
        Terminated
    }

    /// @notice A milestone's lifecycle.
    enum MilestoneStatus {
        /// No milestone at this index.
        None,
        /// Awaiting the contractor's submission.
        Pending,
        /// Submitted with evidence; inspectors approve or reject it.
        Submitted,
        /// Rejected by an inspector; the contractor may submit it again (a new approval round).
        Rejected,
        /// Approved by a quorum and paid (net of retention).
        Paid,
        /// Never paid: its agreement was terminated.
        Cancelled
    }

    /// @notice One milestone of a tender, as the procurement officer defines it.
    /// @param shareBps The milestone's share of the awarded price in basis points (> 0; the
    /// shares of a tender sum to 10,000).
    /// @param duration Seconds after the award at which the milestone is due (informational).
    /// @param descriptionHash Hash of the milestone's description (deliverables, criteria).
    struct MilestoneSpec {
        uint16 shareBps;
        uint64 duration;
        bytes32 descriptionHash;
    }

    /// @notice A tender as the views return it.
    /// @param status Derived from the stored state and the clock.
    /// @param agreementId The agreement of an awarded tender, else 0.
    struct Tender {
        bytes32 lineId;
        bytes32 specHash;
        uint256 maxPrice;
        uint256 bidBond;
        uint64 bidDeadline;
        uint64 revealDeadline;
        uint16 retentionBps;
        uint8 quorum;
        uint8 milestoneCount;
        TenderStatus status;
        uint256 agreementId;
    }

    /// @notice A bidder's bid on a tender (all zero for an address that never bid).
    /// @param bond The bond held now: 0 once refunded (reveal, reclaim) or forfeited (award).
    /// @param price The revealed price (0 until revealed).
    struct Bid {
        bytes32 sealedBid;
        uint256 bond;
        bool revealed;
        uint256 price;
        bytes32 proposalHash;
    }

    /// @notice An agreement as the views return it.
    /// @param paid Sent (or credited as owed) to the contractor so far, released retention
    /// included.
    /// @param retentionHeld Retention held back from paid milestones and not yet released or
    /// returned.
    struct Agreement {
        uint256 tenderId;
        address contractor;
        uint256 price;
        AgreementStatus status;
        uint256 paid;
        uint256 retentionHeld;
        uint8 milestoneCount;
    }

    /// @notice A milestone as the views return it.
    /// @param amount Fixed at award: price * shareBps / 10,000 (the highest index takes the
    /// rounding remainder).
    /// @param dueAt Award time + the milestone's duration.
    /// @param approvals Distinct inspectors' approvals in the current round (reset by a rejection).
    /// @param evidenceHash The contractor's latest evidence (0 before the first submission).
    struct Milestone {
        uint256 amount;
        uint64 dueAt;
        bytes32 descriptionHash;
        MilestoneStatus status;
        uint8 approvals;
        bytes32 evidenceHash;
    }

    // ------------------------------------------------------------------ events (SPEC.md)

    event TenderCreated(
        uint256 indexed tenderId,
        bytes32 indexed lineId,
        uint256 maxPrice,
        uint64 bidDeadline,
        uint64 revealDeadline,
        bytes32 specHash
    );
    event TenderCancelled(uint256 indexed tenderId, bytes32 reasonHash);
    /// @notice Emitted for the first seal and for each replacement.
    event BidSubmitted(uint256 indexed tenderId, address indexed bidder);
    event BidRevealed(uint256 indexed tenderId, address indexed bidder, uint256 price, bytes32 proposalHash);
    event TenderAwarded(
        uint256 indexed tenderId,
        uint256 indexed agreementId,
        address indexed contractor,
        uint256 price
    );
    event TenderFailed(uint256 indexed tenderId);
    event BondReclaimed(uint256 indexed tenderId, address indexed bidder, uint256 amount);
    /// @notice Emitted at award when unrevealed bonds (amount > 0) went to the ledger.
    event BondsForfeited(uint256 indexed tenderId, uint256 amount);
    event MilestoneSubmitted(uint256 indexed agreementId, uint256 indexed index, bytes32 evidenceHash);
    /// @param approvals The milestone's approvals in the current round, this one included.
    event MilestoneApproved(
        uint256 indexed agreementId,
        uint256 indexed index,
        address indexed inspector,
        uint256 approvals
    );
    event MilestoneRejected(
        uint256 indexed agreementId,
        uint256 indexed index,
        address indexed inspector,
        bytes32 reasonHash
    );
    /// @param paid The amount net of retention sent to the contractor for this milestone.
    /// @param retained The part of the milestone's amount held back as retention.
    event MilestonePaid(
        uint256 indexed agreementId,
        uint256 indexed index,
        address indexed contractor,
        uint256 paid,
        uint256 retained
    );
    /// @notice Emitted with the payment of the last unpaid milestone when retention (> 0) is held.
    event RetentionReleased(uint256 indexed agreementId, address indexed contractor, uint256 amount);
    event AgreementCompleted(uint256 indexed agreementId);
    /// @param refunded Unpaid amounts plus held retention returned to the line.
    event AgreementTerminated(uint256 indexed agreementId, uint256 refunded, bytes32 reasonHash);

    // ------------------------------------------------------------------ errors

    /// @notice No tender has this id.
    error Procurement_UnknownTender(uint256 tenderId);
    /// @notice No agreement has this id.
    error Procurement_UnknownAgreement(uint256 agreementId);
    /// @notice The agreement has no milestone at `index` (it has `milestoneCount`).
    error Procurement_UnknownMilestone(uint256 agreementId, uint256 index, uint256 milestoneCount);
    /// @notice The tender is in `current`; the call needs one of the statuses in `allowed`
    /// (bit `1 << status` set for each allowed status).
    error Procurement_UnexpectedTenderStatus(uint256 tenderId, TenderStatus current, bytes32 allowed);
    /// @notice The agreement is in `current`; the call needs one of the statuses in `allowed`.
    error Procurement_UnexpectedAgreementStatus(uint256 agreementId, AgreementStatus current, bytes32 allowed);
    /// @notice The milestone is in `current`; the call needs one of the statuses in `allowed`.
    error Procurement_UnexpectedMilestoneStatus(
        uint256 agreementId,
        uint256 index,
        MilestoneStatus current,
        bytes32 allowed
    );
    /// @notice `maxPrice` must be positive.
    error Procurement_InvalidMaxPrice(uint256 maxPrice);
    /// @notice The amount does not fit the escrow's 128-bit books.
    error Procurement_AmountTooLarge(uint256 amount, uint256 max);
    /// @notice The deadlines must satisfy now < bidDeadline < revealDeadline.
    error Procurement_InvalidDeadlines(uint256 now_, uint64 bidDeadline, uint64 revealDeadline);
    /// @notice retentionBps above 10,000.
    error Procurement_InvalidRetention(uint16 retentionBps, uint16 max);
    /// @notice quorum outside 1 ... MAX_QUORUM.
    error Procurement_InvalidQuorum(uint8 quorum, uint8 max);
    /// @notice The number of milestones is outside 1 ... MAX_MILESTONES.
    error Procurement_InvalidMilestoneCount(uint256 count, uint256 max);
    /// @notice Milestone `index` has a zero share.
    error Procurement_ZeroShare(uint256 index);
    /// @notice The milestones' shares sum to `sum`, not to 10,000.
    error Procurement_InvalidShareSum(uint256 sum, uint256 required);
    /// @notice Milestone `index` is due too far after the award.
    error Procurement_DurationTooLong(uint256 index, uint64 duration, uint64 max);
    /// @notice A sealed bid of 0 is refused (0 marks "no bid").
    error Procurement_EmptySeal(uint256 tenderId);
    /// @notice `bidder` has no bid on the tender.
    error Procurement_NoBid(uint256 tenderId, address bidder);
    /// @notice `bidder` has already revealed its bid.
    error Procurement_AlreadyRevealed(uint256 tenderId, address bidder);
    /// @notice A revealed price of 0 or above the tender's `maxPrice`.
    error Procurement_InvalidPrice(uint256 tenderId, uint256 price, uint256 maxPrice);
    /// @notice The revealed values do not hash to the stored seal.
    error Procurement_SealMismatch(uint256 tenderId, address bidder, bytes32 sealedBid, bytes32 computed);
    /// @notice `bidder` holds no bond on the tender (never bid, or already refunded).
    error Procurement_NoBondHeld(uint256 tenderId, address bidder);
    /// @notice Only the agreement's contractor may do this.
    error Procurement_NotContractor(uint256 agreementId, address caller, address contractor);
    /// @notice The contractor may never inspect its own work, even if it holds INSPECTOR.
    error Procurement_ContractorCannotInspect(uint256 agreementId, address contractor);
    /// @notice `inspector` has already approved this milestone in the current round.
    error Procurement_AlreadyApproved(uint256 agreementId, uint256 index, address inspector);

    // ------------------------------------------------------------------ procurement officer

    /// @notice Opens a sealed-bid tender on `lineId` and commits `maxPrice` from the line into
    /// the escrow.
    /// @dev PROCUREMENT_OFFICER. Requires 0 < maxPrice < 2^128, bidBond < 2^128 (0 means no bond),
    /// now < bidDeadline < revealDeadline, retentionBps <= 10,000, 1 <= quorum <= MAX_QUORUM,
    /// 1 ... MAX_MILESTONES milestones with positive shares summing to 10,000 and durations of at
    /// most MAX_MILESTONE_DURATION; the line must have `maxPrice` available (the ledger's errors
    /// bubble up). Emits `TenderCreated` (and the ledger's `Committed`, ref kind 1).
    /// Paused when the escrow (or the ledger) is paused: it commits money into the escrow.
    /// @return tenderId The new tender's id (from 1).
    function createTender(
        bytes32 lineId,
        bytes32 specHash,
        uint256 maxPrice,
        uint256 bidBond,
        uint64 bidDeadline,
        uint64 revealDeadline,
        uint16 retentionBps,
        uint8 quorum,
        MilestoneSpec[] calldata milestones
    ) external returns (uint256 tenderId);

    /// @notice Cancels a tender before award and returns all of `maxPrice` to its line.
    /// @dev PROCUREMENT_OFFICER; never paused. Requires status Bidding, Revealing or Awardable.
    /// Bonds stay held for their bidders, who take them back with `reclaimBond`.
    /// Emits `TenderCancelled` (and the ledger's `FundsReturned`).
    function cancelTender(uint256 tenderId, bytes32 reasonHash) external;

    /// @notice Terminates an active agreement: every unpaid milestone amount and all held
    /// retention return to the line (price - paid). Unpaid milestones become Cancelled.
    /// @dev PROCUREMENT_OFFICER; never paused. Requires status Active.
    /// Emits `AgreementTerminated` (and the ledger's `FundsReturned` when the refund is > 0).
    function terminate(uint256 agreementId, bytes32 reasonHash) external;

    // ------------------------------------------------------------------ bidders

    /// @notice Places or replaces the caller's sealed bid:
    /// `sealedBid = keccak256(abi.encode(block.chainid, address(escrow), tenderId, bidder, price,
    /// proposalHash, salt))`.
    /// @dev Anyone; paused when the escrow is paused. Requires status Bidding (now < bidDeadline)
    /// and a non-zero seal. The first call pulls `bidBond` from the caller (approve first; tokens
    /// that arrive short are refused with `Module_TransferShortfall`); a later call only
    /// replaces the seal. Emits `BidSubmitted`.
    function submitBid(uint256 tenderId, bytes32 sealedBid) external;

    /// @notice Reveals the caller's bid and refunds its bond.
    /// @dev The bidder; paused when the escrow is paused. Requires status Revealing
    /// (bidDeadline <= now < revealDeadline), a bid not yet revealed, 1 <= price <= maxPrice and
    /// values matching the seal; a failed reveal reverts and the bond stays (forfeited at award).
    /// A strictly lower price than the best so far leads; a tie keeps the earlier reveal.
    /// Emits `BidRevealed` (and `PaymentDeferred` if the token refuses the refund).
    function revealBid(uint256 tenderId, uint256 price, bytes32 proposalHash, bytes32 salt) external;

    /// @notice Takes the caller's bond back from a cancelled tender.
    /// @dev The bidder; never paused. Requires status Cancelled and a bond held.
    /// Emits `BondReclaimed` (and `PaymentDeferred` if the token refuses the transfer).
    function reclaimBond(uint256 tenderId) external;

    // ------------------------------------------------------------------ anyone

    /// @notice Awards the tender to the lowest revealed price (ties: the earliest reveal),
    /// creating the agreement with the milestone amounts fixed; returns `maxPrice - price` to the
    /// line and sends unrevealed bonds to the ledger. Without a valid bid the tender fails and
    /// all of `maxPrice` returns.
    /// @dev Anyone; paused when the escrow is paused. Requires status Awardable
    /// (now >= revealDeadline). Emits `TenderAwarded` or `TenderFailed`, and `BondsForfeited`
    /// when unrevealed bonds are held (plus the ledger's `FundsReturned` / `Deposited`).
    /// @return agreementId The new agreement's id (from 1), or 0 if the tender failed.
    function award(uint256 tenderId) external returns (uint256 agreementId);

    // ------------------------------------------------------------------ contractor

    /// @notice Submits milestone `index` with its evidence, first or again after a rejection.
    /// @dev The agreement's contractor; not stopped by pause. Requires an active agreement and
    /// the milestone Pending or Rejected (milestones may be submitted in any order).
    /// Emits `MilestoneSubmitted`.
    function submitMilestone(uint256 agreementId, uint256 index, bytes32 evidenceHash) external;

    // ------------------------------------------------------------------ inspectors

    /// @notice Approves a submitted milestone. The approval that reaches the quorum pays it:
    /// amount * (10,000 - retentionBps) / 10,000 to the contractor, the rest held as retention,
    /// booked on the line with `ledger.recordSpend`; if it settles the last unpaid milestone, all
    /// held retention is released with it and the agreement completes.
    /// @dev INSPECTOR, never the contractor, once per inspector per round; paused when the escrow
    /// (or, for the paying approval, the ledger) is paused. Requires an active agreement and the
    /// milestone Submitted. Emits `MilestoneApproved`; at quorum also `MilestonePaid`, and on the
    /// last milestone `RetentionReleased` (if retention is held) and `AgreementCompleted`
    /// (plus `PaymentDeferred` if the token refuses the transfer, and the ledger's `Spent`).
    function approveMilestone(uint256 agreementId, uint256 index) external;

    /// @notice Rejects a submitted milestone: its approvals are void (a new round starts) and the
    /// contractor may submit it again.
    /// @dev INSPECTOR, never the contractor; not stopped by pause. Requires an active agreement
    /// and the milestone Submitted. Emits `MilestoneRejected`.
    function rejectMilestone(uint256 agreementId, uint256 index, bytes32 reasonHash) external;

    // ------------------------------------------------------------------ views

    /// @notice A tender; reverts with `Procurement_UnknownTender` for an unknown id.
    function getTender(uint256 tenderId) external view returns (Tender memory);

    /// @notice Milestone `index` of a tender as defined at creation.
    function getMilestoneSpec(uint256 tenderId, uint256 index) external view returns (MilestoneSpec memory);

    /// @notice `bidder`'s bid on a known tender (all zero if it never bid).
    function getBid(uint256 tenderId, address bidder) external view returns (Bid memory);

    /// @notice The leading revealed bid so far (address 0 and price 0 before any valid reveal).
    function bestBid(uint256 tenderId) external view returns (address bidder, uint256 price);

    /// @notice An agreement; reverts with `Procurement_UnknownAgreement` for an unknown id.
    function getAgreement(uint256 agreementId) external view returns (Agreement memory);

    /// @notice Milestone `index` of an agreement; reverts for an unknown agreement or index.
    function getMilestone(uint256 agreementId, uint256 index) external view returns (Milestone memory);

    /// @notice Whether `inspector` approved the milestone in its current round, while it is
    /// Submitted. The approval that reached the quorum is not stored (the milestone is Paid and
    /// takes no further approval): the `MilestoneApproved` events name every approver.
    function hasApproved(uint256 agreementId, uint256 index, address inspector) external view returns (bool);

    /// @notice Bonds held on all tenders (not yet refunded or forfeited).
    function totalBondsHeld() external view returns (uint256);

    /// @notice Tenders created so far (the last id).
    function tenderCount() external view returns (uint256);

    /// @notice Agreements created so far (the last id).
    function agreementCount() external view returns (uint256);
}
