// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";

/// @title ICivicPaymaster
/// @notice The government's ERC-4337 paymaster (EntryPoint v0.8): it pays the gas of citizens'
/// user operations that call the suite's citizen-facing functions, so that a citizen with no ETH
/// can apply for a permit or claim a subsidy. A user operation is sponsored only when all of this
/// holds, checked on chain during validation:
/// - the paymaster service signed it (EIP-712 `UserOperationRequest` of OpenZeppelin's
///   PaymasterSigner over every field but the signatures, with a validity window inside one UTC
///   day); a bad signature fails with the EntryPoint's `AA34`, an expired one with `AA32`;
/// - the account's call data is an ERC-7821 / ERC-7579 batch `execute(bytes32,bytes)` whose every
///   call carries no ETH and hits a sponsored (target, selector) pair;
/// - the account exists, or its `initCode` names a sponsored factory (the citizen account
///   factory, or the EIP-7702 marker `0x7702` of a delegated EOA);
/// - its sender has used fewer than `maxOpsPerDay` sponsored operations on that day;
/// - the day's spending plus the operation's maximum cost stays within `dailyBudget` (wei).
/// Each sponsored operation reserves its maximum cost against the day's budget during
/// validation; `postOp` replaces the reservation with the actual cost and emits
/// `OperationSponsored` (who, what, the actual gas cost), so sponsorship spending is public.
/// Validation reads no clock (ERC-7562): the day is the one of the signed validity window, which
/// the EntryPoint enforces.
/// @dev Privileged functions are gated by the suite's AccessManager (`authority`): the policy,
/// the signer, the stake and withdrawals by SPONSOR_MANAGER (role 9, granted after `adminDelay`),
/// `pause`/`unpause` by GUARDIAN. The deposit and the stake can only ever go to `treasury()`, an
/// address fixed at construction: no role can send the sponsor's ETH anywhere else. Anyone may
/// fund the deposit (`fund`). The paymaster must be staked for bundlers that enforce ERC-7562
/// (it reads its own storage during validation).
interface ICivicPaymaster {
    // ------------------------------------------------------------------ types

    /// @notice The limits of the policy.
    /// @param maxOpsPerDay Most sponsored operations per sender per UTC day (0 sponsors nothing).
    /// @param dailyBudget Most wei the paymaster spends per UTC day, all senders together.
    struct Limits {
        uint32 maxOpsPerDay;
        uint128 dailyBudget;
    }

    // ------------------------------------------------------------------ events

    /// @notice The EntryPoint ran a sponsored operation of `sender` (who) calling `selector` on
    /// `target` (what: the first call of the batch; `calls` calls in all) on UTC day `day`.
    /// @param userOpHash The operation's hash (its `UserOperationEvent` carries the same).
    /// @param actualGasCost Wei charged for the operation as the EntryPoint reports it to
    /// `postOp` (everything but `postOp` itself and the unused-gas penalty, which the
    /// `UserOperationEvent` of the same transaction includes in its final `actualGasCost`).
    /// @param actualUserOpFeePerGas The gas price the operation paid.
    /// @param succeeded False when the account's calls reverted (the gas is paid all the same).
    event OperationSponsored(
        address indexed sender,
        address indexed target,
        uint256 indexed day,
        bytes4 selector,
        uint256 calls,
        bytes32 userOpHash,
        uint256 actualGasCost,
        uint256 actualUserOpFeePerGas,
        bool succeeded
    );
    /// @notice `selector` on `target` is now sponsored (`sponsored` true) or no longer (false).
    event SponsoredCallSet(address indexed target, bytes4 indexed selector, bool sponsored);
    /// @notice Operations whose `initCode` names `factory` are now sponsored or no longer.
    event SponsoredFactorySet(address indexed factory, bool sponsored);
    /// @notice The limits changed from `previous` to `current`.
    event LimitsSet(Limits previous, Limits current);
    /// @notice The paymaster service's signing address changed.
    event SignerSet(address indexed previous, address indexed current);
    /// @notice `from` added `amount` wei to the paymaster's EntryPoint deposit.
    event Funded(address indexed from, uint256 amount);
    /// @notice `amount` wei of the deposit went back to the treasury (by the sender, a SPONSOR_MANAGER).
    event DepositWithdrawn(address indexed treasury, uint256 amount);
    /// @notice `amount` wei were added to the stake, locked for `unstakeDelaySec` after an unlock.
    event StakeAdded(uint256 amount, uint32 unstakeDelaySec);
    /// @notice The stake was unlocked: it can be withdrawn to the treasury after the unstake delay.
    event StakeUnlocked();
    /// @notice The stake went back to the treasury.
    event StakeWithdrawn(address indexed treasury);

    // ------------------------------------------------------------------ errors

    /// @notice An address that must be set was zero.
    error Paymaster_ZeroAddress();
    /// @notice An amount that must be positive was zero.
    error Paymaster_ZeroAmount();
    /// @notice The account's call data is not an ERC-7821 `execute(bytes32,bytes)` call.
    error Paymaster_UnsupportedAccountCall(bytes4 selector);
    /// @notice The `execute` mode is not a plain batch (call type 0x01, default exec type, no op data).
    error Paymaster_UnsupportedExecutionMode(bytes32 mode);
    /// @notice The batch is empty or longer than `max` calls.
    error Paymaster_BatchSize(uint256 calls, uint256 max);
    /// @notice A call of the batch is not a sponsored (target, selector) pair (`selector` is 0
    /// for a call with less than 4 bytes of data).
    error Paymaster_CallNotSponsored(address target, bytes4 selector);
    /// @notice A call of the batch sends ETH; sponsored calls never do.
    error Paymaster_ValueNotSponsored(address target, uint256 value);
    /// @notice The `initCode` names a factory (or 7702 marker) that is not sponsored.
    error Paymaster_FactoryNotSponsored(address factory);
    /// @notice The signed validity window is empty, open-ended or not inside one UTC day.
    error Paymaster_InvalidWindow(uint48 validAfter, uint48 validUntil);
    /// @notice `sender` already used its `maxOpsPerDay` sponsored operations on `day`.
    error Paymaster_QuotaExceeded(address sender, uint256 day, uint256 used, uint256 maxOpsPerDay);
    /// @notice `maxCost` more on top of `spent` would exceed the day's budget.
    error Paymaster_BudgetExceeded(uint256 day, uint256 spent, uint256 maxCost, uint256 dailyBudget);

