// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBudgetLedger} from "../../contracts/interfaces/IBudgetLedger.sol";
import {IProcurementEscrow} from "../../contracts/interfaces/IProcurementEscrow.sol";
import {BlocklistToken} from "../../contracts/test/BlocklistToken.sol";
import {ProcurementBase} from "./ProcurementBase.sol";
import {ProcurementHandler} from "./ProcurementHandler.sol";

/// @notice Invariants of the ProcurementEscrow under random lifecycles (ProcurementHandler), on a
/// blocklist token so that refused payments and owed balances take part:
/// 1. the escrow's token balance is exactly what its open tenders, active agreements, held bonds
///    and owed balances still hold, plus the surplus sent to it directly and not yet swept; the
///    ledger's commitment is the first two;
/// 2. no milestone is paid without its quorum of distinct approvals in one round;
/// 3. an agreement never pays more than its price; what it paid is what the ledger booked;
/// 4. the ledger's invariants 1-3 still hold, and its only unallocated cash is forfeited bonds
///    and swept surplus.
contract ProcurementEscrowInvariantTest is ProcurementBase {
    uint256 internal constant FUNDS = 1e18;

    ProcurementHandler internal handler;

    function setUp() public {
        _deployProcurement(new BlocklistToken(), FUNDS);
        handler = new ProcurementHandler(escrow, ledger, BlocklistToken(address(token)), procurer, inspectors);
        // Weighted: the steps of a lifecycle that need several calls appear more than once.
        bytes4[] memory selectors = new bytes4[](24);
        selectors[21] = ProcurementHandler.createTender.selector;
        selectors[22] = ProcurementHandler.donate.selector;
        selectors[23] = ProcurementHandler.sweepSurplus.selector;
        selectors[0] = ProcurementHandler.createTender.selector;
        selectors[1] = ProcurementHandler.submitBid.selector;
        selectors[2] = ProcurementHandler.submitBid.selector;
        selectors[3] = ProcurementHandler.revealBid.selector;
        selectors[4] = ProcurementHandler.revealBid.selector;
        selectors[5] = ProcurementHandler.award.selector;
        selectors[6] = ProcurementHandler.award.selector;
        selectors[7] = ProcurementHandler.cancelTender.selector;
        selectors[8] = ProcurementHandler.reclaimBond.selector;
        selectors[9] = ProcurementHandler.submitMilestone.selector;
        selectors[10] = ProcurementHandler.submitMilestone.selector;
        selectors[11] = ProcurementHandler.approveMilestone.selector;
        selectors[12] = ProcurementHandler.approveMilestone.selector;
        selectors[13] = ProcurementHandler.approveMilestone.selector;
        selectors[14] = ProcurementHandler.rejectMilestone.selector;
        selectors[15] = ProcurementHandler.terminate.selector;
        selectors[16] = ProcurementHandler.setBlocked.selector;
        selectors[17] = ProcurementHandler.withdrawOwed.selector;
        selectors[18] = ProcurementHandler.warp.selector;
        selectors[19] = ProcurementHandler.warp.selector;
        selectors[20] = ProcurementHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        // Every run starts with two tenders open for bids, one of them with two bids.
        handler.createTender(1e12, 1e6, 1, 1 days, 1 days);
        handler.createTender(5e11, 0, 2, 2 days, 1 days);
        handler.submitBid(1, 0, 9e11, "salt0");
        handler.submitBid(1, 1, 8e11, "salt1");
        targetContract(address(handler));
    }

    /// @notice 1. Balance == open tenders' maxPrice + active agreements' (price - paid) + bonds
    /// held + owed + unswept surplus; the ledger's commitment to the escrow is the first two.
    function invariant_escrowHoldsExactlyWhatItOwes() public view {
        (uint256 tenders, uint256 bonds) = _tenderHoldings();
        uint256 agreements = _agreementHoldings();
        uint256 owed = 0;
        for (uint256 i = 0; i < handler.bidderCount(); ++i) owed += escrow.owedTo(handler.bidders(i));
        assertEq(escrow.totalOwed(), owed, "totalOwed is the sum of owed balances");
        uint256 unswept = handler.ghostDonated() - handler.ghostSwept();
        assertEq(escrow.totalBondsHeld(), bonds, "totalBondsHeld is the sum of bonds held");
        assertEq(escrow.surplus(), unswept, "surplus is what was sent directly and not swept");
        assertEq(token.balanceOf(address(escrow)), tenders + agreements + bonds + owed + unswept, "escrow balance");
        assertEq(ledger.committedBy(LINE, address(escrow)), tenders + agreements, "ledger commitment");
    }

    /// @notice 2. A paid milestone had exactly `quorum` approvals in its last round.
    function invariant_noMilestonePaidWithoutQuorum() public view {
        assertFalse(handler.ghostQuorumViolated(), "paid before quorum or not paid at quorum");
        for (uint256 id = 1; id <= escrow.agreementCount(); ++id) {
            IProcurementEscrow.Agreement memory a = escrow.getAgreement(id);
            uint256 quorum = escrow.getTender(a.tenderId).quorum;
            for (uint256 i = 0; i < a.milestoneCount; ++i) {
                IProcurementEscrow.Milestone memory m = escrow.getMilestone(id, i);
                if (m.status == IProcurementEscrow.MilestoneStatus.Paid) {
                    assertEq(m.approvals, quorum, "approvals at payment");
                } else {
                    assertLt(m.approvals, quorum, "an unpaid milestone is below quorum");
                }
            }
        }
    }

    /// @notice 3. paid + retentionHeld <= price; completed agreements paid exactly the price; the
    /// sum paid is what the ledger booked as spent.
    function invariant_agreementsNeverOverpay() public view {
        uint256 paid = 0;
        for (uint256 id = 1; id <= escrow.agreementCount(); ++id) {
            IProcurementEscrow.Agreement memory a = escrow.getAgreement(id);
            assertLe(a.paid + a.retentionHeld, a.price, "released never exceeds escrowed");
            if (a.status == IProcurementEscrow.AgreementStatus.Completed) assertEq(a.paid, a.price);
            if (a.status != IProcurementEscrow.AgreementStatus.Active) assertEq(a.retentionHeld, 0);
            paid += a.paid;
        }
        assertEq(ledger.getLine(LINE).spent, paid, "every payment booked once");
    }

    /// @notice 4. Ledger invariants 1-3 on the line; its unallocated cash is the forfeited bonds.
    function invariant_ledgerBooks() public view {
        IBudgetLedger.Line memory line = ledger.getLine(LINE);
        assertLe(line.committed + line.spent, line.appropriated, "ledger invariant 1");
        assertEq(token.balanceOf(address(ledger)), ledger.unallocated() + ledger.available(LINE), "ledger invariant 2");
        assertEq(ledger.committedBy(LINE, address(escrow)), line.committed, "ledger invariant 3");
        assertEq(ledger.unallocated(), handler.ghostForfeited() + handler.ghostSwept(), "bonds and surplus reached it");
        assertEq(line.appropriated, FUNDS, "the appropriation never moves");
    }

    function _tenderHoldings() private view returns (uint256 tenders, uint256 bonds) {
        for (uint256 id = 1; id <= escrow.tenderCount(); ++id) {
            IProcurementEscrow.Tender memory t = escrow.getTender(id);
            if (uint8(t.status) <= uint8(IProcurementEscrow.TenderStatus.Awardable)) tenders += t.maxPrice;
            bonds += handler.bondsHeld(id);
        }
    }

    function _agreementHoldings() private view returns (uint256 held) {
        for (uint256 id = 1; id <= escrow.agreementCount(); ++id) {
            IProcurementEscrow.Agreement memory a = escrow.getAgreement(id);
            if (a.status == IProcurementEscrow.AgreementStatus.Active) held += a.price - a.paid;
        }
    }
}
