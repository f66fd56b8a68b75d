// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISubsidyDisbursement} from "../../contracts/interfaces/ISubsidyDisbursement.sol";
import {SubsidiesBase} from "./SubsidiesBase.sol";

/// @notice Outcome payouts against a reference model: each recorded outcome pays
/// min(quantity x rate, cap - paid to the beneficiary, remaining budget), and a payout of 0
/// reverts with the error that says why.
contract SubsidyOutcomeFuzzTest is SubsidiesBase {
    bytes32 private constant LINE = "OUTCOMES-2027";
    uint256 private constant FUNDS = 2 ** 120;
    uint256 private constant ROUNDS = 12;

    function setUp() public {
        _deploySuite();
        _deploySubsidies();
        _fundLine(LINE, FUNDS);
    }

    function testFuzz_outcomePayoutsFollowTheModel(
        uint256 budget,
        uint256 rate,
        uint256 cap,
        uint256[ROUNDS] memory quantities,
        uint8[ROUNDS] memory who
    ) public {
        budget = bound(budget, 1, FUNDS);
        // rates from tiny to huge (the product may overflow); caps from none to above the budget
        rate = bound(rate, 1, type(uint256).max);
        if (rate % 3 != 0) rate = bound(rate, 1, 10 ** 12);
        cap = cap % 4 == 0 ? 0 : bound(cap, 1, budget * 2);
        vm.prank(programManager);
        uint256 id = subsidies.createOutcomeProgram(
            LINE,
            budget,
            rate,
            cap,
            uint64(block.timestamp),
            uint64(block.timestamp + 1 days),
            ""
        );

        address[3] memory people = [makeAddr("a"), makeAddr("b"), makeAddr("c")];
        uint256[3] memory paid;
        uint256 left = budget;
        for (uint256 r = 0; r < ROUNDS; ++r) {
            uint256 k = who[r] % 3;
            uint256 quantity = quantities[r] % 5 == 0 ? 0 : bound(quantities[r], 1, type(uint256).max);
            if (quantities[r] % 2 == 1) quantity = bound(quantities[r], 1, 10 ** 9);
            (uint256 expected, bytes4 error) = _expected(quantity, rate, cap, paid[k], left);
            vm.prank(verifier);
            if (expected == 0) {
                vm.expectPartialRevert(error);
                subsidies.recordOutcome(id, people[k], quantity, "evidence");
                continue;
            }
            uint256 got = subsidies.recordOutcome(id, people[k], quantity, "evidence");
            assertEq(got, expected, "payout");
            paid[k] += got;
            left -= got;
            assertEq(subsidies.paidTo(id, people[k]), paid[k], "paidTo");
            assertEq(stable.balanceOf(people[k]), paid[k], "beneficiary balance");
            assertEq(subsidies.remaining(id), left, "remaining");
        }
        ISubsidyDisbursement.Program memory p = subsidies.getProgram(id);
        assertEq(p.paid, budget - left, "paid");
        assertLe(p.paid, p.budget, "paid <= budget");
        if (cap != 0) for (uint256 k = 0; k < 3; ++k) assertLe(paid[k], cap, "cap");
        assertEq(stable.balanceOf(address(subsidies)), left, "module balance");
        assertEq(ledger.getLine(LINE).spent, budget - left, "ledger spent");
    }

    /// @dev The model: the product saturates (a product above 2^256 - 1 exceeds any budget).
    function _expected(
        uint256 quantity,
        uint256 rate,
        uint256 cap,
        uint256 paidBefore,
        uint256 left
    ) private pure returns (uint256 payout, bytes4 error) {
        uint256 gross = quantity == 0 ? 0 : (rate > type(uint256).max / quantity ? type(uint256).max : quantity * rate);
        if (gross == 0) return (0, ISubsidyDisbursement.Subsidy_ZeroPayout.selector);
        payout = gross;
        if (cap != 0) {
            if (paidBefore >= cap) return (0, ISubsidyDisbursement.Subsidy_CapReached.selector);
            if (cap - paidBefore < payout) payout = cap - paidBefore;
        }
        if (left == 0) return (0, ISubsidyDisbursement.Subsidy_BudgetExhausted.selector);
        if (left < payout) payout = left;
    }
}
