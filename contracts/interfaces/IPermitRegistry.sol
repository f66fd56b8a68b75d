// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

import {ILedgerModule} from "./ILedgerModule.sol";

/// @title IERC5192
/// @notice Minimal soulbound NFTs (ERC-5192). Interface id 0xb45a3c0e.
interface IERC5192 {
    /// @notice Emitted when the locking status is changed to locked (at mint for a permit).
    event Locked(uint256 tokenId);

    /// @notice Emitted when the locking status is changed to unlocked. A permit is never unlocked.
    event Unlocked(uint256 tokenId);

    /// @notice The locking status of a token: always true for a permit. Reverts with
    /// `ERC721NonexistentToken(tokenId)` for a token that does not exist.
    function locked(uint256 tokenId) external view returns (bool);
}

/// @title IPermitRegistry
/// @notice Permits and licences as non-transferable ERC-721 tokens (ERC-5192). A permit type
/// lists the compliance checks it needs (each an AccessManager role of an agency: fire safety,
/// zoning, ...); an application pays the type's fee, which the registry holds while the
/// application is pending; the permit is minted in the same transaction as the last passing
/// check and the fee goes to the BudgetLedger (`deposit`). A failing check rejects the
/// application and refunds the fee; the applicant may withdraw a pending application at any
/// time and get the fee back.
/// @dev Who may call what:
/// - PERMIT_OFFICER (through the AccessManager, `restricted`): `definePermitType`,
///   `setPermitTypeActive`, `suspend`, `reinstate`, `revoke`.
/// - GUARDIAN (`restricted`): `pause`, `unpause`.
/// - a holder of one of the type's check roles (asked of the AccessManager by the registry
///   itself with `hasRole`, never the applicant, only without execution delay, calling itself:
///   never relayed by the AccessManager): `recordCheck`.
///   Closing the registry in the AccessManager (`setTargetClosed`) blocks every `restricted`
///   function (the officers' and GUARDIAN's, `pause` and `unpause` included) but not
///   `recordCheck`, which follows the pause instead: a paused registry issues nothing, while
///   failing checks still reject and refund. To retire a registry, pause it first, then close it.
/// - the applicant: `withdrawApplication`, `claimRefund` (= `withdrawOwed`); the holder: `renew`.
/// - anyone: `submitApplication`, `submitApplicationWithPermit` (never relayed by the
///   AccessManager, which is therefore never an applicant or holder), `sweepSurplus`, the views.
/// Documents: a document hash is bound to its applicant. For one applicant it backs at most one
/// pending application or permit (a revoked permit still counts; a rejection or withdrawal frees
/// it); another applicant may submit the same hash and gains nothing over the first: its
/// application is its own, with its own fee, checks and permit (`permitOfDocument(holder, hash)`).
/// Pause (GUARDIAN) stops money coming in and the fee going out to the ledger:
/// `submitApplication`, `submitApplicationWithPermit`, `renew`, the passing check that issues a
/// permit or completes a renewal, and `sweepSurplus`. It never stops `withdrawApplication`,
/// `claimRefund`, failing checks (rejections and their refunds), passing checks that do not
/// complete an application, or the officers' `definePermitType`, `setPermitTypeActive`,
/// `suspend`, `reinstate` and `revoke`.
/// Money: every token the registry holds is a pending application's fee (`feesHeld()`, the
/// module's `reserved()`), a refund owed to an applicant whose token transfer failed (claimable
/// with `claimRefund`), or a surplus sent to the registry without an application (sent to the
/// ledger with `sweepSurplus`). Fees reach
/// the ledger through `deposit(fee, bytes32(permitId))`, so the ledger's `Deposited` event
/// names the permit.
/// Admin: the AccessManager's admin decides who holds each role and may pause through
/// GUARDIAN; nobody can move a pending fee anywhere but back to its applicant or, on issue, to
/// the ledger, and nobody can transfer or burn a permit.
/// ERC-721 surface: `ownerOf`, `getApproved`, `locked` and `tokenURI` of an unknown token revert
/// with `ERC721NonexistentToken(tokenId)`, `balanceOf(address(0))` with
/// `ERC721InvalidOwner(address(0))` (ERC-6093); the registry's own views (`getPermit`) with
/// `Permit_UnknownPermit(permitId)`.
interface IPermitRegistry is IERC721Metadata, IERC721Errors, IERC5192, ILedgerModule {
    // ------------------------------------------------------------------ types

