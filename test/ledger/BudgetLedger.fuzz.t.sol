// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBudgetLedger} from "../../contracts/interfaces/IBudgetLedger.sol";
import {LedgerClientMock} from "../../contracts/test/LedgerClientMock.sol";
import {SuiteBase} from "../helpers/SuiteBase.sol";

/// @notice Fuzz tests of the arithmetic of each operation: the outcome (success or the exact
/// error) for any amounts, and every view afterwards.
contract BudgetLedgerFuzzTest is SuiteBase {
    uint256 internal constant MAX = type(uint128).max;
    bytes32 internal constant ROADS = "roads";
    bytes32 internal constant PARKS = "parks";

    /// @dev The books of one line as the test expects them.
    struct Books {
        uint256 appropriated;
        uint256 committed;
        uint256 spent;
        bool closed;
    }

    LedgerClientMock internal moduleA;
    LedgerClientMock internal moduleB;
    address internal payee = makeAddr("payee");

    function setUp() public {
        _deploySuite();
        moduleA = new LedgerClientMock(ledger);
        moduleB = new LedgerClientMock(ledger);
        _grantClient(address(moduleA));
        _grantClient(address(moduleB));
    }

    // ================================================================== budget officer

    function testFuzz_createLine(uint256 cash, uint256 appropriation, uint16 fiscalYear) public {
        cash = bound(cash, 0, 2 * MAX);
        _deposit(cash);
        vm.prank(budgetOfficer);
        if (appropriation > MAX) {
            vm.expectRevert(abi.encodeWithSelector(IBudgetLedger.Ledger_AmountTooLarge.selector, appropriation));
        } else if (appropriation > cash) {
            vm.expectRevert(
                abi.encodeWithSelector(IBudgetLedger.Ledger_InsufficientUnallocated.selector, cash, appropriation)
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.LineCreated(ROADS, fiscalYear, appropriation, "roads");
        }
        ledger.createLine(ROADS, fiscalYear, appropriation, "roads");
        if (appropriation > MAX || appropriation > cash) {
            assertEq(ledger.lineCount(), 0);
            assertEq(ledger.unallocated(), cash);
            return;
        }
        assertEq(ledger.getLine(ROADS).fiscalYear, fiscalYear);
        _assertBooks(ROADS, Books(appropriation, 0, 0, false));
        assertEq(ledger.unallocated(), cash - appropriation);
        assertEq(ledger.lineIdAt(0), ROADS);
    }

    function testFuzz_increaseAppropriation(uint256 initial, uint256 spare, uint256 amount) public {
        initial = bound(initial, 0, MAX);
        spare = bound(spare, 0, 2 * MAX);
        _openLine(ROADS, initial, spare);
        vm.prank(budgetOfficer);
        bool ok = _expectIncrease(initial, spare, amount);
        ledger.increaseAppropriation(ROADS, amount);
        uint256 added = ok ? amount : 0;
        _assertBooks(ROADS, Books(initial + added, 0, 0, false));
        assertEq(ledger.unallocated(), spare - added);
    }

    function testFuzz_decreaseAppropriation(uint256 initial, uint256 committed, uint256 amount) public {
        initial = bound(initial, 1, MAX);
        committed = bound(committed, 0, initial);
        _openLine(ROADS, initial, 0);
        _commit(moduleA, ROADS, committed);
        uint256 avail = initial - committed;
        bool ok = amount != 0 && amount <= avail;
        vm.prank(budgetOfficer);
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (amount > avail) {
            vm.expectRevert(
                abi.encodeWithSelector(IBudgetLedger.Ledger_InsufficientAvailable.selector, ROADS, avail, amount)
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.AppropriationChanged(ROADS, initial, initial - amount);
        }
        ledger.decreaseAppropriation(ROADS, amount);
        uint256 removed = ok ? amount : 0;
        _assertBooks(ROADS, Books(initial - removed, committed, 0, false));
        assertEq(ledger.unallocated(), removed);
    }

    function testFuzz_reallocate(uint256 fromBudget, uint256 toBudget, uint256 committed, uint256 amount) public {
        fromBudget = bound(fromBudget, 1, MAX);
        toBudget = bound(toBudget, 0, MAX);
        committed = bound(committed, 0, fromBudget);
        _openLine(ROADS, fromBudget, 0);
        _openLine(PARKS, toBudget, 0);
        _commit(moduleA, ROADS, committed);
        uint256 avail = fromBudget - committed;
        amount = bound(amount, 0, avail + 1);
        bool ok = amount != 0 && amount <= avail && toBudget + amount <= MAX;
        vm.prank(budgetOfficer);
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (amount > avail) {
            vm.expectRevert(
                abi.encodeWithSelector(IBudgetLedger.Ledger_InsufficientAvailable.selector, ROADS, avail, amount)
            );
        } else if (toBudget + amount > MAX) {
            vm.expectRevert(abi.encodeWithSelector(IBudgetLedger.Ledger_AmountTooLarge.selector, toBudget + amount));
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.Reallocated(ROADS, PARKS, amount, "reason");
        }
        ledger.reallocate(ROADS, PARKS, amount, "reason");
        uint256 moved = ok ? amount : 0;
        _assertBooks(ROADS, Books(fromBudget - moved, committed, 0, false));
        _assertBooks(PARKS, Books(toBudget + moved, 0, 0, false));
        assertEq(ledger.unallocated(), 0);
    }

    function testFuzz_closeLine(uint256 budget, uint256 committed, uint256 spent, uint256 paid) public {
        budget = bound(budget, 0, MAX);
        committed = bound(committed, 0, budget);
        spent = bound(spent, 0, committed);
        paid = bound(paid, 0, budget - committed);
        _openLine(ROADS, budget, 0);
        _commit(moduleA, ROADS, committed);
        _spend(moduleA, ROADS, spent);
        _pay(ROADS, paid);
        uint256 lapsed = budget - committed - paid;
        vm.expectEmit(address(ledger));
        emit IBudgetLedger.LineClosed(ROADS, lapsed);
        vm.prank(budgetOfficer);
        ledger.closeLine(ROADS);
        _assertBooks(ROADS, Books(committed + paid, committed - spent, spent + paid, true));
        assertEq(ledger.unallocated(), lapsed);
    }

    function testFuzz_pay(uint256 budget, uint256 committed, uint256 amount) public {
        budget = bound(budget, 1, MAX);
        committed = bound(committed, 0, budget);
        _openLine(ROADS, budget, 7);
        _commit(moduleA, ROADS, committed);
        uint256 avail = budget - committed;
        amount = bound(amount, 0, avail + 1);
        bool ok = amount != 0 && amount <= avail;
        vm.prank(budgetOfficer);
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (!ok) {
            vm.expectRevert(
                abi.encodeWithSelector(IBudgetLedger.Ledger_InsufficientAvailable.selector, ROADS, avail, amount)
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.Spent(ROADS, payee, amount, "invoice", address(ledger));
        }
        ledger.pay(ROADS, payee, amount, "invoice");
        uint256 paid = ok ? amount : 0;
        _assertBooks(ROADS, Books(budget, committed, paid, false));
        assertEq(stable.balanceOf(payee), paid);
        assertEq(ledger.unallocated(), 7);
    }

    // ================================================================== anyone / admin

    function testFuzz_depositAndWithdraw(
        uint256 deposited,
        uint256 direct,
        uint256 appropriated,
        uint256 amount
    ) public {
        deposited = bound(deposited, 0, 2 * MAX);
        direct = bound(direct, 0, 2 * MAX);
        _deposit(deposited);
        stable.mint(address(ledger), direct); // without deposit: unallocated too
        appropriated = bound(appropriated, 0, _min(deposited + direct, MAX));
        vm.prank(budgetOfficer);
        ledger.createLine(ROADS, 2027, appropriated, "roads");
        uint256 free = deposited + direct - appropriated;
        assertEq(ledger.unallocated(), free);
        amount = bound(amount, 0, free + 1);
        bool ok = amount != 0 && amount <= free;
        vm.prank(admin);
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (!ok) {
            vm.expectRevert(
                abi.encodeWithSelector(IBudgetLedger.Ledger_InsufficientUnallocated.selector, free, amount)
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.Withdrawn(payee, amount, "transfer");
        }
        ledger.withdrawUnallocated(payee, amount, "transfer");
        uint256 out = ok ? amount : 0;
        assertEq(ledger.unallocated(), free - out);
        assertEq(stable.balanceOf(payee), out);
        _assertBooks(ROADS, Books(appropriated, 0, 0, false));
    }

    // ================================================================== modules

    function testFuzz_commit(uint256 budget, uint256 first, uint256 amount) public {
        budget = bound(budget, 1, MAX);
        first = bound(first, 0, budget);
        _openLine(ROADS, budget, 0);
        _commit(moduleB, ROADS, first);
        uint256 avail = budget - first;
        amount = bound(amount, 0, avail + 1);
        bool ok = amount != 0 && amount <= avail;
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (!ok) {
            vm.expectRevert(
                abi.encodeWithSelector(IBudgetLedger.Ledger_InsufficientAvailable.selector, ROADS, avail, amount)
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.Committed(ROADS, address(moduleA), amount, "tender");
        }
        moduleA.commit(ROADS, amount, "tender");
        uint256 got = ok ? amount : 0;
        _assertBooks(ROADS, Books(budget, first + got, 0, false));
        assertEq(ledger.committedBy(ROADS, address(moduleA)), got);
        assertEq(ledger.committedBy(ROADS, address(moduleB)), first);
        assertEq(stable.balanceOf(address(moduleA)), got);
    }

    function testFuzz_recordSpend(uint256 budget, uint256 committed, uint256 other, uint256 amount) public {
        budget = bound(budget, 1, MAX);
        committed = bound(committed, 0, budget);
        other = bound(other, 0, budget - committed);
        _openLine(ROADS, budget, 0);
        _commit(moduleA, ROADS, committed);
        _commit(moduleB, ROADS, other); // another module's commitment is never spendable by moduleA
        amount = bound(amount, 0, committed + other + 1);
        bool ok = amount != 0 && amount <= committed;
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (!ok) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IBudgetLedger.Ledger_InsufficientCommitment.selector,
                    ROADS,
                    address(moduleA),
                    committed,
                    amount
                )
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.Spent(ROADS, payee, amount, "claim", address(moduleA));
        }
        moduleA.recordSpend(ROADS, payee, amount, "claim");
        uint256 spent = ok ? amount : 0;
        _assertBooks(ROADS, Books(budget, committed + other - spent, spent, false));
        assertEq(ledger.committedBy(ROADS, address(moduleA)), committed - spent);
        assertEq(ledger.committedBy(ROADS, address(moduleB)), other);
    }

    function testFuzz_returnFunds(
        uint256 budget,
        uint256 committed,
        uint256 spent,
        uint256 amount,
        bool closeFirst
    ) public {
        budget = bound(budget, 1, MAX);
        committed = bound(committed, 0, budget);
        spent = bound(spent, 0, committed);
        _openLine(ROADS, budget, 0);
        _commit(moduleA, ROADS, committed);
        _spend(moduleA, ROADS, spent);
        uint256 lapsed;
        if (closeFirst) {
            lapsed = budget - committed;
            vm.prank(budgetOfficer);
            ledger.closeLine(ROADS);
        }
        uint256 held = committed - spent;
        amount = bound(amount, 0, held + 1);
        bool ok = amount != 0 && amount <= held;
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (!ok) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IBudgetLedger.Ledger_InsufficientCommitment.selector,
                    ROADS,
                    address(moduleA),
                    held,
                    amount
                )
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.FundsReturned(ROADS, address(moduleA), amount, "unspent");
        }
        moduleA.returnFunds(ROADS, amount, "unspent");
        uint256 back = ok ? amount : 0;
        if (closeFirst) {
            // a return on a closed line lowers committed and appropriated together; the cash is unallocated
            _assertBooks(ROADS, Books(committed - back, held - back, spent, true));
            assertEq(ledger.unallocated(), lapsed + back);
        } else {
            _assertBooks(ROADS, Books(budget, held - back, spent, false));
            assertEq(ledger.unallocated(), 0);
        }
        assertEq(ledger.committedBy(ROADS, address(moduleA)), held - back);
        assertEq(stable.balanceOf(address(moduleA)), held - back);
    }

    // ================================================================== helpers

    function _expectIncrease(uint256 initial, uint256 spare, uint256 amount) internal returns (bool ok) {
        if (amount == 0) {
            vm.expectRevert(IBudgetLedger.Ledger_ZeroAmount.selector);
        } else if (amount > MAX) {
            vm.expectRevert(abi.encodeWithSelector(IBudgetLedger.Ledger_AmountTooLarge.selector, amount));
        } else if (initial + amount > MAX) {
            vm.expectRevert(abi.encodeWithSelector(IBudgetLedger.Ledger_AmountTooLarge.selector, initial + amount));
        } else if (amount > spare) {
            vm.expectRevert(
                abi.encodeWithSelector(IBudgetLedger.Ledger_InsufficientUnallocated.selector, spare, amount)
            );
        } else {
            vm.expectEmit(address(ledger));
            emit IBudgetLedger.AppropriationChanged(ROADS, initial, initial + amount);
            ok = true;
        }
    }

    function _deposit(uint256 amount) internal {
        if (amount == 0) return;
        stable.mint(address(this), amount);
        stable.approve(address(ledger), amount);
        ledger.deposit(amount, "revenue");
    }

    /// @dev Deposits `budget + spare` and opens `lineId` with `budget`.
    function _openLine(bytes32 lineId, uint256 budget, uint256 spare) internal {
        _deposit(budget + spare);
        vm.prank(budgetOfficer);
        ledger.createLine(lineId, 2027, budget, "line");
    }

    function _commit(LedgerClientMock module, bytes32 lineId, uint256 amount) internal {
        if (amount != 0) module.commit(lineId, amount, "tender");
    }

    function _spend(LedgerClientMock module, bytes32 lineId, uint256 amount) internal {
        if (amount != 0) module.payOut(lineId, payee, amount, "claim");
    }

    function _pay(bytes32 lineId, uint256 amount) internal {
        if (amount == 0) return;
        vm.prank(budgetOfficer);
        ledger.pay(lineId, payee, amount, "invoice");
    }

    /// @dev Every view of the line, and SPEC invariants 1 and 3 on it.
    function _assertBooks(bytes32 lineId, Books memory expected) internal view {
        IBudgetLedger.Line memory line = ledger.getLine(lineId);
        assertEq(line.appropriated, expected.appropriated, "appropriated");
        assertEq(line.committed, expected.committed, "committed");
        assertEq(line.spent, expected.spent, "spent");
        assertEq(line.closed, expected.closed, "closed");
        uint256 avail = expected.closed ? 0 : expected.appropriated - expected.committed - expected.spent;
        assertEq(ledger.available(lineId), avail, "available");
        assertEq(
            ledger.committedBy(lineId, address(moduleA)) + ledger.committedBy(lineId, address(moduleB)),
            expected.committed,
            "sum of committedBy"
        );
        assertLe(line.committed + line.spent, line.appropriated, "committed + spent <= appropriated");
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
