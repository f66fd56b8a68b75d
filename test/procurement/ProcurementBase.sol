// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Roles} from "../../contracts/access/Roles.sol";
import {IProcurementEscrow} from "../../contracts/interfaces/IProcurementEscrow.sol";
import {ProcurementEscrow} from "../../contracts/procurement/ProcurementEscrow.sol";
import {MockToken} from "../../contracts/test/MockToken.sol";
import {SuiteBase} from "../helpers/SuiteBase.sol";
import {ILedgerModule} from "../../contracts/interfaces/ILedgerModule.sol";

/// @notice Base of the ProcurementEscrow Solidity tests: the ledger suite of SuiteBase plus an
/// escrow wired as the Ignition module wires it (scripts/lib/wiring.ts), holding LEDGER_CLIENT,
/// with a procurement officer and three inspectors.
abstract contract ProcurementBase is SuiteBase {
    bytes32 internal constant LINE = "roads-2027";
    uint16 internal constant MAX_BPS = 10_000;

    address internal procurer = makeAddr("procurer");
    address[3] internal inspectors = [makeAddr("inspector1"), makeAddr("inspector2"), makeAddr("inspector3")];

    ProcurementEscrow internal escrow;
    MockToken internal token;

    /// @dev The suite on `token_` (any MockToken), the escrow wired and a line funded with `funds`.
    function _deployProcurement(MockToken token_, uint256 funds) internal {
        token = token_;
        _deploySuite(address(token_));
        escrow = new ProcurementEscrow(address(manager), address(ledger));
        vm.startPrank(admin);
        _wireEscrow();
        manager.grantRole(Roles.LEDGER_CLIENT, address(escrow), 0);
        manager.grantRole(Roles.PROCUREMENT_OFFICER, procurer, 0);
        for (uint256 i = 0; i < inspectors.length; ++i) {
            manager.grantRole(Roles.INSPECTOR, inspectors[i], 0);
        }
        vm.stopPrank();
        token.mint(address(this), funds);
        token.approve(address(ledger), funds);
        ledger.deposit(funds, "fund");
        vm.prank(budgetOfficer);
        ledger.createLine(LINE, 2027, funds, "Roads 2027");
    }

    /// @dev Must run as the AccessManager admin. Mirrors the ProcurementEscrow entry of wiring.ts.
    function _wireEscrow() internal {
        bytes4[] memory officer = new bytes4[](3);
        officer[0] = ProcurementEscrow.createTender.selector;
        officer[1] = ProcurementEscrow.cancelTender.selector;
        officer[2] = ProcurementEscrow.terminate.selector;
        manager.setTargetFunctionRole(address(escrow), officer, Roles.PROCUREMENT_OFFICER);
        bytes4[] memory inspector = new bytes4[](2);
        inspector[0] = ProcurementEscrow.approveMilestone.selector;
        inspector[1] = ProcurementEscrow.rejectMilestone.selector;
        manager.setTargetFunctionRole(address(escrow), inspector, Roles.INSPECTOR);
        bytes4[] memory guard = new bytes4[](2);
        guard[0] = ILedgerModule.pause.selector;
        guard[1] = ILedgerModule.unpause.selector;
        manager.setTargetFunctionRole(address(escrow), guard, Roles.GUARDIAN);
    }

    /// @dev Opens a tender as the procurement officer with the windows starting now.
    function _createTender(
        uint256 maxPrice,
        uint256 bidBond,
        uint16 retentionBps,
        uint8 quorum,
        IProcurementEscrow.MilestoneSpec[] memory specs
    ) internal returns (uint256 tenderId) {
        vm.prank(procurer);
        tenderId = escrow.createTender(
            LINE,
            keccak256("spec"),
            maxPrice,
            bidBond,
            uint64(block.timestamp + 1 days),
            uint64(block.timestamp + 2 days),
            retentionBps,
            quorum,
            specs
        );
    }

    function _seal(
        uint256 tenderId,
        address bidder,
        uint256 price,
        bytes32 proposal,
        bytes32 salt
    ) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(escrow), tenderId, bidder, price, proposal, salt));
    }

    /// @dev One bid at `price` by `bidder` (bond minted and approved), revealed, and the award:
    /// returns the agreement id. The clock ends at the reveal deadline.
    function _awardTo(uint256 tenderId, address bidder, uint256 price) internal returns (uint256 agreementId) {
        IProcurementEscrow.Tender memory t = escrow.getTender(tenderId);
        token.mint(bidder, t.bidBond);
        vm.startPrank(bidder);
        token.approve(address(escrow), t.bidBond);
        escrow.submitBid(tenderId, _seal(tenderId, bidder, price, "proposal", "salt"));
        vm.warp(t.bidDeadline);
        escrow.revealBid(tenderId, price, "proposal", "salt");
        vm.stopPrank();
        vm.warp(t.revealDeadline);
        agreementId = escrow.award(tenderId);
    }

    /// @dev `count` positive shares summing to 10,000, drawn from `seed`.
    function _shares(
        uint256 seed,
        uint256 count
    ) internal pure returns (IProcurementEscrow.MilestoneSpec[] memory specs) {
        specs = new IProcurementEscrow.MilestoneSpec[](count);
        uint256 left = MAX_BPS;
        for (uint256 i = 0; i < count; ++i) {
            uint256 share = left - (count - 1 - i); // leave at least 1 for each later milestone
            if (i + 1 < count) {
                seed = uint256(keccak256(abi.encode(seed, i)));
                share = 1 + (seed % share);
            }
            left -= share;
            specs[i] = IProcurementEscrow.MilestoneSpec({
                shareBps: uint16(share),
                duration: uint64(30 days * (i + 1)),
                descriptionHash: keccak256(abi.encode("milestone", i))
            });
        }
    }
}
