// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SuiteBase} from "../helpers/SuiteBase.sol";

contract BudgetLedgerSmokeTest is SuiteBase {
    function setUp() public {
        _deploySuite();
    }

    function testFuzz_fundLine(uint128 amount) public {
        amount = uint128(bound(amount, 1, type(uint128).max));
        _fundLine("roads", amount);
        assertEq(ledger.available("roads"), amount);
        assertEq(ledger.unallocated(), 0);
    }
}
