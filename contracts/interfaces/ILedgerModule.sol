// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ILedgerModule
/// @notice What every module of the suite (PermitRegistry, ProcurementEscrow,
/// SubsidyDisbursement) shares: it draws on one BudgetLedger and its token, has a GUARDIAN
/// pause, keeps payments the token refused as owed to their payees, and sends tokens it holds
/// beyond its obligations (sent to it outside its flows) to the ledger.
/// @dev Money: at all times `token.balanceOf(module) == reserved() + totalOwed() + surplus()`.
/// `reserved()` is what the module holds for others in its flows (commitments from budget
/// lines, bid bonds, pending fees), `totalOwed()` what it owes payees whose transfers the token
/// refused, `surplus()` everything else.
/// Pause (GUARDIAN) stops money coming in and going out (the module's own list, and
/// `sweepSurplus`); it never stops the ways money goes back to its owners, `withdrawOwed`
/// included.
/// Who acts: a function that tells actors apart counts the caller's own address and refuses a
/// call relayed by the AccessManager (`AccessManager.execute`, the path of a role holder with
/// an execution delay), which would hide who acted: `Module_RelayedCall`. A holder with an
/// execution delay schedules the call in the AccessManager and then makes it itself.
interface ILedgerModule {
    // ------------------------------------------------------------------ events

    /// @notice The module was paused by `account` (a GUARDIAN). Same signature as OpenZeppelin's.
    event Paused(address account);
    /// @notice The pause was lifted by `account` (a GUARDIAN).
    event Unpaused(address account);
    /// @notice Tokens held beyond the module's obligations went to the ledger's unallocated cash
    /// (the ledger's `Deposited` follows).
    event SurplusSwept(address indexed caller, uint256 amount);
    /// @notice A payment to `payee` was refused by the token; `amount` was credited to its
    /// `owedTo` balance, which now stands at `owed` (the registry names it `RefundDeferred`).
    event PaymentDeferred(address indexed payee, uint256 amount, uint256 owed);
    /// @notice `payee` withdrew its owed balance to `to` (the registry names it `RefundClaimed`).
    event OwedWithdrawn(address indexed payee, address indexed to, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice The call needs the module running (not paused).
    error EnforcedPause();
    /// @notice The call needs the module paused.
    error ExpectedPause();
    /// @notice An address that must be set was zero.
    error Module_ZeroAddress();
    /// @notice Fewer tokens arrived than expected (fee-on-transfer or rebasing token).
    error Module_TransferShortfall(uint256 expected, uint256 received);
    /// @notice `account` is owed nothing.
    error Module_NothingOwed(address account);
    /// @notice Owed money cannot be withdrawn to the module itself (it would become surplus).
    error Module_InvalidRecipient(address recipient);
    /// @notice The module holds nothing beyond its obligations: its `balance` is at most
    /// `obligations` (reserved() + totalOwed()).
    error Module_NoSurplus(uint256 balance, uint256 obligations);
    /// @notice The call arrived through the AccessManager (`execute`), which would hide who acted.
    error Module_RelayedCall(address authority);
    /// @notice The amount does not fit the module's 128-bit books.
    error Module_AmountTooLarge(uint256 amount);

    // ------------------------------------------------------------------ guardian

    /// @notice Stops money coming in and going out (see each module). @dev GUARDIAN. Emits `Paused`.
    function pause() external;

    /// @notice Lifts a pause. @dev GUARDIAN. Emits `Unpaused`.
    function unpause() external;

    // ------------------------------------------------------------------ anyone

    /// @notice Sends the caller's owed balance (payments the token refused earlier) to `to`.
    /// @dev The payee; never paused. Requires `to` other than zero and the module itself, and a
    /// positive balance (`Module_ZeroAddress`, `Module_InvalidRecipient(to)`,
    /// `Module_NothingOwed(caller)`). Reverts if the token refuses this transfer too (choose
    /// another `to`). Emits the module's withdrawal event (`OwedWithdrawn`, or `RefundClaimed`
    /// in the registry).
    /// @return amount The amount sent.
    function withdrawOwed(address to) external returns (uint256 amount);

    /// @notice Deposits into the ledger (as unallocated cash) every token the module holds beyond
    /// its obligations: tokens sent to it directly, outside its flows.
    /// @dev Anyone; paused when the module is paused (and by the ledger's pause, which stops its
    /// `deposit`). Reverts `Module_NoSurplus(balance, obligations)` when there is nothing to send.
    /// Emits `SurplusSwept` and the ledger's `Deposited` (from the module, ref 0).
    /// @return amount The surplus swept.
    function sweepSurplus() external returns (uint256 amount);

    // ------------------------------------------------------------------ views

    /// @notice True while paused.
    function paused() external view returns (bool);

    /// @notice Payments the token refused to `account`, waiting for `withdrawOwed`.
    function owedTo(address account) external view returns (uint256);

    /// @notice The sum of all owed balances.
    function totalOwed() external view returns (uint256);

    /// @notice What the module holds for others in its flows (commitments, bonds, pending fees).
    function reserved() external view returns (uint256);

    /// @notice Tokens held beyond `reserved() + totalOwed()`, or 0: what `sweepSurplus` sends.
    function surplus() external view returns (uint256);

    /// @notice The BudgetLedger the module draws on.
    function ledger() external view returns (address);

    /// @notice The settlement token (the ledger's).
    function token() external view returns (address);
}
