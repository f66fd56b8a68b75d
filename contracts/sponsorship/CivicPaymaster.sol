// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {IERC7821} from "@openzeppelin/contracts/interfaces/draft-IERC7821.sol";
import {Paymaster} from "@openzeppelin/contracts/account/paymaster/Paymaster.sol";
import {PaymasterSigner} from "@openzeppelin/contracts/account/paymaster/extensions/PaymasterSigner.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";
import {
    ERC7579Utils,
    Execution,
    Mode,
    CallType,
    ExecType,
    ModeSelector
} from "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignerECDSA} from "@openzeppelin/contracts/utils/cryptography/signers/SignerECDSA.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {ICivicPaymaster} from "../interfaces/ICivicPaymaster.sol";

/// @title CivicPaymaster
/// @notice Sponsors the gas of citizens' user operations that call the suite's citizen-facing
/// functions, within a per-sender daily quota and a daily budget. See {ICivicPaymaster}.
/// @dev OpenZeppelin's PaymasterSigner (EIP-712 signature of the paymaster service, ECDSA) for
/// EntryPoint v0.8. Storage: the limits (one slot), the sponsored pairs and factories, each
/// sender's usage of its last day (one slot, keyed by the sender: ERC-7562 associated storage),
/// and the spending per day.
contract CivicPaymaster is ICivicPaymaster, PaymasterSigner, SignerECDSA, AccessManaged, Pausable {
    using ERC7579Utils for Mode;

    // ================================================================== types

    /// A sender's sponsored operations on its last sponsored day.
    struct Usage {
        uint64 day;
        uint32 ops;
    }

    /// What validation hands to postOp.
    struct Sponsored {
        address sender;
        bytes32 userOpHash;
        uint256 day;
        uint256 maxCost;
        address target;
        bytes4 selector;
        uint256 calls;
    }

    // ================================================================== constants

    uint256 private constant DAY = 1 days; // seconds
    /// Most calls in one sponsored batch.
    uint256 public constant MAX_CALLS = 8;

    // ================================================================== storage

    IEntryPoint private immutable _entryPoint;
    address private immutable _treasury;

    Limits private _limits;
    mapping(address target => mapping(bytes4 selector => bool)) private _sponsoredCall;
    mapping(address factory => bool) private _sponsoredFactory;
    mapping(address sender => Usage) private _usage;
    mapping(uint256 day => uint256 wei_) private _spent;

    // ================================================================== constructor

    /// @param authority The suite's AccessManager.
    /// @param entryPoint_ The EntryPoint v0.8.
    /// @param signer_ The paymaster service's signing address.
    /// @param treasury_ Where the deposit and the stake can go (fixed for good).
    /// @param limits_ The first limits.
    /// @param targets With `selectors`: the (target, selector) pairs sponsored from the start.
    /// @param factories Factories (and the EIP-7702 marker) sponsored from the start.
    constructor(
        address authority,
        IEntryPoint entryPoint_,
        address signer_,
        address treasury_,
        Limits memory limits_,
        address[] memory targets,
        bytes4[] memory selectors,
        address[] memory factories
    ) EIP712("CivicPaymaster", "1") SignerECDSA(signer_) AccessManaged(authority) {
        if (address(entryPoint_) == address(0) || signer_ == address(0) || treasury_ == address(0)) {
            revert Paymaster_ZeroAddress();
        }
        if (targets.length != selectors.length) revert Paymaster_BatchSize(selectors.length, targets.length);
        _entryPoint = entryPoint_;
        _treasury = treasury_;
        _limits = limits_;
        emit SignerSet(address(0), signer_);
        emit LimitsSet(Limits(0, 0), limits_);
        for (uint256 i; i < targets.length; ++i) {
            if (targets[i] == address(0)) revert Paymaster_ZeroAddress();
            _sponsoredCall[targets[i]][selectors[i]] = true;
            emit SponsoredCallSet(targets[i], selectors[i], true);
        }
        for (uint256 i; i < factories.length; ++i) {
            _sponsoredFactory[factories[i]] = true;
            emit SponsoredFactorySet(factories[i], true);
        }
    }

    // ================================================================== funding

    /// @inheritdoc ICivicPaymaster
    function fund() external payable {
        if (msg.value == 0) revert Paymaster_ZeroAmount();
        emit Funded(msg.sender, msg.value);
        _deposit(msg.value);
    }

    // ================================================================== policy (SPONSOR_MANAGER)

    /// @inheritdoc ICivicPaymaster
    function setSponsoredCalls(address target, bytes4[] calldata selectors, bool sponsored) external restricted {
        if (target == address(0)) revert Paymaster_ZeroAddress();
        for (uint256 i; i < selectors.length; ++i) {
            _sponsoredCall[target][selectors[i]] = sponsored;
            emit SponsoredCallSet(target, selectors[i], sponsored);
        }
    }

    /// @inheritdoc ICivicPaymaster
    function setSponsoredFactory(address factory, bool sponsored) external restricted {
        _sponsoredFactory[factory] = sponsored;
        emit SponsoredFactorySet(factory, sponsored);
    }

    /// @inheritdoc ICivicPaymaster
    function setLimits(Limits calldata limits_) external restricted {
        Limits memory previous = _limits;
        _limits = limits_;
        emit LimitsSet(previous, limits_);
    }

    /// @inheritdoc ICivicPaymaster
    function setSigner(address newSigner) external restricted {
        if (newSigner == address(0)) revert Paymaster_ZeroAddress();
        address previous = signer();
        _setSigner(newSigner);
        emit SignerSet(previous, newSigner);
    }

    // ================================================================== money out (to the treasury only)

    /// @inheritdoc ICivicPaymaster
    function withdrawDeposit(uint256 amount) external restricted {
        if (amount == 0) revert Paymaster_ZeroAmount();
        emit DepositWithdrawn(_treasury, amount);
        _withdraw(payable(_treasury), amount);
    }

    /// @inheritdoc ICivicPaymaster
    function addStake(uint32 unstakeDelaySec) external payable restricted {
        if (msg.value == 0) revert Paymaster_ZeroAmount();
        emit StakeAdded(msg.value, unstakeDelaySec);
        _addStake(msg.value, unstakeDelaySec);
    }

    /// @inheritdoc ICivicPaymaster
    function unlockStake() external restricted {
        emit StakeUnlocked();
        _unlockStake();
    }

    /// @inheritdoc ICivicPaymaster
    function withdrawStake() external restricted {
        emit StakeWithdrawn(_treasury);
        _withdrawStake(payable(_treasury));
    }

    // ================================================================== emergency (GUARDIAN)

    /// @inheritdoc ICivicPaymaster
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc ICivicPaymaster
    function unpause() external restricted {
        _unpause();
    }

    // ================================================================== views

    /// @inheritdoc ICivicPaymaster
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc ICivicPaymaster
    function isSponsoredCall(address target, bytes4 selector) external view returns (bool) {
        return _sponsoredCall[target][selector];
    }

    /// @inheritdoc ICivicPaymaster
    function isSponsoredFactory(address factory) external view returns (bool) {
        return _sponsoredFactory[factory];
    }

    /// @inheritdoc ICivicPaymaster
    function limits() external view returns (Limits memory) {
        return _limits;
    }

    /// @inheritdoc ICivicPaymaster
    function spentOn(uint256 day) external view returns (uint256) {
        return _spent[day];
    }

    /// @inheritdoc ICivicPaymaster
    function deposit() external view returns (uint256) {
        return _entryPoint.balanceOf(address(this));
    }

    /// @inheritdoc ICivicPaymaster
    function checkOperation(
        PackedUserOperation calldata userOp,
        uint256 maxCost,
        uint256 day
    ) external view whenNotPaused returns (address target, bytes4 selector, uint256 calls) {
        (target, selector, calls, ) = _check(userOp, maxCost, day);
    }

    /// @inheritdoc ICivicPaymaster
    function signableHash(
        PackedUserOperation calldata userOp,
        uint48 validAfter,
        uint48 validUntil
    ) external view returns (bytes32) {
        return _signableUserOpHash(userOp, validAfter, validUntil);
    }

    /// @inheritdoc ICivicPaymaster
    function opsOf(address sender, uint256 day) public view returns (uint256) {
        Usage memory usage = _usage[sender];
        return usage.day == day ? usage.ops : 0;
    }

    /// @inheritdoc Paymaster
    function entryPoint() public view override returns (IEntryPoint) {
        return _entryPoint;
    }

    // ================================================================== internal: the EntryPoint's calls

    /// @dev Checks the policy and the window, counts the operation against the sender's quota,
    /// reserves `maxCost` against the day's budget, then lets PaymasterSigner check the service's
    /// signature (returned as validation data: a bad one fails with AA34, an expired one AA32).
    function _validatePaymasterUserOp(
        PackedUserOperation calldata userOp,
        bytes32 userOpHash,
        uint256 maxCost
    ) internal override whenNotPaused returns (bytes memory context, uint256 validationData) {
        // Checks
        (uint48 validAfter, uint48 validUntil, ) = _decodePaymasterUserOp(userOp);
        uint256 day = _dayOf(validAfter, validUntil);
        (address target, bytes4 selector, uint256 calls, uint256 used) = _check(userOp, maxCost, day);
        // Effects
        _usage[userOp.sender] = Usage({day: uint64(day), ops: uint32(used + 1)});
        _spent[day] += maxCost;
        (, validationData) = super._validatePaymasterUserOp(userOp, userOpHash, maxCost);
        context = abi.encode(Sponsored(userOp.sender, userOpHash, day, maxCost, target, selector, calls));
    }

    /// @dev Replaces the reservation with the actual cost and makes the spending public.
    function _postOp(
        PostOpMode mode,
        bytes calldata context,
        uint256 actualGasCost,
        uint256 actualUserOpFeePerGas
    ) internal override {
        Sponsored memory s = abi.decode(context, (Sponsored));
        _spent[s.day] = _spent[s.day] - s.maxCost + actualGasCost;
        emit OperationSponsored(
            s.sender,
            s.target,
            s.day,
            s.selector,
            s.calls,
            s.userOpHash,
            actualGasCost,
            actualUserOpFeePerGas,
            mode == PostOpMode.opSucceeded
        );
    }

    // ================================================================== private

    /// @dev The policy: factory, calls, quota, budget. Returns the first call, the number of
    /// calls and the sender's operations so far on `day`.
    function _check(
        PackedUserOperation calldata userOp,
        uint256 maxCost,
        uint256 day
    ) private view returns (address target, bytes4 selector, uint256 calls, uint256 used) {
        bytes calldata initCode = userOp.initCode;
        if (initCode.length != 0) {
            // The first 20 bytes, zero-padded as the EntryPoint reads them: a 2-byte `0x7702` is the
            // EIP-7702 marker too.
            address factory = address(bytes20(initCode));
            if (!_sponsoredFactory[factory]) revert Paymaster_FactoryNotSponsored(factory);
        }
        (target, selector, calls) = _checkCalls(userOp.callData);
        Limits memory limits_ = _limits;
        used = opsOf(userOp.sender, day);
        if (used >= limits_.maxOpsPerDay)
            revert Paymaster_QuotaExceeded(userOp.sender, day, used, limits_.maxOpsPerDay);
        uint256 spent = _spent[day];
        if (spent + maxCost > limits_.dailyBudget) {
            revert Paymaster_BudgetExceeded(day, spent, maxCost, limits_.dailyBudget);
        }
    }

    /// @dev Decodes `execute(bytes32 mode, bytes executionData)` of ERC-7821 in batch mode, as
    /// OpenZeppelin's ERC7821 executes it, and checks every call.
    function _checkCalls(
        bytes calldata callData
    ) private view returns (address target, bytes4 selector, uint256 calls) {
        if (callData.length < 4 || bytes4(callData[0:4]) != IERC7821.execute.selector) {
            revert Paymaster_UnsupportedAccountCall(callData.length < 4 ? bytes4(0) : bytes4(callData[0:4]));
        }
        (bytes32 mode, bytes calldata executionData) = _executeArguments(callData[4:]);
        (CallType callType, ExecType execType, ModeSelector modeSelector, ) = Mode.wrap(mode).decodeMode();
        bool batch_ =
            callType == ERC7579Utils.CALLTYPE_BATCH &&
                execType == ERC7579Utils.EXECTYPE_DEFAULT &&
                modeSelector == ModeSelector.wrap(0x00000000);
        if (!batch_) revert Paymaster_UnsupportedExecutionMode(mode);
        Execution[] calldata batch = ERC7579Utils.decodeBatch(executionData);
        calls = batch.length;
        if (calls == 0 || calls > MAX_CALLS) revert Paymaster_BatchSize(calls, MAX_CALLS);
        (target, selector) = _checkCall(batch[0]);
        for (uint256 i = 1; i < calls; ++i) _checkCall(batch[i]);
    }

    /// @dev One call of the batch: a sponsored (target, selector) pair that sends no ETH.
    function _checkCall(Execution calldata exec) private view returns (address target, bytes4 selector) {
        bytes calldata data = exec.callData;
        target = exec.target;
        selector = data.length < 4 ? bytes4(0) : bytes4(data[0:4]);
        if (!_sponsoredCall[target][selector]) revert Paymaster_CallNotSponsored(target, selector);
        if (exec.value != 0) revert Paymaster_ValueNotSponsored(target, exec.value);
    }

    /// @dev The ABI-encoded `(bytes32, bytes)` arguments of `execute`, read in place.
    function _executeArguments(bytes calldata args) private pure returns (bytes32 mode, bytes calldata executionData) {
        if (args.length < 64) revert ERC7579Utils.ERC7579DecodingError();
        mode = bytes32(args[0:32]);
        uint256 offset = uint256(bytes32(args[32:64]));
        if (offset > args.length - 32) revert ERC7579Utils.ERC7579DecodingError();
        uint256 length = uint256(bytes32(args[offset:offset + 32]));
        if (length > args.length - offset - 32) revert ERC7579Utils.ERC7579DecodingError();
        executionData = args[offset + 32:offset + 32 + length];
    }

    /// @dev The UTC day of a signed window, which must lie inside that day (timestamps only).
    function _dayOf(uint48 validAfter, uint48 validUntil) private pure returns (uint256 day) {
        day = validAfter / DAY;
        if (validUntil <= validAfter || validUntil & ERC4337Utils.BLOCK_RANGE_FLAG != 0 || validUntil / DAY != day)
            revert Paymaster_InvalidWindow(validAfter, validUntil);
    }
}
