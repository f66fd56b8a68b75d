// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILedgerModule} from "./ILedgerModule.sol";

/// @title ISubsidyDisbursement
/// @notice Subsidy programmes paid out of budget lines. Two kinds:
/// - Roster: a Merkle root over `(uint256 index, address beneficiary, uint256 amount)` leaves in
///   the OpenZeppelin StandardMerkleTree format. Anyone may submit a claim; the money always goes
///   to the listed beneficiary; each index pays once.
/// - Outcome: an OUTCOME_VERIFIER records a verified quantity for a beneficiary and
///   `min(quantity * ratePerUnit, capPerBeneficiary - paidTo, remaining budget)` is paid at once.
/// Each programme commits its whole budget from its budget line when it is created
/// (`ledger.commit`), books every payout on the ledger (`ledger.recordSpend`) and returns every
/// unpaid token to the line when it is closed (`ledger.returnFunds`). The contract holds, at all
/// times, the unpaid budgets of the programmes that are not closed (`reserved()`), and beyond
/// them only tokens sent to it outside these flows: a surplus that anyone may send on to the
/// ledger as unallocated cash (`sweepSurplus`, see {ILedgerModule}).
/// @dev Privileged functions are gated by the AccessManager (`authority`); the role named in each
/// function's doc is the one the deployment maps it to. `closeProgram` asks the AccessManager
/// itself. Pause (GUARDIAN) stops programme creation (it commits money into the contract),
/// claims, batches, outcomes and sweeps; never `closeProgram` or `blockClaim`. Every ledger movement of programme `n` carries
/// `ref = bytes32(n)`. Nothing an admin can do moves a programme's money anywhere but to its
/// beneficiaries or back to its budget line; closing this contract as a target in the
/// AccessManager stops the restricted functions and a PROGRAM_MANAGER's early close, never a
/// close after `closesAt`.
interface ISubsidyDisbursement is ILedgerModule {
    // ------------------------------------------------------------------ types

    /// @notice The kind of a programme (the `kind` of events and views: 0 roster, 1 outcome).
    enum ProgramKind {
        /// Fixed entitlements listed in a Merkle tree, claimed by anyone for the beneficiary.
        Roster,
        /// Payments per verified unit of outcome, recorded by an OUTCOME_VERIFIER.
        Outcome
    }

    /// @notice Where a programme stands, derived from its stored flags and the clock.
    enum ProgramStatus {
        /// No programme has this id (the views revert with `Subsidy_UnknownProgram` instead).
        None,
        /// Created; claims and outcomes start at `opensAt`.
        Scheduled,
        /// `opensAt <= now < closesAt`: claims and outcomes are paid.
        Open,
        /// `now >= closesAt`: nothing is paid any more; anyone may close it.
        Ended,
        /// Closed: the unpaid budget went back to the budget line. Final.
        Closed
    }

    /// @notice One entry of `claimBatch`: a roster leaf and its proof.
    /// @param index The leaf's index in the roster (0-based, the CSV row order).
    /// @param beneficiary Who is paid.
    /// @param amount How much, in the token's smallest unit.
    /// @param proof The Merkle proof of the leaf, leaf's sibling first.
    struct Claim {
        uint256 index;
        address beneficiary;
        uint256 amount;
        bytes32[] proof;
    }

    /// @notice A programme as the views return it.
    /// @param kind Roster (0) or Outcome (1).
    /// @param lineId The budget line that funds it.
    /// @param budget What was committed from the line at creation.
    /// @param paid What beneficiaries received so far (budget - paid went back to the line if closed).
    /// @param opensAt First second at which claims and outcomes are paid.
    /// @param closesAt First second at which they no longer are.
    /// @param closed True once `closeProgram` ran.
    /// @param merkleRoot Roster root (0 for outcome programmes).
    /// @param ratePerUnit Payout per unit of verified outcome (0 for roster programmes).
    /// @param capPerBeneficiary Most one beneficiary may receive in all (0: no cap; 0 for rosters).
    /// @param metadataHash Hash of the programme's public documents (rules, roster publication).
    struct Program {
        ProgramKind kind;
        bytes32 lineId;
        uint256 budget;
        uint256 paid;
        uint64 opensAt;
        uint64 closesAt;
        bool closed;
        bytes32 merkleRoot;
        uint256 ratePerUnit;
        uint256 capPerBeneficiary;
        bytes32 metadataHash;
    }

