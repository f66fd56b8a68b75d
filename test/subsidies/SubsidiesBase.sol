// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

import {Roles} from "../../contracts/access/Roles.sol";
import {SubsidyDisbursement} from "../../contracts/subsidies/SubsidyDisbursement.sol";
import {SuiteBase} from "../helpers/SuiteBase.sol";
import {ILedgerModule} from "../../contracts/interfaces/ILedgerModule.sol";

/// @notice Base of the subsidy Solidity tests: the ledger suite of SuiteBase plus the
/// SubsidyDisbursement module wired as the deployment wires it (scripts/lib/wiring.ts), holding
/// LEDGER_CLIENT, with a programme manager and an outcome verifier.
abstract contract SubsidiesBase is SuiteBase {
    address internal programManager = makeAddr("programManager");
    address internal verifier = makeAddr("verifier");
    SubsidyDisbursement internal subsidies;

    function _deploySubsidies() internal {
        subsidies = new SubsidyDisbursement(address(manager), address(ledger));
        vm.startPrank(admin);
        bytes4[] memory managerFns = new bytes4[](3);
        managerFns[0] = SubsidyDisbursement.createRosterProgram.selector;
        managerFns[1] = SubsidyDisbursement.createOutcomeProgram.selector;
        managerFns[2] = SubsidyDisbursement.blockClaim.selector;
        manager.setTargetFunctionRole(address(subsidies), managerFns, Roles.PROGRAM_MANAGER);
        bytes4[] memory verifierFns = new bytes4[](1);
        verifierFns[0] = SubsidyDisbursement.recordOutcome.selector;
        manager.setTargetFunctionRole(address(subsidies), verifierFns, Roles.OUTCOME_VERIFIER);
        bytes4[] memory guardianFns = new bytes4[](2);
        guardianFns[0] = ILedgerModule.pause.selector;
        guardianFns[1] = ILedgerModule.unpause.selector;
        manager.setTargetFunctionRole(address(subsidies), guardianFns, Roles.GUARDIAN);
        manager.grantRole(Roles.LEDGER_CLIENT, address(subsidies), 0);
        manager.grantRole(Roles.PROGRAM_MANAGER, programManager, 0);
        manager.grantRole(Roles.OUTCOME_VERIFIER, verifier, 0);
        vm.stopPrank();
    }
}

/// @notice Merkle trees for tests, laid out as OpenZeppelin's merkle-tree library lays them out
/// (heap order: leaf i at node 2n - 2 - i, node k = sorted-pair hash of nodes 2k + 1 and 2k + 2),
/// without sorting the leaves (any order gives a valid tree for the contract).
library TestMerkle {
    function leaf(uint256 index, address beneficiary, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, beneficiary, amount))));
    }

    function build(bytes32[] memory leaves) internal pure returns (bytes32[] memory tree) {
        uint256 n = leaves.length;
        tree = new bytes32[](2 * n - 1);
        for (uint256 i = 0; i < n; ++i) tree[2 * n - 2 - i] = leaves[i];
        for (uint256 k = n - 1; k > 0;) {
            --k;
            tree[k] = Hashes.commutativeKeccak256(tree[2 * k + 1], tree[2 * k + 2]);
        }
    }

    function proof(bytes32[] memory tree, uint256 i) internal pure returns (bytes32[] memory siblings) {
        uint256 n = (tree.length + 1) / 2;
        uint256 position = 2 * n - 2 - i;
        uint256 depth = 0;
        for (uint256 p = position; p > 0; p = (p - 1) / 2) ++depth;
        siblings = new bytes32[](depth);
        uint256 k = 0;
        for (uint256 p = position; p > 0; p = (p - 1) / 2) siblings[k++] = tree[p % 2 == 1 ? p + 1 : p - 1];
    }
}
