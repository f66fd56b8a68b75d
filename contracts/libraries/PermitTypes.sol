// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Roles} from "../access/Roles.sol";
import {IPermitRegistry} from "../interfaces/IPermitRegistry.sol";

/// @title PermitTypes
/// @notice The rules of a permit type (name, fee, validity, check roles) and its view, for the
/// PermitRegistry. Deployed once and linked: type definition is an officer's rare action, so
/// its code lives here rather than in the registry (which keeps it under the contract size
/// limit).
library PermitTypes {
    /// @notice A permit type in storage. Slot 0 is all a check or a renewal reads.
    /// @param fee Token units, at most `MAX_FEE`.
    /// @param validity Seconds, 1 to `MAX_VALIDITY`.
    /// @param checkCount `checkRoles.length`.
    struct TypeRecord {
        uint96 fee;
        uint64 validity;
        uint8 checkCount;
        bool recheckOnRenewal;
        bool active;
        uint64[] checkRoles;
        string name;
    }

    /// @notice At most this many check roles per type (one bit each in an application's bitmap).
    uint256 internal constant MAX_CHECKS = 16;
    /// @notice Longest type name (bytes of UTF-8).
    uint256 internal constant MAX_NAME_LENGTH = 64;
    /// @notice Longest validity: 1000 years (seconds).
    uint64 internal constant MAX_VALIDITY = 1000 * 365 days;
    /// @notice Highest fee (token units): the registry keeps fees in 96 bits.
    uint256 internal constant MAX_FEE = type(uint96).max;
    /// @dev `_invalidUtf8At` of a valid string.
    uint256 private constant VALID_UTF8 = type(uint256).max;

    /// @notice Checks and stores a new permit type (active) and emits `PermitTypeDefined`.
    /// @dev Reverts with the IPermitRegistry errors `Permit_InvalidTypeName`,
    /// `Permit_InvalidTypeNameEncoding`, `Permit_FeeTooLarge`, `Permit_InvalidValidity`,
    /// `Permit_TooManyChecks`, `Permit_InvalidCheckRole` and `Permit_DuplicateCheckRole`. `t` and
    /// `index` must be the new type's (empty) records.
    /// @param index The type's check role -> index + 1 mapping, filled here.
    function create(
        TypeRecord storage t,
        mapping(uint64 checkRole => uint256 indexPlusOne) storage index,
        uint256 typeId,
        string calldata name,
        uint256 fee,
        uint64 validity,
        uint64[] calldata checkRoles,
        bool recheckOnRenewal
    ) external {
        // Checks
        uint256 nameLength = bytes(name).length;
        if (nameLength == 0 || nameLength > MAX_NAME_LENGTH) {
            revert IPermitRegistry.Permit_InvalidTypeName(nameLength, MAX_NAME_LENGTH);
        }
        uint256 badByte = _invalidUtf8At(bytes(name));
        if (badByte != VALID_UTF8) revert IPermitRegistry.Permit_InvalidTypeNameEncoding(badByte);
        if (fee > MAX_FEE) revert IPermitRegistry.Permit_FeeTooLarge(fee, MAX_FEE);
        if (validity == 0 || validity > MAX_VALIDITY)
            revert IPermitRegistry.Permit_InvalidValidity(validity, MAX_VALIDITY);
        uint256 count = checkRoles.length;
        if (count > MAX_CHECKS) revert IPermitRegistry.Permit_TooManyChecks(count, MAX_CHECKS);
        // Effects (a bad role reverts the whole definition)
        for (uint256 i = 0; i < count; ++i) {
            uint64 role = checkRoles[i];
            if (role < Roles.MIN_CHECK_ROLE || role > Roles.MAX_CHECK_ROLE) {
                revert IPermitRegistry.Permit_InvalidCheckRole(role);
            }
            if (index[role] != 0) revert IPermitRegistry.Permit_DuplicateCheckRole(role);
            index[role] = i + 1;
        }
        t.fee = uint96(fee);
        t.validity = validity;
        t.checkCount = uint8(count);
        t.recheckOnRenewal = recheckOnRenewal;
        t.active = true;
        t.checkRoles = checkRoles;
        t.name = name;
        emit IPermitRegistry.PermitTypeDefined(typeId, name, fee, validity, checkRoles, recheckOnRenewal);
    }

    /// @notice The type as `IPermitRegistry.getPermitType` returns it.
    function toView(TypeRecord storage t) external view returns (IPermitRegistry.PermitType memory) {
        return
            IPermitRegistry.PermitType({
                name: t.name,
                fee: t.fee,
                validity: t.validity,
                checkRoles: t.checkRoles,
                recheckOnRenewal: t.recheckOnRenewal,
                active: t.active
            });
    }

    /// @dev The offset of the first byte that starts an invalid UTF-8 sequence (RFC 3629: no
    /// overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or
    /// `VALID_UTF8`. A JSON text must be valid UTF-8 (RFC 8259), and the name goes into one.
    function _invalidUtf8At(bytes calldata text) private pure returns (uint256) {
        uint256 length = text.length;
        uint256 i = 0;
        while (i < length) {
            uint8 lead = uint8(text[i]);
            if (lead < 0x80) {
                ++i;
                continue;
            }
            uint256 continuations;
            uint8 low = 0x80; // range of the byte after the lead
            uint8 high = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                continuations = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                continuations = 2;
                if (lead == 0xE0) low = 0xA0; // overlong
                if (lead == 0xED) high = 0x9F; // surrogates U+D800 ... U+DFFF
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                continuations = 3;
                if (lead == 0xF0) low = 0x90; // overlong
                if (lead == 0xF4) high = 0x8F; // above U+10FFFF
            } else {
                return i; // a continuation byte, an overlong 2-byte lead (C0, C1) or F5 ... FF
            }
            if (i + continuations >= length) return i;
            uint8 next = uint8(text[i + 1]);
            if (next < low || next > high) return i;
            for (uint256 k = 2; k <= continuations; ++k) {
                uint8 continuation = uint8(text[i + k]);
                if (continuation < 0x80 || continuation > 0xBF) return i;
            }
            i += continuations + 1;
        }
        return VALID_UTF8;
    }
}
