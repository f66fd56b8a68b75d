// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IPermitRegistry} from "../../contracts/interfaces/IPermitRegistry.sol";
import {PermitRegistry} from "../../contracts/permits/PermitRegistry.sol";
import {TestStablecoin} from "../../contracts/token/TestStablecoin.sol";

/// @notice Invariant handler of the PermitRegistry: citizens apply (with new documents and with
/// documents used before), withdraw and renew; agencies record checks; the permit officer
/// suspends, reinstates, revokes and (de)activates types; time passes. Every call it makes must
/// succeed, so it only picks actions the rules allow, except a reused document that is still
/// taken, whose refusal it asserts. Ghost variables keep what the registry must hold, what the
/// ledger must have received, which checks passed and which application holds each document.
contract PermitHandler is Test {
    uint256 internal constant TYPE_COUNT = 4;

    PermitRegistry internal immutable registry;
    TestStablecoin internal immutable stable;
    address internal immutable officer;

    address[3] internal citizens;
    mapping(uint64 checkRole => address agency) internal agencyOf;

    /// @notice Sum of the fees of pending applications, as the handler counts them.
    uint256 public ghostFeesPending;
    /// @notice Every fee that went to the ledger (issues and renewals).
    uint256 public ghostDeposited;
    /// @notice The holder each permit was minted to.
    mapping(uint256 permitId => address holder) public holderAtMint;
    /// @notice True once the permit was revoked.
    mapping(uint256 permitId => bool) public revokedEver;
    /// @notice Passing checks the handler recorded on each application.
    mapping(uint256 applicationId => uint256 count) public ghostChecksPassed;
    /// @notice The application of each citizen that holds each document (pending or issued), 0
    /// once freed: documents are bound to their applicant.
    mapping(address applicant => mapping(bytes32 documentHash => uint256 applicationId)) public ghostHolderOf;
    /// @notice How many times each action ran (for the run summary).
    mapping(bytes32 action => uint256 count) public calls;

    uint256[] internal pendingIds;
    bytes32[] internal usedDocuments;
    uint256 internal documentNonce;

    constructor(PermitRegistry registry_, TestStablecoin stable_, address officer_, address[3] memory agencies) {
        registry = registry_;
        stable = stable_;
        officer = officer_;
        citizens = [makeAddr("citizen0"), makeAddr("citizen1"), makeAddr("citizen2")];
        agencyOf[100] = agencies[0];
        agencyOf[101] = agencies[1];
        agencyOf[102] = agencies[2];
        uint64[] memory two = new uint64[](2);
        two[0] = 100;
        two[1] = 101;
        uint64[] memory one = new uint64[](1);
        one[0] = 102;
        uint64[] memory none = new uint64[](0);
        uint64[] memory freeChecks = new uint64[](2);
        freeChecks[0] = 100;
        freeChecks[1] = 102;
        vm.startPrank(officer);
        registry.definePermitType("Building permit", 1e6, 30 days, two, false);
        registry.definePermitType("Restaurant licence", 2e6, 60 days, one, true);
        registry.definePermitType("Parking permit", 3e6, 10 days, none, false);
        registry.definePermitType("Street party", 0, 15 days, freeChecks, true);
        vm.stopPrank();
    }

    // ================================================================== citizens

    function submit(uint256 citizenSeed, uint256 typeSeed) external {
        uint256 typeId = bound(typeSeed, 1, TYPE_COUNT);
        if (!registry.getPermitType(typeId).active) return;
        bytes32 documentHash = keccak256(abi.encode("document", ++documentNonce));
        usedDocuments.push(documentHash);
        _submit(citizens[citizenSeed % 3], typeId, documentHash);
        ++calls["submit"];
    }

    /// @notice Applies with a document used before (by this citizen or another): refused with
    /// Permit_DocumentInUse while a pending application or a permit (revoked included) of the
    /// same citizen holds it, accepted once it was freed and whenever it is another citizen's.
    function resubmit(uint256 citizenSeed, uint256 typeSeed, uint256 documentSeed) external {
        if (usedDocuments.length == 0) return;
        uint256 typeId = bound(typeSeed, 1, TYPE_COUNT);
        if (!registry.getPermitType(typeId).active) return;
        bytes32 documentHash = usedDocuments[documentSeed % usedDocuments.length];
        address citizen = citizens[citizenSeed % 3];
        uint256 holder = ghostHolderOf[citizen][documentHash];
        if (holder == 0) {
            _submit(citizen, typeId, documentHash);
            ++calls["resubmit freed"];
            return;
        }
        vm.prank(citizen);
        try registry.submitApplication(typeId, documentHash) returns (uint256) {
            assertTrue(false, "a taken document was accepted");
        } catch (bytes memory reason) {
            assertEq(
                reason,
                abi.encodeWithSelector(IPermitRegistry.Permit_DocumentInUse.selector, documentHash, holder),
                "refused with the holding application"
            );
        }
        ++calls["resubmit taken"];
    }

    function withdraw(uint256 applicationSeed) external {
        (bool found, uint256 applicationId) = _pickPending(applicationSeed);
        if (!found) return;
        IPermitRegistry.Application memory a = registry.getApplication(applicationId);
        vm.prank(a.applicant);
        registry.withdrawApplication(applicationId);
        ghostFeesPending -= a.fee;
        _freeDocument(a);
        ++calls["withdraw"];
    }

    function renew(uint256 permitSeed) external {
        (bool found, uint256 permitId) = _pickPermit(permitSeed);
        if (!found) return;
        IPermitRegistry.PermitStatus status = registry.permitStatus(permitId);
        if (status != IPermitRegistry.PermitStatus.Active && status != IPermitRegistry.PermitStatus.Expired) return;
        if (registry.pendingRenewalOf(permitId) != 0) return;
        IPermitRegistry.Permit memory p = registry.getPermit(permitId);
        IPermitRegistry.PermitType memory t = registry.getPermitType(p.typeId);
        if (!t.active) return;
        stable.mint(p.holder, t.fee);
        vm.startPrank(p.holder);
        stable.approve(address(registry), t.fee);
        uint256 applicationId = registry.renew(permitId);
        vm.stopPrank();
        if (applicationId == 0) {
            ghostDeposited += t.fee;
        } else {
            pendingIds.push(applicationId);
            ghostFeesPending += t.fee;
        }
        ++calls["renew"];
    }

    // ================================================================== agencies

    function check(uint256 applicationSeed, uint256 roleSeed, bool passed) external {
        (bool found, uint256 applicationId) = _pickPending(applicationSeed);
        if (!found) return;
        IPermitRegistry.Application memory a = registry.getApplication(applicationId);
        uint64[] memory roles = registry.getPermitType(a.typeId).checkRoles;
        uint64 role;
        for (uint256 k = 0; k < roles.length; ++k) {
            uint64 candidate = roles[((roleSeed % roles.length) + k) % roles.length];
            if (!registry.isCheckPassed(applicationId, candidate)) {
                role = candidate;
                break;
            }
        }
        bool last = a.checksPassed + 1 == roles.length;
        if (passed && last && a.permitId != 0) {
            // A renewal completes only for an Active or Expired permit.
            IPermitRegistry.PermitStatus status = registry.permitStatus(a.permitId);
            if (status != IPermitRegistry.PermitStatus.Active && status != IPermitRegistry.PermitStatus.Expired) {
                passed = false;
            }
        }
        vm.prank(agencyOf[role]);
        registry.recordCheck(applicationId, role, passed, keccak256(abi.encode(applicationId, role)));
        if (passed) ++ghostChecksPassed[applicationId];
        if (!passed) {
            ghostFeesPending -= a.fee;
            _freeDocument(a);
            ++calls["reject"];
        } else if (last) {
            ghostFeesPending -= a.fee;
            ghostDeposited += a.fee;
            if (a.permitId == 0) holderAtMint[registry.getApplication(applicationId).permitId] = a.applicant;
            ++calls["complete"];
        } else {
            ++calls["pass"];
        }
    }

    // ================================================================== permit officer

    function suspend(uint256 permitSeed) external {
        (bool found, uint256 permitId) = _pickPermit(permitSeed);
        if (!found) return;
        IPermitRegistry.PermitStatus status = registry.permitStatus(permitId);
        if (status != IPermitRegistry.PermitStatus.Active && status != IPermitRegistry.PermitStatus.Expired) return;
        vm.prank(officer);
        registry.suspend(permitId, "suspended");
        ++calls["suspend"];
    }

    function reinstate(uint256 permitSeed) external {
        (bool found, uint256 permitId) = _pickPermit(permitSeed);
        if (!found) return;
        if (registry.permitStatus(permitId) != IPermitRegistry.PermitStatus.Suspended) return;
        vm.prank(officer);
        registry.reinstate(permitId);
        ++calls["reinstate"];
    }

    function revoke(uint256 permitSeed) external {
        (bool found, uint256 permitId) = _pickPermit(permitSeed);
        if (!found) return;
        if (registry.permitStatus(permitId) == IPermitRegistry.PermitStatus.Revoked) return;
        vm.prank(officer);
        registry.revoke(permitId, "revoked");
        revokedEver[permitId] = true;
        ++calls["revoke"];
    }

    function setTypeActive(uint256 typeSeed, bool active) external {
        vm.prank(officer);
        registry.setPermitTypeActive(bound(typeSeed, 1, TYPE_COUNT), active);
        ++calls["setTypeActive"];
    }

    // ================================================================== time

    function warp(uint256 secondsLater) external {
        vm.warp(block.timestamp + bound(secondsLater, 1, 40 days));
        ++calls["warp"];
    }

    // ================================================================== views

    /// @notice The citizen number `index % 3`.
    function citizenAt(uint256 index) external view returns (address) {
        return citizens[index % 3];
    }

    /// @notice How many documents the handler applied with.
    function usedDocumentCount() external view returns (uint256) {
        return usedDocuments.length;
    }

    /// @notice The document number `index`.
    function usedDocumentAt(uint256 index) external view returns (bytes32) {
        return usedDocuments[index];
    }

    // ================================================================== helpers

    /// @dev Funds `citizen` and applies; records the application in the ghosts.
    function _submit(address citizen, uint256 typeId, bytes32 documentHash) internal {
        IPermitRegistry.PermitType memory t = registry.getPermitType(typeId);
        stable.mint(citizen, t.fee);
        vm.startPrank(citizen);
        stable.approve(address(registry), t.fee);
        uint256 applicationId = registry.submitApplication(typeId, documentHash);
        vm.stopPrank();
        ghostHolderOf[citizen][documentHash] = applicationId;
        if (t.checkRoles.length == 0) {
            uint256 permitId = registry.getApplication(applicationId).permitId;
            holderAtMint[permitId] = citizen;
            ghostDeposited += t.fee;
        } else {
            pendingIds.push(applicationId);
            ghostFeesPending += t.fee;
        }
    }

    /// @dev A closed new application frees its document; a renewal never held one.
    function _freeDocument(IPermitRegistry.Application memory a) internal {
        if (a.permitId == 0) ghostHolderOf[a.applicant][a.documentHash] = 0;
    }

    /// @dev A pending application chosen by `seed` (closed ones are dropped from the list).
    function _pickPending(uint256 seed) internal returns (bool found, uint256 applicationId) {
        while (pendingIds.length != 0) {
            uint256 index = seed % pendingIds.length;
            applicationId = pendingIds[index];
            if (registry.getApplication(applicationId).status == IPermitRegistry.ApplicationStatus.Pending) {
                return (true, applicationId);
            }
            pendingIds[index] = pendingIds[pendingIds.length - 1];
            pendingIds.pop();
        }
        return (false, 0);
    }

    function _pickPermit(uint256 seed) internal view returns (bool found, uint256 permitId) {
        (, , uint256 permits) = registry.counts();
        if (permits == 0) return (false, 0);
        return (true, bound(seed, 1, permits));
    }
}
