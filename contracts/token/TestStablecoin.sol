// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestStablecoin
/// @notice A 6-decimal stablecoin with ERC-2612 permit and an open faucet, for local chains
/// and testnets only. Never deploy it where the token has value: anyone can mint.
contract TestStablecoin is ERC20, ERC20Permit {
    constructor() ERC20("Test Stablecoin", "tUSD") ERC20Permit("Test Stablecoin") {}

    /// @notice Mints `amount` to `to`. Open to anyone (a faucet).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
