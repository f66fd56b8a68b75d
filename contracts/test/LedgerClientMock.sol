// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IBudgetLedger} from "../interfaces/IBudgetLedger.sol";

/// @title LedgerClientMock
/// @notice Test module only: a LEDGER_CLIENT that takes commitments from the ledger, pays payees
/// out of them and books each payment with `recordSpend`, and returns unspent funds, as the
/// procurement and subsidy modules do. Open to any caller (tests drive it directly).
contract LedgerClientMock {
    using SafeERC20 for IERC20;

    IBudgetLedger public immutable ledger;
    IERC20 public immutable token;

    constructor(IBudgetLedger ledger_) {
        ledger = ledger_;
        token = IERC20(ledger_.token());
    }

    /// @notice Takes a commitment of `amount` from `lineId`.
    function commit(bytes32 lineId, uint256 amount, bytes32 ref) external {
        ledger.commit(lineId, amount, ref);
    }

    /// @notice Pays `payee` out of the commitment and books the payment.
    function payOut(bytes32 lineId, address payee, uint256 amount, bytes32 ref) external {
        token.safeTransfer(payee, amount);
        ledger.recordSpend(lineId, payee, amount, ref);
    }

    /// @notice Books a payment without making it (to probe the ledger's checks).
    function recordSpend(bytes32 lineId, address payee, uint256 amount, bytes32 ref) external {
        ledger.recordSpend(lineId, payee, amount, ref);
    }

    /// @notice Approves the ledger and returns `amount` of the commitment on `lineId`.
    function returnFunds(bytes32 lineId, uint256 amount, bytes32 ref) external {
        token.forceApprove(address(ledger), amount);
        ledger.returnFunds(lineId, amount, ref);
    }

    /// @notice Calls `returnFunds` without approving first (the ledger's pull then fails).
    function returnFundsWithoutApproval(bytes32 lineId, uint256 amount, bytes32 ref) external {
        ledger.returnFunds(lineId, amount, ref);
    }
}
