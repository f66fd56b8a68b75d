// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IProcurementEscrow} from "../../contracts/interfaces/IProcurementEscrow.sol";
import {BudgetLedger} from "../../contracts/ledger/BudgetLedger.sol";
import {ProcurementEscrow} from "../../contracts/procurement/ProcurementEscrow.sol";
import {BlocklistToken} from "../../contracts/test/BlocklistToken.sol";

/// @notice Drives tenders through random lifecycles for the invariant test: tenders, bids (valid
/// and invalid), reveals (good and bad), awards, cancellations, reclaims, milestone submissions,
/// approvals, rejections, terminations, blocked contractors and owed withdrawals, with time
/// warps. Every call it makes must succeed (failOnRevert); calls that must fail are made in
/// try/catch and their error is checked. Ghost variables hold what the books must show.
contract ProcurementHandler is Test {
    /// @dev The terms of the tender `createTender` is about to open (kept in storage to keep the
    /// call's stack shallow).
    struct NextTender {
        uint256 maxPrice;
        uint256 bidBond;
        uint64 bidDeadline;
        uint64 revealDeadline;
        uint16 retentionBps;
        uint8 quorum;
        uint256 shape;
    }

    struct Sealed {
        uint256 price;
        bytes32 salt;
    }

    bytes32 internal constant LINE = "roads-2027";
    bytes32 internal constant PROPOSAL = "proposal";
    /// @dev Few tenders at a time, so that a run's calls carry them through their lifecycles.
    uint256 internal constant MAX_OPEN_TENDERS = 3;

    ProcurementEscrow public immutable escrow;
    BudgetLedger public immutable ledger;
    BlocklistToken public immutable token;
    address public immutable procurer;
    address[3] public inspectors;
    address[4] public bidders;
    /// @notice Never blocked: where owed balances are withdrawn to.
    address public immutable sink;

    /// @notice A call that must fail succeeded.
    error Handler_UnexpectedSuccess(string call);
    /// @notice A call failed with another error than `expected`.
    error Handler_UnexpectedError(bytes4 expected, bytes reason);

    NextTender internal _next;
    mapping(uint256 tenderId => mapping(address bidder => Sealed)) internal _sealed;
    /// @notice Approvals the handler made in the milestone's current round.
    mapping(uint256 agreementId => mapping(uint256 index => uint256)) public ghostApprovals;
    /// @notice Set if a milestone was ever paid before its quorum, or not paid at it.
    bool public ghostQuorumViolated;
    /// @notice Bonds the handler saw forfeited at award.
    uint256 public ghostForfeited;
    /// @notice Tokens sent to the escrow directly, and swept to the ledger.
    uint256 public ghostDonated;
    uint256 public ghostSwept;
    /// @notice Calls made, per action (for the run summary).
    mapping(bytes32 action => uint256) public calls;

    constructor(
        ProcurementEscrow escrow_,
        BudgetLedger ledger_,
        BlocklistToken token_,
        address procurer_,
        address[3] memory inspectors_
    ) {
        escrow = escrow_;
        ledger = ledger_;
        token = token_;
        procurer = procurer_;
        inspectors = inspectors_;
        sink = makeAddr("sink");
        bidders = [makeAddr("bidder0"), makeAddr("bidder1"), makeAddr("bidder2"), makeAddr("bidder3")];
    }

    // ================================================================== tenders

    /// @notice A tender on the line's available money; `shape` draws the milestones (1-4 with
    /// random shares), the retention (0-100 %) and the quorum (1-3).
    function createTender(
        uint256 maxPrice,
        uint256 bidBond,
        uint256 shape,
        uint64 bidWindow,
        uint64 revealWindow
    ) external {
        uint256 available = ledger.available(LINE);
        if (available == 0 || _openTenders() >= MAX_OPEN_TENDERS) return;
        _next.maxPrice = bound(maxPrice, 1, available < 1e15 ? available : 1e15);
        _next.bidBond = bound(bidBond, 0, 1e9);
        _next.bidDeadline = uint64(block.timestamp + bound(bidWindow, 1 hours, 3 days));
        _next.revealDeadline = _next.bidDeadline + uint64(bound(revealWindow, 1 hours, 3 days));
        _next.retentionBps = uint16(uint256(keccak256(abi.encode(shape, "retention"))) % 10_001);
        _next.quorum = uint8(1 + (uint256(keccak256(abi.encode(shape, "quorum"))) % 3));
        _next.shape = shape;
        _createNext();
        calls["createTender"]++;
    }

    /// @notice A seal (first or replacing) on a tender in Bidding, at a price that may be invalid
    /// (above maxPrice: its reveal must fail and its bond is forfeited).
    function submitBid(uint256 tenderSeed, uint256 bidderSeed, uint256 price, bytes32 salt) external {
        (uint256 tenderId, IProcurementEscrow.Tender memory t) = _findTender(
            tenderSeed,
            _bit(IProcurementEscrow.TenderStatus.Bidding)
        );
        if (tenderId == 0) return;
        // a blocked address cannot pay a bond: take the next bidder that can bid
        address bidder = address(0);
        bool first = false;
        for (uint256 k = 0; k < bidders.length && bidder == address(0); ++k) {
            address candidate = bidders[((bidderSeed % bidders.length) + k) % bidders.length];
            first = escrow.getBid(tenderId, candidate).sealedBid == bytes32(0);
            if (!first || t.bidBond == 0 || !token.blocked(candidate)) bidder = candidate;
        }
        if (bidder == address(0)) return;
        if (first && t.bidBond > 0) {
            token.mint(bidder, t.bidBond);
            vm.prank(bidder);
            token.approve(address(escrow), t.bidBond);
        }
        price = bound(price, 1, t.maxPrice + t.maxPrice / 8 + 1);
        _sealed[tenderId][bidder] = Sealed(price, salt);
        bytes32 sealedBid = keccak256(
            abi.encode(block.chainid, address(escrow), tenderId, bidder, price, PROPOSAL, salt)
        );
        vm.prank(bidder);
        escrow.submitBid(tenderId, sealedBid);
        calls["submitBid"]++;
    }

    /// @notice Reveals an unrevealed bid (with `corrupt`, tries a wrong salt first). A price
    /// above maxPrice must fail.
    function revealBid(uint256 tenderSeed, uint256 bidderSeed, bool corrupt) external {
        (uint256 tenderId, IProcurementEscrow.Tender memory t, address bidder) = _findBid(
            tenderSeed,
            bidderSeed,
            IProcurementEscrow.TenderStatus.Revealing
        );
        if (tenderId == 0) {
            // Nothing to reveal yet: move the clock to the bid deadline of a tender with bids.
            (tenderId, t, bidder) = _findBid(tenderSeed, bidderSeed, IProcurementEscrow.TenderStatus.Bidding);
            if (tenderId == 0) return;
            vm.warp(t.bidDeadline);
            t.status = IProcurementEscrow.TenderStatus.Revealing;
        }
        Sealed memory s = _sealed[tenderId][bidder];
        vm.startPrank(bidder);
        if (corrupt) {
            try escrow.revealBid(tenderId, s.price, PROPOSAL, ~s.salt) {
                revert Handler_UnexpectedSuccess("corrupted reveal");
            } catch (bytes memory reason) {
                _expectSelector(
                    reason,
                    s.price > t.maxPrice
                        ? IProcurementEscrow.Procurement_InvalidPrice.selector
                        : IProcurementEscrow.Procurement_SealMismatch.selector
                );
            }
        }
        if (s.price > t.maxPrice) {
            try escrow.revealBid(tenderId, s.price, PROPOSAL, s.salt) {
                revert Handler_UnexpectedSuccess("price above maxPrice");
            } catch (bytes memory reason) {
                _expectSelector(reason, IProcurementEscrow.Procurement_InvalidPrice.selector);
            }
        } else {
            escrow.revealBid(tenderId, s.price, PROPOSAL, s.salt);
            calls["revealBid"]++;
        }
        vm.stopPrank();
    }

    /// @notice Awards an awardable tender; if there is none, half the time moves the clock to the
    /// reveal deadline of a tender being revealed and awards that one.
    function award(uint256 tenderSeed) external {
        (uint256 tenderId, ) = _findTender(tenderSeed, _bit(IProcurementEscrow.TenderStatus.Awardable));
        if (tenderId == 0 && tenderSeed % 2 == 0) {
            IProcurementEscrow.Tender memory t;
            (tenderId, t) = _findTender(tenderSeed, _bit(IProcurementEscrow.TenderStatus.Revealing));
            if (tenderId != 0) vm.warp(t.revealDeadline);
        }
        if (tenderId == 0) return;
        ghostForfeited += _bondsHeld(tenderId);
        escrow.award(tenderId);
        calls["award"]++;
    }

    /// @notice Cancels an open tender (rarely: `chance` must hit 1 in 4, so that most tenders
    /// live on to an award).
    function cancelTender(uint256 tenderSeed, uint8 chance) external {
        if (chance % 4 != 0) return;
        bytes32 open =
            _bit(IProcurementEscrow.TenderStatus.Bidding) |
                _bit(IProcurementEscrow.TenderStatus.Revealing) |
                _bit(IProcurementEscrow.TenderStatus.Awardable);
        (uint256 tenderId, ) = _findTender(tenderSeed, open);
        if (tenderId == 0) return;
        vm.prank(procurer);
        escrow.cancelTender(tenderId, "cancel");
        calls["cancelTender"]++;
    }

    function reclaimBond(uint256 tenderSeed, uint256 bidderSeed) external {
        (uint256 tenderId, , address bidder) = _findBid(
            tenderSeed,
            bidderSeed,
            IProcurementEscrow.TenderStatus.Cancelled
        );
        if (tenderId == 0) return;
        vm.prank(bidder);
        escrow.reclaimBond(tenderId);
        calls["reclaimBond"]++;
    }

    // ================================================================== agreements

    function submitMilestone(uint256 seed) external {
        (uint256 agreementId, uint256 index, address contractor) = _findMilestone(seed, _submittable());
        if (agreementId == 0) return;
        vm.prank(contractor);
        escrow.submitMilestone(agreementId, index, keccak256(abi.encode(agreementId, index, block.timestamp)));
        calls["submitMilestone"]++;
    }

    /// @notice An approval by a random inspector (of a milestone the contractor submits first if
    /// none is submitted); one that already approved this round must be refused with
    /// Procurement_AlreadyApproved.
    function approveMilestone(uint256 seed, uint256 inspectorSeed) external {
        (uint256 agreementId, uint256 index, ) = _findMilestone(seed, _submitted());
        if (agreementId == 0) {
            // Nothing submitted: the contractor submits a milestone first.
            address contractor;
            (agreementId, index, contractor) = _findMilestone(seed, _submittable());
            if (agreementId == 0) return;
            vm.prank(contractor);
            escrow.submitMilestone(agreementId, index, keccak256(abi.encode(agreementId, index, block.timestamp)));
        }
        address inspector = inspectors[inspectorSeed % inspectors.length];
        if (escrow.hasApproved(agreementId, index, inspector)) {
            vm.prank(inspector);
            try escrow.approveMilestone(agreementId, index) {
                revert Handler_UnexpectedSuccess("second approval");
            } catch (bytes memory reason) {
                _expectSelector(reason, IProcurementEscrow.Procurement_AlreadyApproved.selector);
            }
            return;
        }
        uint256 quorum = escrow.getTender(escrow.getAgreement(agreementId).tenderId).quorum;
        uint256 approvals = ++ghostApprovals[agreementId][index];
        vm.prank(inspector);
        escrow.approveMilestone(agreementId, index);
        bool paid = escrow.getMilestone(agreementId, index).status == IProcurementEscrow.MilestoneStatus.Paid;
        if (paid != (approvals >= quorum)) ghostQuorumViolated = true;
        calls["approveMilestone"]++;
    }

    /// @notice Rejects a submitted milestone (1 time in 2, so that most milestones get paid).
    function rejectMilestone(uint256 seed, uint256 inspectorSeed, uint8 chance) external {
        if (chance % 2 != 0) return;
        (uint256 agreementId, uint256 index, ) = _findMilestone(seed, _submitted());
        if (agreementId == 0) return;
        ghostApprovals[agreementId][index] = 0;
        vm.prank(inspectors[inspectorSeed % inspectors.length]);
        escrow.rejectMilestone(agreementId, index, "reject");
        calls["rejectMilestone"]++;
    }

    /// @notice Terminates an active agreement (1 time in 4).
    function terminate(uint256 seed, uint8 chance) external {
        if (chance % 4 != 0) return;
        (uint256 agreementId, , ) = _findMilestone(seed, bytes32(type(uint256).max));
        if (agreementId == 0) return;
        vm.prank(procurer);
        escrow.terminate(agreementId, "terminate");
        calls["terminate"]++;
    }

    /// @notice Blocks or unblocks a bidder (a contractor or a bidder that cannot receive).
    function setBlocked(uint256 bidderSeed, bool isBlocked) external {
        token.setBlocked(bidders[bidderSeed % bidders.length], isBlocked);
        calls["setBlocked"]++;
    }

    /// @notice A payee with an owed balance withdraws it to the sink.
    function withdrawOwed(uint256 bidderSeed) external {
        address payee = address(0);
        for (uint256 k = 0; k < bidders.length && payee == address(0); ++k) {
            address candidate = bidders[((bidderSeed % bidders.length) + k) % bidders.length];
            if (escrow.owedTo(candidate) > 0) payee = candidate;
        }
        if (payee == address(0)) return;
        vm.prank(payee);
        escrow.withdrawOwed(sink);
        calls["withdrawOwed"]++;
    }

    /// @notice Someone sends tokens to the escrow directly (outside its flows).
    function donate(uint256 amount) external {
        amount = bound(amount, 1, 1e12);
        ghostDonated += amount;
        calls["donate"]++;
        token.mint(address(escrow), amount);
    }

    /// @notice Anyone sweeps the surplus into the ledger.
    function sweepSurplus() external {
        if (escrow.surplus() == 0) return;
        ghostSwept += escrow.sweepSurplus();
        calls["sweepSurplus"]++;
    }

    /// @notice Moves the clock: half the time exactly to the next deadline of an open tender (the
    /// window edges), otherwise by up to 12 hours.
    function warp(uint256 seconds_) external {
        uint256 next = seconds_ % 2 == 0 ? _nextDeadline() : 0;
        vm.warp(next != 0 ? next : block.timestamp + bound(seconds_, 1, 12 hours));
        calls["warp"]++;
    }

    // ================================================================== views for the invariants

    function bidderCount() external view returns (uint256) {
        return bidders.length;
    }

    /// @notice Bonds held on a tender, summed over the handler's bidders (the only bidders).
    function bondsHeld(uint256 tenderId) external view returns (uint256) {
        return _bondsHeld(tenderId);
    }

    // ================================================================== private

    function _createNext() private {
        IProcurementEscrow.MilestoneSpec[] memory specs = _shares(_next.shape, 1 + (_next.shape % 4));
        vm.prank(procurer);
        escrow.createTender(
            LINE,
            keccak256(abi.encode(_next.shape)),
            _next.maxPrice,
            _next.bidBond,
            _next.bidDeadline,
            _next.revealDeadline,
            _next.retentionBps,
            _next.quorum,
            specs
        );
    }

    function _bondsHeld(uint256 tenderId) private view returns (uint256 sum) {
        for (uint256 i = 0; i < bidders.length; ++i) sum += escrow.getBid(tenderId, bidders[i]).bond;
    }

    /// @dev The first tender from `seed` on (cyclically) whose status is in `mask`, or 0.
    function _findTender(
        uint256 seed,
        bytes32 mask
    ) private view returns (uint256, IProcurementEscrow.Tender memory t) {
        uint256 count = escrow.tenderCount();
        for (uint256 k = 0; k < count; ++k) {
            uint256 id = 1 + (((seed % count) + k) % count);
            t = escrow.getTender(id);
            if (_bit(t.status) & mask != 0) return (id, t);
        }
        return (0, t);
    }

    /// @dev The earliest bid or reveal deadline still ahead, or 0.
    function _nextDeadline() private view returns (uint256 next) {
        for (uint256 id = 1; id <= escrow.tenderCount(); ++id) {
            IProcurementEscrow.Tender memory t = escrow.getTender(id);
            uint256 d =
                t.status == IProcurementEscrow.TenderStatus.Bidding
                    ? t.bidDeadline
                    : t.status == IProcurementEscrow.TenderStatus.Revealing
                        ? t.revealDeadline
                        : 0;
            if (d != 0 && (next == 0 || d < next)) next = d;
        }
    }

    function _openTenders() private view returns (uint256 open) {
        for (uint256 id = 1; id <= escrow.tenderCount(); ++id) {
            if (uint8(escrow.getTender(id).status) <= uint8(IProcurementEscrow.TenderStatus.Awardable)) ++open;
        }
    }

    /// @dev A tender in `status` and one of its bidders with a bid to act on: a bond held
    /// (Cancelled) or else an unrevealed bid. Tender id 0: none.
    function _findBid(
        uint256 tenderSeed,
        uint256 bidderSeed,
        IProcurementEscrow.TenderStatus status
    ) private view returns (uint256, IProcurementEscrow.Tender memory t, address) {
        uint256 count = escrow.tenderCount();
        for (uint256 k = 0; k < count; ++k) {
            uint256 id = 1 + (((tenderSeed % count) + k) % count);
            t = escrow.getTender(id);
            if (t.status != status) continue;
            for (uint256 j = 0; j < bidders.length; ++j) {
                address bidder = bidders[((bidderSeed % bidders.length) + j) % bidders.length];
                IProcurementEscrow.Bid memory bid = escrow.getBid(id, bidder);
                bool actionable =
                    status == IProcurementEscrow.TenderStatus.Cancelled
                        ? bid.bond > 0
                        : bid.sealedBid != bytes32(0) && !bid.revealed;
                if (actionable) return (id, t, bidder);
            }
        }
        return (0, t, address(0));
    }

    /// @dev A milestone of an active agreement whose status is in `mask` (agreement id 0: none).
    function _findMilestone(
        uint256 seed,
        bytes32 mask
    ) private view returns (uint256 agreementId, uint256 index, address contractor) {
        uint256 count = escrow.agreementCount();
        for (uint256 k = 0; k < count; ++k) {
            uint256 id = 1 + (((seed % count) + k) % count);
            IProcurementEscrow.Agreement memory a = escrow.getAgreement(id);
            if (a.status != IProcurementEscrow.AgreementStatus.Active) continue;
            for (uint256 j = 0; j < a.milestoneCount; ++j) {
                uint256 i = ((seed % a.milestoneCount) + j) % a.milestoneCount;
                if (_bit(escrow.getMilestone(id, i).status) & mask != 0) return (id, i, a.contractor);
            }
        }
    }

    function _bit(IProcurementEscrow.TenderStatus status) private pure returns (bytes32) {
        return bytes32(uint256(1) << uint8(status));
    }

    function _submittable() private pure returns (bytes32) {
        return _bit(IProcurementEscrow.MilestoneStatus.Pending) | _bit(IProcurementEscrow.MilestoneStatus.Rejected);
    }

    function _submitted() private pure returns (bytes32) {
        return _bit(IProcurementEscrow.MilestoneStatus.Submitted);
    }

    function _bit(IProcurementEscrow.MilestoneStatus status) private pure returns (bytes32) {
        return bytes32(uint256(1) << uint8(status));
    }

    function _shares(
        uint256 seed,
        uint256 count
    ) private pure returns (IProcurementEscrow.MilestoneSpec[] memory specs) {
        specs = new IProcurementEscrow.MilestoneSpec[](count);
        uint256 left = 10_000;
        for (uint256 i = 0; i < count; ++i) {
            uint256 share = left - (count - 1 - i);
            if (i + 1 < count) share = 1 + (uint256(keccak256(abi.encode(seed, i))) % share);
            left -= share;
            specs[i] = IProcurementEscrow.MilestoneSpec(uint16(share), uint64(i * 1 days), bytes32(i));
        }
    }

    function _expectSelector(bytes memory reason, bytes4 expected) private pure {
        if (reason.length < 4 || bytes4(reason) != expected) revert Handler_UnexpectedError(expected, reason);
    }
}
