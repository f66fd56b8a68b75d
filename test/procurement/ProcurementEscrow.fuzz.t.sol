// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProcurementEscrow} from "../../contracts/interfaces/IProcurementEscrow.sol";
import {MockToken} from "../../contracts/test/MockToken.sol";
import {ProcurementBase} from "./ProcurementBase.sol";

/// @notice Fuzz properties of the ProcurementEscrow: prices, shares, retention and the order of
/// payments never create or lose a unit; the seal binds every revealed value.
contract ProcurementEscrowFuzzTest is ProcurementBase {
    uint256 internal constant FUNDS = type(uint112).max;
    address internal contractor = makeAddr("contractor");

    function setUp() public {
        _deployProcurement(new MockToken("Mock", "MCK", 18), FUNDS);
    }

    /// @notice What reaches the contractor plus what returns to the line equals the committed
    /// maxPrice to the unit, whether the agreement completes or is terminated after `paidCount`
    /// milestones paid in a random order.
    function testFuzz_contractorPlusReturnedEqualsMaxPrice(
        uint256 maxPrice,
        uint256 price,
        uint256 shareSeed,
        uint256 count,
        uint16 retentionBps,
        uint256 orderSeed,
        uint256 paidCount
    ) public {
        maxPrice = bound(maxPrice, 1, FUNDS);
        price = bound(price, 1, maxPrice);
        count = bound(count, 1, 8);
        retentionBps = uint16(bound(retentionBps, 0, MAX_BPS));
        paidCount = bound(paidCount, 0, count);
        uint256 availableBefore = ledger.available(LINE);

        uint256 tenderId = _createTender(maxPrice, 0, retentionBps, 1, _shares(shareSeed, count));
        uint256 agreementId = _awardTo(tenderId, contractor, price);

        // the amounts are fixed at award and add up to the price
        uint256 sum = 0;
        for (uint256 i = 0; i < count; ++i) sum += escrow.getMilestone(agreementId, i).amount;
        assertEq(sum, price, "milestones sum to the price");

        uint256[] memory order = _permutation(orderSeed, count);
        uint256 netSum = _payInOrder(agreementId, order, paidCount, retentionBps);
        IProcurementEscrow.Agreement memory a = escrow.getAgreement(agreementId);
        if (paidCount == count) {
            assertEq(uint8(a.status), uint8(IProcurementEscrow.AgreementStatus.Completed));
            assertEq(a.paid, price, "completion pays the whole price");
        } else {
            assertEq(a.paid, netSum, "paid is the sum of the nets");
            assertEq(a.retentionHeld, _paidAmounts(agreementId, order, paidCount) - netSum, "the rest is retained");
            vm.prank(procurer);
            escrow.terminate(agreementId, "stop");
        }
        _assertConserved(agreementId, maxPrice, availableBefore);
    }

    function _payInOrder(
        uint256 agreementId,
        uint256[] memory order,
        uint256 paidCount,
        uint16 retentionBps
    ) private returns (uint256 netSum) {
        for (uint256 k = 0; k < paidCount; ++k) {
            uint256 index = order[k];
            uint256 amount = escrow.getMilestone(agreementId, index).amount;
            vm.prank(contractor);
            escrow.submitMilestone(agreementId, index, "evidence");
            vm.prank(inspectors[k % 3]);
            escrow.approveMilestone(agreementId, index);
            netSum += (amount * (MAX_BPS - retentionBps)) / MAX_BPS;
        }
    }

    /// @notice Milestone i gets price * share / 10,000; the last takes the remainder (< count).
    function testFuzz_amountsFollowShares(uint256 price, uint256 shareSeed, uint256 count) public {
        price = bound(price, 1, FUNDS);
        count = bound(count, 1, 32);
        IProcurementEscrow.MilestoneSpec[] memory specs = _shares(shareSeed, count);
        uint256 agreementId = _awardTo(_createTender(price, 0, 0, 1, specs), contractor, price);
        uint256 allocated = 0;
        for (uint256 i = 0; i + 1 < count; ++i) {
            uint256 amount = escrow.getMilestone(agreementId, i).amount;
            assertEq(amount, (price * specs[i].shareBps) / MAX_BPS);
            allocated += amount;
        }
        uint256 last = escrow.getMilestone(agreementId, count - 1).amount;
        assertEq(last, price - allocated);
        uint256 remainder = last - (price * specs[count - 1].shareBps) / MAX_BPS;
        assertLe(remainder, count - 1, "remainder below one unit per milestone");
    }

    /// @notice The seal binds price, proposal and salt: any change is refused with the values.
    function testFuzz_sealBindsEveryValue(uint256 price, bytes32 proposal, bytes32 salt, uint8 which) public {
        uint256 maxPrice = 1e24;
        price = bound(price, 1, maxPrice);
        uint256 tenderId = _createTender(maxPrice, 1e6, 500, 1, _shares(1, 1));
        address bidder = makeAddr("bidder");
        bytes32 sealedBid = _seal(tenderId, bidder, price, proposal, salt);
        token.mint(bidder, 1e6);
        vm.startPrank(bidder);
        token.approve(address(escrow), 1e6);
        escrow.submitBid(tenderId, sealedBid);
        vm.warp(block.timestamp + 1 days);
        (uint256 p, bytes32 h, bytes32 s) = (price, proposal, salt);
        which = uint8(bound(which, 0, 2));
        if (which == 0) p = price == maxPrice ? price - 1 : price + 1;
        if (which == 1) h = ~proposal;
        if (which == 2) s = ~salt;
        if (p != 0) {
            bytes32 computed = _seal(tenderId, bidder, p, h, s);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IProcurementEscrow.Procurement_SealMismatch.selector,
                    tenderId,
                    bidder,
                    sealedBid,
                    computed
                )
            );
            escrow.revealBid(tenderId, p, h, s);
        }
        escrow.revealBid(tenderId, price, proposal, salt);
        vm.stopPrank();
        assertEq(token.balanceOf(bidder), 1e6, "the bond came back");
        (address leader, uint256 best) = escrow.bestBid(tenderId);
        assertEq(leader, bidder);
        assertEq(best, price);
    }

    /// @notice The lowest price wins; among equal prices the earliest reveal.
    function testFuzz_lowestPriceEarliestRevealWins(uint256[4] memory prices, uint256 orderSeed) public {
        uint256 maxPrice = 1e9;
        uint256 tenderId = _createTender(maxPrice, 0, 0, 1, _shares(2, 2));
        address[4] memory bidders = [makeAddr("b0"), makeAddr("b1"), makeAddr("b2"), makeAddr("b3")];
        for (uint256 i = 0; i < 4; ++i) {
            prices[i] = bound(prices[i], 1, 4); // many ties
            vm.prank(bidders[i]);
            escrow.submitBid(tenderId, _seal(tenderId, bidders[i], prices[i], "p", "s"));
        }
        vm.warp(block.timestamp + 1 days);
        uint256[] memory order = _permutation(orderSeed, 4);
        address expected;
        uint256 best = type(uint256).max;
        for (uint256 k = 0; k < 4; ++k) {
            uint256 i = order[k];
            vm.prank(bidders[i]);
            escrow.revealBid(tenderId, prices[i], "p", "s");
            if (prices[i] < best) (best, expected) = (prices[i], bidders[i]);
        }
        vm.warp(block.timestamp + 1 days);
        uint256 agreementId = escrow.award(tenderId);
        IProcurementEscrow.Agreement memory a = escrow.getAgreement(agreementId);
        assertEq(a.contractor, expected);
        assertEq(a.price, best);
    }

    function _permutation(uint256 seed, uint256 n) private pure returns (uint256[] memory order) {
        order = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) order[i] = i;
        for (uint256 i = n; i > 1; --i) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 j = seed % i;
            (order[i - 1], order[j]) = (order[j], order[i - 1]);
        }
    }

    function _paidAmounts(
        uint256 agreementId,
        uint256[] memory order,
        uint256 paidCount
    ) private view returns (uint256 sum) {
        for (uint256 k = 0; k < paidCount; ++k) sum += escrow.getMilestone(agreementId, order[k]).amount;
    }

    function _assertConserved(uint256 agreementId, uint256 maxPrice, uint256 availableBefore) private view {
        uint256 toContractor = token.balanceOf(contractor);
        uint256 returned = ledger.available(LINE) - (availableBefore - maxPrice);
        assertEq(toContractor + returned, maxPrice, "contractor + returned == maxPrice");
        assertEq(toContractor, escrow.getAgreement(agreementId).paid);
        assertEq(token.balanceOf(address(escrow)), 0, "the escrow keeps nothing");
        assertEq(ledger.committedBy(LINE, address(escrow)), 0);
        assertEq(ledger.getLine(LINE).spent, toContractor, "every payment is booked");
    }
}