    // ------------------------------------------------------------------ events (SPEC.md)

    /// @notice A programme was created and its budget committed from `lineId`.
    /// @param kind 0 roster, 1 outcome. @param merkleRoot 0 for outcome programmes.
    event ProgramCreated(
        uint256 indexed programId,
        bytes32 indexed lineId,
        uint8 kind,
        uint256 budget,
        uint64 opensAt,
        uint64 closesAt,
        bytes32 merkleRoot,
        bytes32 metadataHash
    );
    /// @notice Roster entry `index` was paid to `beneficiary` (the sender may be anyone).
    event Claimed(uint256 indexed programId, uint256 indexed index, address indexed beneficiary, uint256 amount);
    /// @notice An outcome was recorded (by the sender, an OUTCOME_VERIFIER) and `paid` sent at once.
    event OutcomeRecorded(
        uint256 indexed programId,
        address indexed beneficiary,
        uint256 quantity,
        uint256 paid,
        bytes32 evidenceHash
    );
    /// @notice Roster entry `index` can no longer be claimed (by the sender, a PROGRAM_MANAGER).
    event ClaimBlocked(uint256 indexed programId, uint256 indexed index, bytes32 reasonHash);
    /// @notice The programme was closed and `returned` went back to its budget line.
    event ProgramClosed(uint256 indexed programId, uint256 returned);

    // ------------------------------------------------------------------ errors

    /// @notice An address that must be set was zero.
    error Subsidy_ZeroAddress();
    /// @notice No programme has this id (ids start at 1).
    error Subsidy_UnknownProgram(uint256 programId);
    /// @notice The function applies to the other kind of programme.
    error Subsidy_WrongKind(uint256 programId, ProgramKind kind, ProgramKind expected);
    /// @notice A programme's budget must be positive.
    error Subsidy_ZeroBudget();
    /// @notice The budget does not fit the contract's 128-bit books.
    error Subsidy_BudgetTooLarge(uint256 budget, uint256 max);
    /// @notice `opensAt` must be before `closesAt`, and `closesAt` at most 2^40 - 1.
    error Subsidy_InvalidWindow(uint64 opensAt, uint64 closesAt);
    /// @notice `closesAt` must lie in the future.
    error Subsidy_ClosesInPast(uint64 closesAt, uint256 now);
    /// @notice The programme is in `current`; the call needs one of the statuses in `allowed`
    /// (bit `1 << status` set for each allowed status). Claims and outcomes need Open.
    error Subsidy_UnexpectedProgramStatus(uint256 programId, ProgramStatus current, bytes32 allowed);
    /// @notice A roster programme needs a non-zero Merkle root.
    error Subsidy_ZeroRoot();
    /// @notice An outcome programme needs a positive rate per unit.
    error Subsidy_ZeroRate();
    /// @notice Roster entry `index` was paid already.
    error Subsidy_AlreadyClaimed(uint256 programId, uint256 index);
    /// @notice Roster entry `index` is blocked.
    error Subsidy_ClaimBlocked(uint256 programId, uint256 index);
    /// @notice The leaf `(index, beneficiary, amount)` and the proof do not give the roster root.
    error Subsidy_InvalidProof(uint256 programId, uint256 index, address beneficiary, uint256 amount);
    /// @notice A payout may not go to this contract itself (its tokens would be counted twice).
    error Subsidy_InvalidBeneficiary(uint256 programId, address beneficiary);
    /// @notice A roster entry pays nothing (amount 0).
    error Subsidy_ZeroAmount(uint256 programId, uint256 index);
    /// @notice The claim asks for more than the programme has left.
    error Subsidy_InsufficientBudget(uint256 programId, uint256 remaining, uint256 amount);
    /// @notice `claimBatch` was given no entry.
    error Subsidy_EmptyBatch(uint256 programId);
    /// @notice `quantity * ratePerUnit` is 0: nothing to pay.
    error Subsidy_ZeroPayout(uint256 programId, address beneficiary, uint256 quantity);
    /// @notice The beneficiary has received the programme's cap already.
    error Subsidy_CapReached(uint256 programId, address beneficiary, uint256 capPerBeneficiary);
    /// @notice The programme's budget is spent.
    error Subsidy_BudgetExhausted(uint256 programId);
    /// @notice Roster entry `index` is blocked already.
    error Subsidy_AlreadyBlocked(uint256 programId, uint256 index);
    /// @notice Before `closesAt` only a PROGRAM_MANAGER may close a programme (and not while the
    /// AccessManager holds this contract closed).
    error Subsidy_CloseNotAllowed(uint256 programId, address caller, uint64 closesAt);
    /// @notice The caller holds the role only with an execution delay, which this check refuses.
    error Subsidy_ExecutionDelayed(address caller, uint64 roleId, uint32 delay);

