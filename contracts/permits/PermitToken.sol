// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

import {IERC5192, IPermitRegistry} from "../interfaces/IPermitRegistry.sol";

/// @title PermitToken
/// @notice The ERC-721 face of the PermitRegistry: soulbound (ERC-5192) tokens whose owner is
/// the permit's holder. Transfers and approvals always revert; `locked` is always true.
/// @dev Keeps only the per-holder balance; the owner of a token comes from the registry's permit
/// record (`_holderOf`), so minting writes the permit record and one balance slot, nothing else.
abstract contract PermitToken is IPermitRegistry {
    string private constant NAME = "civic-ledger Permit";
    string private constant SYMBOL = "PERMIT";

    mapping(address holder => uint256 count) private _balances;

    // ================================================================== ERC-721 views

    /// @inheritdoc IERC721
    /// @dev Reverts with `ERC721InvalidOwner(address(0))` for the zero address.
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _balances[owner];
    }

    /// @inheritdoc IERC721
    /// @dev Reverts with `ERC721NonexistentToken(tokenId)` for an unknown token.
    function ownerOf(uint256 tokenId) external view returns (address) {
        return _requireOwned(tokenId);
    }

    /// @inheritdoc IERC721
    /// @dev Always address(0): permits cannot be approved.
    function getApproved(uint256 tokenId) external view returns (address) {
        _requireOwned(tokenId);
        return address(0);
    }

    /// @inheritdoc IERC5192
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return true;
    }

    /// @inheritdoc IERC721Metadata
    function name() external pure returns (string memory) {
        return NAME;
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external pure returns (string memory) {
        return SYMBOL;
    }

    /// @inheritdoc IERC721
    /// @dev Always false: permits cannot be approved.
    function isApprovedForAll(address, address) external pure returns (bool) {
        return false;
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC165).interfaceId ||
            interfaceId == type(IERC721).interfaceId ||
            interfaceId == type(IERC721Metadata).interfaceId ||
            interfaceId == type(IERC5192).interfaceId;
    }

    // ================================================================== ERC-721 transfers (locked)

    /// @inheritdoc IERC721
    /// @dev Always reverts with `Permit_Locked(tokenId)`.
    function approve(address, uint256 tokenId) external pure {
        revert Permit_Locked(tokenId);
    }

    /// @inheritdoc IERC721
    /// @dev Always reverts with `Permit_ApprovalsDisabled(operator)`.
    function setApprovalForAll(address operator, bool) external pure {
        revert Permit_ApprovalsDisabled(operator);
    }

    /// @inheritdoc IERC721
    /// @dev Always reverts with `Permit_Locked(tokenId)`.
    function transferFrom(address, address, uint256 tokenId) external pure {
        revert Permit_Locked(tokenId);
    }

    /// @inheritdoc IERC721
    /// @dev Always reverts with `Permit_Locked(tokenId)`.
    function safeTransferFrom(address, address, uint256 tokenId) external pure {
        revert Permit_Locked(tokenId);
    }

    /// @inheritdoc IERC721
    /// @dev Always reverts with `Permit_Locked(tokenId)`.
    function safeTransferFrom(address, address, uint256 tokenId, bytes calldata) external pure {
        revert Permit_Locked(tokenId);
    }

    // ================================================================== internal

    /// @dev Counts a new token for `to` and emits the mint's `Transfer` and ERC-5192 `Locked`.
    /// The caller has written the token's record (its holder) already.
    function _mint(address to, uint256 tokenId) internal {
        unchecked {
            // at most one token per permit id: cannot overflow
            ++_balances[to];
        }
        emit Transfer(address(0), to, tokenId);
        emit Locked(tokenId);
    }

    /// @dev The holder of `tokenId`, or address(0) when it does not exist.
    function _holderOf(uint256 tokenId) internal view virtual returns (address);

    /// @dev The holder of an existing token; reverts with `ERC721NonexistentToken` otherwise.
    function _requireOwned(uint256 tokenId) internal view returns (address holder) {
        holder = _holderOf(tokenId);
        if (holder == address(0)) revert ERC721NonexistentToken(tokenId);
    }
}
