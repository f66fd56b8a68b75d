// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {RosterMerkle} from "../../contracts/subsidies/RosterMerkle.sol";
import {TestMerkle} from "./SubsidiesBase.sol";

/// @notice RosterMerkle computes what OpenZeppelin's MerkleProof computes.
contract RosterMerkleTest is Test {
    function rosterProcess(bytes32[] calldata proof, bytes32 leaf) external pure returns (bytes32) {
        return RosterMerkle.processProof(proof, leaf);
    }

    function ozProcess(bytes32[] calldata proof, bytes32 leaf) external pure returns (bytes32) {
        return MerkleProof.processProofCalldata(proof, leaf);
    }

    function testFuzz_processProofEqualsOpenZeppelin(bytes32[] calldata proof, bytes32 leaf) public view {
        assertEq(this.rosterProcess(proof, leaf), this.ozProcess(proof, leaf));
    }

    function testFuzz_processProofEqualsOpenZeppelinWithEqualNodes(bytes32 node, uint8 length) public view {
        // equal pairs and ordered runs: the edge cases of the sorted-pair comparison
        bytes32[] memory proof = new bytes32[](bound(length, 0, 20));
        bytes32 current = node;
        for (uint256 i = 0; i < proof.length; ++i) {
            proof[i] = i % 2 == 0 ? current : bytes32(uint256(current) ^ 1);
            current = MerkleProof.processProof(_one(proof[i]), current);
        }
        assertEq(this.rosterProcess(proof, node), this.ozProcess(proof, node));
    }

    function testFuzz_leafIsStandardMerkleTreeLeaf(uint256 index, address beneficiary, uint256 amount) public pure {
        assertEq(RosterMerkle.leaf(index, beneficiary, amount), TestMerkle.leaf(index, beneficiary, amount));
    }

    /// @dev Runs both functions between memory snapshots: the free memory pointer and the zero
    /// slot unchanged, memory allocated before untouched (only the scratch space and the memory
    /// past the pointer are written).
    function processWithSnapshots(
        bytes32[] calldata proof,
        uint256 index,
        address beneficiary,
        uint256 amount
    ) external pure returns (bytes32 root) {
        bytes memory before = abi.encode(uint256(1), uint256(2), uint256(3));
        uint256 pointerBefore;
        assembly ("memory-safe") {
            pointerBefore := mload(0x40)
        }
        root = RosterMerkle.processProof(proof, RosterMerkle.leaf(index, beneficiary, amount));
        uint256 pointerAfter;
        uint256 zeroSlot;
        assembly ("memory-safe") {
            pointerAfter := mload(0x40)
            zeroSlot := mload(0x60)
        }
        assertEq(pointerAfter, pointerBefore, "free memory pointer moved");
        assertEq(zeroSlot, 0, "zero slot written");
        assertEq(before, abi.encode(uint256(1), uint256(2), uint256(3)), "allocated memory changed");
        // memory allocated next starts clean although the leaf's encoding was written there
        uint256[] memory next = new uint256[](3);
        assertEq(next[0] | next[1] | next[2], 0, "new memory not zero");
    }

    function testFuzz_memorySafety(
        bytes32[] calldata proof,
        uint256 index,
        address beneficiary,
        uint256 amount
    ) public view {
        bytes32 root = this.processWithSnapshots(proof, index, beneficiary, amount);
        assertEq(root, MerkleProof.processProofCalldata(proof, TestMerkle.leaf(index, beneficiary, amount)));
    }

    function testFuzz_proofsOfBuiltTreesVerify(uint256 seed, uint8 size) public view {
        uint256 n = bound(size, 1, 40);
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) leaves[i] = keccak256(abi.encode(seed, i));
        bytes32[] memory tree = TestMerkle.build(leaves);
        for (uint256 i = 0; i < n; ++i) {
            assertEq(this.rosterProcess(TestMerkle.proof(tree, i), leaves[i]), tree[0]);
        }
    }

    function _one(bytes32 node) private pure returns (bytes32[] memory single) {
        single = new bytes32[](1);
        single[0] = node;
    }
}
