// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Roles} from "../../contracts/access/Roles.sol";
import {IBudgetLedger} from "../../contracts/interfaces/IBudgetLedger.sol";
import {LedgerClientMock} from "../../contracts/test/LedgerClientMock.sol";
import {SuiteBase} from "../helpers/SuiteBase.sol";
import {LedgerHandler} from "./handlers/LedgerHandler.sol";

/// @notice SPEC invariants 1-5 of the BudgetLedger, checked after every call of random sequences
/// of every operation (LedgerHandler): several modules, several lines over several fiscal years
/// closed at year end, direct token transfers, pause and unpause.
contract BudgetLedgerInvariantTest is SuiteBase {
    LedgerHandler internal handler;

    function setUp() public {
        _deploySuite();
        LedgerClientMock[] memory modules = new LedgerClientMock[](3);
        for (uint256 i = 0; i < modules.length; ++i) {
            modules[i] = new LedgerClientMock(ledger);
            _grantClient(address(modules[i]));
        }
        handler = new LedgerHandler(ledger, stable, admin, budgetOfficer, guardian, modules, manager);
        // the deployment's delays: adminDelay as the grant delay of the money roles, in force
        // once the AccessManager's minSetback has passed
        vm.startPrank(admin);
        manager.setGrantDelay(Roles.BUDGET_OFFICER, handler.ADMIN_DELAY());
        manager.setGrantDelay(Roles.LEDGER_CLIENT, handler.ADMIN_DELAY());
        vm.stopPrank();
        vm.warp(block.timestamp + manager.minSetback());

        bytes4[] memory selectors = new bytes4[](25);
        selectors[0] = handler.deposit.selector;
        selectors[1] = handler.transferDirect.selector;
        selectors[2] = handler.createLine.selector;
        selectors[3] = handler.createLine.selector; // twice: lines are what everything else needs
        selectors[4] = handler.increaseAppropriation.selector;
        selectors[5] = handler.decreaseAppropriation.selector;
        selectors[6] = handler.reallocate.selector;
        selectors[7] = handler.closeLine.selector;
        selectors[8] = handler.endFiscalYear.selector;
        selectors[9] = handler.pay.selector;
        selectors[10] = handler.withdrawUnallocated.selector;
        selectors[11] = handler.tryWithdrawAppropriated.selector;
        selectors[12] = handler.tryUnauthorized.selector;
        selectors[13] = handler.togglePause.selector;
        selectors[14] = handler.warp.selector;
        selectors[15] = handler.commit.selector;
        selectors[16] = handler.spend.selector;
        selectors[17] = handler.returnFunds.selector;
        selectors[18] = handler.tryOverspend.selector;
        selectors[19] = handler.grantIntruder.selector;
        selectors[20] = handler.revokeIntruder.selector;
        selectors[21] = handler.intruderPays.selector;
        selectors[22] = handler.intruderPays.selector; // twice: the attempts are what is under test
        selectors[23] = handler.revokeClient.selector;
        selectors[24] = handler.regrantClient.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// 1. For every line: committed + spent <= appropriated (and a closed line has nothing
    /// available: appropriated == committed + spent).
    function invariant_usedNeverExceedsAppropriated() public view {
        for (uint256 i = 0; i < handler.lineCount(); ++i) {
            bytes32 lineId = handler.lineAt(i);
            IBudgetLedger.Line memory line = ledger.getLine(lineId);
            assertLe(line.committed + line.spent, line.appropriated, "committed + spent <= appropriated");
            uint256 avail = ledger.available(lineId);
            assertEq(avail, line.closed ? 0 : line.appropriated - line.committed - line.spent, "available");
            if (line.closed) assertEq(line.appropriated, line.committed + line.spent, "closed line fully used");
        }
    }

    /// 2. token.balanceOf(ledger) == unallocated() + sum of available over open lines.
    function invariant_balanceBacksUnallocatedAndAvailable() public view {
        uint256 sumAvailable;
        for (uint256 i = 0; i < handler.lineCount(); ++i) {
            bytes32 lineId = handler.lineAt(i);
            if (!ledger.getLine(lineId).closed) sumAvailable += ledger.available(lineId);
        }
        assertEq(stable.balanceOf(address(ledger)), ledger.unallocated() + sumAvailable, "balance");
        assertEq(ledger.unallocated(), handler.totals().unallocated, "unallocated by the ghost books");
    }

    /// 3. For every line: sum over modules of committedBy(line, module) == committed.
    function invariant_modulesCommitmentsSumToCommitted() public view {
        for (uint256 i = 0; i < handler.lineCount(); ++i) {
            bytes32 lineId = handler.lineAt(i);
            uint256 sum;
            for (uint256 m = 0; m < handler.moduleCount(); ++m) sum += ledger.committedBy(lineId, handler.moduleAt(m));
            assertEq(sum, ledger.getLine(lineId).committed, "sum of committedBy");
            assertEq(sum, handler.ghostCommitted(lineId), "committed by the ghost books");
        }
    }

    /// 4. A module spends or returns only what it committed itself on that line: its ledger
    /// commitment is exactly what it committed minus what it spent and returned, never negative.
    function invariant_moduleSpendsOnlyItsOwnCommitment() public view {
        for (uint256 i = 0; i < handler.lineCount(); ++i) {
            bytes32 lineId = handler.lineAt(i);
            for (uint256 m = 0; m < handler.moduleCount(); ++m) {
                address module = handler.moduleAt(m);
                uint256 used = handler.ghostSpent(lineId, module) + handler.ghostReturned(lineId, module);
                assertLe(used, handler.ghostCommittedEver(lineId, module), "spent + returned <= committed");
                assertEq(ledger.committedBy(lineId, module), handler.ghostHeld(lineId, module), "module's books");
            }
        }
    }

    /// 5. Appropriated and committed funds move only through the flows: every line's books equal
    /// the ghost books kept from the flows alone, and every token is accounted for
    /// (deposits + direct transfers - withdrawals - payouts == ledger balance + held by modules).
    function invariant_fundsMoveOnlyThroughTheFlows() public view {
        LedgerHandler.Totals memory ghost = handler.totals();
        uint256 heldByModules;
        for (uint256 m = 0; m < handler.moduleCount(); ++m) heldByModules += stable.balanceOf(handler.moduleAt(m));
        assertEq(
            ghost.deposited + ghost.direct - ghost.withdrawn - ghost.paidOut,
            stable.balanceOf(address(ledger)) + heldByModules,
            "conservation"
        );
        uint256 paid;
        for (uint256 p = 0; p < handler.payeeCount(); ++p) paid += stable.balanceOf(handler.payeeAt(p));
        assertEq(paid, ghost.paidOut - ghost.intruderPaid, "payees received the payouts");
        assertEq(stable.balanceOf(handler.treasury()), ghost.withdrawn, "withdrawals");
        for (uint256 i = 0; i < handler.lineCount(); ++i) {
            bytes32 lineId = handler.lineAt(i);
            IBudgetLedger.Line memory line = ledger.getLine(lineId);
            assertEq(line.appropriated, handler.ghostAppropriated(lineId), "appropriated by the ghost books");
            assertEq(line.spent, handler.ghostSpentTotal(lineId), "spent by the ghost books");
            assertEq(line.closed, handler.ghostClosed(lineId), "closed");
            assertEq(line.fiscalYear, handler.ghostYear(lineId), "fiscal year");
        }
        assertEq(ledger.lineCount(), handler.lineCount(), "every line listed");
    }

    /// 6. Only delayed roles move money: no payment was ever made through a BUDGET_OFFICER grant
    /// younger than adminDelay (the grant delay), whatever the admin granted or revoked, with or
    /// without an execution delay.
    function invariant_onlyDelayedRolesMoveMoney() public view {
        assertEq(handler.intruderPaymentsTooEarly(), 0, "a payment before the grant took effect");
        if (handler.intruderPayments() != 0) {
            assertGe(handler.shortestGrantToPayment(), handler.ADMIN_DELAY(), "paid sooner than adminDelay");
        }
        assertEq(manager.getRoleGrantDelay(Roles.BUDGET_OFFICER), handler.ADMIN_DELAY(), "the delay holds");
        assertEq(manager.getRoleGrantDelay(Roles.LEDGER_CLIENT), handler.ADMIN_DELAY(), "the delay holds");
    }

    /// 7. Revocation never strands funds: a module whose LEDGER_CLIENT was revoked keeps paying
    /// out and returning its own commitment (every such call of the handler succeeded), so what it
    /// holds by the ghost books is exactly what it holds on the ledger and in tokens.
    function invariant_revocationNeverStrandsFunds() public view {
        for (uint256 m = 0; m < handler.moduleCount(); ++m) {
            address module = handler.moduleAt(m);
            uint256 held;
            for (uint256 i = 0; i < handler.lineCount(); ++i) {
                bytes32 lineId = handler.lineAt(i);
                assertEq(ledger.committedBy(lineId, module), handler.ghostHeld(lineId, module), "held");
                held += handler.ghostHeld(lineId, module);
            }
            assertEq(stable.balanceOf(module), held, "a module's tokens are its commitments, revoked or not");
        }
    }
}
