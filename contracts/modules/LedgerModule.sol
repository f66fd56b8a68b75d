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
/// Storage: `_reserved` and the pause flag share one slot, which every money path reads (the
/// flag) and every flow writes (the total): a flow pays one slot for both. The 120 bits left in
/// that slot belong to the module: a module that declares its record counters (at most 120
/// bits) as its first state variables gets them packed there, so that creating a record writes
/// no other slot (test/modules/LedgerModule.layout.t.sol checks each module's layout).
abstract contract LedgerModule is ILedgerModule, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ================================================================== storage

    IBudgetLedger internal immutable _ledger;
    IERC20 internal immutable _token;

    mapping(address payee => uint256 amount) private _owed;
    uint256 private _totalOwed;
    /// @dev The hot slot: the reserved total (token units) and the pause flag, then the module's
    /// counters (see the contract's notes).
    uint128 private _reserved;
    bool private _paused;

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
        if (_paused) revert EnforcedPause();
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ILedgerModule
    function unpause() external restricted {
        if (!_paused) revert ExpectedPause();
        _paused = false;
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
        uint256 obligations = uint256(_reserved) + _totalOwed;
        if (balance <= obligations) revert Module_NoSurplus(balance, obligations);
        amount = balance - obligations;
        emit SurplusSwept(msg.sender, amount);
        // Interactions (the ledger pulls with the allowance given at construction)
        _ledger.deposit(amount, bytes32(0));
    }

    // ================================================================== views

    /// @inheritdoc ILedgerModule
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc ILedgerModule
    function owedTo(address account) public view returns (uint256) {
        return _owed[account];
    }

    /// @inheritdoc ILedgerModule
    function totalOwed() external view returns (uint256) {
        return _totalOwed;
    }

    /// @inheritdoc ILedgerModule
    function reserved() public view returns (uint256) {
        return _reserved;
    }

    /// @inheritdoc ILedgerModule
    function surplus() external view returns (uint256) {
        uint256 balance = _token.balanceOf(address(this));
        uint256 obligations = uint256(_reserved) + _totalOwed;
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

    // ================================================================== internal: checks

    function _requireNotPaused() internal view {
        if (_paused) revert EnforcedPause();
    }

    /// @dev For functions that tell actors apart: the caller must act itself, not through the
    /// AccessManager's `execute` (SPEC "Who acts").
    function _requireOwnCaller() internal view {
        if (msg.sender == authority()) revert Module_RelayedCall(msg.sender);
    }

    // ================================================================== internal: books

    /// @dev Adds `amount` to what the module holds for others.
    function _reserve(uint256 amount) internal {
        uint256 total = uint256(_reserved) + amount;
        if (total > type(uint128).max) revert Module_AmountTooLarge(total);
        _reserved = uint128(total);
    }

    /// @dev Takes `amount` (at most the reserved total) from what the module holds for others.
    function _release(uint256 amount) internal {
        _reserved = uint128(uint256(_reserved) - amount);
    }

    // ================================================================== internal: money in

    /// @dev Pulls exactly `amount` from `from` (approved first) and refuses tokens that arrive
    /// short. The caller books what the tokens are for (`_reserve`).
    function _pull(address from, uint256 amount) internal {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        _requireReceived(before, amount);
    }

    /// @dev Takes a commitment of `amount` from the budget line (the ledger sends the tokens),
    /// refuses tokens that arrive short and reserves them.
    function _commit(bytes32 lineId, uint256 amount, bytes32 ref) internal {
        _reserve(amount);
        uint256 before = _token.balanceOf(address(this));
        _ledger.commit(lineId, amount, ref);
        _requireReceived(before, amount);
    }

    // ================================================================== internal: money out

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

    // ================================================================== private

    function _requireReceived(uint256 before, uint256 amount) private view {
        uint256 balance = _token.balanceOf(address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received != amount) revert Module_TransferShortfall(amount, received);
    }
}
