// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISubsidyDisbursement} from "../../contracts/interfaces/ISubsidyDisbursement.sol";
import {MockToken} from "../../contracts/test/MockToken.sol";
import {SubsidiesBase, TestMerkle} from "./SubsidiesBase.sol";

/// @notice A token that refuses transfers to listed recipients by returning false (no revert),
/// as some older tokens do.
contract FalseReturningToken is MockToken {
    mapping(address account => bool) public refused;

    constructor() MockToken("False USD", "fUSD", 6) {}

    function setRefused(address account, bool isRefused) external {
        refused[account] = isRefused;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (refused[to]) return false;
        return super.transfer(to, value);
    }
}

/// @notice claimBatch with entries the token refuses (returns false) and random batches checked
/// against a model: every entry not skipped and not refused is paid once, refused ones stay
/// unclaimed with their amount in the budget, and the books agree.
contract SubsidyBatchTest is SubsidiesBase {
    bytes32 private constant LINE = "BATCH-2027";
    uint256 private constant N = 12;

    FalseReturningToken private token;
    address[N] private who;
    uint256[N] private amounts;
    bytes32[] private tree;
    uint256 private programId;
    uint256 private total;

    function setUp() public {
        token = new FalseReturningToken();
        _deploySuite(address(token));
        _deploySubsidies();
        token.mint(address(this), 1e12);
        token.approve(address(ledger), 1e12);
        ledger.deposit(1e12, "fund");
        vm.prank(budgetOfficer);
        ledger.createLine(LINE, 2027, 1e12, "line");

        bytes32[] memory leaves = new bytes32[](N);
        for (uint256 i = 0; i < N; ++i) {
            who[i] = makeAddr(string(abi.encode("beneficiary", i)));
            amounts[i] = 1_000 + i;
            total += amounts[i];
            leaves[i] = TestMerkle.leaf(i, who[i], amounts[i]);
        }
        tree = TestMerkle.build(leaves);
        vm.prank(programManager);
        programId = subsidies.createRosterProgram(
            LINE,
            tree[0],
            total,
            uint64(block.timestamp),
            uint64(block.timestamp + 1 days),
            ""
        );
    }

    function test_claimBatch_skipsAnEntryWhoseTransferReturnsFalse() public {
        token.setRefused(who[1], true);
        ISubsidyDisbursement.Claim[] memory claims = new ISubsidyDisbursement.Claim[](3);
        for (uint256 i = 0; i < 3; ++i) claims[i] = _entry(i);
        vm.expectEmit(address(subsidies));
        emit ISubsidyDisbursement.Claimed(programId, 0, who[0], amounts[0]);
        vm.expectEmit(address(subsidies));
        emit ISubsidyDisbursement.Claimed(programId, 2, who[2], amounts[2]);
        vm.recordLogs();
        subsidies.claimBatch(programId, claims);
        assertEq(vm.getRecordedLogs().length, 6, "2 x (Transfer, Claimed, Spent), nothing for the refused entry");
        assertFalse(subsidies.isClaimed(programId, 1), "refused entry stays unclaimed");
        assertTrue(subsidies.isClaimed(programId, 0));
        assertTrue(subsidies.isClaimed(programId, 2));
        assertEq(subsidies.remaining(programId), total - amounts[0] - amounts[2], "refused amount stays in the budget");
        assertEq(token.balanceOf(address(subsidies)), subsidies.remaining(programId), "balance");
        assertEq(ledger.getLine(LINE).spent, amounts[0] + amounts[2], "ledger spent");
    }

    function test_claim_revertsForATransferThatReturnsFalse() public {
        token.setRefused(who[4], true);
        ISubsidyDisbursement.Claim memory c = _entry(4);
        vm.expectRevert();
        subsidies.claim(programId, c.index, c.beneficiary, c.amount, c.proof);
        assertFalse(subsidies.isClaimed(programId, 4));
    }

    /// @dev Random batches over random refusals: the outcome equals the model's.
    function testFuzz_claimBatchMatchesTheModel(uint256 refusedMask, uint256 seed, uint8 count) public {
        refusedMask &= (1 << N) - 1;
        for (uint256 i = 0; i < N; ++i) token.setRefused(who[i], refusedMask & (1 << i) != 0);
        uint256 n = bound(count, 1, 2 * N);
        ISubsidyDisbursement.Claim[] memory claims = new ISubsidyDisbursement.Claim[](n);
        bool[N] memory inBatch;
        for (uint256 k = 0; k < n; ++k) {
            uint256 i = uint256(keccak256(abi.encode(seed, k))) % N;
            claims[k] = _entry(i);
            inBatch[i] = true;
        }
        subsidies.claimBatch(programId, claims);
        uint256 paid;
        for (uint256 i = 0; i < N; ++i) {
            bool shouldPay = inBatch[i] && refusedMask & (1 << i) == 0;
            assertEq(subsidies.isClaimed(programId, i), shouldPay, "isClaimed");
            assertEq(token.balanceOf(who[i]), shouldPay ? amounts[i] : 0, "beneficiary balance");
            if (shouldPay) paid += amounts[i];
        }
        assertEq(subsidies.remaining(programId), total - paid, "remaining");
        assertEq(token.balanceOf(address(subsidies)), total - paid, "module balance");
        assertEq(ledger.getLine(LINE).spent, paid, "ledger spent");
        assertEq(ledger.committedBy(LINE, address(subsidies)), total - paid, "ledger committed");
    }

    function _entry(uint256 i) private view returns (ISubsidyDisbursement.Claim memory) {
        return ISubsidyDisbursement.Claim(i, who[i], amounts[i], TestMerkle.proof(tree, i));
    }
}
