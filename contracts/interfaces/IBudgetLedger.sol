// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IBudgetLedger
/// @notice The treasury's funds and books. Each budget line moves through three stages:
/// appropriated -> committed (cash handed to a module for an obligation) -> spent (paid to the
/// final payee). Appropriations are cash-backed: a line is created or increased only out of
/// unallocated cash, so no payment can bounce and no money is promised twice.
/// @dev Privileged functions are gated by the AccessManager (`authority`); the role named in
/// each function's doc is the one the deployment maps it to. Pause (GUARDIAN) stops `deposit`,
/// `commit`, `recordSpend`, `pay` and `withdrawUnallocated`; never `returnFunds` and never the
/// officers' bookkeeping. Every movement carries a `ref` (an invoice, a decision, a record id)
/// and emits an event indexed by line, actor and ref. Every function that moves money or
/// changes the books refuses re-entry (`ReentrancyGuardReentrantCall`), so a token that calls
/// back during a transfer cannot act on books in flight. Amounts are kept in 128-bit books.
interface IBudgetLedger {
    /// @notice A budget line as the views return it.
    /// @param fiscalYear The fiscal year the line belongs to.
    /// @param closed True once `closeLine` ran: the available rest lapsed, open commitments stay.
    /// @param appropriated What the line may use in all (committed + spent + available).
    /// @param committed Handed to modules and not yet spent or returned.
    /// @param spent Paid to final payees.
    /// @param label A human-readable name ("Roads 2027").
    struct Line {
        uint16 fiscalYear;
        bool closed;
        uint256 appropriated;
        uint256 committed;
        uint256 spent;
        string label;
    }

    // ------------------------------------------------------------------ events (SPEC.md)

    event LineCreated(bytes32 indexed lineId, uint16 indexed fiscalYear, uint256 appropriation, string label);
    event AppropriationChanged(bytes32 indexed lineId, uint256 previous, uint256 current);
    event Reallocated(bytes32 indexed fromLineId, bytes32 indexed toLineId, uint256 amount, bytes32 reason);
    event LineClosed(bytes32 indexed lineId, uint256 lapsed);
    event Deposited(address indexed from, uint256 amount, bytes32 indexed ref);
    event Withdrawn(address indexed to, uint256 amount, bytes32 indexed ref);
    event Committed(bytes32 indexed lineId, address indexed module, uint256 amount, bytes32 indexed ref);
    /// @param module The module that paid, or the ledger itself for `pay`.
    event Spent(bytes32 indexed lineId, address indexed payee, uint256 amount, bytes32 indexed ref, address module);
    event FundsReturned(bytes32 indexed lineId, address indexed module, uint256 amount, bytes32 indexed ref);

    // ------------------------------------------------------------------ errors

    /// @notice An amount that must be positive was zero.
    error Ledger_ZeroAmount();
    /// @notice An address that must be set was zero.
    error Ledger_ZeroAddress();
    /// @notice Line id 0 is reserved for "none".
    error Ledger_InvalidLineId(bytes32 lineId);
    /// @notice No line has this id.
    error Ledger_UnknownLine(bytes32 lineId);
    /// @notice A line with this id exists already (closed lines included: ids are never reused).
    error Ledger_LineExists(bytes32 lineId);
    /// @notice The line is closed: it takes no new appropriation, commitment or payment.
    error Ledger_LineClosed(bytes32 lineId);
    /// @notice `reallocate` was asked to move money from a line to itself.
    error Ledger_SameLine(bytes32 lineId);
    /// @notice Not enough unallocated cash for an appropriation or a withdrawal.
    error Ledger_InsufficientUnallocated(uint256 unallocated, uint256 needed);
    /// @notice Not enough available on the line (appropriated - committed - spent).
    error Ledger_InsufficientAvailable(bytes32 lineId, uint256 available, uint256 needed);
    /// @notice The module has not committed that much on the line.
    error Ledger_InsufficientCommitment(bytes32 lineId, address module, uint256 committed, uint256 needed);
    /// @notice Fewer tokens arrived than the amount (fee-on-transfer or rebasing token).
    error Ledger_TransferShortfall(uint256 expected, uint256 received);
    /// @notice Already `max` modules hold commitments on this line.
    error Ledger_TooManyModules(bytes32 lineId, uint256 max);
    /// @notice The amount does not fit the ledger's 128-bit books.
    error Ledger_AmountTooLarge(uint256 amount);
    /// @notice The ledger cannot pay, withdraw to or book a payment to itself.
    error Ledger_InvalidRecipient(address recipient);
    /// @notice `lineIdAt` was asked for an index at or past `lineCount()`.
    error Ledger_IndexOutOfBounds(uint256 index, uint256 count);
    /// @notice `commit` arrived through the AccessManager (`execute`): the books are the caller's
    /// own, and the AccessManager holds none.
    error Ledger_RelayedCall(address authority);

