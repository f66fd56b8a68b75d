// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IPermitRegistry} from "../interfaces/IPermitRegistry.sol";

/// @title PermitMetadata
/// @notice The on-chain ERC-721 metadata of a permit: a `data:application/json;base64,` URI of
/// a JSON document with the permit type's name, the status, the issue and expiry dates and the
/// document hash, in the attribute format wallets and explorers display. Deployed once and
/// linked to the registry (string building is large code that only views run).
library PermitMetadata {
    using Strings for uint256;

    /// @notice The token URI of a permit: base64-encoded JSON, for example (decoded)
    /// `{"name":"Building permit #7","description":"...","attributes":[{"trait_type":"Type",
    /// "value":"Building permit"},{"trait_type":"Status","value":"Active"},{"trait_type":"Issued",
    /// "display_type":"date","value":1767225600},{"trait_type":"Expires","display_type":"date",
    /// "value":1798761600},{"trait_type":"Document hash","value":"0x..."}]}`.
    /// The type name is JSON-escaped. `status` is an `IPermitRegistry.PermitStatus` (as uint8, so
    /// that the library's ABI stays plain).
    function tokenURI(
        uint256 permitId,
        string calldata typeName_,
        uint8 status,
        uint256 issuedAt,
        uint256 expiresAt,
        bytes32 documentHash
    ) external pure returns (string memory) {
        string memory typeName = Strings.escapeJSON(typeName_);
        string memory id = permitId.toString();
        string memory json = string.concat(
            '{"name":"',
            typeName,
            " #",
            id,
            '","description":"A civic-ledger permit (non-transferable). Call isValid(',
            id,
            ') on the registry to verify it.","attributes":[',
            _attributes(typeName, IPermitRegistry.PermitStatus(status), issuedAt, expiresAt, documentHash),
            "]}"
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    /// @notice The English name of a permit status, as the metadata shows it.
    function statusName(IPermitRegistry.PermitStatus status) internal pure returns (string memory) {
        if (status == IPermitRegistry.PermitStatus.Active) return "Active";
        if (status == IPermitRegistry.PermitStatus.Suspended) return "Suspended";
        if (status == IPermitRegistry.PermitStatus.Revoked) return "Revoked";
        if (status == IPermitRegistry.PermitStatus.Expired) return "Expired";
        return "None";
    }

    function _attributes(
        string memory typeName,
        IPermitRegistry.PermitStatus status,
        uint256 issuedAt,
        uint256 expiresAt,
        bytes32 documentHash
    ) private pure returns (string memory) {
        return
            string.concat(
                '{"trait_type":"Type","value":"',
                typeName,
                '"},{"trait_type":"Status","value":"',
                statusName(status),
                '"},{"trait_type":"Issued","display_type":"date","value":',
                issuedAt.toString(),
                '},{"trait_type":"Expires","display_type":"date","value":',
                expiresAt.toString(),
                '},{"trait_type":"Document hash","value":"',
                uint256(documentHash).toHexString(32),
                '"}'
            );
    }
}
