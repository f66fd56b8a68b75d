// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IBudgetLedger} from "../../../contracts/interfaces/IBudgetLedger.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {BudgetLedger} from "../../../contracts/ledger/BudgetLedger.sol";
import {LedgerClientMock} from "../../../contracts/test/LedgerClientMock.sol";
import {TestStablecoin} from "../../../contracts/token/TestStablecoin.sol";

/// @notice Drives the ledger through random sequences of every operation, as the budget officer,
/// the admin, the guardian, citizens and several modules would, over several fiscal years with
/// lines closed at year end; keeps ghost books of every movement for the invariants.
/// Every call it makes must succeed, or is a deliberate refusal whose error it asserts.
/// Roles move too: the admin grants BUDGET_OFFICER to intruders (with and without an execution
/// delay; the grant delay `ADMIN_DELAY` is in force) and revokes it, and revokes and re-grants the
/// modules' LEDGER_CLIENT mid-lifecycle. The ghosts record when each grant takes effect, every
/// payment an intruder made and whether a revoked module ever failed to pay out or return.
contract LedgerHandler is Test {
    uint256 internal constant MAX_LINES = 12;
    uint256 internal constant MAX_AMOUNT = 2 ** 127; // per operation, in token units (sums pass 2^128)
    uint256 internal constant YEAR = 365 days;
    /// @notice The deployment's adminDelay, in force as the grant delay of BUDGET_OFFICER and
    /// LEDGER_CLIENT (the test's setUp waits out the AccessManager's minSetback).
    uint32 public constant ADMIN_DELAY = 2 days;
    uint32 internal constant EXECUTION_DELAY = 1 hours;

    BudgetLedger public immutable ledger;
    TestStablecoin public immutable token;
    address public immutable admin;
    address public immutable officer;
    address public immutable guardian;
    address public immutable citizen = makeAddr("citizen");
    address public immutable stranger = makeAddr("stranger");
    address public immutable treasury = makeAddr("treasury");

    LedgerClientMock[] internal _modules;
    address[] internal _payees;
    bytes32[] internal _lines;

    uint16 public fiscalYear = 2027;

    /// @dev Ghost totals, in token units.
    struct Totals {
        uint256 deposited; // through deposit
        uint256 direct; // sent to the ledger without deposit
        uint256 withdrawn; // withdrawUnallocated, to the treasury
        uint256 paidOut; // to payees, by pay and by the modules
        uint256 unallocated; // as the flows leave it
        uint256 intruderPaid; // paid by intruders to themselves (also in paidOut)
    }

    Totals internal _totals;

    // ghost books per line
    mapping(bytes32 lineId => uint256) public ghostAppropriated;
    mapping(bytes32 lineId => uint256) public ghostSpentDirect;
    mapping(bytes32 lineId => bool) public ghostClosed;
    mapping(bytes32 lineId => uint16) public ghostYear;
    // ghost books per line and module
    mapping(bytes32 lineId => mapping(address module => uint256)) public ghostCommittedEver;
    mapping(bytes32 lineId => mapping(address module => uint256)) public ghostSpent;
    mapping(bytes32 lineId => mapping(address module => uint256)) public ghostReturned;

    // how often each path ran (to see that the sequences reach them)
    mapping(bytes4 selector => uint256) public calls;

    // roles: intruders granted BUDGET_OFFICER by the admin, and the modules' LEDGER_CLIENT
    AccessManager public immutable manager;
    address[2] internal _intruders = [makeAddr("intruder-1"), makeAddr("intruder-2")];
    mapping(address account => uint256 effectiveAt) public ghostGrantedAt; // 0: not granted
    /// @notice Payments by an intruder: how many, and how many came before its grant took effect.
    uint256 public intruderPayments;
    uint256 public intruderPaymentsTooEarly;
    /// @notice The earliest an intruder paid, counted from its grant (type(uint256).max: never).
    uint256 public shortestGrantToPayment = type(uint256).max;
    mapping(address module => bool) public clientRevoked;
    mapping(address module => uint256 effectiveAt) public clientRegrantedAt;
    /// @notice Calls by a revoked module that spent or returned its own commitment (all succeed).
    uint256 public revokedModuleFlows;

    constructor(
        BudgetLedger ledger_,
        TestStablecoin token_,
        address admin_,
        address officer_,
        address guardian_,
        LedgerClientMock[] memory modules_,
        AccessManager manager_
    ) {
        manager = manager_;
        ledger = ledger_;
        token = token_;
        admin = admin_;
        officer = officer_;
        guardian = guardian_;
        for (uint256 i = 0; i < modules_.length; ++i) _modules.push(modules_[i]);
        _payees.push(makeAddr("payee-1"));
        _payees.push(makeAddr("payee-2"));
        _payees.push(makeAddr("payee-3"));
    }

    // ================================================================== money in

    function deposit(uint256 amount) external {
        amount = bound(amount, 1, MAX_AMOUNT);
        token.mint(citizen, amount);
        vm.startPrank(citizen);
        token.approve(address(ledger), amount);
        if (ledger.paused()) {
            try ledger.deposit(amount, "revenue") {
                fail();
            } catch (bytes memory err) {
                _assertError(err, Pausable.EnforcedPause.selector);
            }
            token.approve(address(ledger), 0);
            vm.stopPrank();
            return;
        }
        _totals.deposited += amount;
        _totals.unallocated += amount;
        ledger.deposit(amount, "revenue");
        vm.stopPrank();
        calls[this.deposit.selector]++;
    }

    /// @notice Tokens sent to the ledger without `deposit` (they count as unallocated).
    function transferDirect(uint256 amount) external {
        amount = bound(amount, 1, MAX_AMOUNT);
        _totals.direct += amount;
        _totals.unallocated += amount;
        token.mint(stranger, amount);
        vm.prank(stranger);
        token.transfer(address(ledger), amount);
        calls[this.transferDirect.selector]++;
    }

    // ================================================================== budget officer

    function createLine(uint256 appropriation) external {
        if (_lines.length == MAX_LINES) return;
        bytes32 lineId = keccak256(abi.encode("line", _lines.length));
        appropriation = bound(appropriation, 0, _min(_totals.unallocated, type(uint128).max));
        _lines.push(lineId);
        ghostAppropriated[lineId] = appropriation;
        ghostYear[lineId] = fiscalYear;
        _totals.unallocated -= appropriation;
        vm.prank(officer);
        ledger.createLine(lineId, fiscalYear, appropriation, "line");
        calls[this.createLine.selector]++;
    }

    function increaseAppropriation(uint256 lineSeed, uint256 amount) external {
        (bool found, bytes32 lineId) = _openLine(lineSeed);
        uint256 room = found ? _min(_totals.unallocated, type(uint128).max - ghostAppropriated[lineId]) : 0;
        if (room == 0) return;
        amount = bound(amount, 1, room);
        ghostAppropriated[lineId] += amount;
        _totals.unallocated -= amount;
        vm.prank(officer);
        ledger.increaseAppropriation(lineId, amount);
        calls[this.increaseAppropriation.selector]++;
    }

    function decreaseAppropriation(uint256 lineSeed, uint256 amount) external {
        (bool found, bytes32 lineId) = _fundedLine(lineSeed);
        if (!found || _ghostAvailable(lineId) == 0) return;
        amount = bound(amount, 1, _ghostAvailable(lineId));
        ghostAppropriated[lineId] -= amount;
        _totals.unallocated += amount;
        vm.prank(officer);
        ledger.decreaseAppropriation(lineId, amount);
        calls[this.decreaseAppropriation.selector]++;
    }

    function reallocate(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        (bool foundFrom, bytes32 fromId) = _fundedLine(fromSeed);
        (bool foundTo, bytes32 toId) = _openLine(toSeed);
        if (!foundFrom || !foundTo || fromId == toId) return;
        uint256 room = _min(_ghostAvailable(fromId), type(uint128).max - ghostAppropriated[toId]);
        if (room == 0) return;
        amount = bound(amount, 1, room);
        ghostAppropriated[fromId] -= amount;
        ghostAppropriated[toId] += amount;
        vm.prank(officer);
        ledger.reallocate(fromId, toId, amount, "reason");
        calls[this.reallocate.selector]++;
    }

    function closeLine(uint256 lineSeed) external {
        (bool found, bytes32 lineId) = _openLine(lineSeed);
        if (!found) return;
        _close(lineId);
        calls[this.closeLine.selector]++;
    }

    /// @notice Year end: time passes, every line of the year closes, the next year begins.
    function endFiscalYear(uint256 extraTime) external {
        vm.warp(block.timestamp + YEAR + bound(extraTime, 0, 30 days));
        for (uint256 i = 0; i < _lines.length; ++i) {
            bytes32 lineId = _lines[i];
            if (!ghostClosed[lineId] && ghostYear[lineId] == fiscalYear) _close(lineId);
        }
        fiscalYear++;
        calls[this.endFiscalYear.selector]++;
    }

    function pay(uint256 lineSeed, uint256 payeeSeed, uint256 amount) external {
        (bool found, bytes32 lineId) = _fundedLine(lineSeed);
        if (!found || _ghostAvailable(lineId) == 0) return;
        address payee = _payees[payeeSeed % _payees.length];
        amount = bound(amount, 1, _ghostAvailable(lineId));
        if (ledger.paused()) {
            vm.prank(officer);
            try ledger.pay(lineId, payee, amount, "invoice") {
                fail();
            } catch (bytes memory err) {
                _assertError(err, Pausable.EnforcedPause.selector);
            }
            return;
        }
        ghostSpentDirect[lineId] += amount;
        _totals.paidOut += amount;
        vm.prank(officer);
        ledger.pay(lineId, payee, amount, "invoice");
        calls[this.pay.selector]++;
    }

    // ================================================================== admin and guardian

    function withdrawUnallocated(uint256 amount) external {
        if (_totals.unallocated == 0) return;
        amount = bound(amount, 1, _totals.unallocated);
        if (ledger.paused()) {
            vm.prank(admin);
            try ledger.withdrawUnallocated(treasury, amount, "transfer") {
                fail();
            } catch (bytes memory err) {
                _assertError(err, Pausable.EnforcedPause.selector);
            }
            return;
        }
        _totals.withdrawn += amount;
        _totals.unallocated -= amount;
        vm.prank(admin);
        ledger.withdrawUnallocated(treasury, amount, "transfer");
        calls[this.withdrawUnallocated.selector]++;
    }

    /// @notice The admin can never withdraw a unit more than the unallocated cash.
    function tryWithdrawAppropriated(uint256 extra) external {
        if (ledger.paused()) return;
        uint256 needed = _totals.unallocated + bound(extra, 1, MAX_AMOUNT);
        vm.prank(admin);
        try ledger.withdrawUnallocated(treasury, needed, "grab") {
            fail();
        } catch (bytes memory err) {
            assertEq(
                err,
                abi.encodeWithSelector(
                    IBudgetLedger.Ledger_InsufficientUnallocated.selector,
                    _totals.unallocated,
                    needed
                )
            );
        }
        calls[this.tryWithdrawAppropriated.selector]++;
    }

    /// @notice Someone without a role tries a privileged flow.
    function tryUnauthorized(uint256 which, uint256 lineSeed) external {
        (, bytes32 lineId) = _anyLine(lineSeed);
        bytes memory data;
        which = which % 6;
        if (which == 0) data = abi.encodeCall(ledger.commit, (lineId, 1, "x"));
        else if (which == 1) data = abi.encodeCall(ledger.recordSpend, (lineId, stranger, 1, "x"));
        else if (which == 2) data = abi.encodeCall(ledger.returnFunds, (lineId, 1, "x"));
        else if (which == 3) data = abi.encodeCall(ledger.pay, (lineId, stranger, 1, "x"));
        else if (which == 4) data = abi.encodeCall(ledger.withdrawUnallocated, (stranger, 1, "x"));
        else data = abi.encodeCall(ledger.createLine, (keccak256("intruder"), fiscalYear, 0, "x"));
        bytes memory expected = abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger);
        if (which == 1 || which == 2) {
            // no role: the stranger's own commitment (none) is the limit
            expected = abi.encodeWithSelector(
                IBudgetLedger.Ledger_InsufficientCommitment.selector,
                lineId,
                stranger,
                0,
                1
            );
            if (which == 1 && ledger.paused()) expected = abi.encodeWithSelector(Pausable.EnforcedPause.selector);
        }
        vm.prank(stranger);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory err) = address(ledger).call(data);
        assertFalse(ok);
        assertEq(err, expected);
        calls[this.tryUnauthorized.selector]++;
    }

    /// @notice Unpauses a paused ledger; pauses a running one one time in three.
    function togglePause(uint256 seed) external {
        bool paused = ledger.paused();
        if (!paused && seed % 3 != 0) return;
        vm.prank(guardian);
        if (paused) ledger.unpause();
        else ledger.pause();
        calls[this.togglePause.selector]++;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 60 days));
        calls[this.warp.selector]++;
    }

    // ================================================================== modules

    function commit(uint256 moduleSeed, uint256 lineSeed, uint256 amount) external {
        (bool found, bytes32 lineId) = _fundedLine(lineSeed);
        if (!found || _ghostAvailable(lineId) == 0) return;
        LedgerClientMock module = _module(moduleSeed);
        amount = bound(amount, 1, _ghostAvailable(lineId));
        if (!_isClient(address(module))) {
            // revoked (or re-granted and still waiting out the grant delay): no new commitment
            try module.commit(lineId, amount, "tender") {
                fail();
            } catch (bytes memory err) {
                assertEq(
                    err,
                    abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(module))
                );
            }
            calls[bytes4(keccak256("commit refused"))]++;
            return;
        }
        if (ledger.paused()) {
            try module.commit(lineId, amount, "tender") {
                fail();
            } catch (bytes memory err) {
                _assertError(err, Pausable.EnforcedPause.selector);
            }
            return;
        }
        ghostCommittedEver[lineId][address(module)] += amount;
        module.commit(lineId, amount, "tender");
        calls[this.commit.selector]++;
    }

    /// @notice A module pays a payee out of its commitment (also on a closed line).
    function spend(uint256 moduleSeed, uint256 lineSeed, uint256 payeeSeed, uint256 amount) external {
        (bool found, bytes32 lineId, LedgerClientMock module) = _holding(moduleSeed, lineSeed);
        if (!found) return;
        uint256 held = _ghostHeld(lineId, address(module));
        amount = bound(amount, 1, held);
        address payee = _payees[payeeSeed % _payees.length];
        if (ledger.paused()) {
            try module.payOut(lineId, payee, amount, "claim") {
                fail();
            } catch (bytes memory err) {
                _assertError(err, Pausable.EnforcedPause.selector);
            }
            return;
        }
        ghostSpent[lineId][address(module)] += amount;
        _totals.paidOut += amount;
        module.payOut(lineId, payee, amount, "claim");
        if (clientRevoked[address(module)]) revokedModuleFlows++;
        calls[this.spend.selector]++;
    }

    /// @notice A module returns unspent funds (never paused; on a closed line they become unallocated).
    function returnFunds(uint256 moduleSeed, uint256 lineSeed, uint256 amount) external {
        (bool found, bytes32 lineId, LedgerClientMock module) = _holding(moduleSeed, lineSeed);
        if (!found) return;
        uint256 held = _ghostHeld(lineId, address(module));
        amount = bound(amount, 1, held);
        ghostReturned[lineId][address(module)] += amount;
        if (ghostClosed[lineId]) {
            ghostAppropriated[lineId] -= amount;
            _totals.unallocated += amount;
        }
        module.returnFunds(lineId, amount, "unspent");
        if (clientRevoked[address(module)]) revokedModuleFlows++;
        calls[this.returnFunds.selector]++;
    }

    /// @notice A module tries to spend or return more than its own commitment (another module's
    /// commitment included): refused with the module's own figures.
    function tryOverspend(uint256 moduleSeed, uint256 lineSeed, uint256 extra, bool asReturn) external {
        (bool found, bytes32 lineId) = _anyLine(lineSeed);
        if (!found || (ledger.paused() && !asReturn)) return;
        LedgerClientMock module = _module(moduleSeed);
        uint256 held = _ghostHeld(lineId, address(module));
        uint256 needed = held + bound(extra, 1, MAX_AMOUNT);
        bytes memory expected = abi.encodeWithSelector(
            IBudgetLedger.Ledger_InsufficientCommitment.selector,
            lineId,
            address(module),
            held,
            needed
        );
        if (asReturn) {
            try module.returnFunds(lineId, needed, "too much") {
                fail();
            } catch (bytes memory err) {
                assertEq(err, expected);
            }
        } else {
            try module.recordSpend(lineId, stranger, needed, "too much") {
                fail();
            } catch (bytes memory err) {
                assertEq(err, expected);
            }
        }
        calls[this.tryOverspend.selector]++;
    }

    // ================================================================== roles

    /// @notice The admin grants BUDGET_OFFICER to an intruder (a compromised admin, or a new
    /// officer), with or without an execution delay: the grant takes ADMIN_DELAY to take effect.
    function grantIntruder(uint256 seed, bool withExecutionDelay) external {
        address intruder = _intruders[seed % 2];
        uint32 delay = withExecutionDelay ? EXECUTION_DELAY : 0;
        vm.prank(admin);
        manager.grantRole(Roles.BUDGET_OFFICER, intruder, delay);
        // a first grant waits out the grant delay; a later one only changes the execution delay
        if (ghostGrantedAt[intruder] == 0) ghostGrantedAt[intruder] = block.timestamp + ADMIN_DELAY;
        (uint48 since, , , ) = manager.getAccess(Roles.BUDGET_OFFICER, intruder);
        assertEq(since, ghostGrantedAt[intruder], "the grant takes effect after ADMIN_DELAY");
        calls[this.grantIntruder.selector]++;
    }

    function revokeIntruder(uint256 seed) external {
        address intruder = _intruders[seed % 2];
        if (ghostGrantedAt[intruder] == 0) return;
        vm.prank(admin);
        manager.revokeRole(Roles.BUDGET_OFFICER, intruder);
        ghostGrantedAt[intruder] = 0;
        calls[this.revokeIntruder.selector]++;
    }

    /// @notice An intruder tries to pay itself out of a line: only once its grant took effect,
    /// and only without an execution delay (a delayed holder must schedule first).
    function intruderPays(uint256 seed, uint256 lineSeed, uint256 amount) external {
        (bool found, bytes32 lineId) = _fundedLine(lineSeed);
        if (!found || _ghostAvailable(lineId) == 0) return;
        address intruder = _intruders[seed % 2];
        amount = bound(amount, 1, _ghostAvailable(lineId));
        uint256 grantedAt = ghostGrantedAt[intruder];
        bool effective = grantedAt != 0 && block.timestamp >= grantedAt;
        (, uint32 executionDelay, , ) = manager.getAccess(Roles.BUDGET_OFFICER, intruder);
        vm.prank(intruder);
        try ledger.pay(lineId, intruder, amount, "self") {
            assertTrue(effective && executionDelay == 0 && !ledger.paused(), "paid without the role");
            intruderPayments++;
            if (grantedAt == 0 || block.timestamp < grantedAt) intruderPaymentsTooEarly++;
            uint256 sinceGrant = block.timestamp - (grantedAt - ADMIN_DELAY);
            if (sinceGrant < shortestGrantToPayment) shortestGrantToPayment = sinceGrant;
            ghostSpentDirect[lineId] += amount;
            _totals.paidOut += amount;
            _totals.intruderPaid += amount;
            calls[this.intruderPays.selector]++;
        } catch (bytes memory err) {
            if (!effective) {
                assertEq(bytes4(err), IAccessManaged.AccessManagedUnauthorized.selector, "refused before the delay");
            } else if (executionDelay != 0) {
                assertEq(bytes4(err), IAccessManager.AccessManagerNotScheduled.selector, "a delayed holder schedules");
            } else {
                _assertError(err, Pausable.EnforcedPause.selector);
            }
            calls[bytes4(keccak256("intruder refused"))]++;
        }
    }

    /// @notice The admin revokes a module's LEDGER_CLIENT mid-lifecycle: its commitments stay
    /// spendable and returnable.
    function revokeClient(uint256 moduleSeed) external {
        address module = address(_module(moduleSeed));
        if (clientRevoked[module]) return;
        vm.prank(admin);
        manager.revokeRole(Roles.LEDGER_CLIENT, module);
        clientRevoked[module] = true;
        clientRegrantedAt[module] = 0;
        calls[this.revokeClient.selector]++;
    }

    /// @notice The admin grants LEDGER_CLIENT back: it takes effect after the grant delay.
    function regrantClient(uint256 moduleSeed) external {
        address module = address(_module(moduleSeed));
        if (!clientRevoked[module] || clientRegrantedAt[module] != 0) return;
        vm.prank(admin);
        manager.grantRole(Roles.LEDGER_CLIENT, module, 0);
        clientRegrantedAt[module] = block.timestamp + ADMIN_DELAY;
        calls[this.regrantClient.selector]++;
    }

    /// @dev Whether `module` may commit now (LEDGER_CLIENT in effect), by the ghosts.
    function _isClient(address module) private returns (bool) {
        if (!clientRevoked[module]) return true;
        uint256 at = clientRegrantedAt[module];
        if (at == 0 || block.timestamp < at) return false;
        clientRevoked[module] = false; // the re-grant took effect
        clientRegrantedAt[module] = 0;
        return true;
    }

    // ================================================================== views for the invariants

    function totals() external view returns (Totals memory) {
        return _totals;
    }

    function lineCount() external view returns (uint256) {
        return _lines.length;
    }

    function lineAt(uint256 i) external view returns (bytes32) {
        return _lines[i];
    }

    function moduleCount() external view returns (uint256) {
        return _modules.length;
    }

    function moduleAt(uint256 i) external view returns (address) {
        return address(_modules[i]);
    }

    function payeeCount() external view returns (uint256) {
        return _payees.length;
    }

    function payeeAt(uint256 i) external view returns (address) {
        return _payees[i];
    }

    /// @notice What `module` holds of `lineId` by the ghost books.
    function ghostHeld(bytes32 lineId, address module) external view returns (uint256) {
        return _ghostHeld(lineId, module);
    }

    /// @notice The line's committed by the ghost books (sum over modules).
    function ghostCommitted(bytes32 lineId) public view returns (uint256 sum) {
        for (uint256 i = 0; i < _modules.length; ++i) sum += _ghostHeld(lineId, address(_modules[i]));
    }

    /// @notice The line's spent by the ghost books (direct payments and modules' payouts).
    function ghostSpentTotal(bytes32 lineId) public view returns (uint256 sum) {
        sum = ghostSpentDirect[lineId];
        for (uint256 i = 0; i < _modules.length; ++i) sum += ghostSpent[lineId][address(_modules[i])];
    }

    // ================================================================== internal

    function _close(bytes32 lineId) internal {
        uint256 lapsed = _ghostAvailable(lineId);
        ghostAppropriated[lineId] -= lapsed;
        _totals.unallocated += lapsed;
        ghostClosed[lineId] = true;
        vm.prank(officer);
        ledger.closeLine(lineId);
    }

    function _ghostAvailable(bytes32 lineId) internal view returns (uint256) {
        if (ghostClosed[lineId]) return 0;
        return ghostAppropriated[lineId] - ghostCommitted(lineId) - ghostSpentTotal(lineId);
    }

    function _ghostHeld(bytes32 lineId, address module) internal view returns (uint256) {
        return ghostCommittedEver[lineId][module] - ghostSpent[lineId][module] - ghostReturned[lineId][module];
    }

    /// @dev The first open line at or after `seed` (mod the count), if any.
    function _openLine(uint256 seed) internal view returns (bool found, bytes32 lineId) {
        uint256 n = _lines.length;
        for (uint256 k = 0; k < n; ++k) {
            lineId = _lines[((seed % n) + k) % n];
            if (!ghostClosed[lineId]) return (true, lineId);
        }
        return (false, bytes32(0));
    }

    /// @dev The first open line at or after `seed` with money available, if any.
    function _fundedLine(uint256 seed) internal view returns (bool found, bytes32 lineId) {
        uint256 n = _lines.length;
        for (uint256 k = 0; k < n; ++k) {
            lineId = _lines[((seed % n) + k) % n];
            if (_ghostAvailable(lineId) != 0) return (true, lineId);
        }
        return (false, bytes32(0));
    }

    /// @dev The first (line, module) pair at or after the seeds where the module holds a
    /// commitment, open or closed line alike.
    function _holding(
        uint256 moduleSeed,
        uint256 lineSeed
    ) internal view returns (bool found, bytes32 lineId, LedgerClientMock module) {
        uint256 n = _lines.length;
        uint256 m = _modules.length;
        for (uint256 k = 0; k < n * m; ++k) {
            lineId = _lines[((lineSeed % n) + k / m) % n];
            module = _modules[((moduleSeed % m) + k) % m];
            if (_ghostHeld(lineId, address(module)) != 0) return (true, lineId, module);
        }
        return (false, bytes32(0), module);
    }

    function _anyLine(uint256 seed) internal view returns (bool found, bytes32 lineId) {
        if (_lines.length == 0) return (false, keccak256("none"));
        return (true, _lines[seed % _lines.length]);
    }

    function _module(uint256 seed) internal view returns (LedgerClientMock) {
        return _modules[seed % _modules.length];
    }

    function _assertError(bytes memory err, bytes4 selector) internal pure {
        assertEq(err, abi.encodeWithSelector(selector));
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
