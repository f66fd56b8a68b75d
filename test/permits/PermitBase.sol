// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Roles} from "../../contracts/access/Roles.sol";
import {PermitRegistry} from "../../contracts/permits/PermitRegistry.sol";
import {SuiteBase} from "../helpers/SuiteBase.sol";
import {ILedgerModule} from "../../contracts/interfaces/ILedgerModule.sol";

/// @notice Base of the PermitRegistry Solidity tests: the ledger suite plus a registry wired as
/// the deployment wires it, a permit officer, and agencies holding check roles 100 and 101.
abstract contract PermitBase is SuiteBase {
    uint64 internal constant FIRE = 100;
    uint64 internal constant ZONING = 101;

    address internal permitOfficer = makeAddr("permitOfficer");
    address internal fireInspector = makeAddr("fireInspector");
    address internal zoningInspector = makeAddr("zoningInspector");

    PermitRegistry internal registry;

    function _deployRegistry() internal {
        _deploySuite();
        registry = new PermitRegistry(address(manager), address(ledger));
        vm.startPrank(admin);
        bytes4[] memory officer = new bytes4[](5);
        officer[0] = PermitRegistry.definePermitType.selector;
        officer[1] = PermitRegistry.setPermitTypeActive.selector;
        officer[2] = PermitRegistry.revoke.selector;
        officer[3] = PermitRegistry.suspend.selector;
        officer[4] = PermitRegistry.reinstate.selector;
        manager.setTargetFunctionRole(address(registry), officer, Roles.PERMIT_OFFICER);
        bytes4[] memory guard = new bytes4[](2);
        guard[0] = ILedgerModule.pause.selector;
        guard[1] = ILedgerModule.unpause.selector;
        manager.setTargetFunctionRole(address(registry), guard, Roles.GUARDIAN);
        manager.grantRole(Roles.PERMIT_OFFICER, permitOfficer, 0);
        manager.grantRole(FIRE, fireInspector, 0);
        manager.grantRole(ZONING, zoningInspector, 0);
        vm.stopPrank();
    }

    /// @dev Defines a type as the permit officer.
    function _defineType(
        uint256 fee,
        uint64 validity,
        uint64[] memory checkRoles,
        bool recheckOnRenewal
    ) internal returns (uint256 typeId) {
        vm.prank(permitOfficer);
        typeId = registry.definePermitType("Building permit", fee, validity, checkRoles, recheckOnRenewal);
    }

    function _twoChecks() internal pure returns (uint64[] memory roles) {
        roles = new uint64[](2);
        roles[0] = FIRE;
        roles[1] = ZONING;
    }

    /// @dev Mints the fee to `applicant`, approves the registry and applies.
    function _apply(address applicant, uint256 typeId, bytes32 documentHash) internal returns (uint256 applicationId) {
        uint256 fee = registry.getPermitType(typeId).fee;
        stable.mint(applicant, fee);
        vm.startPrank(applicant);
        stable.approve(address(registry), fee);
        applicationId = registry.submitApplication(typeId, documentHash);
        vm.stopPrank();
    }

    /// @dev Both agencies pass the application: the permit is issued (or the renewal completed).
    function _passAll(uint256 applicationId) internal {
        vm.prank(fireInspector);
        registry.recordCheck(applicationId, FIRE, true, "fire ok");
        vm.prank(zoningInspector);
        registry.recordCheck(applicationId, ZONING, true, "zoning ok");
    }

    function _noChecks() internal pure returns (uint64[] memory roles) {
        roles = new uint64[](0);
    }
}
