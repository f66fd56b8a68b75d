// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPermitRegistry} from "../../contracts/interfaces/IPermitRegistry.sol";
import {PermitBase} from "./PermitBase.sol";
import {PermitHandler} from "./PermitHandler.sol";

/// @notice Invariants of the PermitRegistry, in plain words:
/// 1. the registry holds exactly the fees of pending applications: feesHeld() == the sum of
///    their fees == its token balance; every other fee went to the ledger;
/// 2. no permit exists without all its checks passed (and no application was approved without),
///    counted from the checks the agencies actually recorded;
/// 3. a revoked permit is never valid again;
/// 4. a permit's owner never changes after mint, and balances count every permit once;
/// 5. a document backs at most one pending application or permit (a revoked permit included);
///    a rejected or withdrawn application frees it.
contract PermitRegistryInvariantTest is PermitBase {
    uint64 internal constant HEALTH = 102;

    address internal healthInspector = makeAddr("healthInspector");
    PermitHandler internal handler;

    function setUp() public {
        _deployRegistry();
        vm.prank(admin);
        manager.grantRole(HEALTH, healthInspector, 0);
        handler = new PermitHandler(registry, stable, permitOfficer, [fireInspector, zoningInspector, healthInspector]);
        targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](10);
        actions[0] = PermitHandler.submit.selector;
        actions[1] = PermitHandler.withdraw.selector;
        actions[2] = PermitHandler.renew.selector;
        actions[3] = PermitHandler.check.selector;
        actions[4] = PermitHandler.suspend.selector;
        actions[5] = PermitHandler.reinstate.selector;
        actions[6] = PermitHandler.revoke.selector;
        actions[7] = PermitHandler.setTypeActive.selector;
        actions[8] = PermitHandler.warp.selector;
        actions[9] = PermitHandler.resubmit.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    function invariant_feesHeldAreThePendingFeesAndTheBalance() public view {
        (, uint256 applications, ) = registry.counts();
        uint256 pendingFees;
        for (uint256 id = 1; id <= applications; ++id) {
            IPermitRegistry.Application memory a = registry.getApplication(id);
            if (a.status == IPermitRegistry.ApplicationStatus.Pending) pendingFees += a.fee;
        }
        assertEq(registry.feesHeld(), pendingFees, "feesHeld == sum of pending fees");
        assertEq(registry.feesHeld(), handler.ghostFeesPending(), "feesHeld == ghost");
        assertEq(stable.balanceOf(address(registry)), pendingFees, "balance == sum of pending fees");
        assertEq(stable.balanceOf(address(ledger)), handler.ghostDeposited(), "ledger got every issued fee");
    }

    function invariant_noPermitWithoutAllChecks() public view {
        (, uint256 applications, uint256 permits) = registry.counts();
        for (uint256 permitId = 1; permitId <= permits; ++permitId) {
            IPermitRegistry.Application memory origin = registry.getApplication(
                registry.getPermit(permitId).applicationId
            );
            assertEq(uint8(origin.status), uint8(IPermitRegistry.ApplicationStatus.Approved));
            assertEq(origin.permitId, permitId);
            uint256 checkCount = registry.getPermitType(origin.typeId).checkRoles.length;
            assertEq(origin.checksPassed, checkCount);
            assertEq(
                handler.ghostChecksPassed(registry.getPermit(permitId).applicationId),
                checkCount,
                "recorded passes"
            );
        }
        for (uint256 id = 1; id <= applications; ++id) {
            IPermitRegistry.Application memory a = registry.getApplication(id);
            if (a.status == IPermitRegistry.ApplicationStatus.Approved) {
                uint256 checkCount = registry.getPermitType(a.typeId).checkRoles.length;
                assertEq(a.checksPassed, checkCount, "approved with all checks");
                assertEq(handler.ghostChecksPassed(id), checkCount, "approved with all recorded passes");
                assertGt(a.permitId, 0);
            }
        }
    }

    function invariant_revokedPermitNeverValid() public view {
        (, , uint256 permits) = registry.counts();
        for (uint256 permitId = 1; permitId <= permits; ++permitId) {
            if (!handler.revokedEver(permitId)) continue;
            assertFalse(registry.isValid(permitId), "revoked permit valid");
            assertEq(uint8(registry.permitStatus(permitId)), uint8(IPermitRegistry.PermitStatus.Revoked));
            assertTrue(registry.getPermit(permitId).revoked);
        }
    }

    function invariant_ownershipNeverChanges() public view {
        (, , uint256 permits) = registry.counts();
        for (uint256 permitId = 1; permitId <= permits; ++permitId) {
            assertEq(registry.ownerOf(permitId), handler.holderAtMint(permitId), "owner changed");
            assertTrue(registry.locked(permitId));
        }
        uint256 balances;
        for (uint256 i = 0; i < 3; ++i) balances += registry.balanceOf(handler.citizenAt(i));
        assertEq(balances, permits, "balances count every permit once");
    }

    /// 5. A document backs at most one pending application or permit per applicant, and the
    /// views resolve (applicant, document) to that application and its permit only.
    function invariant_documentBacksOneApplicationOrPermit() public view {
        uint256 documents = handler.usedDocumentCount();
        for (uint256 i = 0; i < documents; ++i) {
            bytes32 documentHash = handler.usedDocumentAt(i);
            for (uint256 c = 0; c < 3; ++c) _checkDocument(handler.citizenAt(c), documentHash);
        }
    }

    function _checkDocument(address citizen, bytes32 documentHash) private view {
        uint256 holder = handler.ghostHolderOf(citizen, documentHash);
        assertEq(registry.applicationOfDocument(citizen, documentHash), holder, "holding application");
        if (holder == 0) {
            assertEq(registry.permitOfDocument(citizen, documentHash), 0, "a freed document has no permit");
            return;
        }
        IPermitRegistry.Application memory a = registry.getApplication(holder);
        assertEq(a.documentHash, documentHash);
        assertEq(a.applicant, citizen, "bound to its applicant");
        if (a.status == IPermitRegistry.ApplicationStatus.Approved) {
            assertEq(registry.permitOfDocument(citizen, documentHash), a.permitId, "the permit of the document");
        } else {
            assertEq(uint8(a.status), uint8(IPermitRegistry.ApplicationStatus.Pending), "held only while pending");
            assertEq(registry.permitOfDocument(citizen, documentHash), 0, "no permit while pending");
        }
    }
}
