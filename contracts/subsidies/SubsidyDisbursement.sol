// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {Roles} from "../access/Roles.sol";
import {ISubsidyDisbursement} from "../interfaces/ISubsidyDisbursement.sol";
import {LedgerModule} from "../modules/LedgerModule.sol";
import {ProgramState, ProgramStateLibrary} from "./ProgramState.sol";
import {RosterMerkle} from "./RosterMerkle.sol";

/// @title SubsidyDisbursement
/// @notice Roster and outcome subsidy programmes funded by commitments from budget lines. See
/// {ISubsidyDisbursement} for each function's rules and {LedgerModule} for what every module
/// shares (pause, owed payments, surplus).
/// @dev Invariants (tested in test/subsidies/SubsidyDisbursement.invariants.t.sol):
/// 1. every programme: paid <= budget;
/// 2. token balance == reserved() (sum over programmes not closed of budget - paid) + surplus;
/// 3. every roster index pays at most once;
/// 4. the ledger's invariants hold (every payout is booked, every unpaid token returns).
/// Storage: a claim reads three programme slots (state word, root, line) and one bitmap word,
/// and writes the state word, the bitmap word and the module's hot slot (pause flag and
/// reserved total, {LedgerModule}). The state word ({ProgramState}) packs what the hot path
/// reads and writes; `budget` lives in a slot no claim reads and `paid` is derived (budget -
/// remaining). A blocked index has its bit set in the claimed bitmap too (and in a second
/// bitmap that tells the two apart), so a claim reads one bitmap word. The only state written
/// after an external call is the undo of a batch entry whose transfer the token refused.
contract SubsidyDisbursement is ISubsidyDisbursement, LedgerModule {
    using SafeERC20 for IERC20;

    // ================================================================== types

    /// @dev A programme's storage, slot by slot.
    struct ProgramRecord {
        // slot 0: read and written by claims and outcomes
        ProgramState state;
        // slot 1: read by claims
        bytes32 merkleRoot;
        // slot 2: read by every payout (the ledger booking)
        bytes32 lineId;
        // slot 3: written at creation only
        uint128 budget;
        // slots 4-5: read by outcomes
        uint256 ratePerUnit;
        uint256 capPerBeneficiary;
        // slot 6
        bytes32 metadataHash;
    }

    /// @dev One word of a bitmap: bit `index % 256` of word `index / 256`.
    struct BitmapWord {
        uint256 bits;
    }

    // ================================================================== constants

    /// @dev Largest budget: the ledger keeps 128-bit books.
    uint256 private constant MAX_BUDGET = type(uint128).max; // token base units
    /// @dev Largest `closesAt` the state word holds.
    uint64 private constant MAX_TIME = type(uint40).max; // unix seconds (year 36812)
    /// @dev The module's record counters (hot slot, {LedgerModule}): creation and closure write
    /// no other global slot.
    uint256 private constant PROGRAMS = 0;
    uint256 private constant OPEN_PROGRAMS = 1;
    /// @dev Status sets (bit `1 << status`).
    bytes32 private constant OPEN = bytes32(uint256(1 << uint8(ProgramStatus.Open)));
    bytes32 private constant NOT_CLOSED = bytes32(
        uint256(
            (1 << uint8(ProgramStatus.Scheduled)) | (1 << uint8(ProgramStatus.Open)) | (1 << uint8(ProgramStatus.Ended))
        )
    );

    // ================================================================== storage

    mapping(uint256 programId => ProgramRecord) private _programs;
    /// @dev Set once an index is claimed or blocked: the only bitmap a claim reads.
    mapping(uint256 programId => mapping(uint256 word => BitmapWord)) private _settled;
    /// @dev The blocked subset of `_settled`.
    mapping(uint256 programId => mapping(uint256 word => BitmapWord)) private _blocked;
    mapping(uint256 programId => mapping(address beneficiary => uint256 amount)) private _paidTo;

    // ================================================================== constructor

    /// @param authority The AccessManager.
    /// @param ledger_ The BudgetLedger that funds the programmes; its token is the settlement token.
    constructor(address authority, address ledger_) LedgerModule(authority, ledger_) {}

    // ================================================================== programme manager

    /// @inheritdoc ISubsidyDisbursement
    function createRosterProgram(
        bytes32 lineId,
        bytes32 merkleRoot,
        uint256 budget,
        uint64 opensAt,
        uint64 closesAt,
        bytes32 metadataHash
    ) external restricted whenNotPaused nonReentrant returns (uint256 programId) {
        // Checks
        if (merkleRoot == bytes32(0)) revert Subsidy_ZeroRoot();
        // Effects
        programId = _create(ProgramKind.Roster, lineId, budget, opensAt, closesAt, metadataHash);
        _programs[programId].merkleRoot = merkleRoot;
        emit ProgramCreated(
            programId,
            lineId,
            uint8(ProgramKind.Roster),
            budget,
            opensAt,
            closesAt,
            merkleRoot,
            metadataHash
        );
        // Interactions
        _commit(lineId, budget, bytes32(programId));
    }

    /// @inheritdoc ISubsidyDisbursement
    function createOutcomeProgram(
        bytes32 lineId,
        uint256 budget,
        uint256 ratePerUnit,
        uint256 capPerBeneficiary,
        uint64 opensAt,
        uint64 closesAt,
        bytes32 metadataHash
    ) external restricted whenNotPaused nonReentrant returns (uint256 programId) {
        // Checks
        if (ratePerUnit == 0) revert Subsidy_ZeroRate();
        // Effects
        programId = _create(ProgramKind.Outcome, lineId, budget, opensAt, closesAt, metadataHash);
        ProgramRecord storage program = _programs[programId];
        program.ratePerUnit = ratePerUnit;
        program.capPerBeneficiary = capPerBeneficiary;
        emit ProgramCreated(
            programId,
            lineId,
            uint8(ProgramKind.Outcome),
            budget,
            opensAt,
            closesAt,
            bytes32(0),
            metadataHash
        );
        // Interactions
        _commit(lineId, budget, bytes32(programId));
    }

    /// @inheritdoc ISubsidyDisbursement
    function blockClaim(uint256 programId, uint256 index, bytes32 reasonHash) external restricted {
        // Checks
        ProgramState state = _programs[programId].state;
        _requireKind(programId, state, ProgramKind.Roster);
        _validateStatus(programId, state, NOT_CLOSED);
        BitmapWord storage settled = _settled[programId][index >> 8];
        BitmapWord storage blocked = _blocked[programId][index >> 8];
        uint256 mask = 1 << (index & 0xff);
        if (blocked.bits & mask != 0) revert Subsidy_AlreadyBlocked(programId, index);
        if (settled.bits & mask != 0) revert Subsidy_AlreadyClaimed(programId, index);
        // Effects
        settled.bits |= mask;
        blocked.bits |= mask;
        emit ClaimBlocked(programId, index, reasonHash);
    }

    /// @inheritdoc ISubsidyDisbursement
    function closeProgram(uint256 programId) external nonReentrant {
        // Checks
        ProgramRecord storage program = _programs[programId];
        ProgramState state = program.state;
        ProgramStatus status = _validateStatus(programId, state, NOT_CLOSED);
        if (status != ProgramStatus.Ended) _requireManager(programId, state.closesAt());
        // Effects (the remaining field stays, so that paid = budget - remaining still holds)
        program.state = state.withClosed();
        _dropCount(OPEN_PROGRAMS);
        uint256 returned = state.remaining();
        emit ProgramClosed(programId, returned);
        // Interactions
        _returnFunds(program.lineId, returned, bytes32(programId));
    }

    // ================================================================== beneficiaries, anyone

    /// @inheritdoc ISubsidyDisbursement
    function claim(
        uint256 programId,
        uint256 index,
        address beneficiary,
        uint256 amount,
        bytes32[] calldata proof
    ) external whenNotPaused nonReentrant {
        // Checks
        ProgramRecord storage program = _programs[programId];
        ProgramState state = program.state;
        if (!state.isOpenFor(ProgramKind.Roster)) _revertNotOpen(programId, state, ProgramKind.Roster);
        BitmapWord storage settled = _settled[programId][index >> 8];
        uint256 word = settled.bits;
        uint256 mask = 1 << (index & 0xff);
        if (word & mask != 0) _revertSettled(programId, index);
        if (RosterMerkle.processProof(proof, RosterMerkle.leaf(index, beneficiary, amount)) != program.merkleRoot) {
            revert Subsidy_InvalidProof(programId, index, beneficiary, amount);
        }
        _requirePayable(programId, index, beneficiary, amount, state.remaining());
        // Effects
        settled.bits = word | mask;
        program.state = state.minus(amount);
        emit Claimed(programId, index, beneficiary, amount);
        // Interactions
        _payOut(program.lineId, beneficiary, amount, bytes32(programId));
    }

    /// @inheritdoc ISubsidyDisbursement
    function claimBatch(uint256 programId, Claim[] calldata claims) external whenNotPaused nonReentrant {
        // Checks
        if (claims.length == 0) revert Subsidy_EmptyBatch(programId);
        ProgramRecord storage program = _programs[programId];
        ProgramState state = program.state;
        if (!state.isOpenFor(ProgramKind.Roster)) _revertNotOpen(programId, state, ProgramKind.Roster);
        // Checks and effects per entry (proofs, the budget, the bitmap)
        (uint256 spent, uint256[] memory skipped) = _settleBatch(
            programId,
            program.merkleRoot,
            claims,
            state.remaining()
        );
        if (spent == 0) return; // every entry was skipped
        // Effects: the budget is written once
        program.state = state.minus(spent);
        // Interactions (`Claimed` per entry paid; a refused transfer is undone)
        uint256 refused = _payBatch(programId, program.lineId, claims, skipped);
        _release(spent - refused);
        if (refused != 0) program.state = state.minus(spent - refused);
    }

    // ================================================================== outcome verifier

    /// @inheritdoc ISubsidyDisbursement
    function recordOutcome(
        uint256 programId,
        address beneficiary,
        uint256 quantity,
        bytes32 evidenceHash
    ) external restricted whenNotPaused nonReentrant returns (uint256 paid) {
        // Checks
        if (beneficiary == address(0)) revert Subsidy_ZeroAddress();
        if (beneficiary == address(this)) revert Subsidy_InvalidBeneficiary(programId, beneficiary);
        ProgramRecord storage program = _programs[programId];
        ProgramState state = program.state;
        if (!state.isOpenFor(ProgramKind.Outcome)) _revertNotOpen(programId, state, ProgramKind.Outcome);
        uint256 before = _paidTo[programId][beneficiary];
        // Compute
        paid = _outcomePayout(programId, program, state.remaining(), beneficiary, quantity, before);
        // Effects
        _paidTo[programId][beneficiary] = before + paid;
        program.state = state.minus(paid);
        emit OutcomeRecorded(programId, beneficiary, quantity, paid, evidenceHash);
        // Interactions
        _payOut(program.lineId, beneficiary, paid, bytes32(programId));
    }

    // ================================================================== views

    /// @inheritdoc ISubsidyDisbursement
    function getProgram(uint256 programId) external view returns (Program memory) {
        ProgramRecord storage program = _existing(programId);
        ProgramState state = program.state;
        return
            Program({
                kind: state.kind(),
                lineId: program.lineId,
                budget: program.budget,
                paid: program.budget - state.remaining(),
                opensAt: state.opensAt(),
                closesAt: state.closesAt(),
                closed: state.closed(),
                merkleRoot: program.merkleRoot,
                ratePerUnit: program.ratePerUnit,
                capPerBeneficiary: program.capPerBeneficiary,
                metadataHash: program.metadataHash
            });
    }

    /// @inheritdoc ISubsidyDisbursement
    function programStatus(uint256 programId) external view returns (ProgramStatus) {
        return _existing(programId).state.status();
    }

    /// @inheritdoc ISubsidyDisbursement
    function remaining(uint256 programId) external view returns (uint256) {
        ProgramState state = _existing(programId).state;
        return state.closed() ? 0 : state.remaining();
    }

    /// @inheritdoc ISubsidyDisbursement
    function isClaimed(uint256 programId, uint256 index) external view returns (bool) {
        _existing(programId);
        uint256 claimedBits = _settled[programId][index >> 8].bits & ~_blocked[programId][index >> 8].bits;
        return claimedBits & (1 << (index & 0xff)) != 0;
    }

    /// @inheritdoc ISubsidyDisbursement
    function isBlocked(uint256 programId, uint256 index) external view returns (bool) {
        _existing(programId);
        return _blocked[programId][index >> 8].bits & (1 << (index & 0xff)) != 0;
    }

    /// @inheritdoc ISubsidyDisbursement
    function paidTo(uint256 programId, address beneficiary) external view returns (uint256) {
        _existing(programId);
        return _paidTo[programId][beneficiary];
    }

    /// @inheritdoc ISubsidyDisbursement
    function programCount() external view returns (uint256) {
        return _count(PROGRAMS);
    }

    /// @inheritdoc ISubsidyDisbursement
    function openProgramCount() external view returns (uint256) {
        return _count(OPEN_PROGRAMS);
    }

    // ================================================================== internal

    /// @dev Subsidies never defer a payment (a refused claim reverts, a refused batch entry stays
    /// unclaimed), so nothing is ever owed here; the event is the base's.
    function _emitOwedWithdrawn(address payee, address to, uint256 amount) internal override {
        emit OwedWithdrawn(payee, to, amount);
    }

    // ================================================================== private

    /// @dev Checks the common creation rules and stores a new programme (the kind's own fields
    /// are written by the caller).
    function _create(
        ProgramKind kind,
        bytes32 lineId,
        uint256 budget,
        uint64 opensAt,
        uint64 closesAt,
        bytes32 metadataHash
    ) private returns (uint256 programId) {
        if (budget == 0) revert Subsidy_ZeroBudget();
        if (budget > MAX_BUDGET) revert Subsidy_BudgetTooLarge(budget, MAX_BUDGET);
        if (opensAt >= closesAt || closesAt > MAX_TIME) revert Subsidy_InvalidWindow(opensAt, closesAt);
        if (closesAt <= block.timestamp) revert Subsidy_ClosesInPast(closesAt, block.timestamp);
        programId = _newRecord(PROGRAMS, budget, 0);
        _addCount(OPEN_PROGRAMS);
        ProgramRecord storage program = _programs[programId];
        program.state = ProgramStateLibrary.pack(budget, opensAt, closesAt, kind);
        program.lineId = lineId;
        program.budget = uint128(budget);
        program.metadataHash = metadataHash;
    }

    /// @dev The checks and bitmap effects of `claimBatch`: skips settled entries, verifies the
    /// others and marks them claimed. The bitmap word in hand is written back when the batch
    /// moves to another word. Returns the sum of the entries to pay and a bitmap of the skipped
    /// ones by position in `claims` (empty when none is skipped, the common case).
    function _settleBatch(
        uint256 programId,
        bytes32 root,
        Claim[] calldata claims,
        uint256 remainingBudget
    ) private returns (uint256 spent, uint256[] memory skipped) {
        uint256 left = remainingBudget;
        uint256 wordIndex = claims[0].index >> 8;
        BitmapWord storage current = _settled[programId][wordIndex];
        uint256 word = current.bits;
        for (uint256 i = 0; i < claims.length; ++i) {
            Claim calldata entry = claims[i];
            uint256 index = entry.index;
            if (index >> 8 != wordIndex) {
                current.bits = word;
                wordIndex = index >> 8;
                current = _settled[programId][wordIndex];
                word = current.bits;
            }
            uint256 mask = 1 << (index & 0xff);
            if (word & mask != 0) {
                // claimed, blocked, or earlier in this batch
                if (skipped.length == 0) skipped = new uint256[]((claims.length + 255) >> 8);
                skipped[i >> 8] |= 1 << (i & 0xff);
                continue;
            }
            unchecked {
                left -= _verifyEntry(programId, root, entry, left); // at most `left`
            }
            word |= mask;
        }
        current.bits = word;
        spent = remainingBudget - left;
    }

    /// @dev The transfers and bookings of `claimBatch`. An entry whose transfer the token refuses
    /// (reverts or returns false) is not paid: its claimed bit is cleared again, nothing is
    /// emitted or booked, and its amount is returned for the caller to credit back.
    function _payBatch(
        uint256 programId,
        bytes32 lineId,
        Claim[] calldata claims,
        uint256[] memory skipped
    ) private returns (uint256 refused) {
        for (uint256 i = 0; i < claims.length; ++i) {
            if (skipped.length != 0 && skipped[i >> 8] & (1 << (i & 0xff)) != 0) continue;
            Claim calldata entry = claims[i];
            address beneficiary = entry.beneficiary;
            uint256 amount = entry.amount;
            if (_token.trySafeTransfer(beneficiary, amount)) {
                emit Claimed(programId, entry.index, beneficiary, amount);
                _ledger.recordSpend(lineId, beneficiary, amount, bytes32(programId));
            } else {
                _unsettle(programId, entry.index);
                refused += amount;
            }
        }
    }

    /// @dev Clears the settled bit of an index marked claimed in this transaction (a refused payout).
    function _unsettle(uint256 programId, uint256 index) private {
        _settled[programId][index >> 8].bits &= ~(1 << (index & 0xff));
    }

    /// @dev Verifies one batch entry against the root and what is left and returns its amount.
    function _verifyEntry(
        uint256 programId,
        bytes32 root,
        Claim calldata entry,
        uint256 left
    ) private view returns (uint256 amount) {
        uint256 index = entry.index;
        address beneficiary = entry.beneficiary;
        amount = entry.amount;
        if (RosterMerkle.processProof(entry.proof, RosterMerkle.leaf(index, beneficiary, amount)) != root) {
            revert Subsidy_InvalidProof(programId, index, beneficiary, amount);
        }
        _requirePayable(programId, index, beneficiary, amount, left);
    }

    /// @dev A proven roster entry must pay something, to someone other than this contract,
    /// within what is left.
    function _requirePayable(
        uint256 programId,
        uint256 index,
        address beneficiary,
        uint256 amount,
        uint256 left
    ) private view {
        if (amount == 0) revert Subsidy_ZeroAmount(programId, index);
        if (beneficiary == address(0)) revert Subsidy_ZeroAddress();
        if (beneficiary == address(this)) revert Subsidy_InvalidBeneficiary(programId, beneficiary);
        if (amount > left) revert Subsidy_InsufficientBudget(programId, left, amount);
    }

    /// @dev min(quantity * rate, cap - paid so far, remaining); reverts when it is 0. A product
    /// that overflows exceeds any budget and is treated as unbounded.
    function _outcomePayout(
        uint256 programId,
        ProgramRecord storage program,
        uint256 left,
        address beneficiary,
        uint256 quantity,
        uint256 paidBefore
    ) private view returns (uint256 payout) {
        (bool fits, uint256 gross) = Math.tryMul(quantity, program.ratePerUnit);
        payout = fits ? gross : type(uint256).max;
        if (payout == 0) revert Subsidy_ZeroPayout(programId, beneficiary, quantity);
        uint256 cap = program.capPerBeneficiary;
        if (cap != 0) {
            if (paidBefore >= cap) revert Subsidy_CapReached(programId, beneficiary, cap);
            payout = Math.min(payout, cap - paidBefore);
        }
        if (left == 0) revert Subsidy_BudgetExhausted(programId);
        payout = Math.min(payout, left);
    }

    /// @dev Before `closesAt`, only a PROGRAM_MANAGER without execution delay, calling itself, may
    /// close, and not while the AccessManager holds this contract closed (as `restricted` would
    /// refuse).
    function _requireManager(uint256 programId, uint64 closesAt) private view {
        _requireOwnCaller();
        IAccessManager manager = IAccessManager(authority());
        if (manager.isTargetClosed(address(this))) revert Subsidy_CloseNotAllowed(programId, msg.sender, closesAt);
        (bool isMember, uint32 delay) = manager.hasRole(Roles.PROGRAM_MANAGER, msg.sender);
        if (!isMember) revert Subsidy_CloseNotAllowed(programId, msg.sender, closesAt);
        if (delay != 0) revert Subsidy_ExecutionDelayed(msg.sender, Roles.PROGRAM_MANAGER, delay);
    }

    function _existing(uint256 programId) private view returns (ProgramRecord storage program) {
        program = _programs[programId];
        if (!program.state.exists()) revert Subsidy_UnknownProgram(programId);
    }

    /// @dev The single transition check of programmes (OpenZeppelin Governor's
    /// `_validateStateBitmap`): reverts unless the derived status is in `allowed`.
    function _validateStatus(
        uint256 programId,
        ProgramState state,
        bytes32 allowed
    ) private view returns (ProgramStatus status) {
        status = state.status();
        if (status == ProgramStatus.None) revert Subsidy_UnknownProgram(programId);
        if (bytes32(uint256(1 << uint8(status))) & allowed == bytes32(0)) {
            revert Subsidy_UnexpectedProgramStatus(programId, status, allowed);
        }
    }

    /// @dev For a programme that is not `isOpenFor(kind)`: the error that says why.
    function _revertNotOpen(uint256 programId, ProgramState state, ProgramKind kind) private view {
        _requireKind(programId, state, kind);
        _validateStatus(programId, state, OPEN);
    }

    /// @dev For an index whose settled bit is set: says whether it was blocked or claimed.
    function _revertSettled(uint256 programId, uint256 index) private view {
        if (_blocked[programId][index >> 8].bits & (1 << (index & 0xff)) != 0) {
            revert Subsidy_ClaimBlocked(programId, index);
        }
        revert Subsidy_AlreadyClaimed(programId, index);
    }

    function _requireKind(uint256 programId, ProgramState state, ProgramKind kind) private pure {
        if (!state.exists()) revert Subsidy_UnknownProgram(programId);
        if (state.kind() != kind) revert Subsidy_WrongKind(programId, state.kind(), kind);
    }
}
