// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBudgetLedger} from "../interfaces/IBudgetLedger.sol";
import {ILedgerModule} from "../interfaces/ILedgerModule.sol";

/// @title LedgerModule
/// @notice The base of every module of the suite: the ledger and its token, the GUARDIAN
/// pause, the exact pull, pay-or-owe with `withdrawOwed`, and one `sweepSurplus` over an O(1)
/// reserved total. Each rule is written once here. See {ILedgerModule}.
/// @dev Books: `_reserved` is what the module holds for others in its flows. A module adds to it
/// when tokens come in for an obligation (`_commit`, `_pull` callers) and takes from it when they
/// leave (`_returnFunds`, `_deposit`, `_payOut`, or `_payOrOwe`, which moves a refused payment to
/// the owed books). So `balance == reserved + totalOwed + surplus` holds after every call.
/// Storage: the reserved total, the pause flag and three record counters of the module (40 bits
/// each: the registry's types, applications and permits, the escrow's tenders and agreements,
/// the subsidies' programmes) share one slot, the hot slot. Every money path reads it (the flag)
/// and every flow writes it (the total); creating a record and booking its money is one write
/// of it (`_newRecord`).
abstract contract LedgerModule is ILedgerModule, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ================================================================== constants

    // The hot slot, from the least significant bit: 128 bits reserved (token units held for
    // others in the module's flows) | 8 bits paused (0 or 1) | 3 x 40 bits record counters (ids,
    // named by the module). Packed by hand, so that a flow reads and writes it as one word.
    uint256 private constant RESERVED_MASK = type(uint128).max;
    uint256 private constant PAUSED_FLAG = 1 << 128;
    uint256 private constant COUNTERS_OFFSET = 136;
    uint256 private constant COUNTER_BITS = 40;
    uint256 private constant COUNTER_MASK = type(uint40).max;

    // ================================================================== storage

    IBudgetLedger internal immutable _ledger;
    IERC20 internal immutable _token;

    mapping(address payee => uint256 amount) private _owed;
    uint256 private _totalOwed;
    /// @dev The hot slot (layout above).
    uint256 private _hot;

    // ================================================================== modifiers

    modifier whenNotPaused() {
        _requireNotPaused();
        _;
    }

    // ================================================================== constructor

    /// @param authority_ The AccessManager.
    /// @param ledger_ The BudgetLedger; its token is the module's token. The ledger may pull from
    /// the module (`returnFunds`, `deposit`) without further approvals.
    constructor(address authority_, address ledger_) AccessManaged(authority_) {
        if (ledger_ == address(0)) revert Module_ZeroAddress();
        _ledger = IBudgetLedger(ledger_);
        _token = IERC20(IBudgetLedger(ledger_).token());
        _token.forceApprove(ledger_, type(uint256).max);
    }

    // ================================================================== guardian

    /// @inheritdoc ILedgerModule
    function pause() external restricted {
        uint256 hot = _hot;
        if (hot & PAUSED_FLAG != 0) revert EnforcedPause();
        _hot = hot | PAUSED_FLAG;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ILedgerModule
    function unpause() external restricted {
        uint256 hot = _hot;
        if (hot & PAUSED_FLAG == 0) revert ExpectedPause();
        _hot = hot & ~PAUSED_FLAG;
        emit Unpaused(msg.sender);
    }

    // ================================================================== anyone

    /// @inheritdoc ILedgerModule
    function withdrawOwed(address to) external nonReentrant returns (uint256 amount) {
        return _withdrawOwed(msg.sender, to);
    }

    /// @inheritdoc ILedgerModule
    function sweepSurplus() external whenNotPaused nonReentrant returns (uint256 amount) {
        // Checks
        uint256 balance = _token.balanceOf(address(this));
        uint256 obligations = (_hot & RESERVED_MASK) + _totalOwed;
        if (balance <= obligations) revert Module_NoSurplus(balance, obligations);
        amount = balance - obligations;
        emit SurplusSwept(msg.sender, amount);
        // Interactions (the ledger pulls with the allowance given at construction)
        _ledger.deposit(amount, bytes32(0));
    }

    // ================================================================== views

    /// @inheritdoc ILedgerModule
    function paused() external view returns (bool) {
        return _hot & PAUSED_FLAG != 0;
    }

    /// @inheritdoc ILedgerModule
    function totalOwed() external view returns (uint256) {
        return _totalOwed;
    }

    /// @inheritdoc ILedgerModule
    function surplus() external view returns (uint256) {
        uint256 balance = _token.balanceOf(address(this));
        uint256 obligations = (_hot & RESERVED_MASK) + _totalOwed;
        return balance > obligations ? balance - obligations : 0;
    }

    /// @inheritdoc ILedgerModule
    function ledger() external view returns (address) {
        return address(_ledger);
    }

    /// @inheritdoc ILedgerModule
    function token() external view returns (address) {
        return address(_token);
    }

    // ================================================================== internal: books and money

    /// @inheritdoc ILedgerModule
    function owedTo(address account) public view returns (uint256) {
        return _owed[account];
    }

    /// @inheritdoc ILedgerModule
    function reserved() public view returns (uint256) {
        return _hot & RESERVED_MASK;
    }

    /// @dev Adds `amount` to what the module holds for others.
    function _reserve(uint256 amount) internal {
        uint256 hot = _hot;
        _hot = (hot & ~RESERVED_MASK) | _reservedPlus(hot, amount);
    }

    /// @dev Takes `amount` (at most the reserved total) from what the module holds for others.
    function _release(uint256 amount) internal {
        uint256 hot = _hot;
        _hot = (hot & ~RESERVED_MASK) | ((hot & RESERVED_MASK) - amount);
    }

    /// @dev Counts a new record on counter `counter` (0, 1 or 2) and books its money, in one write
    /// of the hot slot: `reserveAmount` comes in for it, `releaseAmount` (at most the reserved
    /// total after the reservation) leaves. Returns the new record's id (from 1).
    function _newRecord(uint256 counter, uint256 reserveAmount, uint256 releaseAmount) internal returns (uint256 id) {
        uint256 hot = _hot;
        uint256 shift = COUNTERS_OFFSET + counter * COUNTER_BITS;
        id = ((hot >> shift) & COUNTER_MASK) + 1;
        if (id > COUNTER_MASK) revert Module_AmountTooLarge(id);
        uint256 held = _reservedPlus(hot, reserveAmount) - releaseAmount;
        _hot = (hot & ~(RESERVED_MASK | (COUNTER_MASK << shift))) | held | (id << shift);
    }

    /// @dev Adds one to counter `counter` (a module that counts open records).
    function _addCount(uint256 counter) internal {
        _hot += 1 << (COUNTERS_OFFSET + counter * COUNTER_BITS);
    }

    /// @dev Takes one (at most the counter) from counter `counter`.
    function _dropCount(uint256 counter) internal {
        _hot -= 1 << (COUNTERS_OFFSET + counter * COUNTER_BITS);
    }

    /// @dev Pulls exactly `amount` from `from` (approved first) and refuses tokens that arrive
    /// short. The caller books what the tokens are for (`_reserve`).
    function _pull(address from, uint256 amount) internal {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        _requireReceived(before, amount);
    }

    /// @dev Takes a commitment of `amount` from the budget line (the ledger sends the tokens) and
    /// refuses tokens that arrive short. The caller reserved the amount (`_newRecord`).
    function _commit(bytes32 lineId, uint256 amount, bytes32 ref) internal {
        uint256 before = _token.balanceOf(address(this));
        _ledger.commit(lineId, amount, ref);
        _requireReceived(before, amount);
    }

    /// @dev Returns `amount` (if any) of the module's commitment on the line to the ledger.
    function _returnFunds(bytes32 lineId, uint256 amount, bytes32 ref) internal {
        if (amount == 0) return;
        _release(amount);
        _ledger.returnFunds(lineId, amount, ref);
    }

    /// @dev Sends `amount` (if any) of reserved tokens to the ledger's unallocated cash.
    function _deposit(uint256 amount, bytes32 ref) internal {
        if (amount == 0) return;
        _release(amount);
        _ledger.deposit(amount, ref);
    }

    /// @dev Pays `amount` of the module's commitment on the line to `payee` and books it on the
    /// ledger; reverts if the token refuses the transfer.
    function _payOut(bytes32 lineId, address payee, uint256 amount, bytes32 ref) internal {
        _release(amount);
        _token.safeTransfer(payee, amount);
        _ledger.recordSpend(lineId, payee, amount, ref);
    }

    /// @dev Sends `amount` of reserved tokens to `payee`. If the token refuses (a blocklisted
    /// payee), the amount moves to the payee's owed balance instead, so that no payee can hold up
    /// anyone else's money. Returns 0 when paid, else the payee's owed balance now; the caller
    /// emits the module's event for a deferred payment.
    function _payOrOwe(address payee, uint256 amount) internal returns (uint256 owedNow) {
        if (amount == 0) return 0;
        _release(amount);
        if (_token.trySafeTransfer(payee, amount)) return 0;
        // The transfer left no trace: book the payment as owed.
        owedNow = _owed[payee] + amount;
        _owed[payee] = owedNow;
        _totalOwed += amount;
    }

    /// @dev The one way owed money leaves the module: all of `payee`'s owed balance to `to`.
    /// A rule about where owed money may go (an approval for another address) belongs here.
    function _withdrawOwed(address payee, address to) internal virtual returns (uint256 amount) {
        // Checks
        if (to == address(0)) revert Module_ZeroAddress();
        if (to == address(this)) revert Module_InvalidRecipient(to);
        amount = _owed[payee];
        if (amount == 0) revert Module_NothingOwed(payee);
        // Effects
        delete _owed[payee];
        _totalOwed -= amount;
        _emitOwedWithdrawn(payee, to, amount);
        // Interactions
        _token.safeTransfer(to, amount);
    }

    /// @dev Emits the module's event for a withdrawal of owed money.
    function _emitOwedWithdrawn(address payee, address to, uint256 amount) internal virtual;

    // ================================================================== internal: checks and views

    function _requireNotPaused() internal view {
        if (_hot & PAUSED_FLAG != 0) revert EnforcedPause();
    }

    /// @dev For functions that tell actors apart: the caller must act itself, not through the
    /// AccessManager's `execute` (SPEC "Who acts").
    function _requireOwnCaller() internal view {
        if (msg.sender == authority()) revert Module_RelayedCall(msg.sender);
    }

    /// @dev The value of counter `counter`.
    function _count(uint256 counter) internal view returns (uint256) {
        return (_hot >> (COUNTERS_OFFSET + counter * COUNTER_BITS)) & COUNTER_MASK;
    }

    // ================================================================== private

    function _requireReceived(uint256 before, uint256 amount) private view {
        uint256 balance = _token.balanceOf(address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received != amount) revert Module_TransferShortfall(amount, received);
    }

    /// @dev The reserved total of `hot` plus `amount`, which must fit 128 bits.
    function _reservedPlus(uint256 hot, uint256 amount) private pure returns (uint256 total) {
        total = (hot & RESERVED_MASK) + amount;
        if (total > RESERVED_MASK) revert Module_AmountTooLarge(total);
    }
}
