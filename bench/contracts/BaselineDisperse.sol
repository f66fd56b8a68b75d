// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title BaselineDisperse
/// @notice Benchmark baseline only: a minimal disperse-style loop that pushes tokens it holds to
/// many recipients, the per-recipient cost civic-ledger's claimBatch is set against.
contract BaselineDisperse {
    using SafeERC20 for IERC20;

    function disperse(IERC20 token, address[] calldata recipients, uint256[] calldata amounts) external {
        for (uint256 i = 0; i < recipients.length; ++i) {
            token.safeTransfer(recipients[i], amounts[i]);
        }
    }
}