    // ------------------------------------------------------------------ programme manager

    /// @notice Creates a roster programme and commits `budget` from `lineId` to it.
    /// @dev PROGRAM_MANAGER. Requires `merkleRoot != 0`, `0 < budget < 2^128`,
    /// `opensAt < closesAt < 2^40` and `closesAt > now` (`opensAt` may lie in the past: the
    /// programme opens at once). The line must be open with `budget` available (the ledger
    /// checks). Paused when the contract (or the ledger) is paused: it commits money into the contract.
    /// Emits `ProgramCreated` (and the ledger's `Committed`). The budget should cover the
    /// roster's total; a claim beyond what is left reverts.
    /// @return programId The new programme's id (ids start at 1).
    function createRosterProgram(
        bytes32 lineId,
        bytes32 merkleRoot,
        uint256 budget,
        uint64 opensAt,
        uint64 closesAt,
        bytes32 metadataHash
    ) external returns (uint256 programId);

    /// @notice Creates an outcome programme and commits `budget` from `lineId` to it.
    /// @dev PROGRAM_MANAGER. Requires `ratePerUnit > 0` and the budget and window rules of
    /// `createRosterProgram`. `capPerBeneficiary == 0` means no cap per beneficiary. Paused when
    /// the contract is paused. Emits `ProgramCreated` with `merkleRoot = 0`.
    /// @return programId The new programme's id.
    function createOutcomeProgram(
        bytes32 lineId,
        uint256 budget,
        uint256 ratePerUnit,
        uint256 capPerBeneficiary,
        uint64 opensAt,
        uint64 closesAt,
        bytes32 metadataHash
    ) external returns (uint256 programId);

    /// @notice Blocks roster entry `index` before it is claimed (a deceased beneficiary, a fraud
    /// finding). Final: its amount returns to the line when the programme closes.
    /// @dev PROGRAM_MANAGER; also while paused, and after `closesAt` until the programme is
    /// closed. Reverts for an unknown, closed or outcome programme (`Subsidy_UnknownProgram`,
    /// `Subsidy_UnexpectedProgramStatus`, `Subsidy_WrongKind`), a claimed entry (`Subsidy_AlreadyClaimed`)
    /// or an already blocked one (`Subsidy_AlreadyBlocked`). Any index may be blocked (the
    /// contract does not know the roster's size). Emits `ClaimBlocked`.
    function blockClaim(uint256 programId, uint256 index, bytes32 reasonHash) external;

    /// @notice Closes a programme and returns its unpaid budget to the budget line.
    /// @dev Anyone once `now >= closesAt` (the second at which claims stop); before that only a
    /// PROGRAM_MANAGER without execution delay, asked of the AccessManager by the contract
    /// (`Subsidy_CloseNotAllowed`, `Subsidy_ExecutionDelayed`), calling itself (a call relayed
    /// by the AccessManager: `Module_RelayedCall`), and not while the AccessManager holds this
    /// contract closed. Never paused, not even by the ledger's pause. Reverts for an
    /// unknown or closed programme. On a budget line closed in the meantime the returned cash
    /// becomes the ledger's unallocated cash. Emits `ProgramClosed` (and the ledger's
    /// `FundsReturned` when something returns).
    function closeProgram(uint256 programId) external;

