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

    function test_leafLeavesMemoryIntact() public pure {
        bytes memory before = abi.encode(uint256(1), uint256(2), uint256(3));
        RosterMerkle.leaf(7, address(0xBEEF), 9);
        assertEq(before, abi.encode(uint256(1), uint256(2), uint256(3)));
        bytes memory next = new bytes(32);
        assertEq(next.length, 32);
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
