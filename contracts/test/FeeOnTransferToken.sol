// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MockToken} from "./MockToken.sol";

/// @title FeeOnTransferToken
/// @notice Test token that burns 1% of every transfer between two non-zero addresses, so the
/// receiver gets less than the amount sent. civic-ledger must refuse it where tokens come in.
contract FeeOnTransferToken is MockToken {
    uint256 public constant FEE_BPS = 100; // basis points

    constructor() MockToken("Fee Token", "FEE", 6) {}

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = (value * FEE_BPS) / 10_000;
            super._update(from, address(0), fee);
            super._update(from, to, value - fee);
        } else {
            super._update(from, to, value);
        }
    }
}
