// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RosterMerkle
/// @notice Roster leaves and proofs in the OpenZeppelin StandardMerkleTree format
/// (npm package `merkle-tree` of OpenZeppelin, leaf encoding `["uint256", "address", "uint256"]`).
/// @dev `processProof` computes exactly what OpenZeppelin's `MerkleProof.processProofCalldata`
/// computes (pairs hashed in sorted order, `Hashes.commutativeKeccak256`); the Solidity tests fuzz
/// the two against each other. It is a branch-free assembly loop over the calldata proof: about
/// 100 gas per tree level against about 245 for the library's loop, which keeps the cost of a
/// claim within 700 gas per level (32 bytes of calldata are 510 of them).
library RosterMerkle {
    /// @notice The roster leaf of `(index, beneficiary, amount)`:
    /// `keccak256(bytes.concat(keccak256(abi.encode(index, beneficiary, amount))))`.
    /// @dev The 96-byte encoding is hashed in the free memory past the free memory pointer (not
    /// allocated, so nothing is left behind) and the inner hash in the scratch space. The address
    /// is used as the caller holds it: values decoded from calldata by Solidity are clean (dirty
    /// upper bits revert in the decoder), and a dirty value could only give a leaf that is in no
    /// tree, never a proof that passes. The double hash keeps a 64-byte inner node from ever
    /// passing as a leaf (second preimage).
    function leaf(uint256 index, address beneficiary, uint256 amount) internal pure returns (bytes32 hash) {
        assembly ("memory-safe") {
            // abi.encode(index, beneficiary, amount) in free memory (not allocated: used at once)
            let ptr := mload(0x40)
            mstore(ptr, index)
            mstore(add(ptr, 0x20), beneficiary)
            mstore(add(ptr, 0x40), amount)
            mstore(0x00, keccak256(ptr, 0x60))
            hash := keccak256(0x00, 0x20)
        }
    }

    /// @notice The root rebuilt from `leaf_` and its proof (the leaf's sibling first).
    /// @dev Each pair is written to the scratch space (0x00-0x3f), smaller first, and hashed:
    /// `Hashes.commutativeKeccak256`, which for equal nodes hashes `node || node` too. Reads only
    /// within the proof (Solidity checked its calldata bounds when decoding it).
    function processProof(bytes32[] calldata proof, bytes32 leaf_) internal pure returns (bytes32 node) {
        assembly ("memory-safe") {
            node := leaf_
            let end := add(proof.offset, shl(5, proof.length))
            for {
                let p := proof.offset
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let sibling := calldataload(p)
                // the smaller of the pair goes first: node at 0x20 when it is the greater
                let at := shl(5, gt(node, sibling))
                mstore(at, node)
                mstore(xor(at, 0x20), sibling)
                node := keccak256(0x00, 0x40)
            }
        }
    }
}
