// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProcurementEscrow} from "../interfaces/IProcurementEscrow.sol";
import {ProcurementActions} from "../libraries/ProcurementActions.sol";
import {ProcurementLib as Lib} from "../libraries/ProcurementLib.sol";
import {LedgerModule} from "../modules/LedgerModule.sol";

/// @title ProcurementEscrow
/// @notice Sealed-bid tenders, awards to the lowest revealed price, milestone payments on a
/// quorum of inspectors, retention until the last milestone. See {IProcurementEscrow} for each
/// function's rules, {ProcurementLib} for the records and {LedgerModule} for what every module
/// shares (pause, owed payments, surplus).
/// @dev Invariants (1, 2 in test/procurement/ProcurementEscrow.invariants.t.sol, 3 in its .fuzz.t.sol):
/// 1. token balance == reserved() (sum over open tenders of maxPrice + sum over active agreements
///    of (price - paid) + bonds held) + totalOwed() + surplus (tokens sent directly, until swept);
/// 2. no milestone is paid without `quorum` distinct approvals in its round;
/// 3. for every tender, what reached the contractor plus what returned to the line equals
///    maxPrice; nothing is paid twice.
/// Storage is planned for the paying approval: it reads the agreement's books and parties (two
/// slots), the milestone (one slot), the line id (one slot) and, from the second approval of a
/// round on, the inspector's flag; it writes only the milestone, the books (non-zero since the
/// award) and the module's hot slot (pause flag and reserved total). The approval that reaches
/// the quorum never writes its own flag.
contract ProcurementEscrow is IProcurementEscrow, LedgerModule {
    using Lib for Lib.Tender;
    using Lib for Lib.Bid;
    using Lib for Lib.Agreement;
    using Lib for Lib.Milestone;

    // ================================================================== constants

    /// @notice 100 % in basis points.
    uint16 public constant MAX_BPS = Lib.MAX_BPS; // basis points
    /// @notice Most milestones a tender may have.
    uint256 public constant MAX_MILESTONES = Lib.MAX_MILESTONES;
    /// @notice Largest inspector quorum.
    uint8 public constant MAX_QUORUM = Lib.MAX_QUORUM;
    /// @notice Latest a milestone may fall due after the award.
    uint64 public constant MAX_MILESTONE_DURATION = Lib.MAX_MILESTONE_DURATION; // seconds
    /// @notice Largest maxPrice and bid bond: 2^112 - 1 base units (over 5 * 10^15 tokens of 18
    /// decimals), so that an agreement's books fit one slot.
    uint256 public constant MAX_AMOUNT = Lib.MAX_AMOUNT; // token base units
    /// @dev The module's record counters (hot slot, {LedgerModule}).
    uint256 private constant TENDERS = 0;
    uint256 private constant AGREEMENTS = 1;

    // ================================================================== storage

    /// @dev Bonds held on all tenders (part of the reserved total), for `totalBondsHeld`.
    uint256 private _totalBonds;

    mapping(uint256 tenderId => Lib.Tender) private _tenders;
    mapping(uint256 tenderId => mapping(uint256 index => MilestoneSpec)) private _specs;
    mapping(uint256 tenderId => mapping(address bidder => Lib.Bid)) private _bids;
    mapping(uint256 agreementId => Lib.Agreement) private _agreements;
    mapping(uint256 agreementId => mapping(uint256 index => Lib.Milestone)) private _milestones;
    mapping(uint256 agreementId => mapping(uint256 index => bytes32 evidenceHash)) private _evidence;
    mapping(uint256 agreementId => mapping(uint256 index => mapping(uint256 round => mapping(address inspector => bool))))
        private _approved;

    // ================================================================== constructor

    /// @dev The token is the ledger's. The ledger may pull from the escrow (`returnFunds`, the
    /// deposit of forfeited bonds) without further approvals.
    constructor(address authority, address ledger_) LedgerModule(authority, ledger_) {}

    // ================================================================== procurement officer

    /// @inheritdoc IProcurementEscrow
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
    ) external restricted whenNotPaused nonReentrant returns (uint256 tenderId) {
        Lib.Terms memory terms = Lib.Terms({
            lineId: lineId,
            specHash: specHash,
            maxPrice: maxPrice,
            bidBond: bidBond,
            bidDeadline: bidDeadline,
            revealDeadline: revealDeadline,
            retentionBps: retentionBps,
            quorum: quorum
        });
        // Checks and effects in ProcurementActions (linked library: keeps the escrow small)
        tenderId = _newRecord(TENDERS, maxPrice, 0);
        ProcurementActions.createTender(_tenders[tenderId], _specs[tenderId], tenderId, terms, milestones);
        // Interactions: the ledger sends `maxPrice`; a token that delivers less is refused
        _commit(lineId, maxPrice, Lib.ref(Lib.REF_TENDER, tenderId, 0));
    }

    /// @inheritdoc IProcurementEscrow
    function cancelTender(uint256 tenderId, bytes32 reasonHash) external restricted nonReentrant {
        // Checks
        Lib.Tender storage tender = _tenders[tenderId];
        tender.requireStatus(
            tenderId,
            Lib.bit(TenderStatus.Bidding) | Lib.bit(TenderStatus.Revealing) | Lib.bit(TenderStatus.Awardable)
        );
        // Effects (bonds stay held for `reclaimBond`)
        tender.state = TenderStatus.Cancelled;
        emit TenderCancelled(tenderId, reasonHash);
        // Interactions
        _returnFunds(tender.lineId, tender.maxPrice, Lib.ref(Lib.REF_TENDER, tenderId, 0));
    }

    /// @inheritdoc IProcurementEscrow
    function terminate(uint256 agreementId, bytes32 reasonHash) external restricted nonReentrant {
        // Checks
        Lib.Agreement storage agreement = _agreements[agreementId];
        Lib.Books memory books = agreement.books;
        Lib.requireActive(books.status, agreementId);
        // Effects: the unpaid amounts plus the held retention are all that is not yet paid
        uint256 refund = agreement.price - books.paid;
        books.status = AgreementStatus.Terminated;
        books.retentionHeld = 0;
        agreement.books = books;
        emit AgreementTerminated(agreementId, refund, reasonHash);
        // Interactions
        _returnFunds(agreement.lineId, refund, Lib.ref(Lib.REF_TERMINATION, agreementId, 0));
    }

    // ================================================================== bidders

    /// @inheritdoc IProcurementEscrow
    function submitBid(uint256 tenderId, bytes32 sealedBid) external whenNotPaused nonReentrant {
        // Checks
        _requireOwnCaller();
        Lib.Tender storage tender = _tenders[tenderId];
        tender.requireStatus(tenderId, Lib.bit(TenderStatus.Bidding));
        if (sealedBid == bytes32(0)) revert Procurement_EmptySeal(tenderId);
        Lib.Bid storage bid = _bids[tenderId][msg.sender];
        uint256 bond = bid.sealedBid == bytes32(0) ? tender.bidBond : 0;
        // Effects (only the first seal pays the bond)
        bid.sealedBid = sealedBid;
        if (bond > 0) {
            bid.bond = uint128(bond);
            tender.bondsHeld += uint128(bond);
            _totalBonds += bond;
            _reserve(bond);
        }
        emit BidSubmitted(tenderId, msg.sender);
        // Interactions
        if (bond > 0) _pull(msg.sender, bond);
    }

    /// @inheritdoc IProcurementEscrow
    function revealBid(
        uint256 tenderId,
        uint256 price,
        bytes32 proposalHash,
        bytes32 salt
    ) external whenNotPaused nonReentrant {
        // Checks
        _requireOwnCaller();
        Lib.Tender storage tender = _tenders[tenderId];
        tender.requireStatus(tenderId, Lib.bit(TenderStatus.Revealing));
        Lib.Bid storage bid = _bids[tenderId][msg.sender];
        bytes32 sealedBid = bid.sealedBid;
        if (sealedBid == bytes32(0)) revert Procurement_NoBid(tenderId, msg.sender);
        if (bid.price != 0) revert Procurement_AlreadyRevealed(tenderId, msg.sender);
        uint256 maxPrice = tender.maxPrice;
        if (price == 0 || price > maxPrice) revert Procurement_InvalidPrice(tenderId, price, maxPrice);
        bytes32 computed = Lib.seal(tenderId, msg.sender, price, proposalHash, salt);
        if (computed != sealedBid) revert Procurement_SealMismatch(tenderId, msg.sender, sealedBid, computed);
        // Effects: a strictly lower price leads; a tie keeps the earlier reveal
        uint128 bond = bid.bond;
        bid.price = uint128(price);
        bid.bond = 0;
        bid.proposalHash = proposalHash;
        tender.bondsHeld -= bond;
        _totalBonds -= bond;
        if (tender.bestBidder == address(0) || price < tender.bestPrice) {
            tender.bestBidder = msg.sender;
            tender.bestPrice = uint128(price);
        }
        emit BidRevealed(tenderId, msg.sender, price, proposalHash);
        // Interactions
        _refundBond(msg.sender, bond);
    }

    /// @inheritdoc IProcurementEscrow
    function reclaimBond(uint256 tenderId) external nonReentrant {
        // Checks
        Lib.Tender storage tender = _tenders[tenderId];
        tender.requireStatus(tenderId, Lib.bit(TenderStatus.Cancelled));
        Lib.Bid storage bid = _bids[tenderId][msg.sender];
        uint128 bond = bid.bond;
        if (bond == 0) revert Procurement_NoBondHeld(tenderId, msg.sender);
        // Effects
        bid.bond = 0;
        tender.bondsHeld -= bond;
        _totalBonds -= bond;
        emit BondReclaimed(tenderId, msg.sender, bond);
        // Interactions
        _refundBond(msg.sender, bond);
    }

    // ================================================================== anyone

    /// @inheritdoc IProcurementEscrow
    function award(uint256 tenderId) external whenNotPaused nonReentrant returns (uint256 agreementId) {
        // Checks
        Lib.Tender storage tender = _tenders[tenderId];
        tender.requireStatus(tenderId, Lib.bit(TenderStatus.Awardable));
        // Effects
        uint256 refund = tender.maxPrice;
        uint128 forfeited = tender.bondsHeld;
        address winner = tender.bestBidder;
        tender.bondsHeld = 0;
        _totalBonds -= forfeited;
        if (winner == address(0)) {
            tender.state = TenderStatus.Failed;
            emit TenderFailed(tenderId);
        } else {
            uint256 price = tender.bestPrice;
            agreementId = _newRecord(AGREEMENTS, 0, 0);
            ProcurementActions.openAgreement(
                tender,
                _agreements[agreementId],
                _specs[tenderId],
                _milestones[agreementId],
                tenderId,
                agreementId,
                winner,
                price
            );
            refund -= price;
            emit TenderAwarded(tenderId, agreementId, winner, price);
        }
        if (forfeited > 0) emit BondsForfeited(tenderId, forfeited);
        // Interactions
        bytes32 ref = Lib.ref(Lib.REF_TENDER, tenderId, 0);
        _returnFunds(tender.lineId, refund, ref);
        _deposit(forfeited, ref);
    }

    // ================================================================== contractor

    /// @inheritdoc IProcurementEscrow
    function submitMilestone(uint256 agreementId, uint256 index, bytes32 evidenceHash) external {
        // Checks
        Lib.Agreement storage agreement = _agreements[agreementId];
        Lib.requireActive(agreement.books.status, agreementId);
        Lib.Parties memory parties = agreement.parties;
        if (msg.sender != parties.contractor) {
            revert Procurement_NotContractor(agreementId, msg.sender, parties.contractor);
        }
        Lib.Milestone storage milestone = _milestoneAt(agreementId, index, parties.milestoneCount);
        Lib.requireStatus(
            milestone.status,
            agreementId,
            index,
            Lib.bit(MilestoneStatus.Pending) | Lib.bit(MilestoneStatus.Rejected)
        );
        // Effects (a rejection already started a fresh round without approvals)
        milestone.status = MilestoneStatus.Submitted;
        _evidence[agreementId][index] = evidenceHash;
        emit MilestoneSubmitted(agreementId, index, evidenceHash);
    }

    // ================================================================== inspectors

    /// @inheritdoc IProcurementEscrow
    function approveMilestone(uint256 agreementId, uint256 index) external restricted whenNotPaused nonReentrant {
        // Checks
        _requireOwnCaller();
        Lib.Agreement storage agreement = _agreements[agreementId];
        Lib.Books memory books = agreement.books;
        Lib.requireActive(books.status, agreementId);
        Lib.Parties memory parties = agreement.parties;
        if (msg.sender == parties.contractor) revert Procurement_ContractorCannotInspect(agreementId, msg.sender);
        Lib.Milestone memory milestone = _milestoneAt(agreementId, index, parties.milestoneCount);
        Lib.requireStatus(milestone.status, agreementId, index, Lib.bit(MilestoneStatus.Submitted));
        mapping(address inspector => bool) storage approvedBy = _approved[agreementId][index][milestone.round];
        // Before the first approval of a round there is no flag to read.
        if (milestone.approvals != 0 && approvedBy[msg.sender]) {
            revert Procurement_AlreadyApproved(agreementId, index, msg.sender);
        }
        // Effects
        uint8 approvals = ++milestone.approvals;
        if (approvals < parties.quorum) {
            approvedBy[msg.sender] = true;
            _milestones[agreementId][index] = milestone;
            emit MilestoneApproved(agreementId, index, msg.sender, approvals);
            return;
        }
        // Quorum: the milestone is paid and takes no further approval, so this approval needs no
        // flag of its own.
        milestone.status = MilestoneStatus.Paid;
        _milestones[agreementId][index] = milestone;
        emit MilestoneApproved(agreementId, index, msg.sender, approvals);
        _payMilestone(agreementId, index, agreement, books, parties.contractor, milestone.amount);
    }

    /// @inheritdoc IProcurementEscrow
    function rejectMilestone(uint256 agreementId, uint256 index, bytes32 reasonHash) external restricted {
        // Checks
        _requireOwnCaller();
        Lib.Agreement storage agreement = _agreements[agreementId];
        Lib.requireActive(agreement.books.status, agreementId);
        Lib.Parties memory parties = agreement.parties;
        if (msg.sender == parties.contractor) revert Procurement_ContractorCannotInspect(agreementId, msg.sender);
        Lib.Milestone memory milestone = _milestoneAt(agreementId, index, parties.milestoneCount);
        Lib.requireStatus(milestone.status, agreementId, index, Lib.bit(MilestoneStatus.Submitted));
        // Effects: a new round voids every approval of the old one
        milestone.status = MilestoneStatus.Rejected;
        milestone.approvals = 0;
        ++milestone.round;
        _milestones[agreementId][index] = milestone;
        emit MilestoneRejected(agreementId, index, msg.sender, reasonHash);
    }

    // ================================================================== views

    /// @inheritdoc IProcurementEscrow
    function getTender(uint256 tenderId) external view returns (Tender memory) {
        return _existingTender(tenderId).toView();
    }

    /// @inheritdoc IProcurementEscrow
    function getMilestoneSpec(uint256 tenderId, uint256 index) external view returns (MilestoneSpec memory) {
        uint256 count = _existingTender(tenderId).milestoneCount;
        if (index >= count) revert Procurement_UnknownMilestone(0, index, count);
        return _specs[tenderId][index];
    }

    /// @inheritdoc IProcurementEscrow
    function getBid(uint256 tenderId, address bidder) external view returns (Bid memory) {
        return _bids[tenderId][bidder].toView(_existingTender(tenderId).statusOf());
    }

    /// @inheritdoc IProcurementEscrow
    function bestBid(uint256 tenderId) external view returns (address bidder, uint256 price) {
        Lib.Tender storage tender = _existingTender(tenderId);
        return (tender.bestBidder, tender.bestPrice);
    }

    /// @inheritdoc IProcurementEscrow
    function getAgreement(uint256 agreementId) external view returns (Agreement memory) {
        return _existingAgreement(agreementId).toView();
    }

    /// @inheritdoc IProcurementEscrow
    function getMilestone(uint256 agreementId, uint256 index) external view returns (Milestone memory) {
        Lib.Agreement storage agreement = _existingAgreement(agreementId);
        Lib.Parties memory parties = agreement.parties;
        Lib.Milestone memory milestone = _milestoneAt(agreementId, index, parties.milestoneCount);
        return
            milestone.toView(
                agreement.books.status,
                _specs[parties.tenderId][index].descriptionHash,
                _evidence[agreementId][index]
            );
    }

    /// @inheritdoc IProcurementEscrow
    function hasApproved(uint256 agreementId, uint256 index, address inspector) external view returns (bool) {
        Lib.Milestone storage milestone = _milestones[agreementId][index];
        return milestone.approvals != 0 && _approved[agreementId][index][milestone.round][inspector];
    }

    /// @inheritdoc IProcurementEscrow
    function totalBondsHeld() external view returns (uint256) {
        return _totalBonds;
    }

    /// @inheritdoc IProcurementEscrow
    function tenderCount() external view returns (uint256) {
        return _count(TENDERS);
    }

    /// @inheritdoc IProcurementEscrow
    function agreementCount() external view returns (uint256) {
        return _count(AGREEMENTS);
    }

    // ================================================================== internal

    function _emitOwedWithdrawn(address payee, address to, uint256 amount) internal override {
        emit OwedWithdrawn(payee, to, amount);
    }

    // ================================================================== private

    /// @dev Pays a milestone that reached its quorum: one transfer (or owed credit) and one
    /// ledger booking for the net amount plus any retention released with it.
    function _payMilestone(
        uint256 agreementId,
        uint256 index,
        Lib.Agreement storage agreement,
        Lib.Books memory books,
        address contractor,
        uint256 amount
    ) private {
        // Effects
        Lib.Payment memory p = Lib.settle(books, amount);
        agreement.books = books;
        emit MilestonePaid(agreementId, index, contractor, p.net, p.retained);
        if (books.status == AgreementStatus.Completed) {
            if (p.released > 0) emit RetentionReleased(agreementId, contractor, p.released);
            emit AgreementCompleted(agreementId);
        }
        // Interactions
        if (p.payout > 0) {
            uint256 owed = _payOrOwe(contractor, p.payout);
            if (owed != 0) emit PaymentDeferred(contractor, p.payout, owed);
            _ledger.recordSpend(agreement.lineId, contractor, p.payout, Lib.ref(Lib.REF_MILESTONE, agreementId, index));
        }
    }

    /// @dev Refunds a bond (released from the reserved total), or credits it as owed.
    function _refundBond(address bidder, uint256 bond) private {
        uint256 owed = _payOrOwe(bidder, bond);
        if (owed != 0) emit PaymentDeferred(bidder, bond, owed);
    }

    function _existingTender(uint256 tenderId) private view returns (Lib.Tender storage tender) {
        tender = _tenders[tenderId];
        if (tender.state == TenderStatus.None) revert Procurement_UnknownTender(tenderId);
    }

    function _existingAgreement(uint256 agreementId) private view returns (Lib.Agreement storage agreement) {
        agreement = _agreements[agreementId];
        if (agreement.books.status == AgreementStatus.None) revert Procurement_UnknownAgreement(agreementId);
    }

    function _milestoneAt(
        uint256 agreementId,
        uint256 index,
        uint256 count
    ) private view returns (Lib.Milestone storage) {
        if (index >= count) revert Procurement_UnknownMilestone(agreementId, index, count);
        return _milestones[agreementId][index];
    }
}
