// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICitizenAccountFactory
/// @notice Creates citizens' ERC-4337 smart accounts (`CitizenAccount`: one ECDSA owner key,
/// ERC-7821 batch execution) for wallets without EIP-7702, as minimal clones at addresses known
/// before they exist, so that a citizen can receive a subsidy or be named in a roster first and
/// deploy the account in its first (sponsored) user operation (`initCode` = this factory +
/// `createAccount(owner, salt)`).
/// @dev Anyone may create the account of any owner: the address depends on (owner, salt) only,
/// and only the owner's key can use it.
interface ICitizenAccountFactory {
    /// @notice An account for `owner` was created at `account`.
    event AccountCreated(address indexed account, address indexed owner, uint256 salt);

    /// @notice The owner must be set.
    error AccountFactory_ZeroOwner();

    /// @notice Creates the account of (`owner`, `salt`) unless it exists; returns its address
    /// either way (the EntryPoint's SenderCreator calls it from `initCode`). Emits
    /// `AccountCreated` when it creates one. Reverts `AccountFactory_ZeroOwner` for a zero owner.
    function createAccount(address owner, uint256 salt) external returns (address account);

    /// @notice The address of the account of (`owner`, `salt`), created or not.
    function accountAddress(address owner, uint256 salt) external view returns (address);

    /// @notice The account implementation the clones delegate to.
    function implementation() external view returns (address);
}