    /// @notice An application's lifecycle.
    enum ApplicationStatus {
        /// @notice No such application.
        None,
        /// @notice Paid and waiting for its checks; the fee is held by the registry.
        Pending,
        /// @notice Every check passed: the permit was issued (or renewed) and the fee went to the ledger.
        Approved,
        /// @notice A check failed: the fee was refunded and the document hash freed.
        Rejected,
        /// @notice The applicant withdrew: the fee was refunded and the document hash freed.
        Withdrawn
    }

    /// @notice A permit's status, derived from its flags and the clock (`permitStatus`).
    enum PermitStatus {
        /// @notice No such permit.
        None,
        /// @notice Issued, not suspended, not revoked and `block.timestamp < expiresAt`: valid.
        Active,
        /// @notice Suspended by a permit officer (reversible with `reinstate`); not valid.
        Suspended,
        /// @notice Revoked by a permit officer; final, never valid again.
        Revoked,
        /// @notice Past its expiry (`block.timestamp >= expiresAt`); valid again once renewed.
        Expired
    }

    /// @notice A permit as `getPermit` returns it.
    /// @param typeId The permit type.
    /// @param holder The holder (the applicant of the original application); never changes.
    /// @param issuedAt When the permit was issued (unix seconds).
    /// @param expiresAt When the permit stops being valid (unix seconds; valid while now < expiresAt).
    /// @param documentHash The hash of the document the permit was issued for.
    /// @param revoked True once revoked (final).
    /// @param suspended True while suspended.
    /// @param applicationId The application the permit was issued from.
    struct Permit {
        uint256 typeId;
        address holder;
        uint64 issuedAt;
        uint64 expiresAt;
        bytes32 documentHash;
        bool revoked;
        bool suspended;
        uint256 applicationId;
    }

    /// @notice An application as `getApplication` returns it.
    /// @param typeId The permit type applied for.
    /// @param applicant Who applied and paid the fee (for a renewal: the permit's holder).
    /// @param permitId For a renewal, the permit to extend; otherwise 0 until the permit is issued.
    /// @param documentHash The document applied with (for a renewal: the permit's document).
    /// @param fee The fee paid (the type's fee at submission).
    /// @param status The lifecycle status.
    /// @param checksPassed How many of the type's checks have passed.
    /// @param checksBitmap Bit i is set when the check `checkRoles[i]` of the type has passed.
    /// @param decidedAt When the application was approved, rejected or withdrawn (0 while pending).
    struct Application {
        uint256 typeId;
        address applicant;
        uint256 permitId;
        bytes32 documentHash;
        uint256 fee;
        ApplicationStatus status;
        uint8 checksPassed;
        uint16 checksBitmap;
        uint64 decidedAt;
    }

    /// @notice A permit type as `getPermitType` returns it.
    /// @param name A human-readable name ("Building permit").
    /// @param fee The application (and renewal) fee in token units.
    /// @param validity How long a permit is valid, from issue or renewal (seconds).
    /// @param checkRoles The AccessManager roles whose holders sign off the type's checks.
    /// @param recheckOnRenewal True when a renewal needs every check again.
    /// @param active False once deactivated: no new applications or renewals.
    struct PermitType {
        string name;
        uint256 fee;
        uint64 validity;
        uint64[] checkRoles;
        bool recheckOnRenewal;
        bool active;
    }

    // ------------------------------------------------------------------ events (SPEC.md)

    event PermitTypeDefined(
        uint256 indexed typeId,
        string name,
        uint256 fee,
        uint64 validity,
        uint64[] checkRoles,
        bool recheckOnRenewal
    );
    event PermitTypeActiveSet(uint256 indexed typeId, bool active);
    /// @param permitId The permit a renewal application extends; 0 for a new permit.
    event ApplicationSubmitted(
        uint256 indexed applicationId,
        address indexed applicant,
        uint256 indexed typeId,
        uint256 permitId,
        bytes32 documentHash,
        uint256 fee
    );
    event CheckRecorded(
        uint256 indexed applicationId,
        uint64 indexed checkRole,
        address indexed inspector,
        bool passed,
        bytes32 evidenceHash
    );
    /// @param checkRole The check that failed.
    event ApplicationRejected(uint256 indexed applicationId, uint64 checkRole);
    event ApplicationWithdrawn(uint256 indexed applicationId);
    event PermitIssued(
        uint256 indexed permitId,
        address indexed holder,
        uint256 indexed typeId,
        uint256 applicationId,
        uint64 expiresAt
    );
    event PermitRenewed(uint256 indexed permitId, uint64 expiresAt);
    event PermitSuspended(uint256 indexed permitId, bytes32 reasonHash);
    event PermitReinstated(uint256 indexed permitId);
    event PermitRevoked(uint256 indexed permitId, bytes32 reasonHash);

