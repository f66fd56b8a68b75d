// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IBudgetLedger} from "../interfaces/IBudgetLedger.sol";

/// @title AuditLoadModule
/// @notice Test-only ledger client for the auditor's tests and load script: it commits from a
/// line, pays a payee out of its commitment and books the payout (`recordSpend`), returns unspent
/// funds, and `churn` books many such operations in one transaction. It needs LEDGER_CLIENT.
/// Its functions are open to anyone: never deploy it outside a test chain.
contract AuditLoadModule {
    using SafeERC20 for IERC20;

    IBudgetLedger public immutable ledger;
    IERC20 public immutable token;

    constructor(IBudgetLedger ledger_) {
        ledger = ledger_;
        token = IERC20(ledger_.token());
        // returnFunds pulls the tokens back from this module
        token.forceApprove(address(ledger_), type(uint256).max);
    }

    /// @notice Commits `amount` of `lineId` to this module.
    function commit(bytes32 lineId, uint256 amount, bytes32 ref) external {
        ledger.commit(lineId, amount, ref);
    }

    /// @notice Pays `payee` out of this module's commitment and books it on the ledger.
    function spend(bytes32 lineId, address payee, uint256 amount, bytes32 ref) external {
        token.safeTransfer(payee, amount);
        ledger.recordSpend(lineId, payee, amount, ref);
    }

    /// @notice Returns `amount` of this module's commitment on `lineId` to the ledger.
    function giveBack(bytes32 lineId, uint256 amount, bytes32 ref) external {
        ledger.returnFunds(lineId, amount, ref);
    }

    /// @notice `rounds` times: commit `amount`, pay half of it to `payee`, return the rest
    /// (three ledger events and three token transfers per round).
    function churn(bytes32 lineId, address payee, uint256 rounds, uint256 amount) external {
        uint256 half = amount / 2;
        for (uint256 i = 0; i < rounds; ++i) {
            bytes32 ref = bytes32(i);
            ledger.commit(lineId, amount, ref);
            token.safeTransfer(payee, half);
            ledger.recordSpend(lineId, payee, half, ref);
            ledger.returnFunds(lineId, amount - half, ref);
        }
    }
}
