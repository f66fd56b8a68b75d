// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISubsidyDisbursement} from "../interfaces/ISubsidyDisbursement.sol";

/// @dev A subsidy programme's state word: what claims and outcomes read and write, in one slot.
///
/// Layout, from the least significant bit:
/// 128 bits remaining | 40 bits opensAt | 40 bits closesAt | 8 bits kind | 1 bit closed | 39 bits empty
///
/// remaining: what the programme may still pay (token units); the low field, so that a payout of
///   `amount <= remaining` is a plain subtraction of the word.
/// opensAt, closesAt: the window (unix seconds); a programme exists iff closesAt != 0 (creation
///   requires closesAt > now).
/// kind: an `ISubsidyDisbursement.ProgramKind`.
/// closed: set by `closeProgram`; the remaining field stays, so that paid = budget - remaining.
type ProgramState is uint256;

using ProgramStateLibrary for ProgramState global;

/// @title ProgramStateLibrary
/// @notice Getters and the few transitions of the packed `ProgramState` (the model: Uniswap v4's
/// `Slot0`), and the one place a programme's status is derived.
library ProgramStateLibrary {
    uint256 internal constant REMAINING_MASK = type(uint128).max;
    uint256 internal constant TIME_MASK = type(uint40).max;
    uint8 internal constant OPENS_AT_OFFSET = 128;
    uint8 internal constant CLOSES_AT_OFFSET = 168;
    uint8 internal constant KIND_OFFSET = 208;
    uint256 internal constant CLOSED_FLAG = 1 << 216;

    // ================================================================== status

    /// @notice The one place a programme's status is derived, from its word and the clock.
    function status(ProgramState state) internal view returns (ISubsidyDisbursement.ProgramStatus) {
        uint64 closesAt_ = closesAt(state);
        if (closesAt_ == 0) return ISubsidyDisbursement.ProgramStatus.None;
        if (closed(state)) return ISubsidyDisbursement.ProgramStatus.Closed;
        if (block.timestamp < opensAt(state)) return ISubsidyDisbursement.ProgramStatus.Scheduled;
        if (block.timestamp < closesAt_) return ISubsidyDisbursement.ProgramStatus.Open;
        return ISubsidyDisbursement.ProgramStatus.Ended;
    }

    /// @notice `status(state) == Open && kind(state) == kind_` in one pass: the hot path's form
    /// (kind and closed flag are the word's top bits; now < closesAt implies the programme exists).
    function isOpenFor(ProgramState state, ISubsidyDisbursement.ProgramKind kind_) internal view returns (bool) {
        uint256 word = ProgramState.unwrap(state);
        return
            word >> KIND_OFFSET == uint256(kind_) &&
            block.timestamp >= ((word >> OPENS_AT_OFFSET) & TIME_MASK) &&
            block.timestamp < ((word >> CLOSES_AT_OFFSET) & TIME_MASK);
    }

    // ================================================================== constructor

    /// @notice A new programme's word. The caller checked `remaining < 2^128` and
    /// `opensAt < closesAt < 2^40`.
    function pack(
        uint256 remaining_,
        uint64 opensAt_,
        uint64 closesAt_,
        ISubsidyDisbursement.ProgramKind kind_
    ) internal pure returns (ProgramState) {
        return
            ProgramState.wrap(
                remaining_ |
                    (uint256(opensAt_) << OPENS_AT_OFFSET) |
                    (uint256(closesAt_) << CLOSES_AT_OFFSET) |
                    (uint256(kind_) << KIND_OFFSET)
            );
    }

    // ================================================================== getters

    function remaining(ProgramState state) internal pure returns (uint256) {
        return ProgramState.unwrap(state) & REMAINING_MASK;
    }

    function opensAt(ProgramState state) internal pure returns (uint64) {
        return uint64((ProgramState.unwrap(state) >> OPENS_AT_OFFSET) & TIME_MASK);
    }

    function closesAt(ProgramState state) internal pure returns (uint64) {
        return uint64((ProgramState.unwrap(state) >> CLOSES_AT_OFFSET) & TIME_MASK);
    }

    function kind(ProgramState state) internal pure returns (ISubsidyDisbursement.ProgramKind) {
        return ISubsidyDisbursement.ProgramKind(uint8(ProgramState.unwrap(state) >> KIND_OFFSET));
    }

    function closed(ProgramState state) internal pure returns (bool) {
        return ProgramState.unwrap(state) & CLOSED_FLAG != 0;
    }

    function exists(ProgramState state) internal pure returns (bool) {
        return closesAt(state) != 0;
    }

    // ================================================================== transitions

    /// @notice The word after paying `amount`, which must be at most `remaining`: only the
    /// remaining field changes.
    function minus(ProgramState state, uint256 amount) internal pure returns (ProgramState) {
        unchecked {
            return ProgramState.wrap(ProgramState.unwrap(state) - amount);
        }
    }

    /// @notice The word with the closed flag set.
    function withClosed(ProgramState state) internal pure returns (ProgramState) {
        return ProgramState.wrap(ProgramState.unwrap(state) | CLOSED_FLAG);
    }
}
