// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBudgetLedger} from "../interfaces/IBudgetLedger.sol";
import {IPermitRegistry} from "../interfaces/IPermitRegistry.sol";
import {PermitMetadata} from "../libraries/PermitMetadata.sol";
import {PermitTypes} from "../libraries/PermitTypes.sol";
import {PermitToken} from "./PermitToken.sol";

/// @title PermitRegistry
/// @notice Permits and licences as soulbound ERC-721 tokens, issued automatically when the last
/// compliance check of an application passes; fees held while pending, sent to the BudgetLedger
/// on issue, refunded on rejection or withdrawal. See {IPermitRegistry} for each function's rules.
/// @dev Invariants (tested in test/permits/PermitRegistry.invariants.t.sol):
/// 1. feesHeld() == sum of the fees of pending applications; token balance == feesHeld() +
///    owed refunds (+ any surplus sent without an application);
/// 2. a permit exists only for an application whose every check passed;
/// 3. a revoked permit is never valid again;
/// 4. a permit's holder never changes after mint.
/// Storage, shaped for the issuing check (the hot path): an application is three slots written
/// at submission (payer and fee; state; document), and a check reads no permit type and
/// rewrites only the state slot (type, permit id, decision time, status, checks bitmap, and a
/// copy of the type's check count and validity), which is never zero. Issuing writes
/// the permit record (one slot: holder, expiry, origin application, flags), the holder's
/// balance and the totals slot, nothing else: issue date, type and document are read through
/// the origin application, and `permitOfDocument` resolves document -> application -> permit.
contract PermitRegistry is PermitToken, AccessManaged, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

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

    /// @dev Id counters and the fees held, in one slot. `feesHeld` cannot overflow: fewer than
    /// 2^40 applications are pending, each with a fee below 2^96.
    struct Totals {
        uint40 permitTypes;
        uint40 applications;
        uint40 permits;
        uint136 feesHeld;
    }

    // ================================================================== constants

    uint256 private constant MAX_EXPIRY = type(uint40).max; // unix seconds
    /// @dev Masks of allowed `PermitStatus` values (bit i for status i).
    uint8 private constant ACTIVE_OR_EXPIRED = (1 << 1) | (1 << 4);
    uint8 private constant ONLY_SUSPENDED = 1 << 2;
    uint8 private constant NOT_REVOKED = (1 << 1) | (1 << 2) | (1 << 4);

    // ================================================================== storage

    IBudgetLedger private immutable _ledger;
    IERC20 private immutable _token;

    Totals private _totals;
    mapping(uint256 typeId => PermitTypes.TypeRecord) private _types;
    mapping(uint256 typeId => mapping(uint64 checkRole => uint256 indexPlusOne)) private _checkIndex;
    mapping(uint256 applicationId => ApplicationRecord) private _applications;
    mapping(uint256 permitId => PermitRecord) private _permits;
    mapping(bytes32 documentHash => uint256 applicationId) private _applicationOfDocument;
    mapping(uint256 permitId => uint256 applicationId) private _pendingRenewal;
    mapping(address applicant => uint256 amount) private _refundOwed;
    uint256 private _refundsOwedTotal;

    // ================================================================== constructor

    /// @param authority The AccessManager.
    /// @param ledger_ The BudgetLedger that receives the fees; its token is the fee token.
    constructor(address authority, address ledger_) AccessManaged(authority) {
        if (ledger_ == address(0)) revert Permit_ZeroAddress();
        _ledger = IBudgetLedger(ledger_);
        _token = IERC20(IBudgetLedger(ledger_).token());
        // The ledger pulls each fee with `deposit`: one approval for good.
        _token.forceApprove(ledger_, type(uint256).max);
    }

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
        typeId = ++_totals.permitTypes;
        PermitTypes.create(_types[typeId], _checkIndex[typeId], typeId, name, fee, validity, checkRoles, recheckOnRenewal);
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
        // Checks
        PermitRecord storage p = _permitIn(permitId, ACTIVE_OR_EXPIRED);
        // Effects
        p.suspended = true;
        emit PermitSuspended(permitId, reasonHash);
    }

    /// @inheritdoc IPermitRegistry
    function reinstate(uint256 permitId) external restricted {
        // Checks
        PermitRecord storage p = _permitIn(permitId, ONLY_SUSPENDED);
        // Effects
        p.suspended = false;
        emit PermitReinstated(permitId);
    }

    /// @inheritdoc IPermitRegistry
    function revoke(uint256 permitId, bytes32 reasonHash) external restricted {
        // Checks
        PermitRecord storage p = _permitIn(permitId, NOT_REVOKED);
        // Effects
        p.revoked = true;
        emit PermitRevoked(permitId, reasonHash);
    }

    // ================================================================== guardian

    /// @inheritdoc IPermitRegistry
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IPermitRegistry
    function unpause() external restricted {
        _unpause();
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
        address applicant = a.applicant;
        if (msg.sender == applicant) revert Permit_ApplicantCannotCheck(applicationId, msg.sender);
        uint16 bit = uint16(1 << (indexPlusOne - 1));
        if (s.checksBitmap & bit != 0) revert Permit_CheckAlreadyRecorded(applicationId, checkRole);

        if (!passed) {
            // Effects
            uint256 refund = _close(a, s, ApplicationStatus.Rejected);
            emit CheckRecorded(applicationId, checkRole, msg.sender, false, evidenceHash);
            emit ApplicationRejected(applicationId, checkRole);
            // Interactions
            _refund(applicationId, applicant, refund);
            return;
        }
        s.checksBitmap |= bit;
        if (s.checksBitmap != _allChecks(s.checkCount)) {
            // Effects: one more check passed, more to come
            _writeState(a, s);
            emit CheckRecorded(applicationId, checkRole, msg.sender, true, evidenceHash);
            return;
        }
        // The last check passed: issue, or complete the renewal; the fee goes to the ledger.
        _requireNotPaused();
        emit CheckRecorded(applicationId, checkRole, msg.sender, true, evidenceHash);
        _approve(applicationId, a, s, applicant);
    }

    /// @inheritdoc IPermitRegistry
    function withdrawApplication(uint256 applicationId) external nonReentrant {
        // Checks
        ApplicationRecord storage a = _applications[applicationId];
        ApplicationState memory s = _pendingState(applicationId, a);
        address applicant = a.applicant;
        if (msg.sender != applicant) revert Permit_NotApplicant(applicationId, msg.sender);
        // Effects
        uint256 refund = _close(a, s, ApplicationStatus.Withdrawn);
        emit ApplicationWithdrawn(applicationId);
        // Interactions
        _refund(applicationId, applicant, refund);
    }

    /// @inheritdoc IPermitRegistry
    function renew(uint256 permitId) external whenNotPaused nonReentrant returns (uint256 applicationId) {
        // Checks
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
            Totals memory totals = _totals;
            applicationId = ++totals.applications;
            totals.feesHeld += uint136(fee);
            _totals = totals;
            _applications[applicationId] = ApplicationRecord({
                applicant: msg.sender,
                fee: uint96(fee),
                state: ApplicationState({
                    typeId: typeId,
                    permitId: uint40(permitId),
                    decidedAt: 0,
                    status: ApplicationStatus.Pending,
                    checksBitmap: 0,
                    checkCount: t.checkCount,
                    validity: t.validity
                }),
                documentHash: bytes32(0)
            });
            _pendingRenewal[permitId] = applicationId;
            emit ApplicationSubmitted(applicationId, msg.sender, typeId, permitId, origin.documentHash, fee);
            // Interactions
            _pullFee(msg.sender, fee);
        } else {
            // Effects: extended at once
            uint40 expiresAt = _extended(p.expiresAt, t.validity);
            _permits[permitId].expiresAt = expiresAt;
            emit PermitRenewed(permitId, expiresAt);
            // Interactions
            _pullFee(msg.sender, fee);
            if (fee != 0) _ledger.deposit(fee, bytes32(permitId));
        }
    }

    /// @inheritdoc IPermitRegistry
    function claimRefund(address to) external nonReentrant returns (uint256 amount) {
        // Checks
        if (to == address(0)) revert Permit_ZeroAddress();
        amount = _refundOwed[msg.sender];
        if (amount == 0) revert Permit_NoRefundOwed(msg.sender);
        // Effects
        delete _refundOwed[msg.sender];
        _refundsOwedTotal -= amount;
        emit RefundClaimed(msg.sender, to, amount);
        // Interactions
        _token.safeTransfer(to, amount);
    }

    /// @inheritdoc IPermitRegistry
    function sweepSurplus() external whenNotPaused nonReentrant returns (uint256 amount) {
        // Checks
        uint256 balance = _token.balanceOf(address(this));
        uint256 reserved = uint256(_totals.feesHeld) + _refundsOwedTotal;
        if (balance <= reserved) revert Permit_NoSurplus(balance, reserved);
        amount = balance - reserved;
        emit SurplusSwept(msg.sender, amount);
        // Interactions
        _ledger.deposit(amount, bytes32(0));
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
    function permitOfDocument(bytes32 documentHash) external view returns (uint256 permitId) {
        // A pending application's permit id is 0; a renewal never holds a document.
        return _applications[_applicationOfDocument[documentHash]].state.permitId;
    }

    /// @inheritdoc IPermitRegistry
    function applicationOfDocument(bytes32 documentHash) external view returns (uint256 applicationId) {
        return _applicationOfDocument[documentHash];
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
        return
            Application({
                typeId: s.typeId,
                applicant: a.applicant,
                permitId: s.permitId,
                documentHash: documentHash,
                fee: a.fee,
                status: s.status,
                checksPassed: _popCount(s.checksBitmap),
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
        return _refundOwed[applicant];
    }

    /// @inheritdoc IPermitRegistry
    function feesHeld() external view returns (uint256) {
        return _totals.feesHeld;
    }

    /// @inheritdoc IPermitRegistry
    function counts() external view returns (uint256 permitTypes, uint256 applications, uint256 permits) {
        Totals memory totals = _totals;
        return (totals.permitTypes, totals.applications, totals.permits);
    }

    /// @inheritdoc IPermitRegistry
    function ledger() external view returns (address) {
        return address(_ledger);
    }

    /// @inheritdoc IPermitRegistry
    function token() external view returns (address) {
        return address(_token);
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

    /// @dev ERC-721 owner lookup: the permit's holder.
    function _holderOf(uint256 tokenId) internal view override returns (address) {
        return _permits[tokenId].holder;
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

    /// @dev Records a new application (and, for a type without checks, issues its permit), then
    /// pulls the fee. The caller applied the pause and reentrancy guards.
    function _submit(uint256 typeId, bytes32 documentHash) private returns (uint256 applicationId) {
        // Checks
        PermitTypes.TypeRecord storage t = _activeType(typeId);
        if (documentHash == bytes32(0)) revert Permit_ZeroDocumentHash();
        uint256 holding = _applicationOfDocument[documentHash];
        if (holding != 0) revert Permit_DocumentInUse(documentHash, holding);
        uint256 fee = t.fee;
        bool issueNow = t.checkCount == 0;
        // Effects
        Totals memory totals = _totals;
        applicationId = ++totals.applications;
        uint256 permitId;
        if (issueNow) {
            permitId = ++totals.permits;
        } else {
            totals.feesHeld += uint136(fee);
        }
        _totals = totals;
        ApplicationState memory s = ApplicationState({
            typeId: uint40(typeId),
            permitId: 0,
            decidedAt: 0,
            status: ApplicationStatus.Pending,
            checksBitmap: 0,
            checkCount: t.checkCount,
            validity: t.validity
        });
        ApplicationRecord storage a = _applications[applicationId];
        _applications[applicationId] = ApplicationRecord({
            applicant: msg.sender,
            fee: uint96(fee),
            state: s,
            documentHash: documentHash
        });
        _applicationOfDocument[documentHash] = applicationId;
        emit ApplicationSubmitted(applicationId, msg.sender, typeId, 0, documentHash, fee);
        if (issueNow) _issue(applicationId, a, s, msg.sender, permitId);
        // Interactions
        _pullFee(msg.sender, fee);
        if (issueNow && fee != 0) _ledger.deposit(fee, bytes32(permitId));
    }

    /// @dev Approves an application whose last check passed: issues its permit, or extends the
    /// renewed one, then sends the fee to the ledger (ref: the permit id).
    function _approve(
        uint256 applicationId,
        ApplicationRecord storage a,
        ApplicationState memory s,
        address applicant
    ) private {
        // Effects
        uint256 fee = a.fee;
        uint256 permitId = s.permitId;
        if (permitId == 0) {
            Totals memory totals = _totals;
            permitId = ++totals.permits;
            totals.feesHeld -= uint136(fee);
            _totals = totals;
            _issue(applicationId, a, s, applicant, permitId);
        } else {
            _completeRenewal(a, s);
        }
        // Interactions
        if (fee != 0) _ledger.deposit(fee, bytes32(permitId));
    }

    /// @dev Issues permit `permitId` (already counted in the totals) for an approved application:
    /// permit record, token and the application's state. The caller sends the fee to the ledger.
    function _issue(
        uint256 applicationId,
        ApplicationRecord storage a,
        ApplicationState memory s,
        address holder,
        uint256 permitId
    ) private {
        uint40 expiresAt = _extended(block.timestamp, s.validity);
        _permits[permitId] = PermitRecord({
            holder: holder,
            expiresAt: expiresAt,
            applicationId: uint40(applicationId),
            revoked: false,
            suspended: false
        });
        s.status = ApplicationStatus.Approved;
        s.permitId = uint40(permitId);
        s.decidedAt = uint40(block.timestamp);
        _writeState(a, s);
        _mint(holder, permitId);
        emit PermitIssued(permitId, holder, s.typeId, applicationId, expiresAt);
    }

    /// @dev Extends the permit of an approved renewal application. The caller sends the fee to
    /// the ledger afterwards.
    function _completeRenewal(ApplicationRecord storage a, ApplicationState memory s) private {
        uint256 permitId = s.permitId;
        PermitRecord storage p = _permitIn(permitId, ACTIVE_OR_EXPIRED);
        uint40 expiresAt = _extended(p.expiresAt, s.validity);
        p.expiresAt = expiresAt;
        delete _pendingRenewal[permitId];
        _totals.feesHeld -= uint136(a.fee);
        s.status = ApplicationStatus.Approved;
        s.decidedAt = uint40(block.timestamp);
        _writeState(a, s);
        emit PermitRenewed(permitId, expiresAt);
    }

    /// @dev Ends a pending application without a permit (rejected or withdrawn): frees its
    /// document (or its permit's renewal slot) and releases the fee from the books. Returns the
    /// fee to refund.
    function _close(
        ApplicationRecord storage a,
        ApplicationState memory s,
        ApplicationStatus status
    ) private returns (uint256 fee) {
        if (s.permitId == 0) {
            delete _applicationOfDocument[a.documentHash];
        } else {
            delete _pendingRenewal[s.permitId];
        }
        fee = a.fee;
        _totals.feesHeld -= uint136(fee);
        s.status = status;
        s.decidedAt = uint40(block.timestamp);
        _writeState(a, s);
    }

    /// @dev Sends a refund; if the token refuses the transfer (a blocklisted applicant), the
    /// amount is kept for the applicant to `claimRefund` to another address, so a rejection or
    /// withdrawal never fails because of the applicant's token status.
    function _refund(uint256 applicationId, address applicant, uint256 amount) private {
        if (amount == 0) return;
        if (!_token.trySafeTransfer(applicant, amount)) {
            // The transfer left no trace: book the refund instead.
            _refundOwed[applicant] += amount;
            _refundsOwedTotal += amount;
            emit RefundDeferred(applicationId, applicant, amount);
        }
    }

    /// @dev Pulls `fee` from `from` and refuses tokens that arrive short.
    function _pullFee(address from, uint256 fee) private {
        if (fee == 0) return;
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), fee);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != fee) revert Permit_TransferShortfall(fee, received);
    }

    /// @dev The caller must hold `checkRole` in the AccessManager, with no execution delay. The
    /// AccessManager's target closure (`isTargetClosed`) is deliberately not asked: checks follow
    /// the registry's pause, which stops the issuing check and keeps rejections (refunds) open;
    /// asking would cost every check a second call into the AccessManager (about 3,000 gas).
    function _requireCheckRole(uint64 checkRole) private view {
        (bool isMember, uint32 executionDelay) = IAccessManager(authority()).hasRole(checkRole, msg.sender);
        if (!isMember) revert Permit_MissingCheckRole(msg.sender, checkRole);
        if (executionDelay != 0) revert Permit_CheckRoleDelayed(msg.sender, checkRole, executionDelay);
    }

    function _pendingState(
        uint256 applicationId,
        ApplicationRecord storage a
    ) private view returns (ApplicationState memory s) {
        s = a.state;
        if (s.status == ApplicationStatus.Pending) return s;
        if (s.status == ApplicationStatus.None) revert Permit_UnknownApplication(applicationId);
        revert Permit_ApplicationNotPending(applicationId, s.status);
    }

    function _existingType(uint256 typeId) private view returns (PermitTypes.TypeRecord storage t) {
        if (typeId == 0 || typeId > _totals.permitTypes) revert Permit_UnknownType(typeId);
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

    /// @dev The permit, which must exist and be in one of the `allowed` statuses.
    function _permitIn(uint256 permitId, uint8 allowed) private view returns (PermitRecord storage p) {
        p = _existingPermit(permitId);
        PermitStatus current = _statusOf(p);
        if ((allowed >> uint8(current)) & 1 == 0) revert Permit_InvalidPermitStatus(permitId, current, allowed);
    }

    /// @dev max(now, from) + validity, which must fit the permit record.
    function _extended(uint256 from, uint256 validity) private view returns (uint40) {
        uint256 expiresAt = (from > block.timestamp ? from : block.timestamp) + validity;
        if (expiresAt > MAX_EXPIRY) revert Permit_ExpiryOutOfRange(expiresAt, MAX_EXPIRY);
        return uint40(expiresAt);
    }

    /// @dev The one place an application's state slot is written (one store site keeps the
    /// registry's code small).
    function _writeState(ApplicationRecord storage a, ApplicationState memory s) private {
        a.state = s;
    }

    /// @dev The bitmap with every check of a type passed.
    function _allChecks(uint256 checkCount) private pure returns (uint16) {
        return uint16((1 << checkCount) - 1);
    }

    function _popCount(uint16 bitmap) private pure returns (uint8 count) {
        for (; bitmap != 0; bitmap &= bitmap - 1) ++count;
    }
}
