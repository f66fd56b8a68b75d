// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MockToken} from "./MockToken.sol";

/// @title ReentrantToken
/// @notice Test token that, once armed, calls `hookTarget` with `data` in the middle of its next
/// transfer (before balances move), as a malicious or hook-bearing token would. The outcome of
/// the re-entering call is recorded, never bubbled up, so a test can assert it was refused.
contract ReentrantToken is MockToken {
    address public hookTarget;
    bytes public data;
    bool public armed;
    bool public lastReentrySucceeded;
    bytes public lastReentryResult;
    uint256 public reentryCount;

    constructor() MockToken("Reentrant USD", "rUSD", 6) {}

    /// @notice Arms the hook: the next transfer calls `target_` with `data_` once.
    function arm(address target_, bytes calldata data_) external {
        hookTarget = target_;
        data = data_;
        armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (armed && from != address(0) && to != address(0)) {
            armed = false;
            reentryCount++;
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory result) = hookTarget.call(data);
            lastReentrySucceeded = ok;
            lastReentryResult = result;
        }
        super._update(from, to, value);
    }
}
