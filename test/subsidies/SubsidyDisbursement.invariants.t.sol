// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {StdInvariant} from "forge-std/StdInvariant.sol";

import {IBudgetLedger} from "../../contracts/interfaces/IBudgetLedger.sol";
import {ISubsidyDisbursement} from "../../contracts/interfaces/ISubsidyDisbursement.sol";
import {SubsidiesBase} from "./SubsidiesBase.sol";
import {SubsidyHandler} from "./SubsidyHandler.sol";

/// @notice Invariants of SubsidyDisbursement (and the ledger's, with the module running on it):
/// 1. every programme: paid <= budget, and paid is what the handler saw paid;
/// 2. the module's token balance == sum over programmes not closed of (budget - paid), plus the
///    tokens sent to it directly and not yet swept to the ledger;
/// 3. every roster index pays at most once, and isClaimed says so;
/// 4. the ledger: committed + spent <= appropriated per line; its balance backs unallocated plus
///    the available amounts of open lines; the module's books equal the line's committed amount;
///    the line's committed amount is what open programmes on it have left; spent is what was paid.
contract SubsidyInvariantsTest is SubsidiesBase {
    bytes32 private constant LINE_A = "SUBSIDY-A";
    bytes32 private constant LINE_B = "SUBSIDY-B";

    SubsidyHandler private handler;

    function setUp() public {
        _deploySuite();
        _deploySubsidies();
        _fundLine(LINE_A, 1e13);
        _fundLine(LINE_B, 1e13);
        handler = new SubsidyHandler(
            subsidies,
            ledger,
            stable,
            programManager,
            verifier,
            guardian,
            budgetOfficer,
            [LINE_A, LINE_B]
        );
        bytes4[] memory actions = new bytes4[](12);
        actions[0] = SubsidyHandler.createRoster.selector;
        actions[1] = SubsidyHandler.createOutcome.selector;
        actions[2] = SubsidyHandler.claim.selector;
        actions[3] = SubsidyHandler.claimBatch.selector;
        actions[4] = SubsidyHandler.blockClaim.selector;
        actions[5] = SubsidyHandler.recordOutcome.selector;
        actions[6] = SubsidyHandler.closeProgram.selector;
        actions[7] = SubsidyHandler.togglePause.selector;
        actions[8] = SubsidyHandler.closeSecondLine.selector;
        actions[9] = SubsidyHandler.warp.selector;
        actions[10] = SubsidyHandler.donate.selector;
        actions[11] = SubsidyHandler.sweep.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: actions}));
        targetContract(address(handler));
    }

    function invariant_paidNeverExceedsBudget() public view {
        for (uint256 id = 1; id <= subsidies.programCount(); ++id) {
            ISubsidyDisbursement.Program memory p = subsidies.getProgram(id);
            (, , uint256 budget, uint256 paid, , , bool closed, , ) = handler.ghosts(id);
            assertLe(p.paid, p.budget, "paid > budget");
            assertEq(p.paid, paid, "paid differs from the payouts seen");
            assertEq(p.budget, budget, "budget");
            assertEq(p.closed, closed, "closed");
        }
    }

    function invariant_balanceIsTheUnpaidBudgetsOfOpenProgrammes() public view {
        uint256 expected;
        uint256 open;
        for (uint256 id = 1; id <= subsidies.programCount(); ++id) {
            ISubsidyDisbursement.Program memory p = subsidies.getProgram(id);
            if (!p.closed) {
                expected += p.budget - p.paid;
                ++open;
            }
        }
        // tokens sent to the module directly are the only surplus, until swept to the ledger
        assertEq(
            stable.balanceOf(address(subsidies)),
            expected + handler.donated() - handler.swept(),
            "module balance"
        );
        assertEq(subsidies.openProgramCount(), open, "openProgramCount");
    }

    function invariant_eachIndexPaysAtMostOnce() public view {
        for (uint256 id = 1; id <= subsidies.programCount(); ++id) {
            if (subsidies.getProgram(id).kind != ISubsidyDisbursement.ProgramKind.Roster) continue;
            for (uint256 i = 0; i < handler.rosterSize(id); ++i) {
                uint256 times = handler.timesPaid(id, i);
                assertLe(times, 1, "index paid twice");
                assertEq(subsidies.isClaimed(id, i), times == 1, "isClaimed");
                assertEq(subsidies.isBlocked(id, i), handler.blocked(id, i), "isBlocked");
            }
        }
    }

    function invariant_ledgerBooksHold() public view {
        uint256 sumAvailable;
        uint256 spent;
        for (uint256 k = 0; k < ledger.lineCount(); ++k) {
            bytes32 lineId = ledger.lineIdAt(k);
            IBudgetLedger.Line memory line = ledger.getLine(lineId);
            // 1. committed + spent <= appropriated
            assertLe(line.committed + line.spent, line.appropriated, "ledger invariant 1");
            if (!line.closed) sumAvailable += ledger.available(lineId);
            // 3. the module is the only one on these lines: its books are the line's committed amount
            assertEq(ledger.committedBy(lineId, address(subsidies)), line.committed, "ledger invariant 3");
            assertEq(line.committed, _openRemainingOn(lineId), "committed == what open programmes have left");
            spent += line.spent;
        }
        // 2. the ledger's balance backs unallocated cash plus the available amounts of open lines
        assertEq(stable.balanceOf(address(ledger)), ledger.unallocated() + sumAvailable, "ledger invariant 2");
        assertEq(spent, handler.totalPaid(), "spent == paid out");
    }

    function _openRemainingOn(bytes32 lineId) private view returns (uint256 sum) {
        for (uint256 id = 1; id <= subsidies.programCount(); ++id) {
            ISubsidyDisbursement.Program memory p = subsidies.getProgram(id);
            if (p.lineId == lineId && !p.closed) sum += p.budget - p.paid;
        }
    }
}
