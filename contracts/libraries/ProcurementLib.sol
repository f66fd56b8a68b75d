// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProcurementEscrow} from "../interfaces/IProcurementEscrow.sol";

/// @title ProcurementLib
/// @notice The records of the ProcurementEscrow, their derived statuses and transition checks,
/// the validation of a tender's terms, the seal, and the arithmetic of milestone payments.
library ProcurementLib {
    // ================================================================== records

    /// @notice A tender's terms as the officer gives them (validated by `checkTerms`).
    struct Terms {
        bytes32 lineId;
        bytes32 specHash;
        uint256 maxPrice;
        uint256 bidBond;
        uint64 bidDeadline;
        uint64 revealDeadline;
        uint16 retentionBps;
        uint8 quorum;
    }

    /// @notice A tender. `state` stores Bidding for every open tender; `statusOf` refines it by
    /// the clock into Bidding, Revealing or Awardable.
    struct Tender {
        // slot 0
        bytes32 lineId;
        // slot 1
        bytes32 specHash;
        // slot 2
        uint128 maxPrice;
        uint128 bidBond;
        // slot 3
        uint64 bidDeadline;
        uint64 revealDeadline;
        uint16 retentionBps;
        uint8 quorum;
        uint8 milestoneCount;
        IProcurementEscrow.TenderStatus state;
        uint64 agreementId;
        // slot 4: the leading revealed bid (the earliest reveal of the lowest price)
        address bestBidder;
        // slot 5
        uint128 bestPrice;
        uint128 bondsHeld;
    }

    /// @notice A bid. Revealed iff `price != 0` (a valid price is at least 1); the bidder has bid
    /// iff `sealedBid != 0`. `bond` is the bond held now (0 once refunded).
    struct Bid {
        bytes32 sealedBid;
        uint128 price;
        uint128 bond;
        bytes32 proposalHash;
    }

    /// @notice Everything a milestone payment writes, in one slot, non-zero from the award on (so
    /// a payment never pays for a fresh slot). `paid` counts money sent or owed to the
    /// contractor, released retention included.
    struct Books {
        uint112 paid;
        uint112 retentionHeld;
        IProcurementEscrow.AgreementStatus status;
        uint8 unpaidCount;
        uint16 retentionBps;
    }

    /// @notice Read by every milestone action, never written after the award.
    struct Parties {
        address contractor;
        uint8 quorum;
        uint8 milestoneCount;
        uint48 tenderId;
    }

    /// @notice An agreement: books (slot 0), parties (slot 1), line id (slot 2), price (slot 3).
    struct Agreement {
        Books books;
        Parties parties;
        bytes32 lineId;
        uint256 price;
    }

    /// @notice One milestone in one slot. `approvals` counts the current `round`; a rejection
    /// starts a new round, which voids the earlier approval flags without clearing them.
    struct Milestone {
        uint128 amount;
        uint64 dueAt;
        IProcurementEscrow.MilestoneStatus status;
        uint8 approvals;
        uint32 round;
    }

    /// @notice The outcome of a milestone reaching its quorum.
    /// @param net Sent to the contractor for the milestone itself.
    /// @param retained Held back from the milestone.
    /// @param released All retention released with it (0 unless it settles the last milestone).
    /// @param payout net + released: the one transfer and the one ledger booking.
    struct Payment {
        uint256 net;
        uint256 retained;
        uint256 released;
        uint256 payout;
    }

    // ================================================================== constants

    /// @notice 100 % in basis points.
    uint16 internal constant MAX_BPS = 10_000; // basis points
    /// @notice Most milestones a tender may have.
    uint256 internal constant MAX_MILESTONES = 32;
    /// @notice Largest inspector quorum.
    uint8 internal constant MAX_QUORUM = 16;
    /// @notice Latest a milestone may fall due after the award.
    uint64 internal constant MAX_MILESTONE_DURATION = 100 * 365 days; // seconds
    /// @notice Largest maxPrice and bid bond, so that an agreement's books fit one slot.
    uint256 internal constant MAX_AMOUNT = type(uint112).max; // token base units

    /// @notice Ledger reference kinds: ref = kind << 128 | id << 64 | index.
    uint256 internal constant REF_TENDER = 1;
    uint256 internal constant REF_MILESTONE = 2;
    uint256 internal constant REF_TERMINATION = 3;
    uint256 internal constant REF_SURPLUS = 4;

    // ================================================================== tenders (views)

    /// @notice The one place a tender's status is derived: the stored state, refined by the clock
    /// while the tender is open.
    function statusOf(Tender storage tender) internal view returns (IProcurementEscrow.TenderStatus) {
        IProcurementEscrow.TenderStatus state = tender.state;
        if (state != IProcurementEscrow.TenderStatus.Bidding) return state;
        if (block.timestamp < tender.bidDeadline) return IProcurementEscrow.TenderStatus.Bidding;
        if (block.timestamp < tender.revealDeadline) return IProcurementEscrow.TenderStatus.Revealing;
        return IProcurementEscrow.TenderStatus.Awardable;
    }

    /// @notice The single transition check of tenders: reverts unless the derived status is in
    /// `allowed` (a bitmap of `1 << status`).
    function requireStatus(Tender storage tender, uint256 tenderId, bytes32 allowed) internal view {
        IProcurementEscrow.TenderStatus status = statusOf(tender);
        if (status == IProcurementEscrow.TenderStatus.None) {
            revert IProcurementEscrow.Procurement_UnknownTender(tenderId);
        }
        if (bit(status) & allowed == bytes32(0)) {
            revert IProcurementEscrow.Procurement_UnexpectedTenderStatus(tenderId, status, allowed);
        }
    }

    /// @notice Reverts unless the terms are sound (see `createTender`).
    function checkTerms(Terms memory terms) internal view {
        uint256 maxPrice = terms.maxPrice;
        if (maxPrice == 0) revert IProcurementEscrow.Procurement_InvalidMaxPrice(maxPrice);
        if (maxPrice > MAX_AMOUNT) revert IProcurementEscrow.Procurement_AmountTooLarge(maxPrice, MAX_AMOUNT);
        if (terms.bidBond > MAX_AMOUNT) revert IProcurementEscrow.Procurement_AmountTooLarge(terms.bidBond, MAX_AMOUNT);
        (uint64 bidDeadline, uint64 revealDeadline) = (terms.bidDeadline, terms.revealDeadline);
        if (bidDeadline <= block.timestamp || revealDeadline <= bidDeadline) {
            revert IProcurementEscrow.Procurement_InvalidDeadlines(block.timestamp, bidDeadline, revealDeadline);
        }
        if (terms.retentionBps > MAX_BPS) {
            revert IProcurementEscrow.Procurement_InvalidRetention(terms.retentionBps, MAX_BPS);
        }
        if (terms.quorum == 0 || terms.quorum > MAX_QUORUM) {
            revert IProcurementEscrow.Procurement_InvalidQuorum(terms.quorum, MAX_QUORUM);
        }
    }

    /// @notice The seal of a bid on this escrow (the calling contract) and chain.
    function seal(
        uint256 tenderId,
        address bidder,
        uint256 price,
        bytes32 proposalHash,
        bytes32 salt
    ) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), tenderId, bidder, price, proposalHash, salt));
    }

    /// @notice A tender as the views return it.
    function toView(Tender storage tender) internal view returns (IProcurementEscrow.Tender memory) {
        return
            IProcurementEscrow.Tender({
                lineId: tender.lineId,
                specHash: tender.specHash,
                maxPrice: tender.maxPrice,
                bidBond: tender.bidBond,
                bidDeadline: tender.bidDeadline,
                revealDeadline: tender.revealDeadline,
                retentionBps: tender.retentionBps,
                quorum: tender.quorum,
                milestoneCount: tender.milestoneCount,
                status: statusOf(tender),
                agreementId: tender.agreementId
            });
    }

    /// @notice A bid as the views return it: bonds still recorded after an award or a failure
    /// went to the ledger and show as 0.
    function toView(
        Bid storage bid,
        IProcurementEscrow.TenderStatus status
    ) internal view returns (IProcurementEscrow.Bid memory) {
        bool forfeited =
            status == IProcurementEscrow.TenderStatus.Awarded || status == IProcurementEscrow.TenderStatus.Failed;
        return
            IProcurementEscrow.Bid({
                sealedBid: bid.sealedBid,
                bond: forfeited ? 0 : bid.bond,
                revealed: bid.price != 0,
                price: bid.price,
                proposalHash: bid.proposalHash
            });
    }

    /// @notice An agreement as the views return it.
    function toView(Agreement storage agreement) internal view returns (IProcurementEscrow.Agreement memory) {
        Books memory books = agreement.books;
        Parties memory parties = agreement.parties;
        return
            IProcurementEscrow.Agreement({
                tenderId: parties.tenderId,
                contractor: parties.contractor,
                price: agreement.price,
                status: books.status,
                paid: books.paid,
                retentionHeld: books.retentionHeld,
                milestoneCount: parties.milestoneCount
            });
    }

    /// @notice Reverts unless there are 1 ... MAX_MILESTONES milestones with positive shares
    /// summing to 10,000 and durations of at most MAX_MILESTONE_DURATION.
    function checkMilestones(IProcurementEscrow.MilestoneSpec[] calldata milestones) internal pure {
        uint256 count = milestones.length;
        if (count == 0 || count > MAX_MILESTONES) {
            revert IProcurementEscrow.Procurement_InvalidMilestoneCount(count, MAX_MILESTONES);
        }
        uint256 sum = 0;
        for (uint256 i = 0; i < count; ++i) {
            IProcurementEscrow.MilestoneSpec calldata spec = milestones[i];
            if (spec.shareBps == 0) revert IProcurementEscrow.Procurement_ZeroShare(i);
            if (spec.duration > MAX_MILESTONE_DURATION) {
                revert IProcurementEscrow.Procurement_DurationTooLong(i, spec.duration, MAX_MILESTONE_DURATION);
            }
            sum += spec.shareBps;
        }
        if (sum != MAX_BPS) revert IProcurementEscrow.Procurement_InvalidShareSum(sum, MAX_BPS);
    }

    // ================================================================== agreements

    /// @notice Reverts unless the agreement is Active (an unknown one reports so).
    function requireActive(IProcurementEscrow.AgreementStatus status, uint256 agreementId) internal pure {
        if (status == IProcurementEscrow.AgreementStatus.Active) return;
        if (status == IProcurementEscrow.AgreementStatus.None) {
            revert IProcurementEscrow.Procurement_UnknownAgreement(agreementId);
        }
        revert IProcurementEscrow.Procurement_UnexpectedAgreementStatus(
            agreementId,
            status,
            bit(IProcurementEscrow.AgreementStatus.Active)
        );
    }

    /// @notice Reverts unless the milestone's status is in `allowed`.
    function requireStatus(
        IProcurementEscrow.MilestoneStatus status,
        uint256 agreementId,
        uint256 index,
        bytes32 allowed
    ) internal pure {
        if (bit(status) & allowed == bytes32(0)) {
            revert IProcurementEscrow.Procurement_UnexpectedMilestoneStatus(agreementId, index, status, allowed);
        }
    }

    /// @notice Milestone `index`'s amount: price * share / 10,000; the last one takes what the
    /// others left (`allocated` is the sum of the earlier ones).
    function amountOf(uint256 price, uint16 shareBps, bool last, uint256 allocated) internal pure returns (uint256) {
        return last ? price - allocated : (price * shareBps) / MAX_BPS;
    }

    /// @notice Books a milestone of `amount` reaching its quorum in `books` (memory) and returns
    /// what to pay: net of retention, plus all held retention if it settles the last unpaid
    /// milestone, which completes the agreement.
    function settle(Books memory books, uint256 amount) internal pure returns (Payment memory p) {
        p.net = (amount * (MAX_BPS - books.retentionBps)) / MAX_BPS;
        p.retained = amount - p.net;
        p.payout = p.net;
        unchecked {
            // paid + retentionHeld never exceeds the price (< 2^112); unpaidCount > 0 while active
            --books.unpaidCount;
            if (books.unpaidCount == 0) {
                p.released = books.retentionHeld + p.retained;
                p.payout += p.released;
                books.retentionHeld = 0;
                books.status = IProcurementEscrow.AgreementStatus.Completed;
            } else {
                books.retentionHeld += uint112(p.retained);
            }
            books.paid += uint112(p.payout);
        }
    }

    // ================================================================== views

    /// @notice A milestone as the views return it: unpaid milestones of a terminated agreement
    /// are Cancelled.
    function toView(
        Milestone memory milestone,
        IProcurementEscrow.AgreementStatus agreement,
        bytes32 descriptionHash,
        bytes32 evidenceHash
    ) internal pure returns (IProcurementEscrow.Milestone memory) {
        IProcurementEscrow.MilestoneStatus status = milestone.status;
        if (
            agreement == IProcurementEscrow.AgreementStatus.Terminated &&
            status != IProcurementEscrow.MilestoneStatus.Paid
        ) status = IProcurementEscrow.MilestoneStatus.Cancelled;
        return
            IProcurementEscrow.Milestone({
                amount: milestone.amount,
                dueAt: milestone.dueAt,
                descriptionHash: descriptionHash,
                status: status,
                approvals: milestone.approvals,
                evidenceHash: evidenceHash
            });
    }

    // ================================================================== helpers

    /// @notice A ledger reference (see the constants).
    function ref(uint256 kind, uint256 id, uint256 index) internal pure returns (bytes32) {
        return bytes32((kind << 128) | (id << 64) | index);
    }

    function bit(IProcurementEscrow.TenderStatus status) internal pure returns (bytes32) {
        return bytes32(uint256(1) << uint8(status));
    }

    function bit(IProcurementEscrow.AgreementStatus status) internal pure returns (bytes32) {
        return bytes32(uint256(1) << uint8(status));
    }

    function bit(IProcurementEscrow.MilestoneStatus status) internal pure returns (bytes32) {
        return bytes32(uint256(1) << uint8(status));
    }
}
