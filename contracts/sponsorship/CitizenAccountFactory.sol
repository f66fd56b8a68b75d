// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

import {ICitizenAccountFactory} from "../interfaces/ICitizenAccountFactory.sol";
import {CitizenAccount} from "./CitizenAccount.sol";

/// @title CitizenAccountFactory
/// @notice Minimal clones of one `CitizenAccount` implementation. See {ICitizenAccountFactory}.
contract CitizenAccountFactory is ICitizenAccountFactory {
    address private immutable _implementation;

    /// @param entryPoint_ The EntryPoint v0.8 of the accounts.
    constructor(IEntryPoint entryPoint_) {
        _implementation = address(new CitizenAccount(entryPoint_));
    }

    /// @inheritdoc ICitizenAccountFactory
    function createAccount(address owner, uint256 salt) external returns (address account) {
        if (owner == address(0)) revert AccountFactory_ZeroOwner();
        account = accountAddress(owner, salt);
        if (account.code.length == 0) {
            Clones.cloneDeterministic(_implementation, _salt(owner, salt));
            CitizenAccount(payable(account)).initialize(owner);
            emit AccountCreated(account, owner, salt);
        }
    }

    /// @inheritdoc ICitizenAccountFactory
    function implementation() external view returns (address) {
        return _implementation;
    }

    /// @inheritdoc ICitizenAccountFactory
    function accountAddress(address owner, uint256 salt) public view returns (address) {
        return Clones.predictDeterministicAddress(_implementation, _salt(owner, salt));
    }

    function _salt(address owner, uint256 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }
}