    // ------------------------------------------------------------------ funding (anyone)

    /// @notice Adds `msg.value` to the paymaster's EntryPoint deposit, out of which gas is paid.
    /// Anyone may fund; the treasury normally does. Emits `Funded`. Works while paused.
    function fund() external payable;

    // ------------------------------------------------------------------ policy (SPONSOR_MANAGER)

    /// @notice Sponsors (`sponsored` true) or stops sponsoring each of `selectors` on `target`.
    /// Only a SPONSOR_MANAGER. Emits `SponsoredCallSet` per selector, also when nothing changes.
    /// Reverts `Paymaster_ZeroAddress` for a zero target.
    function setSponsoredCalls(address target, bytes4[] calldata selectors, bool sponsored) external;

    /// @notice Sponsors or stops sponsoring operations that deploy their account through
    /// `factory` (`initCode`'s first 20 bytes, zero-padded: `0x7702000000000000000000000000000000000000`
    /// for an EIP-7702 delegation, whether its `initCode` is `0x7702` or the 20-byte marker).
    /// Only a SPONSOR_MANAGER. Emits `SponsoredFactorySet`.
    function setSponsoredFactory(address factory, bool sponsored) external;

    /// @notice Sets the operations per sender per day and the daily budget in wei; from now on
    /// for every day, the current one included (what was spent today stays counted). Only a
    /// SPONSOR_MANAGER. Emits `LimitsSet` with the old and new limits.
    function setLimits(Limits calldata limits) external;

    /// @notice Sets the paymaster service's signing address (a compromised key is replaced here;
    /// operations signed by the old key are refused from the next block on). Only a
    /// SPONSOR_MANAGER. Emits `SignerSet`. Reverts `Paymaster_ZeroAddress` for zero.
    function setSigner(address newSigner) external;

    // ------------------------------------------------------------------ money out (SPONSOR_MANAGER, to the treasury only)

    /// @notice Sends `amount` wei of the EntryPoint deposit to `treasury()`. Only a
    /// SPONSOR_MANAGER; works while paused. Emits `DepositWithdrawn`. Reverts
    /// `Paymaster_ZeroAmount` for 0; the EntryPoint reverts for more than the deposit.
    function withdrawDeposit(uint256 amount) external;

    /// @notice Stakes `msg.value` in the EntryPoint with `unstakeDelaySec` (ERC-7562 bundlers
    /// need a staked paymaster). Only a SPONSOR_MANAGER. Emits `StakeAdded`.
    function addStake(uint32 unstakeDelaySec) external payable;

    /// @notice Starts the unstake delay. Only a SPONSOR_MANAGER. Emits `StakeUnlocked`.
    function unlockStake() external;

    /// @notice Sends the unlocked stake to `treasury()` once its delay passed. Only a
    /// SPONSOR_MANAGER. Emits `StakeWithdrawn`.
    function withdrawStake() external;

    // ------------------------------------------------------------------ emergency (GUARDIAN)

    /// @notice Stops all sponsorship (validation reverts `EnforcedPause`). Only a GUARDIAN.
    /// Funding and withdrawals to the treasury keep working.
    function pause() external;

    /// @notice Lifts a pause. Only a GUARDIAN.
    function unpause() external;

    // ------------------------------------------------------------------ views

    /// @notice Where the deposit and the stake can go, fixed at construction (the treasury's
    /// ETH account: the address that holds ADMIN when the paymaster is deployed, normally).
    function treasury() external view returns (address);

    /// @notice Whether `selector` on `target` is sponsored.
    function isSponsoredCall(address target, bytes4 selector) external view returns (bool);

    /// @notice Whether operations deploying their account through `factory` are sponsored.
    function isSponsoredFactory(address factory) external view returns (bool);

    /// @notice The current limits.
    function limits() external view returns (Limits memory);

    /// @notice How many sponsored operations `sender` used on UTC day `day` (`timestamp / 86400`).
    function opsOf(address sender, uint256 day) external view returns (uint256);

    /// @notice Wei spent on day `day`: actual costs of finished operations, plus the maximum
    /// cost of any validated in a transaction still running.
    function spentOn(uint256 day) external view returns (uint256);

    /// @notice The paymaster's EntryPoint deposit in wei.
    function deposit() external view returns (uint256);

    /// @notice Checks `userOp` against the policy for `day`, as validation does, with
    /// `maxCost` in wei: returns the first call's target and selector and the number of calls,
    /// or reverts with the error validation would raise. The signature is not checked. For the
    /// paymaster service, which signs only what passes.
    function checkOperation(
        PackedUserOperation calldata userOp,
        uint256 maxCost,
        uint256 day
    ) external view returns (address target, bytes4 selector, uint256 calls);

    /// @notice The EIP-712 hash the paymaster service signs for `userOp` and its window.
    function signableHash(
        PackedUserOperation calldata userOp,
        uint48 validAfter,
        uint48 validUntil
    ) external view returns (bytes32);
}
