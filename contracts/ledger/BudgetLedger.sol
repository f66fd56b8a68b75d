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
/// 5. appropriated or committed money moves only through the flows of this contract.
/// Storage: the modules' hot path (`recordSpend`) writes one slot, the module's own books on the
/// line (committed and spent packed); the line keeps appropriated and used (committed + spent),
/// which a payout leaves unchanged. `getLine` sums the modules' books.
contract BudgetLedger is IBudgetLedger, AccessManaged, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev A line's own storage. `used` is committed + spent: a module's payout (`recordSpend`)
    /// moves money from committed to spent without changing it, so the hot path never writes
    /// the line; the split between committed and spent lives in the modules' books.
    struct LineRecord {
        // slot 0: written by appropriation changes, commit, returnFunds, pay and close
        uint128 appropriated;
        uint128 used;
        // slot 1: written once at creation, then by close and pay
        uint128 spentDirect;
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
    ) external restricted {
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
    function increaseAppropriation(bytes32 lineId, uint256 amount) external restricted {
        // Checks
        LineRecord storage line = _openLine(lineId);
        if (amount == 0) revert Ledger_ZeroAmount();
        uint256 previous = line.appropriated;
        _requireFits(previous + amount);
        _requireUnallocated(amount);
        // Effects
        line.appropriated = uint128(previous + amount);
        _totalAvailable += amount;
        emit AppropriationChanged(lineId, previous, previous + amount);
    }

    /// @inheritdoc IBudgetLedger
    function decreaseAppropriation(bytes32 lineId, uint256 amount) external restricted {
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
    function reallocate(bytes32 fromLineId, bytes32 toLineId, uint256 amount, bytes32 reason) external restricted {
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
    function closeLine(bytes32 lineId) external restricted {
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
        LineRecord storage line = _openLine(lineId);
        if (payee == address(0)) revert Ledger_ZeroAddress();
        if (amount == 0) revert Ledger_ZeroAmount();
        uint256 avail = _availableOf(line);
        if (amount > avail) revert Ledger_InsufficientAvailable(lineId, avail, amount);
        // Effects
        line.used += uint128(amount);
        line.spentDirect += uint128(amount);
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
        if (to == address(0)) revert Ledger_ZeroAddress();
        if (amount == 0) revert Ledger_ZeroAmount();
        _requireUnallocated(amount);
        emit Withdrawn(to, amount, ref);
        // Interactions
        _token.safeTransfer(to, amount);
    }

    // ================================================================== modules

    /// @inheritdoc IBudgetLedger
    function commit(bytes32 lineId, uint256 amount, bytes32 ref) external restricted whenNotPaused nonReentrant {
        // Checks
        LineRecord storage line = _openLine(lineId);
        if (amount == 0) revert Ledger_ZeroAmount();
        uint256 avail = _availableOf(line);
        if (amount > avail) revert Ledger_InsufficientAvailable(lineId, avail, amount);
        // Effects
        line.used += uint128(amount);
        ModuleBook storage book = _books[lineId][msg.sender];
        if (!_enlisted[lineId][msg.sender]) _enlist(lineId, msg.sender);
        book.committed += uint128(amount);
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
    ) external restricted whenNotPaused nonReentrant {
        // Checks
        if (amount == 0) revert Ledger_ZeroAmount();
        ModuleBook memory book = _books[lineId][msg.sender];
        if (amount > book.committed) revert Ledger_InsufficientCommitment(lineId, msg.sender, book.committed, amount);
        // Effects: one slot; the line's `used` (committed + spent) does not change
        unchecked {
            _books[lineId][msg.sender] = ModuleBook(book.committed - uint128(amount), book.spent + uint128(amount));
        }
        emit Spent(lineId, payee, amount, ref, msg.sender);
    }

    /// @inheritdoc IBudgetLedger
    function returnFunds(bytes32 lineId, uint256 amount, bytes32 ref) external restricted nonReentrant {
        // Checks
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
        uint256 spent = line.spentDirect;
        address[] storage modules = _lineModules[lineId];
        for (uint256 i = 0; i < modules.length; ++i) {
            spent += _books[lineId][modules[i]].spent;
        }
        return
            Line({
                fiscalYear: line.fiscalYear,
                closed: line.closed,
                appropriated: line.appropriated,
                committed: line.used - spent,
                spent: spent,
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
    function unallocated() public view returns (uint256) {
        return _token.balanceOf(address(this)) - _totalAvailable;
    }

    /// @inheritdoc IBudgetLedger
    function lineCount() external view returns (uint256) {
        return _lineIds.length;
    }

    /// @inheritdoc IBudgetLedger
    function lineIdAt(uint256 index) external view returns (bytes32) {
        return _lineIds[index];
    }

    // ================================================================== internal

    function _existingLine(bytes32 lineId) private view returns (LineRecord storage line) {
        line = _lines[lineId];
        if (!line.exists) revert Ledger_UnknownLine(lineId);
    }

    function _openLine(bytes32 lineId) private view returns (LineRecord storage line) {
        line = _existingLine(lineId);
        if (line.closed) revert Ledger_LineClosed(lineId);
    }

    /// @dev appropriated - committed - spent; 0 for a closed line (its appropriation equals
    /// committed + spent from the close on).
    function _availableOf(LineRecord storage line) private view returns (uint256) {
        return uint256(line.appropriated) - line.used;
    }

    /// @dev Records that `module` holds books on the line (once, at its first commitment).
    function _enlist(bytes32 lineId, address module) private {
        address[] storage modules = _lineModules[lineId];
        if (modules.length == MAX_MODULES_PER_LINE) revert Ledger_TooManyModules(lineId, MAX_MODULES_PER_LINE);
        modules.push(module);
        _enlisted[lineId][module] = true;
    }

    function _requireUnallocated(uint256 amount) private view {
        uint256 free = unallocated();
        if (amount > free) revert Ledger_InsufficientUnallocated(free, amount);
    }

    function _requireFits(uint256 amount) private pure {
        if (amount > type(uint128).max) revert Ledger_AmountTooLarge(amount);
    }

    /// @dev Pulls `amount` from `from` and refuses tokens that arrive short.
    function _pull(address from, uint256 amount) private {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert Ledger_TransferShortfall(amount, received);
    }
}
