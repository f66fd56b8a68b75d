// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MockToken} from "../../contracts/test/MockToken.sol";

/// @title FeeSwitchToken
/// @notice Test token that behaves like a plain token until `setFeeOn(true)`, then burns 1 % of
/// every transfer between two non-zero addresses (as contracts/test/FeeOnTransferToken does).
/// It lets a test fund a line and open a tender first, then show that a bond arriving short is
/// refused.
contract FeeSwitchToken is MockToken {
    uint256 public constant FEE_BPS = 100; // basis points
    bool public feeOn;

    constructor() MockToken("Fee Switch USD", "fsUSD", 6) {}

    function setFeeOn(bool on) external {
        feeOn = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (feeOn && from != address(0) && to != address(0)) {
            uint256 fee = (value * FEE_BPS) / 10_000;
            super._update(from, address(0), fee);
            super._update(from, to, value - fee);
        } else {
            super._update(from, to, value);
        }
    }
}
