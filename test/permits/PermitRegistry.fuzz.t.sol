// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPermitRegistry} from "../../contracts/interfaces/IPermitRegistry.sol";
import {Roles} from "../../contracts/access/Roles.sol";
import {PermitBase} from "./PermitBase.sol";

/// @notice Fuzz properties of fees, validity and renewal dates.
contract PermitRegistryFuzzTest is PermitBase {
    uint256 internal constant MAX_FEE = type(uint96).max;
    uint64 internal constant MAX_VALIDITY = 1000 * 365 days;
    uint256 internal constant MAX_EXPIRY = type(uint40).max;
    /// @dev A start well past 0 so that "before issue" instants exist.
    uint256 internal constant START = 1_767_225_600; // 2026-01-01

    address internal alice = makeAddr("alice");

    function setUp() public {
        _deployRegistry();
        vm.warp(START);
    }

    /// @dev Any fee and validity: the fee moves applicant -> registry -> ledger exactly, and the
    /// permit runs from the issuing check for `validity` seconds.
    function testFuzz_issueMovesTheFeeAndSetsTheExpiry(uint256 fee, uint64 validity, uint32 wait) public {
        fee = bound(fee, 0, MAX_FEE);
        validity = uint64(bound(validity, 1, MAX_VALIDITY));
        uint256 typeId = _defineType(fee, validity, _twoChecks(), false);
        uint256 applicationId = _apply(alice, typeId, keccak256("deed"));
        assertEq(stable.balanceOf(address(registry)), fee);
        assertEq(registry.feesHeld(), fee);
        vm.warp(block.timestamp + wait);
        _passAll(applicationId);

        IPermitRegistry.Permit memory p = registry.getPermit(1);
        assertEq(p.issuedAt, block.timestamp);
        assertEq(p.expiresAt, block.timestamp + validity);
        assertEq(stable.balanceOf(address(registry)), 0);
        assertEq(stable.balanceOf(address(ledger)), fee);
        assertEq(ledger.unallocated(), fee);
        assertEq(registry.feesHeld(), 0);
        assertTrue(registry.isValid(1));
    }

    /// @dev Valid exactly while now < expiresAt.
    function testFuzz_validUntilExpiry(uint64 validity, uint256 at) public {
        validity = uint64(bound(validity, 1, 10 * 365 days));
        uint256 typeId = _defineType(1e6, validity, _noChecks(), false);
        _apply(alice, typeId, keccak256("deed"));
        uint64 expiresAt = registry.getPermit(1).expiresAt;
        at = bound(at, block.timestamp, uint256(expiresAt) + 2 * uint256(validity));
        vm.warp(at);
        assertEq(registry.isValid(1), at < expiresAt);
        assertEq(
            uint8(registry.permitStatus(1)),
            uint8(at < expiresAt ? IPermitRegistry.PermitStatus.Active : IPermitRegistry.PermitStatus.Expired)
        );
    }

    /// @dev An immediate renewal at any instant around expiry extends to max(now, expiresAt) + validity.
    function testFuzz_renewAtOnceAroundExpiry(uint64 validity, uint256 fee, int256 offset) public {
        validity = uint64(bound(validity, 1, 100 * 365 days));
        fee = bound(fee, 0, 1e27);
        uint256 typeId = _defineType(fee, validity, _twoChecks(), false);
        _passAll(_apply(alice, typeId, keccak256("deed")));
        uint256 expiresAt = registry.getPermit(1).expiresAt;
        offset = bound(offset, -int256(uint256(validity)) + 1, 3 * int256(uint256(validity)));
        vm.warp(uint256(int256(expiresAt) + offset));

        stable.mint(alice, fee);
        vm.startPrank(alice);
        stable.approve(address(registry), fee);
        assertEq(registry.renew(1), 0);
        vm.stopPrank();

        uint256 from = block.timestamp > expiresAt ? block.timestamp : expiresAt;
        assertEq(registry.getPermit(1).expiresAt, from + validity);
        assertTrue(registry.isValid(1));
        assertEq(stable.balanceOf(address(ledger)), 2 * fee);
        assertEq(stable.balanceOf(address(registry)), 0);
    }

    /// @dev A recheck renewal opened at t1 and completed at t2 extends to max(t2, expiresAt) + validity.
    function testFuzz_recheckRenewalDates(uint64 validity, uint256 openAt, uint256 completeAfter) public {
        validity = uint64(bound(validity, 1, 100 * 365 days));
        uint256 typeId = _defineType(5e6, validity, _twoChecks(), true);
        _passAll(_apply(alice, typeId, keccak256("deed")));
        uint256 expiresAt = registry.getPermit(1).expiresAt;
        openAt = bound(openAt, block.timestamp, expiresAt + 2 * uint256(validity));
        vm.warp(openAt);

        stable.mint(alice, 5e6);
        vm.startPrank(alice);
        stable.approve(address(registry), 5e6);
        uint256 renewal = registry.renew(1);
        vm.stopPrank();
        assertEq(registry.getApplication(renewal).permitId, 1);
        assertEq(registry.getPermit(1).expiresAt, expiresAt, "unchanged while pending");

        vm.warp(openAt + bound(completeAfter, 0, 2 * uint256(validity)));
        _passAll(renewal);
        uint256 from = block.timestamp > expiresAt ? block.timestamp : expiresAt;
        assertEq(registry.getPermit(1).expiresAt, from + validity);
        assertEq(registry.getPermit(1).issuedAt, START, "issue date kept");
        assertEq(stable.balanceOf(address(ledger)), 10e6);
    }

    /// @dev An expiry beyond 2^40 - 1 is refused at the issuing check, with the value.
    function testFuzz_expiryOutOfRange(uint64 validity, uint256 now_) public {
        validity = uint64(bound(validity, 1, MAX_VALIDITY));
        uint256 typeId = _defineType(1e6, validity, _twoChecks(), false);
        uint256 applicationId = _apply(alice, typeId, keccak256("deed"));
        now_ = bound(now_, MAX_EXPIRY - validity + 1, MAX_EXPIRY + 1000);
        vm.warp(now_);
        vm.prank(fireInspector);
        registry.recordCheck(applicationId, FIRE, true, "");
        vm.prank(zoningInspector);
        vm.expectRevert(
            abi.encodeWithSelector(IPermitRegistry.Permit_ExpiryOutOfRange.selector, now_ + validity, MAX_EXPIRY)
        );
        registry.recordCheck(applicationId, ZONING, true, "");
    }

    /// @dev An immediate renewal whose new expiry would pass 2^40 - 1 is refused with the value,
    /// and changes nothing.
    function testFuzz_renewExpiryOutOfRange(uint64 validity, uint256 now_) public {
        validity = uint64(bound(validity, 1, MAX_VALIDITY));
        uint256 typeId = _defineType(1e6, validity, _twoChecks(), false);
        _passAll(_apply(alice, typeId, keccak256("deed")));
        uint256 expiresAt = registry.getPermit(1).expiresAt;
        now_ = bound(now_, MAX_EXPIRY - validity + 1, MAX_EXPIRY);
        vm.warp(now_);
        stable.mint(alice, 1e6);
        vm.startPrank(alice);
        stable.approve(address(registry), 1e6);
        vm.expectRevert(
            abi.encodeWithSelector(IPermitRegistry.Permit_ExpiryOutOfRange.selector, now_ + validity, MAX_EXPIRY)
        );
        registry.renew(1);
        vm.stopPrank();
        assertEq(registry.getPermit(1).expiresAt, expiresAt);
        assertEq(stable.balanceOf(alice), 1e6);
    }

    /// @dev Any fee: a rejection or a withdrawal refunds exactly the fee paid, and the registry
    /// keeps nothing.
    function testFuzz_refundsReturnTheFee(uint256 fee, bool reject) public {
        fee = bound(fee, 0, MAX_FEE);
        uint256 typeId = _defineType(fee, 30 days, _twoChecks(), false);
        uint256 applicationId = _apply(alice, typeId, keccak256("deed"));
        assertEq(stable.balanceOf(alice), 0);
        if (reject) {
            vm.prank(zoningInspector);
            registry.recordCheck(applicationId, ZONING, false, "no");
        } else {
            vm.prank(alice);
            registry.withdrawApplication(applicationId);
        }
        assertEq(stable.balanceOf(alice), fee);
        assertEq(stable.balanceOf(address(registry)), 0);
        assertEq(registry.feesHeld(), 0);
        assertEq(registry.applicationOfDocument(alice, keccak256("deed")), 0);
    }

    /// @dev Validity outside 1 ... 1000 years and fees above 2^96 - 1 are refused.
    function testFuzz_invalidValidityAndFee(uint64 validity, uint256 fee) public {
        vm.assume(validity == 0 || validity > MAX_VALIDITY);
        vm.prank(permitOfficer);
        vm.expectRevert(
            abi.encodeWithSelector(IPermitRegistry.Permit_InvalidValidity.selector, validity, MAX_VALIDITY)
        );
        registry.definePermitType("T", 1, validity, _noChecks(), false);

        fee = bound(fee, MAX_FEE + 1, type(uint256).max);
        vm.prank(permitOfficer);
        vm.expectRevert(abi.encodeWithSelector(IPermitRegistry.Permit_FeeTooLarge.selector, fee, MAX_FEE));
        registry.definePermitType("T", fee, 1 days, _noChecks(), false);
    }

    /// @dev Check roles outside 100 ... 2^64 - 2 are refused.
    function testFuzz_checkRoleRange(uint64 role) public {
        vm.assume(role < Roles.MIN_CHECK_ROLE || role > Roles.MAX_CHECK_ROLE);
        uint64[] memory roles = new uint64[](1);
        roles[0] = role;
        vm.prank(permitOfficer);
        vm.expectRevert(abi.encodeWithSelector(IPermitRegistry.Permit_InvalidCheckRole.selector, role));
        registry.definePermitType("T", 1, 1 days, roles, false);
    }

    /// @dev With n checks passed in any order, only the n-th issues the permit.
    function testFuzz_anyCheckOrderIssuesAtTheLast(uint8 n, uint256 seed) public {
        n = uint8(bound(n, 1, 16));
        uint64[] memory roles = new uint64[](n);
        address[] memory agencies = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            roles[i] = uint64(200 + i);
            agencies[i] = address(uint160(0xA000 + i));
            vm.prank(admin);
            manager.grantRole(roles[i], agencies[i], 0);
        }
        uint256 typeId = _defineType(3e6, 30 days, roles, false);
        uint256 applicationId = _apply(alice, typeId, keccak256("deed"));
        // a random permutation of the checks (Fisher-Yates)
        uint256[] memory order = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) order[i] = i;
        for (uint256 i = n - 1; i > 0; --i) {
            uint256 j = uint256(keccak256(abi.encode(seed, i))) % (i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        for (uint256 k = 0; k < n; ++k) {
            assertEq(registry.balanceOf(alice), 0);
            uint256 i = order[k];
            vm.prank(agencies[i]);
            registry.recordCheck(applicationId, roles[i], true, bytes32(k));
            assertEq(registry.getApplication(applicationId).checksPassed, k + 1);
        }
        assertEq(registry.ownerOf(1), alice);
        assertEq(registry.getApplication(applicationId).checksBitmap, (uint256(1) << n) - 1);
    }
}
