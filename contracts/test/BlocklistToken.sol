// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MockToken} from "./MockToken.sol";

/// @title BlocklistToken
/// @notice Test token with a blocklist (like USDC): transfers from or to a blocked address
/// revert. Anyone may block or unblock in this mock.
contract BlocklistToken is MockToken {
    mapping(address account => bool) public blocked;

    error BlocklistToken_Blocked(address account);

    constructor() MockToken("Blocklist USD", "bUSD", 6) {}

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert BlocklistToken_Blocked(from);
        if (blocked[to]) revert BlocklistToken_Blocked(to);
        super._update(from, to, value);
    }
}