    // ------------------------------------------------------------------ beneficiaries, anyone

    /// @notice Pays roster entry `(index, beneficiary, amount)` to `beneficiary`.
    /// @dev Anyone, while the programme is Open (`opensAt <= now < closesAt`) and the contract not
    /// paused. Reverts for an unknown or outcome programme, a claimed or blocked entry, an invalid
    /// proof, a listed amount of 0, a zero beneficiary or this contract as beneficiary (a roster
    /// built elsewhere), or an amount above what the programme has left. A token that refuses the
    /// transfer (a blocklisted beneficiary) makes the claim revert. Emits `Claimed` (and the
    /// ledger's `Spent`, with `ref = bytes32(programId)`).
    function claim(
        uint256 programId,
        uint256 index,
        address beneficiary,
        uint256 amount,
        bytes32[] calldata proof
    ) external;

    /// @notice Pays many roster entries in one transaction; entries that are claimed or blocked
    /// (or repeated in the batch) are skipped, and so is an entry whose transfer the token refuses
    /// (a blocklisted beneficiary): it is not paid, stays unclaimed and emits nothing, so one such
    /// entry never stops the others. Its amount stays in the budget (claimable later, or returned
    /// at close; a PROGRAM_MANAGER may block it).
    /// @dev Anyone, while Open and not paused. Skipped entries are not checked. Reverts as a whole
    /// on an empty batch, an invalid proof, an entry `claim` would refuse for its content (amount
    /// 0, zero or this contract as beneficiary), or when the entries not skipped together ask for
    /// more than is left. Emits `Claimed` (and the ledger's `Spent`) per entry paid.
    function claimBatch(uint256 programId, Claim[] calldata claims) external;

    // ------------------------------------------------------------------ outcome verifier

    /// @notice Records a verified outcome and pays
    /// `min(quantity * ratePerUnit, capPerBeneficiary - paidTo, remaining budget)` at once.
    /// @dev OUTCOME_VERIFIER, while Open (`opensAt <= now < closesAt`) and not paused. Reverts
    /// for an unknown or roster programme, a zero beneficiary or this contract, and a payout of 0
    /// (`Subsidy_ZeroPayout`, `Subsidy_CapReached`, `Subsidy_BudgetExhausted`). A product
    /// `quantity * ratePerUnit` above 2^256 - 1 counts as unbounded (the cap and the budget
    /// still apply), so it never reverts for overflow. Emits `OutcomeRecorded` (and the ledger's
    /// `Spent`).
    /// @return paid What the beneficiary received.
    function recordOutcome(
        uint256 programId,
        address beneficiary,
        uint256 quantity,
        bytes32 evidenceHash
    ) external returns (uint256 paid);

    // ------------------------------------------------------------------ views

    /// @notice A programme. Unknown id reverts.
    function getProgram(uint256 programId) external view returns (Program memory);

    /// @notice Where a programme stands. Unknown id reverts.
    function programStatus(uint256 programId) external view returns (ProgramStatus);

    /// @notice What the programme may still pay (0 once closed). Unknown id reverts.
    function remaining(uint256 programId) external view returns (uint256);

    /// @notice Whether roster entry `index` was paid. Unknown id reverts.
    function isClaimed(uint256 programId, uint256 index) external view returns (bool);

    /// @notice Whether roster entry `index` is blocked. Unknown id reverts.
    function isBlocked(uint256 programId, uint256 index) external view returns (bool);

    /// @notice What an outcome programme paid `beneficiary` so far (0 for a roster programme,
    /// whose payouts are per index: see `isClaimed` and the `Claimed` events). Unknown id reverts.
    function paidTo(uint256 programId, address beneficiary) external view returns (uint256);

    /// @notice Programmes created so far (the highest id).
    function programCount() external view returns (uint256);

    /// @notice Programmes created and not yet closed.
    function openProgramCount() external view returns (uint256);
}
