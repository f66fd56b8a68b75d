// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBudgetLedger} from "../interfaces/IBudgetLedger.sol";

/// @title BudgetLedger
/// @notice The treasury's funds and books: appropriations per budget line and fiscal year,
/// commitments to modules, expenditures, reallocations and year-end lapse. See
/// {IBudgetLedger} for each function's rules.
/// @dev Invariants (tested in test/ledger/BudgetLedger.invariants.t.sol):
/// 1. every line: committed + spent <= appropriated;
/// 2. token balance == unallocated() + sum of available over open lines;
/// 3. every line: sum over modules of committedBy == committed;
/// 4. a module spends or returns only what it committed itself on that line;
/// 5. appropriated or committed money moves only through the flows of this contract; only a
///    LEDGER_CLIENT takes a commitment, and a module spends or returns only its own, with no role,
///    so that revoking LEDGER_CLIENT stops new commitments and strands nothing.
/// Storage: the modules' hot path (`recordSpend`) writes one slot, the module's own books on the
/// line (committed and spent packed); the line keeps appropriated and used (committed + spent) in
/// one slot, which a module's payout leaves unchanged and `commit` and `pay` write alone. The
/// line's committed is the sum of its modules' books, its spent the rest of used (`getLine`).
contract BudgetLedger is IBudgetLedger, AccessManaged, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev A line's own storage. `used` is committed + spent: a module's payout (`recordSpend`)
    /// moves money from committed to spent without changing it, so the hot path never writes
    /// the line; the split between committed and spent lives in the modules' books (committed is
    /// their sum; what the ledger paid directly is spent and in no book).
    struct LineRecord {
        // slot 0: every movement of the line's money writes this slot only
        uint128 appropriated;
        uint128 used;
        // slot 1: written at creation and close
        uint16 fiscalYear;
        bool exists;
        bool closed;
        // slot 2
        string label;
    }

    /// @dev One module's books on one line, in one slot: the only storage `recordSpend` writes.
    struct ModuleBook {
        uint128 committed;
        uint128 spent;
    }

    /// @dev Bound on the modules that may hold commitments on one line, so that the views that sum
    /// their books stay cheap.
    uint256 private constant MAX_MODULES_PER_LINE = 16;

    IERC20 private immutable _token;

    mapping(bytes32 lineId => LineRecord) private _lines;
    mapping(bytes32 lineId => mapping(address module => ModuleBook)) private _books;
    mapping(bytes32 lineId => address[] modules) private _lineModules;
    mapping(bytes32 lineId => mapping(address module => bool)) private _enlisted;
    bytes32[] private _lineIds;
    /// @dev Sum of available(line) over open lines: the cash that backs appropriations.
    uint256 private _totalAvailable;

    constructor(address authority, address token_) AccessManaged(authority) {
        if (token_ == address(0)) revert Ledger_ZeroAddress();
        _token = IERC20(token_);
    }

    // ================================================================== pause (GUARDIAN)

    /// @notice Stops deposits, commitments, payouts and withdrawals. GUARDIAN.
    function pause() external restricted {
        _pause();
    }

    /// @notice Lifts a pause. GUARDIAN.
    function unpause() external restricted {
        _unpause();
    }

    // ================================================================== budget officer

    /// @inheritdoc IBudgetLedger
    function createLine(
        bytes32 lineId,
        uint16 fiscalYear,
        uint256 appropriation,
        string calldata label
    ) external restricted nonReentrant {
        // Checks
        if (lineId == bytes32(0)) revert Ledger_InvalidLineId(lineId);
        LineRecord storage line = _lines[lineId];
        if (line.exists) revert Ledger_LineExists(lineId);
        _requireFits(appropriation);
        _requireUnallocated(appropriation);
        // Effects
        line.exists = true;
        line.fiscalYear = fiscalYear;
        line.appropriated = uint128(appropriation);
        line.label = label;
        _lineIds.push(lineId);
        _totalAvailable += appropriation;
        emit LineCreated(lineId, fiscalYear, appropriation, label);
    }

    /// @inheritdoc IBudgetLedger
    function increaseAppropriation(bytes32 lineId, uint256 amount) external restricted nonReentrant {
        // Checks
        LineRecord storage line = _openLine(lineId);
        if (amount == 0) revert Ledger_ZeroAmount();
        _requireFits(amount);
        uint256 previous = line.appropriated;
        _requireFits(previous + amount);
        _requireUnallocated(amount);
        // Effects
        line.appropriated = uint128(previous + amount);
        _totalAvailable += amount;
        emit AppropriationChanged(lineId, previous, previous + amount);
    }

    /// @inheritdoc IBudgetLedger
    function decreaseAppropriation(bytes32 lineId, uint256 amount) external restricted nonReentrant {
        // Checks
        LineRecord storage line = _openLine(lineId);
        if (amount == 0) revert Ledger_ZeroAmount();
        uint256 avail = _availableOf(line);
        if (amount > avail) revert Ledger_InsufficientAvailable(lineId, avail, amount);
        // Effects
        uint256 previous = line.appropriated;
        line.appropriated = uint128(previous - amount);
        _totalAvailable -= amount;
        emit AppropriationChanged(lineId, previous, previous - amount);
    }

    /// @inheritdoc IBudgetLedger
    function reallocate(
        bytes32 fromLineId,
        bytes32 toLineId,
        uint256 amount,
        bytes32 reason
    ) external restricted nonReentrant {
        // Checks
        if (fromLineId == toLineId) revert Ledger_SameLine(fromLineId);
        LineRecord storage from = _openLine(fromLineId);
        LineRecord storage to = _openLine(toLineId);
        if (amount == 0) revert Ledger_ZeroAmount();
        uint256 avail = _availableOf(from);
        if (amount > avail) revert Ledger_InsufficientAvailable(fromLineId, avail, amount);
        _requireFits(uint256(to.appropriated) + amount);
        // Effects (the total available is unchanged)
        from.appropriated -= uint128(amount);
        to.appropriated += uint128(amount);
        emit Reallocated(fromLineId, toLineId, amount, reason);
    }

    /// @inheritdoc IBudgetLedger
    function closeLine(bytes32 lineId) external restricted nonReentrant {
        // Checks
        LineRecord storage line = _openLine(lineId);
        // Effects
        uint256 lapsed = _availableOf(line);
        line.appropriated = line.used;
        line.closed = true;
        _totalAvailable -= lapsed;
        emit LineClosed(lineId, lapsed);
    }

    /// @inheritdoc IBudgetLedger
    function pay(
        bytes32 lineId,
        address payee,
        uint256 amount,
        bytes32 ref
    ) external restricted whenNotPaused nonReentrant {
        // Checks
        _requireRecipient(payee);
        if (amount == 0) revert Ledger_ZeroAmount();
        LineRecord storage line = _lineWithAvailable(lineId, amount);
        // Effects: one slot (amount <= available, so used stays <= appropriated < 2^128)
        unchecked {
            line.used += uint128(amount);
        }
        _totalAvailable -= amount;
        emit Spent(lineId, payee, amount, ref, address(this));
        // Interactions
        _token.safeTransfer(payee, amount);
    }

    // ================================================================== anyone / admin

    /// @inheritdoc IBudgetLedger
    function deposit(uint256 amount, bytes32 ref) external whenNotPaused nonReentrant {
        // Checks
        if (amount == 0) revert Ledger_ZeroAmount();
        // Interactions (a deposit only adds unallocated cash: nothing to book before the pull)
        _pull(msg.sender, amount);
        emit Deposited(msg.sender, amount, ref);
    }

    /// @inheritdoc IBudgetLedger
    function withdrawUnallocated(
        address to,
        uint256 amount,
        bytes32 ref
    ) external restricted whenNotPaused nonReentrant {
        // Checks
        _requireRecipient(to);
        if (amount == 0) revert Ledger_ZeroAmount();
        _requireUnallocated(amount);
        emit Withdrawn(to, amount, ref);
        // Interactions
        _token.safeTransfer(to, amount);
    }

    // ================================================================== modules

    /// @inheritdoc IBudgetLedger
    function commit(bytes32 lineId, uint256 amount, bytes32 ref) external restricted whenNotPaused nonReentrant {
        // Checks: the books are the caller's own, so the caller must be the module itself
        if (msg.sender == authority()) revert Ledger_RelayedCall(msg.sender);
        if (amount == 0) revert Ledger_ZeroAmount();
        LineRecord storage line = _lineWithAvailable(lineId, amount);
        // Effects (amount <= available < 2^128, and a module's books never exceed the line's)
        ModuleBook storage book = _books[lineId][msg.sender];
        ModuleBook memory held = book;
        // a module with books on the line is enlisted already; an empty book may be a new module
        if (held.committed == 0 && held.spent == 0 && !_enlisted[lineId][msg.sender]) _enlist(lineId, msg.sender);
        unchecked {
            line.used += uint128(amount);
            book.committed = held.committed + uint128(amount);
        }
        _totalAvailable -= amount;
        emit Committed(lineId, msg.sender, amount, ref);
        // Interactions
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IBudgetLedger
    function recordSpend(
        bytes32 lineId,
        address payee,
        uint256 amount,
        bytes32 ref
    ) external whenNotPaused nonReentrant {
        // Checks (no role: the caller's own commitment is the limit)
        _requireRecipient(payee);
        if (amount == 0) revert Ledger_ZeroAmount();
        ModuleBook storage book = _books[lineId][msg.sender];
        (uint128 held, uint128 spent) = (book.committed, book.spent);
        if (amount > held) revert Ledger_InsufficientCommitment(lineId, msg.sender, held, amount);
        // Effects: one slot; the line's `used` (committed + spent) does not change. amount <= held,
        // and a module's spent never exceeds its line's used (< 2^128).
        unchecked {
            (book.committed, book.spent) = (held - uint128(amount), spent + uint128(amount));
        }
        emit Spent(lineId, payee, amount, ref, msg.sender);
    }

    /// @inheritdoc IBudgetLedger
    function returnFunds(bytes32 lineId, uint256 amount, bytes32 ref) external nonReentrant {
        // Checks (no role: the caller's own commitment is the limit)
        if (amount == 0) revert Ledger_ZeroAmount();
        ModuleBook storage book = _books[lineId][msg.sender];
        uint256 held = book.committed;
        if (amount > held) revert Ledger_InsufficientCommitment(lineId, msg.sender, held, amount);
        // Effects (held > 0 proves the line exists)
        LineRecord storage line = _lines[lineId];
        unchecked {
            book.committed = uint128(held - amount);
            line.used -= uint128(amount);
        }
        if (line.closed) {
            // The cash lapses: committed and appropriated fall together.
            line.appropriated -= uint128(amount);
        } else {
            _totalAvailable += amount;
        }
        emit FundsReturned(lineId, msg.sender, amount, ref);
        // Interactions
        _pull(msg.sender, amount);
    }

    // ================================================================== views

    /// @inheritdoc IBudgetLedger
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IBudgetLedger
    function getLine(bytes32 lineId) external view returns (Line memory) {
        LineRecord storage line = _existingLine(lineId);
        uint256 committed;
        address[] storage modules = _lineModules[lineId];
        for (uint256 i = 0; i < modules.length; ++i) {
            committed += _books[lineId][modules[i]].committed;
        }
        return
            Line({
                fiscalYear: line.fiscalYear,
                closed: line.closed,
                appropriated: line.appropriated,
                committed: committed,
                spent: line.used - committed,
                label: line.label
            });
    }

    /// @inheritdoc IBudgetLedger
    function available(bytes32 lineId) external view returns (uint256) {
        return _availableOf(_existingLine(lineId));
    }

    /// @inheritdoc IBudgetLedger
    function committedBy(bytes32 lineId, address module) external view returns (uint256) {
        return _books[lineId][module].committed;
    }

    /// @inheritdoc IBudgetLedger
    function unallocated() external view nonReentrantView returns (uint256) {
        return _unallocated();
    }

    /// @inheritdoc IBudgetLedger
    function lineCount() external view returns (uint256) {
        return _lineIds.length;
    }

    /// @inheritdoc IBudgetLedger
    function lineIdAt(uint256 index) external view returns (bytes32) {
        uint256 count = _lineIds.length;
        if (index >= count) revert Ledger_IndexOutOfBounds(index, count);
        return _lineIds[index];
    }

    // ================================================================== internal

    /// @dev Records that `module` holds books on the line (once, at its first commitment).
    function _enlist(bytes32 lineId, address module) private {
        address[] storage modules = _lineModules[lineId];
        if (modules.length == MAX_MODULES_PER_LINE) revert Ledger_TooManyModules(lineId, MAX_MODULES_PER_LINE);
        modules.push(module);
        _enlisted[lineId][module] = true;
    }

    /// @dev Pulls `amount` from `from` and refuses tokens that arrive short.
    function _pull(address from, uint256 amount) private {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert Ledger_TransferShortfall(amount, received);
    }

    function _existingLine(bytes32 lineId) private view returns (LineRecord storage line) {
        line = _lines[lineId];
        if (!line.exists) revert Ledger_UnknownLine(lineId);
    }

    function _openLine(bytes32 lineId) private view returns (LineRecord storage line) {
        line = _existingLine(lineId);
        if (line.closed) revert Ledger_LineClosed(lineId);
    }

    /// @dev appropriated - committed - spent; 0 for a closed line (its appropriation equals
    /// committed + spent from the close on) and for an unknown one (all zero).
    function _availableOf(LineRecord storage line) private view returns (uint256) {
        return uint256(line.appropriated) - line.used;
    }

    /// @dev The line, which must have `amount` (> 0) available. The money flows' fast path: an
    /// amount available proves the line exists and is open (unknown and closed lines have none),
    /// so the line's flags are read only to name the error.
    function _lineWithAvailable(bytes32 lineId, uint256 amount) private view returns (LineRecord storage line) {
        line = _lines[lineId];
        uint256 avail = _availableOf(line);
        if (amount > avail) {
            _openLine(lineId);
            revert Ledger_InsufficientAvailable(lineId, avail, amount);
        }
    }

    /// @dev Token balance minus the cash that backs open lines' available amounts.
    function _unallocated() private view returns (uint256) {
        return _token.balanceOf(address(this)) - _totalAvailable;
    }

    function _requireUnallocated(uint256 amount) private view {
        uint256 free = _unallocated();
        if (amount > free) revert Ledger_InsufficientUnallocated(free, amount);
    }

    /// @dev A recipient of the ledger's tokens (or of a booked payment) is neither zero nor the
    /// ledger itself (a payment to itself would book as spent cash that stays as unallocated).
    function _requireRecipient(address recipient) private view {
        if (recipient == address(0)) revert Ledger_ZeroAddress();
        if (recipient == address(this)) revert Ledger_InvalidRecipient(recipient);
    }

    function _requireFits(uint256 amount) private pure {
        if (amount > type(uint128).max) revert Ledger_AmountTooLarge(amount);
    }
}
