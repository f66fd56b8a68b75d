// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Account} from "@openzeppelin/contracts/account/Account.sol";
import {ERC7821} from "@openzeppelin/contracts/account/extensions/draft-ERC7821.sol";
import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ERC721Holder} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Holder.sol";
import {SignerEIP7702} from "@openzeppelin/contracts/utils/cryptography/signers/SignerEIP7702.sol";

/// @title CitizenAccount7702
/// @notice The code a citizen's own address (an EOA) delegates to with EIP-7702, so that it
/// becomes an ERC-4337 account without moving anything: OpenZeppelin's Account, signed by the
/// EOA's own key (SignerEIP7702), with ERC-7821 batch execution. The EntryPoint (or the EOA
/// itself) runs `execute(mode, calls)`; the key signs the EntryPoint v0.8 user operation hash.
/// @dev No storage: the delegating EOA keeps its own storage untouched, and a later delegation
/// elsewhere finds nothing of this contract's.
contract CitizenAccount7702 is Account, SignerEIP7702, ERC7821, ERC721Holder, ERC1155Holder {
    IEntryPoint private immutable _entryPoint;

    /// @param entryPoint_ The EntryPoint v0.8 the delegating EOAs accept user operations from.
    constructor(IEntryPoint entryPoint_) {
        _entryPoint = entryPoint_;
    }

    /// @inheritdoc Account
    function entryPoint() public view override returns (IEntryPoint) {
        return _entryPoint;
    }

    /// @dev The EntryPoint may execute, besides the EOA itself.
    function _erc7821AuthorizedExecutor(
        address caller,
        bytes32 mode,
        bytes calldata executionData
    ) internal view override returns (bool) {
        return caller == address(entryPoint()) || super._erc7821AuthorizedExecutor(caller, mode, executionData);
    }
}