    // ------------------------------------------------------------------ budget officer

    /// @notice Opens a budget line with an appropriation taken from unallocated cash.
    /// @dev BUDGET_OFFICER. Requires a new non-zero `lineId` (ids are never reused, closed lines
    /// included), `appropriation < 2^128` and `appropriation <= unallocated()` (0 opens an empty
    /// line to be funded later). Reverts `Ledger_InvalidLineId`, `Ledger_LineExists`,
    /// `Ledger_AmountTooLarge`, `Ledger_InsufficientUnallocated`. Emits `LineCreated`.
    function createLine(bytes32 lineId, uint16 fiscalYear, uint256 appropriation, string calldata label) external;

    /// @notice Adds a supplementary appropriation to an open line, out of unallocated cash.
    /// @dev BUDGET_OFFICER. Requires `amount > 0`, `amount <= unallocated()` and the new
    /// appropriation `< 2^128`. Reverts `Ledger_UnknownLine`, `Ledger_LineClosed`,
    /// `Ledger_ZeroAmount`, `Ledger_AmountTooLarge`, `Ledger_InsufficientUnallocated`.
    /// Emits `AppropriationChanged(lineId, previous, current)`.
    function increaseAppropriation(bytes32 lineId, uint256 amount) external;

    /// @notice Reduces an open line's appropriation; never below committed + spent. The amount
    /// becomes unallocated.
    /// @dev BUDGET_OFFICER. Requires `0 < amount <= available(lineId)`. Reverts
    /// `Ledger_UnknownLine`, `Ledger_LineClosed`, `Ledger_ZeroAmount`,
    /// `Ledger_InsufficientAvailable`. Emits `AppropriationChanged(lineId, previous, current)`.
    function decreaseAppropriation(bytes32 lineId, uint256 amount) external;

    /// @notice Moves available money from one open line to another.
    /// @dev BUDGET_OFFICER. Requires two different open lines and
    /// `0 < amount <= available(fromLineId)`. Reverts `Ledger_SameLine`, `Ledger_UnknownLine`,
    /// `Ledger_LineClosed`, `Ledger_ZeroAmount`, `Ledger_InsufficientAvailable`,
    /// `Ledger_AmountTooLarge`. Emits `Reallocated`.
    function reallocate(bytes32 fromLineId, bytes32 toLineId, uint256 amount, bytes32 reason) external;

    /// @notice Closes a line at year end: its available rest lapses to unallocated cash, its
    /// appropriation becomes committed + spent, and open commitments stay spendable (and
    /// returnable: a return then lowers committed and appropriated together and the cash becomes
    /// unallocated). A closed line takes no new appropriation, commitment or payment.
    /// @dev BUDGET_OFFICER; works while paused. Reverts `Ledger_UnknownLine`, `Ledger_LineClosed`.
    /// Emits `LineClosed(lineId, lapsed)`.
    function closeLine(bytes32 lineId) external;

    /// @notice Direct expenditure from an open line to `payee`.
    /// @dev BUDGET_OFFICER; paused when the ledger is paused. Requires
    /// `0 < amount <= available(lineId)` and a payee other than zero and the ledger. Reverts
    /// `Ledger_UnknownLine`, `Ledger_LineClosed`, `Ledger_ZeroAddress`, `Ledger_InvalidRecipient`,
    /// `Ledger_ZeroAmount`, `Ledger_InsufficientAvailable`. Emits `Spent` with the ledger as
    /// module.
    function pay(bytes32 lineId, address payee, uint256 amount, bytes32 ref) external;

    // ------------------------------------------------------------------ anyone / admin

    /// @notice Pulls `amount` tokens from the caller into unallocated cash (revenue, fees,
    /// grants).
    /// @dev Anyone; paused when the ledger is paused; the caller approves first. Reverts
    /// `Ledger_ZeroAmount`, and `Ledger_TransferShortfall(expected, received)` when fewer tokens
    /// arrive than `amount` (fee-on-transfer or rebasing token). Emits `Deposited`.
    function deposit(uint256 amount, bytes32 ref) external;

