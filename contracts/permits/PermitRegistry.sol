// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

import {IPermitRegistry} from "../interfaces/IPermitRegistry.sol";
import {PermitMetadata} from "../libraries/PermitMetadata.sol";
import {PermitTypes} from "../libraries/PermitTypes.sol";
import {LedgerModule} from "../modules/LedgerModule.sol";
import {PermitToken} from "./PermitToken.sol";

/// @title PermitRegistry
/// @notice Permits and licences as soulbound ERC-721 tokens, issued automatically when the last
/// compliance check of an application passes; fees held while pending, sent to the BudgetLedger
/// on issue, refunded on rejection or withdrawal. See {IPermitRegistry} for each function's
/// rules and {LedgerModule} for what every module shares (pause, owed refunds, surplus).
/// @dev Invariants (tested in test/permits/PermitRegistry.invariants.t.sol):
/// 1. feesHeld() == reserved() == sum of the fees of pending applications; token balance ==
///    feesHeld() + owed refunds (+ any surplus sent without an application);
/// 2. a permit exists only for an application whose every check passed;
/// 3. a revoked permit is never valid again;
/// 4. a permit's holder never changes after mint;
/// 5. a document backs at most one pending application or permit per applicant.
/// Storage, shaped for the issuing check (the hot path): an application is three slots written
/// at submission (payer and fee; state; document), and a check reads no permit type and
/// rewrites only the state slot (type, permit id, decision time, status, checks bitmap, and a
/// copy of the type's check count and validity), which is never zero. Issuing writes the
/// permit record (one slot: holder, expiry, origin application, flags), the holder's balance
/// and the module's hot slot (pause flag, fees held and the id counters), nothing else: issue
/// date, type and document are read through the origin application, and `permitOfDocument`
/// resolves (holder, document) -> application -> permit.
contract PermitRegistry is PermitToken, LedgerModule {
    // ================================================================== types

    /// @dev The part of an application that checks and decisions read and rewrite: one slot,
    /// never zero (typeId >= 1), so every rewrite is a nonzero-to-nonzero store. It carries a copy
    /// of the type's check count and validity (types never change), so a check reads no type.
    struct ApplicationState {
        uint40 typeId;
        uint40 permitId; // the renewed permit, or the issued permit once approved
        uint40 decidedAt;
        ApplicationStatus status;
        uint16 checksBitmap; // bit i: check `checkRoles[i]` of the type passed
        uint8 checkCount;
        uint64 validity;
    }

    struct ApplicationRecord {
        address applicant;
        uint96 fee;
        ApplicationState state;
        bytes32 documentHash; // zero for a renewal: the permit's document
    }

    /// @dev A permit, in one slot written at issue.
    struct PermitRecord {
        address holder;
        uint40 expiresAt;
        uint40 applicationId; // the origin application: type, issue date, document
        bool revoked;
        bool suspended;
    }

    // ================================================================== constants

    uint256 private constant MAX_EXPIRY = type(uint40).max; // unix seconds
    /// @dev The module's record counters (hot slot, {LedgerModule}): a submission and an issue
    /// write no other global slot.
    uint256 private constant TYPES = 0;
    uint256 private constant APPLICATIONS = 1;
    uint256 private constant PERMITS = 2;
    /// @dev Status sets (bit `1 << status`).
    bytes32 private constant PENDING = bytes32(uint256(1 << uint8(ApplicationStatus.Pending)));
    bytes32 private constant ACTIVE_OR_EXPIRED = bytes32(
        uint256((1 << uint8(PermitStatus.Active)) | (1 << uint8(PermitStatus.Expired)))
    );
    bytes32 private constant ONLY_SUSPENDED = bytes32(uint256(1 << uint8(PermitStatus.Suspended)));
    bytes32 private constant NOT_REVOKED = ACTIVE_OR_EXPIRED | ONLY_SUSPENDED;

    // ================================================================== storage

    mapping(uint256 typeId => PermitTypes.TypeRecord) private _types;
    mapping(uint256 typeId => mapping(uint64 checkRole => uint256 indexPlusOne)) private _checkIndex;
    mapping(uint256 applicationId => ApplicationRecord) private _applications;
    mapping(uint256 permitId => PermitRecord) private _permits;
    mapping(address applicant => mapping(bytes32 documentHash => uint256 applicationId)) private _applicationOf;
    mapping(uint256 permitId => uint256 applicationId) private _pendingRenewal;

    // ================================================================== constructor

    /// @param authority The AccessManager.
    /// @param ledger_ The BudgetLedger that receives the fees; its token is the fee token.
    constructor(address authority, address ledger_) LedgerModule(authority, ledger_) {}

    // ================================================================== permit officer

    /// @inheritdoc IPermitRegistry
    function definePermitType(
        string calldata name,
        uint256 fee,
        uint64 validity,
        uint64[] calldata checkRoles,
        bool recheckOnRenewal
    ) external restricted returns (uint256 typeId) {
        // Checks and effects in PermitTypes.create (linked library: keeps the registry small)
        typeId = _newRecord(TYPES, 0, 0);
        PermitTypes.create(
            _types[typeId],
            _checkIndex[typeId],
            typeId,
            name,
            fee,
            validity,
            checkRoles,
            recheckOnRenewal
        );
    }

    /// @inheritdoc IPermitRegistry
    function setPermitTypeActive(uint256 typeId, bool active) external restricted {
        // Checks
        PermitTypes.TypeRecord storage t = _existingType(typeId);
        // Effects
        t.active = active;
        emit PermitTypeActiveSet(typeId, active);
    }

    /// @inheritdoc IPermitRegistry
    function suspend(uint256 permitId, bytes32 reasonHash) external restricted {
        _permitIn(permitId, ACTIVE_OR_EXPIRED).suspended = true;
        emit PermitSuspended(permitId, reasonHash);
    }

    /// @inheritdoc IPermitRegistry
    function reinstate(uint256 permitId) external restricted {
        _permitIn(permitId, ONLY_SUSPENDED).suspended = false;
        emit PermitReinstated(permitId);
    }

    /// @inheritdoc IPermitRegistry
    function revoke(uint256 permitId, bytes32 reasonHash) external restricted {
        _permitIn(permitId, NOT_REVOKED).revoked = true;
        emit PermitRevoked(permitId, reasonHash);
    }

    // ================================================================== applicants and holders

    /// @inheritdoc IPermitRegistry
    function submitApplication(
        uint256 typeId,
        bytes32 documentHash
    ) external whenNotPaused nonReentrant returns (uint256 applicationId) {
        return _submit(typeId, documentHash);
    }

    /// @inheritdoc IPermitRegistry
    function submitApplicationWithPermit(
        uint256 typeId,
        bytes32 documentHash,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused nonReentrant returns (uint256 applicationId) {
        uint256 fee = _activeType(typeId).fee;
        if (fee != 0) {
            // A permit submitted by someone else first (front-running) must not block the
            // application: go on when the allowance is there anyway.
            try IERC20Permit(address(_token)).permit(msg.sender, address(this), fee, deadline, v, r, s) {} catch {
                uint256 allowance = _token.allowance(msg.sender, address(this));
                if (allowance < fee) revert Permit_InsufficientAllowance(allowance, fee);
            }
        }
        return _submit(typeId, documentHash);
    }

    /// @inheritdoc IPermitRegistry
    function recordCheck(
        uint256 applicationId,
        uint64 checkRole,
        bool passed,
        bytes32 evidenceHash
    ) external nonReentrant {
        // Checks
        ApplicationRecord storage a = _applications[applicationId];
        ApplicationState memory s = _pendingState(applicationId, a);
        uint256 indexPlusOne = _checkIndex[s.typeId][checkRole];
        if (indexPlusOne == 0) revert Permit_NotACheckOfType(s.typeId, checkRole);
        _requireCheckRole(checkRole);
        (address applicant, uint256 fee) = (a.applicant, a.fee);
        if (msg.sender == applicant) revert Permit_ApplicantCannotCheck(applicationId, msg.sender);
        uint16 bit = uint16(1 << (indexPlusOne - 1));
        if (s.checksBitmap & bit != 0) revert Permit_CheckAlreadyRecorded(applicationId, checkRole);

        if (!passed) {
            // Effects
            _close(a, s, ApplicationStatus.Rejected);
            emit CheckRecorded(applicationId, checkRole, msg.sender, false, evidenceHash);
            emit ApplicationRejected(applicationId, checkRole);
            // Interactions
            _refund(applicationId, applicant, fee);
            return;
        }
        s.checksBitmap |= bit;
        if (s.checksBitmap != _allChecks(s.checkCount)) {
            // Effects: one more check passed, more to come
            a.state = s;
            emit CheckRecorded(applicationId, checkRole, msg.sender, true, evidenceHash);
            return;
        }
        // The last check passed: issue, or complete the renewal; the fee goes to the ledger.
        _requireNotPaused();
        emit CheckRecorded(applicationId, checkRole, msg.sender, true, evidenceHash);
        _approve(applicationId, a, s, applicant, fee);
    }

    /// @inheritdoc IPermitRegistry
    function withdrawApplication(uint256 applicationId) external nonReentrant {
        // Checks
        ApplicationRecord storage a = _applications[applicationId];
        ApplicationState memory s = _pendingState(applicationId, a);
        address applicant = a.applicant;
        if (msg.sender != applicant) revert Permit_NotApplicant(applicationId, msg.sender);
        // Effects
        _close(a, s, ApplicationStatus.Withdrawn);
        emit ApplicationWithdrawn(applicationId);
        // Interactions
        _refund(applicationId, applicant, a.fee);
    }

    /// @inheritdoc IPermitRegistry
    function renew(uint256 permitId) external whenNotPaused nonReentrant returns (uint256 applicationId) {
        // Checks (the holder applied itself, so it is never the AccessManager)
        PermitRecord memory p = _permitIn(permitId, ACTIVE_OR_EXPIRED);
        if (msg.sender != p.holder) revert Permit_NotHolder(permitId, msg.sender);
        uint256 pending = _pendingRenewal[permitId];
        if (pending != 0) revert Permit_RenewalPending(permitId, pending);
        ApplicationRecord storage origin = _applications[p.applicationId];
        uint40 typeId = origin.state.typeId;
        PermitTypes.TypeRecord storage t = _activeType(typeId);
        uint256 fee = t.fee;

        if (t.recheckOnRenewal && t.checkCount != 0) {
            // Effects: a renewal application for the same permit
            applicationId = _record(typeId, t, permitId, bytes32(0));
            _pendingRenewal[permitId] = applicationId;
            emit ApplicationSubmitted(applicationId, msg.sender, typeId, permitId, origin.documentHash, fee);
            // Interactions
            _pullFee(fee);
        } else {
            // Effects: extended at once
            uint40 expiresAt = _extended(p.expiresAt, t.validity);
            _permits[permitId].expiresAt = expiresAt;
            emit PermitRenewed(permitId, expiresAt);
            // Interactions (the fee passes straight through: never reserved)
            _pullFee(fee);
            if (fee != 0) _ledger.deposit(fee, bytes32(permitId));
        }
    }

    /// @inheritdoc IPermitRegistry
    function claimRefund(address to) external nonReentrant returns (uint256 amount) {
        return _withdrawOwed(msg.sender, to);
    }

    // ================================================================== views

    /// @inheritdoc IPermitRegistry
    function isValid(uint256 permitId) external view returns (bool) {
        return _statusOf(_permits[permitId]) == PermitStatus.Active;
    }

    /// @inheritdoc IPermitRegistry
    function permitStatus(uint256 permitId) external view returns (PermitStatus) {
        return _statusOf(_permits[permitId]);
    }

    /// @inheritdoc IPermitRegistry
    function permitOfDocument(address holder, bytes32 documentHash) external view returns (uint256 permitId) {
        // A pending application's permit id is 0; a renewal never holds a document.
        return _applications[_applicationOf[holder][documentHash]].state.permitId;
    }

    /// @inheritdoc IPermitRegistry
    function applicationOfDocument(
        address applicant,
        bytes32 documentHash
    ) external view returns (uint256 applicationId) {
        return _applicationOf[applicant][documentHash];
    }

    /// @inheritdoc IPermitRegistry
    function getPermit(uint256 permitId) external view returns (Permit memory) {
        PermitRecord memory p = _existingPermit(permitId);
        ApplicationRecord storage origin = _applications[p.applicationId];
        return
            Permit({
                typeId: origin.state.typeId,
                holder: p.holder,
                issuedAt: origin.state.decidedAt,
                expiresAt: p.expiresAt,
                documentHash: origin.documentHash,
                revoked: p.revoked,
                suspended: p.suspended,
                applicationId: p.applicationId
            });
    }

    /// @inheritdoc IPermitRegistry
    function getApplication(uint256 applicationId) external view returns (Application memory) {
        ApplicationRecord storage a = _applications[applicationId];
        ApplicationState memory s = a.state;
        if (s.status == ApplicationStatus.None) revert Permit_UnknownApplication(applicationId);
        bytes32 documentHash = a.documentHash;
        if (documentHash == bytes32(0)) documentHash = _applications[_permits[s.permitId].applicationId].documentHash;
        uint8 passed;
        for (uint16 bitmap = s.checksBitmap; bitmap != 0; bitmap &= bitmap - 1) ++passed;
        return
            Application({
                typeId: s.typeId,
                applicant: a.applicant,
                permitId: s.permitId,
                documentHash: documentHash,
                fee: a.fee,
                status: s.status,
                checksPassed: passed,
                checksBitmap: s.checksBitmap,
                decidedAt: s.decidedAt
            });
    }

    /// @inheritdoc IPermitRegistry
    function getPermitType(uint256 typeId) external view returns (PermitType memory) {
        return PermitTypes.toView(_existingType(typeId));
    }

    /// @inheritdoc IPermitRegistry
    function isCheckPassed(uint256 applicationId, uint64 checkRole) external view returns (bool) {
        ApplicationState memory s = _applications[applicationId].state;
        uint256 indexPlusOne = _checkIndex[s.typeId][checkRole];
        return indexPlusOne != 0 && (s.checksBitmap >> (indexPlusOne - 1)) & 1 == 1;
    }

    /// @inheritdoc IPermitRegistry
    function pendingRenewalOf(uint256 permitId) external view returns (uint256 applicationId) {
        return _pendingRenewal[permitId];
    }

    /// @inheritdoc IPermitRegistry
    function refundOwed(address applicant) external view returns (uint256) {
        return owedTo(applicant);
    }

    /// @inheritdoc IPermitRegistry
    function feesHeld() external view returns (uint256) {
        return reserved();
    }

    /// @inheritdoc IPermitRegistry
    function counts() external view returns (uint256 permitTypes, uint256 applications, uint256 permits) {
        return (_count(TYPES), _count(APPLICATIONS), _count(PERMITS));
    }

    /// @inheritdoc IERC721Metadata
    /// @dev Reverts with `ERC721NonexistentToken(tokenId)` for an unknown token.
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _requireOwned(tokenId);
        PermitRecord memory p = _permits[tokenId];
        ApplicationRecord storage origin = _applications[p.applicationId];
        return
            PermitMetadata.tokenURI(
                tokenId,
                _types[origin.state.typeId].name,
                uint8(_statusOf(p)),
                origin.state.decidedAt,
                p.expiresAt,
                origin.documentHash
            );
    }

    // ================================================================== internal

    function _emitOwedWithdrawn(address payee, address to, uint256 amount) internal override {
        emit RefundClaimed(payee, to, amount);
    }

    /// @dev ERC-721 owner lookup: the permit's holder.
    function _holderOf(uint256 tokenId) internal view override returns (address) {
        return _permits[tokenId].holder;
    }

    // ================================================================== private: flows

    /// @dev Records a new application (and, for a type without checks, issues its permit), then
    /// pulls the fee. The caller applied the pause and reentrancy guards.
    function _submit(uint256 typeId, bytes32 documentHash) private returns (uint256 applicationId) {
        // Checks
        _requireOwnCaller();
        PermitTypes.TypeRecord storage t = _activeType(typeId);
        if (documentHash == bytes32(0)) revert Permit_ZeroDocumentHash();
        mapping(bytes32 documentHash => uint256 applicationId) storage mine = _applicationOf[msg.sender];
        uint256 holding = mine[documentHash];
        if (holding != 0) revert Permit_DocumentInUse(documentHash, holding);
        uint256 fee = t.fee;
        // Effects
        applicationId = _record(typeId, t, 0, documentHash);
        mine[documentHash] = applicationId;
        emit ApplicationSubmitted(applicationId, msg.sender, typeId, 0, documentHash, fee);
        uint256 permitId;
        if (t.checkCount == 0) {
            ApplicationRecord storage a = _applications[applicationId];
            permitId = _issue(applicationId, a, a.state, msg.sender, fee);
        }
        // Interactions
        _pullFee(fee);
        if (permitId != 0 && fee != 0) _ledger.deposit(fee, bytes32(permitId));
    }

    /// @dev Stores a pending application of the caller (for a renewal: `permitId` and no
    /// document) and reserves its fee.
    function _record(
        uint256 typeId,
        PermitTypes.TypeRecord storage t,
        uint256 permitId,
        bytes32 documentHash
    ) private returns (uint256 applicationId) {
        uint256 fee = t.fee;
        applicationId = _newRecord(APPLICATIONS, fee, 0);
        _applications[applicationId] = ApplicationRecord({
            applicant: msg.sender,
            fee: uint96(fee),
            state: ApplicationState({
                typeId: uint40(typeId),
                permitId: uint40(permitId),
                decidedAt: 0,
                status: ApplicationStatus.Pending,
                checksBitmap: 0,
                checkCount: t.checkCount,
                validity: t.validity
            }),
            documentHash: documentHash
        });
    }

    /// @dev Approves an application whose last check passed: issues its permit, or extends the
    /// renewed one, then sends the fee to the ledger (ref: the permit id).
    function _approve(
        uint256 applicationId,
        ApplicationRecord storage a,
        ApplicationState memory s,
        address applicant,
        uint256 fee
    ) private {
        // Effects (the fee leaves the books here)
        uint256 permitId = s.permitId;
        if (permitId == 0) {
            permitId = _issue(applicationId, a, s, applicant, fee);
        } else {
            PermitRecord storage p = _permitIn(permitId, ACTIVE_OR_EXPIRED);
            uint40 expiresAt = _extended(p.expiresAt, s.validity);
            p.expiresAt = expiresAt;
            delete _pendingRenewal[permitId];
            _release(fee);
            _decide(a, s, ApplicationStatus.Approved);
            emit PermitRenewed(permitId, expiresAt);
        }
        // Interactions
        if (fee != 0) _ledger.deposit(fee, bytes32(permitId));
    }

    /// @dev Issues the next permit for an approved application: permit record, token and the
    /// application's state; the fee leaves the books (one write with the permit count). The
    /// caller sends the fee to the ledger.
    function _issue(
        uint256 applicationId,
        ApplicationRecord storage a,
        ApplicationState memory s,
        address holder,
        uint256 fee
    ) private returns (uint256 permitId) {
        permitId = _newRecord(PERMITS, 0, fee);
        uint40 expiresAt = _extended(block.timestamp, s.validity);
        _permits[permitId] = PermitRecord({
            holder: holder,
            expiresAt: expiresAt,
            applicationId: uint40(applicationId),
            revoked: false,
            suspended: false
        });
        s.permitId = uint40(permitId);
        _decide(a, s, ApplicationStatus.Approved);
        _mint(holder, permitId);
        emit PermitIssued(permitId, holder, s.typeId, applicationId, expiresAt);
    }

    /// @dev Ends a pending application without a permit (rejected or withdrawn): frees its
    /// document (or its permit's renewal slot). The caller refunds the fee.
    function _close(ApplicationRecord storage a, ApplicationState memory s, ApplicationStatus status) private {
        if (s.permitId == 0) {
            delete _applicationOf[a.applicant][a.documentHash];
        } else {
            delete _pendingRenewal[s.permitId];
        }
        _decide(a, s, status);
    }

    /// @dev The one place an application's decision is written (one store site keeps the
    /// registry's code small).
    function _decide(ApplicationRecord storage a, ApplicationState memory s, ApplicationStatus status) private {
        s.status = status;
        s.decidedAt = uint40(block.timestamp);
        a.state = s;
    }

    /// @dev Sends a refund (released from the fees held); if the token refuses the transfer (a
    /// blocklisted applicant), the amount is kept for the applicant to `claimRefund` to another
    /// address, so a rejection or withdrawal never fails because of the applicant's token status.
    function _refund(uint256 applicationId, address applicant, uint256 amount) private {
        if (_payOrOwe(applicant, amount) != 0) emit RefundDeferred(applicationId, applicant, amount);
    }

    /// @dev Pulls `fee` (if any) from the caller, exactly.
    function _pullFee(uint256 fee) private {
        if (fee != 0) _pull(msg.sender, fee);
    }

    // ================================================================== private: checks

    /// @dev The caller must hold `checkRole` in the AccessManager, with no execution delay, and
    /// call itself. The AccessManager's target closure (`isTargetClosed`) is deliberately not
    /// asked: checks follow the registry's pause, which stops the issuing check and keeps
    /// rejections (refunds) open; asking would cost every check a second call into the
    /// AccessManager (about 3,000 gas).
    /// The call is `IAccessManager.hasRole(checkRole, msg.sender)`, made in assembly with the
    /// scratch space (the issuing check is the registry's hot path; the authority is trusted).
    function _requireCheckRole(uint64 checkRole) private view {
        address manager = authority();
        if (msg.sender == manager) revert Module_RelayedCall(manager);
        bytes4 hasRole = IAccessManager.hasRole.selector;
        bool ok;
        uint256 isMember;
        uint256 executionDelay;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, hasRole)
            mstore(add(ptr, 0x04), checkRole)
            mstore(add(ptr, 0x24), caller())
            ok := staticcall(gas(), manager, ptr, 0x44, 0x00, 0x40)
            ok := and(ok, gt(returndatasize(), 0x3f)) // (Yul evaluates arguments right to left)
            isMember := mload(0x00)
            executionDelay := mload(0x20)
        }
        if (!ok || isMember != 1) revert Permit_MissingCheckRole(msg.sender, checkRole);
        if (executionDelay != 0) {
            revert Permit_CheckRoleDelayed(msg.sender, checkRole, uint32(executionDelay));
        }
    }

    /// @dev The single transition check of applications: every call on one needs it Pending.
    function _pendingState(
        uint256 applicationId,
        ApplicationRecord storage a
    ) private view returns (ApplicationState memory s) {
        s = a.state;
        if (s.status == ApplicationStatus.Pending) return s;
        if (s.status == ApplicationStatus.None) revert Permit_UnknownApplication(applicationId);
        revert Permit_UnexpectedApplicationStatus(applicationId, s.status, PENDING);
    }

    function _existingType(uint256 typeId) private view returns (PermitTypes.TypeRecord storage t) {
        if (typeId == 0 || typeId > _count(TYPES)) revert Permit_UnknownType(typeId);
        return _types[typeId];
    }

    function _activeType(uint256 typeId) private view returns (PermitTypes.TypeRecord storage t) {
        t = _existingType(typeId);
        if (!t.active) revert Permit_TypeInactive(typeId);
    }

    function _existingPermit(uint256 permitId) private view returns (PermitRecord storage p) {
        p = _permits[permitId];
        if (p.holder == address(0)) revert Permit_UnknownPermit(permitId);
    }

    /// @dev The single transition check of permits (OpenZeppelin Governor's
    /// `_validateStateBitmap`): the permit must exist and be in one of the `allowed` statuses.
    function _permitIn(uint256 permitId, bytes32 allowed) private view returns (PermitRecord storage p) {
        p = _existingPermit(permitId);
        PermitStatus current = _statusOf(p);
        if (bytes32(uint256(1 << uint8(current))) & allowed == bytes32(0)) {
            revert Permit_InvalidPermitStatus(permitId, current, allowed);
        }
    }

    /// @dev The one place a permit's status is derived: flags first (revoked is final), then the
    /// clock (valid while now < expiresAt).
    function _statusOf(PermitRecord memory p) private view returns (PermitStatus) {
        if (p.holder == address(0)) return PermitStatus.None;
        if (p.revoked) return PermitStatus.Revoked;
        if (p.suspended) return PermitStatus.Suspended;
        if (block.timestamp >= p.expiresAt) return PermitStatus.Expired;
        return PermitStatus.Active;
    }

    /// @dev max(now, from) + validity, which must fit the permit record.
    function _extended(uint256 from, uint256 validity) private view returns (uint40) {
        uint256 expiresAt = (from > block.timestamp ? from : block.timestamp) + validity;
        if (expiresAt > MAX_EXPIRY) revert Permit_ExpiryOutOfRange(expiresAt, MAX_EXPIRY);
        return uint40(expiresAt);
    }

    /// @dev The bitmap with every check of a type passed.
    function _allChecks(uint256 checkCount) private pure returns (uint16) {
        return uint16((1 << checkCount) - 1);
    }
}
