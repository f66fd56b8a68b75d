// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {ILedgerModule} from "../../contracts/interfaces/ILedgerModule.sol";

import {BudgetLedger} from "../../contracts/ledger/BudgetLedger.sol";
import {ISubsidyDisbursement} from "../../contracts/interfaces/ISubsidyDisbursement.sol";
import {SubsidyDisbursement} from "../../contracts/subsidies/SubsidyDisbursement.sol";
import {TestStablecoin} from "../../contracts/token/TestStablecoin.sol";
import {TestMerkle} from "./SubsidiesBase.sol";

/// @notice Drives SubsidyDisbursement through random sequences of programme creation, claims,
/// batches, blocks, outcomes, closes, pauses and time, on two budget lines. Every call either
/// must succeed or is expected to revert with a known error (asserted). Ghost variables record
/// what was paid, per programme and per roster index, for the invariants.
contract SubsidyHandler is Test {
    uint256 public constant MAX_PROGRAMS = 8;
    uint256 public constant MAX_ROSTER = 8;

    struct RosterData {
        address[] beneficiaries;
        uint256[] amounts;
        bytes32[] tree;
    }

    SubsidyDisbursement public immutable subsidies;
    BudgetLedger public immutable ledger;
    TestStablecoin public immutable stable;
    address public immutable programManager;
    address public immutable verifier;
    address public immutable guardian;
    address public immutable budgetOfficer;
    bytes32[2] public lines;

    /// @dev What the handler knows of each programme, independently of the contract's views.
    struct Ghost {
        bool roster;
        bytes32 lineId;
        uint256 budget;
        uint256 paid;
        uint64 opensAt;
        uint64 closesAt;
        bool closed;
        uint256 rate;
        uint256 cap;
    }

    mapping(uint256 programId => Ghost) public ghosts;
    mapping(uint256 programId => RosterData) private _rosters;
    mapping(uint256 programId => mapping(uint256 index => uint256 count)) public timesPaid;
    mapping(uint256 programId => mapping(uint256 index => bool)) public blocked;
    mapping(uint256 programId => mapping(address beneficiary => uint256)) public paidTo;
    uint256 public programs;
    uint256 public totalPaid;
    /// @dev Tokens sent to the module directly, and what `sweepSurplus` sent on to the ledger.
    uint256 public donated;
    uint256 public swept;
    /// @dev How many calls of each kind succeeded (a run that only reverts would prove nothing).
    mapping(bytes4 action => uint256) public succeeded;
    bool public paused;
    bool public lineClosed;

    constructor(
        SubsidyDisbursement subsidies_,
        BudgetLedger ledger_,
        TestStablecoin stable_,
        address programManager_,
        address verifier_,
        address guardian_,
        address budgetOfficer_,
        bytes32[2] memory lines_
    ) {
        subsidies = subsidies_;
        ledger = ledger_;
        stable = stable_;
        programManager = programManager_;
        verifier = verifier_;
        guardian = guardian_;
        budgetOfficer = budgetOfficer_;
        lines = lines_;
    }

    // ================================================================== actions

    function createRoster(uint256 seed, uint8 size, uint32 duration, uint8 lineSeed, bool short) external {
        if (programs == MAX_PROGRAMS) return;
        bytes32 lineId = lines[lineSeed % 2];
        if (lineSeed % 2 == 1 && lineClosed) return;
        uint256 n = bound(size, 1, MAX_ROSTER);
        RosterData memory data;
        data.beneficiaries = new address[](n);
        data.amounts = new uint256[](n);
        bytes32[] memory leaves = new bytes32[](n);
        uint256 total;
        for (uint256 i = 0; i < n; ++i) {
            data.beneficiaries[i] = address(uint160(uint256(keccak256(abi.encode(seed, i))) | 1));
            data.amounts[i] = bound(uint256(keccak256(abi.encode(seed, i, "amount"))), 1, 1e9);
            leaves[i] = TestMerkle.leaf(i, data.beneficiaries[i], data.amounts[i]);
            total += data.amounts[i];
        }
        data.tree = TestMerkle.build(leaves);
        // a short budget leaves some claims unpayable (they must revert, not overdraw)
        uint256 budget = short && total > 1 ? total - data.amounts[n - 1] / 2 - 1 : total;
        if (budget == 0 || budget > ledger.available(lineId)) return;
        uint64 opensAt = uint64(block.timestamp);
        uint64 closesAt = opensAt + uint64(bound(duration, 1 hours, 40 days));
        if (
            _refusedWhilePaused(
                abi.encodeCall(subsidies.createRosterProgram, (lineId, data.tree[0], budget, opensAt, closesAt, "meta"))
            )
        ) {
            return;
        }
        vm.prank(programManager);
        uint256 id = subsidies.createRosterProgram(lineId, data.tree[0], budget, opensAt, closesAt, "meta");
        programs = id;
        ghosts[id] = Ghost(true, lineId, budget, 0, opensAt, closesAt, false, 0, 0);
        _rosters[id] = data;
    }

    function createOutcome(uint256 budget, uint256 rate, uint256 cap, uint32 duration, uint8 lineSeed) external {
        if (programs == MAX_PROGRAMS) return;
        bytes32 lineId = lines[lineSeed % 2];
        if (lineSeed % 2 == 1 && lineClosed) return;
        uint256 available = ledger.available(lineId);
        if (available == 0) return;
        budget = bound(budget, 1, available < 1e10 ? available : 1e10);
        rate = bound(rate, 1, 1e8);
        cap = cap % 3 == 0 ? 0 : bound(cap, 1, 1e9);
        uint64 opensAt = uint64(block.timestamp);
        uint64 closesAt = opensAt + uint64(bound(duration, 1 hours, 20 days));
        if (
            _refusedWhilePaused(
                abi.encodeCall(subsidies.createOutcomeProgram, (lineId, budget, rate, cap, opensAt, closesAt, "meta"))
            )
        ) {
            return;
        }
        vm.prank(programManager);
        uint256 id = subsidies.createOutcomeProgram(lineId, budget, rate, cap, opensAt, closesAt, "meta");
        programs = id;
        ghosts[id] = Ghost(false, lineId, budget, 0, opensAt, closesAt, false, rate, cap);
    }

    function claim(uint256 programSeed, uint256 indexSeed, address sender) external {
        (uint256 id, bool found) = _pick(programSeed, true);
        if (!found) return;
        RosterData storage data = _rosters[id];
        uint256 i = _unsettled(id, indexSeed);
        (address beneficiary, uint256 amount) = (data.beneficiaries[i], data.amounts[i]);
        bytes32[] memory proof = TestMerkle.proof(data.tree, i);
        bytes4 expected = _claimError(id, i, amount, ghosts[id].budget - ghosts[id].paid);
        vm.prank(sender);
        try subsidies.claim(id, i, beneficiary, amount, proof) {
            assertEq(expected, bytes4(0), "claim succeeded but should have reverted");
            succeeded[this.claim.selector]++;
            _paid(id, i, beneficiary, amount);
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), expected, "claim reverted with an unexpected error");
        }
    }

    function claimBatch(uint256 programSeed, uint256 pickSeed, uint8 count, address sender) external {
        (uint256 id, bool found) = _pick(programSeed, true);
        if (!found) return;
        RosterData storage data = _rosters[id];
        uint256 n = bound(count, 1, 2 * data.amounts.length);
        ISubsidyDisbursement.Claim[] memory claims = new ISubsidyDisbursement.Claim[](n);
        bool[] memory taken = new bool[](data.amounts.length);
        uint256 left = ghosts[id].budget - ghosts[id].paid;
        bytes4 expected = _openError(id);
        uint256 sum;
        for (uint256 k = 0; k < n; ++k) {
            uint256 i = uint256(keccak256(abi.encode(pickSeed, k))) % data.amounts.length;
            claims[k] = ISubsidyDisbursement.Claim(
                i,
                data.beneficiaries[i],
                data.amounts[i],
                TestMerkle.proof(data.tree, i)
            );
            if (taken[i] || timesPaid[id][i] != 0 || blocked[id][i]) continue; // skipped by the contract
            taken[i] = true;
            sum += data.amounts[i];
            if (expected == bytes4(0) && sum > left)
                expected = ISubsidyDisbursement.Subsidy_InsufficientBudget.selector;
        }
        vm.prank(sender);
        try subsidies.claimBatch(id, claims) {
            assertEq(expected, bytes4(0), "batch succeeded but should have reverted");
            succeeded[this.claimBatch.selector]++;
            for (uint256 i = 0; i < taken.length; ++i) {
                if (taken[i]) _paid(id, i, data.beneficiaries[i], data.amounts[i]);
            }
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), expected, "batch reverted with an unexpected error");
        }
    }

    function blockClaim(uint256 programSeed, uint256 indexSeed) external {
        (uint256 id, bool found) = _pick(programSeed, true);
        if (!found) return;
        uint256 i = indexSeed % _rosters[id].amounts.length;
        bytes4 expected;
        if (ghosts[id].closed) expected = ISubsidyDisbursement.Subsidy_UnexpectedProgramStatus.selector;
        else if (blocked[id][i]) expected = ISubsidyDisbursement.Subsidy_AlreadyBlocked.selector;
        else if (timesPaid[id][i] != 0) expected = ISubsidyDisbursement.Subsidy_AlreadyClaimed.selector;
        vm.prank(programManager);
        try subsidies.blockClaim(id, i, "reason") {
            assertEq(expected, bytes4(0), "block succeeded but should have reverted");
            succeeded[this.blockClaim.selector]++;
            blocked[id][i] = true;
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), expected, "block reverted with an unexpected error");
        }
    }

    function recordOutcome(uint256 programSeed, uint8 who, uint256 quantity) external {
        (uint256 id, bool found) = _pick(programSeed, false);
        if (!found) return;
        Ghost storage g = ghosts[id];
        address beneficiary = address(uint160(0x1000 + (who % 4)));
        quantity = bound(quantity, 0, 1e4);
        bytes4 expected = _openError(id);
        uint256 payout = quantity * g.rate;
        if (expected == bytes4(0)) {
            if (payout == 0) expected = ISubsidyDisbursement.Subsidy_ZeroPayout.selector;
            else if (g.cap != 0 && paidTo[id][beneficiary] >= g.cap) {
                expected = ISubsidyDisbursement.Subsidy_CapReached.selector;
            } else if (g.budget == g.paid) expected = ISubsidyDisbursement.Subsidy_BudgetExhausted.selector;
        }
        if (g.cap != 0 && g.cap - paidTo[id][beneficiary] < payout) payout = g.cap - paidTo[id][beneficiary];
        if (g.budget - g.paid < payout) payout = g.budget - g.paid;
        vm.prank(verifier);
        try subsidies.recordOutcome(id, beneficiary, quantity, "evidence") returns (uint256 got) {
            assertEq(expected, bytes4(0), "outcome succeeded but should have reverted");
            succeeded[this.recordOutcome.selector]++;
            assertEq(got, payout, "outcome payout differs from the model");
            g.paid += got;
            paidTo[id][beneficiary] += got;
            totalPaid += got;
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), expected, "outcome reverted with an unexpected error");
        }
    }

    function closeProgram(uint256 programSeed, bool asManager, address sender) external {
        if (programs == 0) return;
        uint256 id = 1 + (programSeed % programs);
        Ghost storage g = ghosts[id];
        address caller = asManager ? programManager : sender;
        bytes4 expected;
        if (g.closed) expected = ISubsidyDisbursement.Subsidy_UnexpectedProgramStatus.selector;
        else if (block.timestamp < g.closesAt && caller != programManager) {
            expected = ISubsidyDisbursement.Subsidy_CloseNotAllowed.selector;
        }
        uint256 balanceBefore = stable.balanceOf(address(subsidies));
        vm.prank(caller);
        try subsidies.closeProgram(id) {
            assertEq(expected, bytes4(0), "close succeeded but should have reverted");
            succeeded[this.closeProgram.selector]++;
            g.closed = true;
            assertEq(balanceBefore - stable.balanceOf(address(subsidies)), g.budget - g.paid, "returned");
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), expected, "close reverted with an unexpected error");
        }
    }

    /// @dev Tokens sent to the module without any of its functions (a mistaken transfer).
    function donate(uint256 amount) external {
        amount = bound(amount, 1, 1e9);
        stable.mint(address(subsidies), amount);
        donated += amount;
    }

    /// @dev Sweeps what was sent to the module directly (O(1): no list of programmes).
    function sweep() external {
        uint256 held;
        for (uint256 id = 1; id <= programs; ++id) {
            if (!ghosts[id].closed) held += ghosts[id].budget - ghosts[id].paid;
        }
        assertEq(subsidies.reserved(), held, "reserved is the open programmes' unpaid budgets");
        bytes4 expected;
        if (paused) {
            expected = ILedgerModule.EnforcedPause.selector;
        } else if (donated == swept) {
            expected = ILedgerModule.Module_NoSurplus.selector;
        }
        if (expected == bytes4(0)) assertEq(stable.balanceOf(address(subsidies)), held + donated - swept, "held");
        try subsidies.sweepSurplus() returns (uint256 amount) {
            assertEq(expected, bytes4(0), "sweep succeeded but should have reverted");
            succeeded[this.sweep.selector]++;
            assertEq(amount, donated - swept, "swept amount");
            swept += amount;
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), expected, "sweep reverted with an unexpected error");
        }
    }

    /// @dev Unpauses, or pauses one time in three (so that most calls run unpaused).
    function togglePause(uint8 seed) external {
        if (!paused && seed % 3 != 0) return;
        vm.prank(guardian);
        if (paused) subsidies.unpause();
        else subsidies.pause();
        paused = !paused;
    }

    /// @dev Year end on the second line: open commitments stay spendable, returns lapse.
    function closeSecondLine() external {
        if (lineClosed) return;
        vm.prank(budgetOfficer);
        ledger.closeLine(lines[1]);
        lineClosed = true;
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 2 days));
    }

    // ================================================================== views for the invariants

    function rosterSize(uint256 programId) external view returns (uint256) {
        return _rosters[programId].amounts.length;
    }

    // ================================================================== internal

    function _pick(uint256 seed, bool roster) private view returns (uint256 id, bool found) {
        for (uint256 k = 0; k < programs; ++k) {
            id = 1 + (((seed % programs) + k) % programs);
            if (ghosts[id].roster == roster) return (id, true);
        }
        return (0, false);
    }

    /// @dev Three times in four the first index from the seed on that is neither paid nor
    /// blocked (if any), else the seed's index: claims that succeed and claims that must revert.
    function _unsettled(uint256 id, uint256 seed) private view returns (uint256) {
        uint256 n = _rosters[id].amounts.length;
        if (seed % 4 == 0) return seed % n;
        for (uint256 k = 0; k < n; ++k) {
            uint256 i = ((seed % n) + k) % n;
            if (timesPaid[id][i] == 0 && !blocked[id][i]) return i;
        }
        return seed % n;
    }

    /// @dev While paused, creating a programme (it commits money) is refused: asserts it.
    function _refusedWhilePaused(bytes memory call) private returns (bool) {
        if (!paused) return false;
        vm.prank(programManager);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory reason) = address(subsidies).call(call);
        assertFalse(ok, "created while paused");
        assertEq(reason, abi.encodeWithSelector(ILedgerModule.EnforcedPause.selector), "refused by the pause");
        return true;
    }

    function _openError(uint256 id) private view returns (bytes4) {
        if (paused) return ILedgerModule.EnforcedPause.selector;
        Ghost storage g = ghosts[id];
        if (g.closed || block.timestamp < g.opensAt || block.timestamp >= g.closesAt) {
            return ISubsidyDisbursement.Subsidy_UnexpectedProgramStatus.selector;
        }
        return bytes4(0);
    }

    function _claimError(uint256 id, uint256 i, uint256 amount, uint256 left) private view returns (bytes4) {
        bytes4 open = _openError(id);
        if (open != bytes4(0)) return open;
        if (blocked[id][i]) return ISubsidyDisbursement.Subsidy_ClaimBlocked.selector;
        if (timesPaid[id][i] != 0) return ISubsidyDisbursement.Subsidy_AlreadyClaimed.selector;
        if (amount > left) return ISubsidyDisbursement.Subsidy_InsufficientBudget.selector;
        return bytes4(0);
    }

    function _paid(uint256 id, uint256 i, address beneficiary, uint256 amount) private {
        timesPaid[id][i] += 1;
        ghosts[id].paid += amount;
        paidTo[id][beneficiary] += amount;
        totalPaid += amount;
    }
}
