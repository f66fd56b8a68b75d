// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {Roles} from "../../contracts/access/Roles.sol";
import {BudgetLedger} from "../../contracts/ledger/BudgetLedger.sol";
import {TestStablecoin} from "../../contracts/token/TestStablecoin.sol";

/// @notice Base of the Solidity tests: an AccessManager, a token and a BudgetLedger wired as
/// the Ignition module wires them (every privileged function mapped to its role).
abstract contract SuiteBase is Test {
    address internal admin = makeAddr("admin");
    address internal budgetOfficer = makeAddr("budgetOfficer");
    address internal guardian = makeAddr("guardian");

    AccessManager internal manager;
    TestStablecoin internal stable;
    BudgetLedger internal ledger;

    function _deploySuite(address tokenAddress) internal {
        manager = new AccessManager(admin);
        ledger = new BudgetLedger(address(manager), tokenAddress);
        vm.startPrank(admin);
        manager.grantRole(Roles.BUDGET_OFFICER, budgetOfficer, 0);
        manager.grantRole(Roles.GUARDIAN, guardian, 0);
        _wireLedger();
        vm.stopPrank();
    }

    function _deploySuite() internal {
        stable = new TestStablecoin();
        _deploySuite(address(stable));
    }

    /// @dev Must run as the AccessManager admin.
    function _wireLedger() internal {
        bytes4[] memory officer = new bytes4[](6);
        officer[0] = BudgetLedger.createLine.selector;
        officer[1] = BudgetLedger.increaseAppropriation.selector;
        officer[2] = BudgetLedger.decreaseAppropriation.selector;
        officer[3] = BudgetLedger.reallocate.selector;
        officer[4] = BudgetLedger.closeLine.selector;
        officer[5] = BudgetLedger.pay.selector;
        manager.setTargetFunctionRole(address(ledger), officer, Roles.BUDGET_OFFICER);
        // recordSpend and returnFunds need no role (SPEC): the caller's own commitment is the limit
        bytes4[] memory client = new bytes4[](1);
        client[0] = BudgetLedger.commit.selector;
        manager.setTargetFunctionRole(address(ledger), client, Roles.LEDGER_CLIENT);
        bytes4[] memory guard = new bytes4[](2);
        guard[0] = BudgetLedger.pause.selector;
        guard[1] = BudgetLedger.unpause.selector;
        manager.setTargetFunctionRole(address(ledger), guard, Roles.GUARDIAN);
        bytes4[] memory adminOnly = new bytes4[](1);
        adminOnly[0] = BudgetLedger.withdrawUnallocated.selector;
        manager.setTargetFunctionRole(address(ledger), adminOnly, Roles.ADMIN);
    }

    /// @dev Grants LEDGER_CLIENT to `module` (as the admin).
    function _grantClient(address module) internal {
        vm.prank(admin);
        manager.grantRole(Roles.LEDGER_CLIENT, module, 0);
    }

    /// @dev Mints `amount` of the stablecoin to this test, deposits it and opens `lineId`
    /// with the whole amount appropriated.
    function _fundLine(bytes32 lineId, uint256 amount) internal {
        stable.mint(address(this), amount);
        stable.approve(address(ledger), amount);
        ledger.deposit(amount, "fund");
        vm.prank(budgetOfficer);
        ledger.createLine(lineId, 2027, amount, "line");
    }
}