    /// @notice Sends unallocated cash to `to`. Appropriated and committed money can never be
    /// withdrawn: to take money off a line, the budget officer first decreases or closes it.
    /// @dev ADMIN; paused when the ledger is paused. Requires `0 < amount <= unallocated()` and a
    /// recipient other than zero and the ledger. Reverts `Ledger_ZeroAddress`,
    /// `Ledger_InvalidRecipient`, `Ledger_ZeroAmount`, `Ledger_InsufficientUnallocated`.
    /// Emits `Withdrawn`.
    function withdrawUnallocated(address to, uint256 amount, bytes32 ref) external;

    // ------------------------------------------------------------------ modules

    /// @notice Commits `amount` of an open line to the calling module and sends it the tokens.
    /// @dev LEDGER_CLIENT, calling itself (a call relayed by the AccessManager reverts
    /// `Ledger_RelayedCall`: the AccessManager never holds books); paused when the ledger is
    /// paused. Requires `0 < amount <= available(lineId)`; at most 16 modules hold books on one
    /// line. Reverts `Ledger_UnknownLine`, `Ledger_LineClosed`, `Ledger_ZeroAmount`,
    /// `Ledger_InsufficientAvailable`, `Ledger_TooManyModules`. Emits `Committed`.
    function commit(bytes32 lineId, uint256 amount, bytes32 ref) external;

    /// @notice Books a payment the calling module already made to `payee` out of its own
    /// commitment on the line (also on a closed line). A module can never spend another
    /// module's commitment.
    /// @dev No role: the caller's own commitment (`committedBy(lineId, msg.sender)`) is the limit,
    /// so a module whose LEDGER_CLIENT was revoked still pays out what it holds. Paused when the
    /// ledger is paused. Requires `0 < amount <= committedBy(lineId, msg.sender)` and a payee
    /// other than zero and the ledger.
    /// Reverts `Ledger_ZeroAddress`, `Ledger_InvalidRecipient`, `Ledger_ZeroAmount`,
    /// `Ledger_InsufficientCommitment`. Emits `Spent` with the calling module.
    function recordSpend(bytes32 lineId, address payee, uint256 amount, bytes32 ref) external;

    /// @notice Pulls unspent committed tokens back from the calling module (which approves the
    /// ledger first). On an open line they become available again; on a closed line they lower
    /// committed and appropriated together and become unallocated.
    /// @dev No role: the caller's own commitment is the limit, so revoking a module's
    /// LEDGER_CLIENT never strands the money it holds. Never paused. Requires
    /// `0 < amount <= committedBy(lineId, msg.sender)`.
    /// Reverts `Ledger_ZeroAmount`, `Ledger_InsufficientCommitment`, and
    /// `Ledger_TransferShortfall(expected, received)` when fewer tokens arrive than `amount`.
    /// Emits `FundsReturned`.
    function returnFunds(bytes32 lineId, uint256 amount, bytes32 ref) external;

    // ------------------------------------------------------------------ views

    /// @notice The settlement token.
    function token() external view returns (address);

    /// @notice A line's books. Reverts with `Ledger_UnknownLine` for an unknown id.
    function getLine(bytes32 lineId) external view returns (Line memory);

    /// @notice appropriated - committed - spent; 0 once closed. Unknown id reverts
    /// (`Ledger_UnknownLine`).
    function available(bytes32 lineId) external view returns (uint256);

    /// @notice What `module` has committed and not yet spent or returned on the line (0 for an
    /// unknown line or module).
    function committedBy(bytes32 lineId, address module) external view returns (uint256);

    /// @notice Token balance minus the sum of available over open lines: the cash that may be
    /// appropriated or withdrawn. Tokens sent without `deposit` count here.
    /// @dev Reverts `ReentrancyGuardReentrantCall` when read in the middle of one of the ledger's
    /// own operations (from a token's transfer hook), where the balance is in flight.
    function unallocated() external view returns (uint256);

    /// @notice Every line ever created, closed ones included.
    function lineCount() external view returns (uint256);

    /// @notice The id of the `index`-th line created (0-based). Reverts
    /// `Ledger_IndexOutOfBounds(index, lineCount())` past the end.
    function lineIdAt(uint256 index) external view returns (bytes32);
}
