// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Account} from "@openzeppelin/contracts/account/Account.sol";
import {ERC7821} from "@openzeppelin/contracts/account/extensions/draft-ERC7821.sol";
import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ERC721Holder} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Holder.sol";
import {SignerECDSA} from "@openzeppelin/contracts/utils/cryptography/signers/SignerECDSA.sol";

/// @title CitizenAccount
/// @notice A citizen's ERC-4337 smart account for wallets without EIP-7702: OpenZeppelin's
/// Account with one ECDSA owner key (SignerECDSA) and ERC-7821 batch execution, used through
/// minimal clones made by `CitizenAccountFactory`. The EntryPoint (or the account itself) runs
/// `execute(mode, calls)`; the owner signs the EntryPoint v0.8 user operation hash as it is.
/// @dev The implementation itself has no owner and can never be used (initializers disabled).
contract CitizenAccount is Account, SignerECDSA, ERC7821, ERC721Holder, ERC1155Holder, Initializable {
    IEntryPoint private immutable _entryPoint;

    /// @notice The owner must be set.
    error CitizenAccount_ZeroOwner();

    /// @param entryPoint_ The EntryPoint v0.8 the clones accept user operations from.
    constructor(IEntryPoint entryPoint_) SignerECDSA(address(0)) {
        _entryPoint = entryPoint_;
        _disableInitializers();
    }

    /// @notice Sets the owner of a new clone; once (the factory calls it at creation).
    function initialize(address owner) external initializer {
        if (owner == address(0)) revert CitizenAccount_ZeroOwner();
        _setSigner(owner);
    }

    /// @inheritdoc Account
    function entryPoint() public view override returns (IEntryPoint) {
        return _entryPoint;
    }

    /// @dev The EntryPoint may execute, besides the account itself.
    function _erc7821AuthorizedExecutor(
        address caller,
        bytes32 mode,
        bytes calldata executionData
    ) internal view override returns (bool) {
        return caller == address(entryPoint()) || super._erc7821AuthorizedExecutor(caller, mode, executionData);
    }
}
