// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProcurementEscrow} from "../interfaces/IProcurementEscrow.sol";
import {ProcurementLib as Lib} from "./ProcurementLib.sol";

/// @title ProcurementActions
/// @notice The ProcurementEscrow's cold paths, deployed once and linked (called with
/// DELEGATECALL, so they act on the escrow's storage and emit its events): opening a tender and
/// opening the agreement of an award. An officer's or an award's rare action pays the library
/// call; the escrow's code stays well under the contract size limit, with room for the rules
/// later issues add.
library ProcurementActions {
    /// @notice Checks a tender's terms and milestones, stores the tender (status Bidding) and its
    /// milestone specs, and emits `TenderCreated`. The escrow then takes the commitment.
    function createTender(
        Lib.Tender storage tender,
        mapping(uint256 index => IProcurementEscrow.MilestoneSpec) storage specs,
        uint256 tenderId,
        Lib.Terms calldata terms,
        IProcurementEscrow.MilestoneSpec[] calldata milestones
    ) external {
        // Checks
        Lib.checkTerms(terms);
        Lib.checkMilestones(milestones);
        // Effects
        tender.lineId = terms.lineId;
        tender.specHash = terms.specHash;
        tender.maxPrice = uint128(terms.maxPrice);
        tender.bidBond = uint128(terms.bidBond);
        tender.bidDeadline = terms.bidDeadline;
        tender.revealDeadline = terms.revealDeadline;
        tender.retentionBps = terms.retentionBps;
        tender.quorum = terms.quorum;
        tender.milestoneCount = uint8(milestones.length);
        tender.state = IProcurementEscrow.TenderStatus.Bidding;
        for (uint256 i = 0; i < milestones.length; ++i) {
            specs[i] = milestones[i];
        }
        emit IProcurementEscrow.TenderCreated(
            tenderId,
            terms.lineId,
            terms.maxPrice,
            terms.bidDeadline,
            terms.revealDeadline,
            terms.specHash
        );
    }

    /// @notice Creates the agreement of an awarded tender and fixes its milestones' amounts
    /// (price * share / 10,000; the last takes the rounding remainder) and due dates.
    function openAgreement(
        Lib.Tender storage tender,
        Lib.Agreement storage agreement,
        mapping(uint256 index => IProcurementEscrow.MilestoneSpec) storage specs,
        mapping(uint256 index => Lib.Milestone) storage milestones,
        uint256 tenderId,
        uint256 agreementId,
        address winner,
        uint256 price
    ) external {
        uint8 count = tender.milestoneCount;
        tender.state = IProcurementEscrow.TenderStatus.Awarded;
        tender.agreementId = uint64(agreementId);
        agreement.books = Lib.Books(0, 0, IProcurementEscrow.AgreementStatus.Active, count, tender.retentionBps);
        agreement.parties = Lib.Parties(winner, tender.quorum, count, uint48(tenderId));
        agreement.lineId = tender.lineId;
        agreement.price = price;
        uint256 allocated = 0;
        for (uint256 i = 0; i < count; ++i) {
            IProcurementEscrow.MilestoneSpec storage spec = specs[i];
            uint256 amount = Lib.amountOf(price, spec.shareBps, i == count - 1, allocated);
            allocated += amount;
            milestones[i] = Lib.Milestone({
                amount: uint128(amount),
                dueAt: uint64(block.timestamp) + spec.duration,
                status: IProcurementEscrow.MilestoneStatus.Pending,
                approvals: 0,
                round: 0
            });
        }
    }
}