    // ------------------------------------------------------------------ events (extensions)

    /// @notice A refund could not be transferred to the applicant (for example a blocklisting
    /// token refused it); the amount is kept for the applicant, who takes it with `claimRefund`.
    event RefundDeferred(uint256 indexed applicationId, address indexed applicant, uint256 amount);
    /// @notice An applicant took the refunds owed to it (`claimRefund` or `withdrawOwed`).
    event RefundClaimed(address indexed applicant, address indexed to, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice No permit type has this id.
    error Permit_UnknownType(uint256 typeId);
    /// @notice The permit type is deactivated: it takes no new applications or renewals.
    error Permit_TypeInactive(uint256 typeId);
    /// @notice A type name must be 1 to `maxLength` bytes long.
    error Permit_InvalidTypeName(uint256 length, uint256 maxLength);
    /// @notice A type name must be valid UTF-8 (it is shown in the permit's JSON metadata); the
    /// byte at `offset` starts an invalid sequence.
    error Permit_InvalidTypeNameEncoding(uint256 offset);
    /// @notice A validity must be 1 to `maxValidity` seconds.
    error Permit_InvalidValidity(uint64 validity, uint64 maxValidity);
    /// @notice The fee exceeds what the registry's books hold.
    error Permit_FeeTooLarge(uint256 fee, uint256 maxFee);
    /// @notice A type lists at most `max` checks.
    error Permit_TooManyChecks(uint256 count, uint256 max);
    /// @notice A check role must lie in Roles.MIN_CHECK_ROLE ... Roles.MAX_CHECK_ROLE.
    error Permit_InvalidCheckRole(uint64 checkRole);
    /// @notice A type lists the same check role twice.
    error Permit_DuplicateCheckRole(uint64 checkRole);
    /// @notice Document hash 0 means "none".
    error Permit_ZeroDocumentHash();
    /// @notice The document already backs a pending application or a permit (`applicationId`) of
    /// the same applicant.
    error Permit_DocumentInUse(bytes32 documentHash, uint256 applicationId);
    /// @notice The ERC-2612 permit failed and the allowance already given is below the fee.
    error Permit_InsufficientAllowance(uint256 allowance, uint256 needed);
    /// @notice No application has this id.
    error Permit_UnknownApplication(uint256 applicationId);
    /// @notice The application is in `current`; the call needs one of the statuses in `allowed`
    /// (bit `1 << status` set for each allowed status; every call on an application needs Pending).
    error Permit_UnexpectedApplicationStatus(uint256 applicationId, ApplicationStatus current, bytes32 allowed);
    /// @notice Only the applicant may do this.
    error Permit_NotApplicant(uint256 applicationId, address account);
    /// @notice The check role is not one of the type's checks.
    error Permit_NotACheckOfType(uint256 typeId, uint64 checkRole);
    /// @notice The caller does not hold the check role (or its grant is not effective yet).
    error Permit_MissingCheckRole(address account, uint64 checkRole);
    /// @notice The caller holds the check role with an execution delay: checks are recorded
    /// only by holders without delay.
    error Permit_CheckRoleDelayed(address account, uint64 checkRole, uint32 executionDelay);
    /// @notice An applicant never records a check on its own application.
    error Permit_ApplicantCannotCheck(uint256 applicationId, address account);
    /// @notice The check was already recorded on this application.
    error Permit_CheckAlreadyRecorded(uint256 applicationId, uint64 checkRole);
    /// @notice No permit has this id.
    error Permit_UnknownPermit(uint256 permitId);
    /// @notice Only the permit's holder may do this.
    error Permit_NotHolder(uint256 permitId, address account);
    /// @notice The permit's status does not allow this; `allowed` has bit i set for each
    /// allowed `PermitStatus` i (Active = 1 << 1, Suspended = 1 << 2, Revoked = 1 << 3, Expired = 1 << 4).
    error Permit_InvalidPermitStatus(uint256 permitId, PermitStatus current, bytes32 allowed);
    /// @notice A renewal of the permit is already pending (`applicationId`).
    error Permit_RenewalPending(uint256 permitId, uint256 applicationId);
    /// @notice The new expiry lies beyond what the registry can store.
    error Permit_ExpiryOutOfRange(uint256 expiresAt, uint256 max);
    /// @notice Permits cannot be transferred or approved (ERC-5192: always locked).
    error Permit_Locked(uint256 tokenId);
    /// @notice Permits cannot be approved for an operator (ERC-5192: always locked).
    error Permit_ApprovalsDisabled(address operator);

    // ------------------------------------------------------------------ permit officer

    /// @notice Defines a permit type; it starts active.
    /// @dev PERMIT_OFFICER. Requires a name of 1 to 64 bytes of valid UTF-8, `fee <= type(uint96).max`,
    /// `0 < validity <= 1000 years`, at most 16 distinct `checkRoles`, each in
    /// Roles.MIN_CHECK_ROLE ... Roles.MAX_CHECK_ROLE (none: applications are issued at once).
    /// With `recheckOnRenewal` (and at least one check), a renewal is an application that needs
    /// every check again. Types cannot be changed afterwards, only deactivated. Not paused.
    /// Emits `PermitTypeDefined`.
    /// @return typeId The new type's id (1, 2, ...).
    function definePermitType(
        string calldata name,
        uint256 fee,
        uint64 validity,
        uint64[] calldata checkRoles,
        bool recheckOnRenewal
    ) external returns (uint256 typeId);

    /// @notice Activates or deactivates a type. An inactive type takes no new applications and
    /// its permits cannot be renewed; pending applications still proceed (or are withdrawn),
    /// and issued permits stay valid until they expire.
    /// @dev PERMIT_OFFICER. Not paused. Emits `PermitTypeActiveSet` (also when unchanged).
    function setPermitTypeActive(uint256 typeId, bool active) external;

    /// @notice Suspends a permit (reversible): it is not valid and cannot be renewed while
    /// suspended. A renewal already pending cannot complete until it is reinstated.
    /// @dev PERMIT_OFFICER. Requires an Active or Expired permit. Not paused. Emits `PermitSuspended`.
    function suspend(uint256 permitId, bytes32 reasonHash) external;

    /// @notice Lifts a suspension. @dev PERMIT_OFFICER. Requires a Suspended permit (not revoked).
    /// Not paused. Emits `PermitReinstated`.
    function reinstate(uint256 permitId) external;

    /// @notice Revokes a permit; final: it is never valid again, cannot be renewed, and its
    /// document hash stays taken. A pending renewal cannot complete; its applicant withdraws it.
    /// @dev PERMIT_OFFICER. Requires a permit not already revoked (suspended or expired ones
    /// included). Not paused. Emits `PermitRevoked`.
    function revoke(uint256 permitId, bytes32 reasonHash) external;

    // ------------------------------------------------------------------ applicants and holders

    /// @notice Applies for a permit of an active type, pulling the type's fee from the caller
    /// (approve the registry first). A type without checks issues the permit at once.
    /// @dev Anyone, calling itself (`Module_RelayedCall` for a call relayed by the AccessManager);
    /// paused when the registry is paused. Requires a non-zero `documentHash` that backs none of
    /// the caller's pending applications and permits (a revoked permit counts; another
    /// applicant's use of the same hash does not), and tokens that arrive in full
    /// (`Module_TransferShortfall(expected, received)` otherwise).
    /// Emits `ApplicationSubmitted` (permitId 0); without checks also `Transfer`, `Locked`,
    /// `PermitIssued` and the ledger's `Deposited`.
    /// @return applicationId The new application's id (1, 2, ...).
    function submitApplication(uint256 typeId, bytes32 documentHash) external returns (uint256 applicationId);

    /// @notice `submitApplication` with an ERC-2612 signature for the fee as the approval. If the
    /// signature cannot be used (for example someone submitted it first), the call proceeds
    /// when the allowance already covers the fee, so a front-run permit cannot block it.
    /// @dev As `submitApplication`; also `Permit_InsufficientAllowance(allowance, fee)` when the
    /// permit fails and the allowance is short.
    function submitApplicationWithPermit(
        uint256 typeId,
        bytes32 documentHash,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 applicationId);

    /// @notice Records a check of a pending application. A failing check rejects the
    /// application at once (fee refunded, document hash freed; a renewal leaves its permit as
    /// it was). The last passing check issues the permit (or extends the renewed permit) in
    /// the same transaction and sends the fee to the ledger.
    /// @dev The caller must hold `checkRole` in the AccessManager, with no execution delay
    /// (`Permit_MissingCheckRole`, `Permit_CheckRoleDelayed`), call itself (`Module_RelayedCall`
    /// for a call relayed by the AccessManager) and must not be the applicant.
    /// Only `hasRole` is asked: a closed target (`setTargetClosed`) does not stop checks, the
    /// pause does (see the interface notes).
    /// `checkRole` must be one of the type's checks, recorded once per application. The last
    /// passing check is paused when the registry is paused (and fails while the ledger is
    /// paused); other checks are not. Completing a renewal requires its permit to be Active or
    /// Expired. Emits `CheckRecorded`; then `ApplicationRejected` on failure, or `Transfer`,
    /// `Locked`, `PermitIssued` on issue, or `PermitRenewed` on a completed renewal.
    function recordCheck(uint256 applicationId, uint64 checkRole, bool passed, bytes32 evidenceHash) external;

    /// @notice Withdraws a pending application and refunds its fee to the applicant; a new
    /// application frees its document hash. @dev The applicant; never paused.
    /// Emits `ApplicationWithdrawn`.
    function withdrawApplication(uint256 applicationId) external;

    /// @notice Renews a permit, paying the type's fee. Without rechecks the permit is extended
    /// at once to max(now, expiresAt) + validity and the fee goes to the ledger (returns 0);
    /// with rechecks this opens an application for the same permit that extends it, measured
    /// from max(now, expiresAt) at completion, when its checks pass.
    /// @dev The holder; paused when the registry is paused. Requires an Active or Expired permit
    /// of an active type with no renewal pending. Emits `PermitRenewed`, or `ApplicationSubmitted`
    /// carrying the permit id.
    /// @return applicationId The renewal application, or 0 when renewed at once.
    function renew(uint256 permitId) external returns (uint256 applicationId);

    /// @notice Sends the refunds owed to the caller (see `RefundDeferred`) to `to`: the registry's
    /// name for `withdrawOwed`.
    /// @dev The applicant owed the refund; never paused. Requires `to` other than zero and the
    /// registry (`Module_ZeroAddress`, `Module_InvalidRecipient(to)`) and a refund owed
    /// (`Module_NothingOwed`). Emits `RefundClaimed`.
    /// @return amount The amount sent.
    function claimRefund(address to) external returns (uint256 amount);

    // ------------------------------------------------------------------ views

    /// @notice True when the permit exists and is neither revoked, suspended nor expired.
    function isValid(uint256 permitId) external view returns (bool);

    /// @notice The permit's status, derived from its flags and the clock (None for an unknown id).
    function permitStatus(uint256 permitId) external view returns (PermitStatus);

    /// @notice The permit issued to `holder` for a document, or 0 (none, or its application still
    /// pending). Another applicant's use of the same hash never shows here.
    function permitOfDocument(address holder, bytes32 documentHash) external view returns (uint256 permitId);

    /// @notice `applicant`'s pending application or permit's application that holds a document, or 0.
    function applicationOfDocument(
        address applicant,
        bytes32 documentHash
    ) external view returns (uint256 applicationId);

    /// @notice A permit. Reverts with `Permit_UnknownPermit` for an unknown id.
    function getPermit(uint256 permitId) external view returns (Permit memory);

    /// @notice An application. Reverts with `Permit_UnknownApplication` for an unknown id.
    function getApplication(uint256 applicationId) external view returns (Application memory);

    /// @notice A permit type. Reverts with `Permit_UnknownType` for an unknown id.
    function getPermitType(uint256 typeId) external view returns (PermitType memory);

    /// @notice True when the check has passed on the application.
    function isCheckPassed(uint256 applicationId, uint64 checkRole) external view returns (bool);

    /// @notice The pending renewal application of a permit, or 0.
    function pendingRenewalOf(uint256 permitId) external view returns (uint256 applicationId);

    /// @notice Refunds owed to `applicant` after a failed transfer (see `claimRefund`): `owedTo`.
    function refundOwed(address applicant) external view returns (uint256);

    /// @notice The sum of the fees of pending applications, which the registry holds: `reserved()`.
    function feesHeld() external view returns (uint256);

    /// @notice How many permit types, applications and permits exist (the highest ids).
    function counts() external view returns (uint256 permitTypes, uint256 applications, uint256 permits);
}
