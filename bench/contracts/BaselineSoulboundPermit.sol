// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title BaselineSoulboundPermit
/// @notice Benchmark baseline only (never deployed for real): the plainest OpenZeppelin ERC-721
/// mint of a non-transferable token with a stored expiry, to set civic-ledger's permit issuance
/// against.
contract BaselineSoulboundPermit is ERC721 {
    mapping(uint256 tokenId => uint64 expiresAt) public expiresAt;
    uint256 private _next;

    event Locked(uint256 tokenId);

    error BaselineSoulboundPermit_Locked();

    constructor() ERC721("Baseline Permit", "BPRM") {}

    function mint(address to, uint64 expiry) external returns (uint256 tokenId) {
        tokenId = ++_next;
        expiresAt[tokenId] = expiry;
        _mint(to, tokenId);
        emit Locked(tokenId);
    }

    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        if (from != address(0)) revert BaselineSoulboundPermit_Locked();
    }
}
