// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Roles
/// @notice The AccessManager role ids of civic-ledger (SPEC.md, "Roles"). One source of truth:
/// contracts, the Ignition module, the tasks and the tests all use these values.
library Roles {
    /// @notice Treasury multisig or timelock: the AccessManager's own admin role.
    uint64 internal constant ADMIN = 0;
    /// @notice Ministry of finance: budget lines, appropriations, direct payments.
    uint64 internal constant BUDGET_OFFICER = 1;
    /// @notice Procurement office: tenders and agreements.
    uint64 internal constant PROCUREMENT_OFFICER = 2;
    /// @notice Independent inspectors: milestone sign-off.
    uint64 internal constant INSPECTOR = 3;
    /// @notice Licensing office: permit types, suspension, revocation.
    uint64 internal constant PERMIT_OFFICER = 4;
    /// @notice Benefits agency: subsidy programmes.
    uint64 internal constant PROGRAM_MANAGER = 5;
    /// @notice Agency that verifies outcomes (for example a crop-yield record).
    uint64 internal constant OUTCOME_VERIFIER = 6;
    /// @notice Emergency pause.
    uint64 internal constant GUARDIAN = 7;
    /// @notice The module contracts that take commitments from the ledger.
    uint64 internal constant LEDGER_CLIENT = 8;
    /// @notice Gas sponsorship: the paymaster's policy, signer, stake and withdrawals to the treasury.
    uint64 internal constant SPONSOR_MANAGER = 9;
    /// @notice Lowest id of a compliance check role (fire safety, zoning, ...).
    uint64 internal constant MIN_CHECK_ROLE = 100;
    /// @notice Highest id of a compliance check role (2^64 - 2; 2^64 - 1 is PUBLIC_ROLE).
    uint64 internal constant MAX_CHECK_ROLE = type(uint64).max - 1;
}
