/**
 * Roster tooling shared by the tasks, the tests and the demo: read and check a roster CSV,
 * build its Merkle tree (identical to OpenZeppelin's StandardMerkleTree), write the tree file,
 * and look up one beneficiary's claim and proof from it.
 */
import { basename } from "node:path";

import { readRosterCsv, type RosterRows } from "./csv.js";
import { writeRosterFile, type RosterHeader } from "./file.js";
import { silentProgress, type Progress } from "./progress.js";
import { buildTree, type RosterTree } from "./tree.js";

export {
  MAX_ISSUES,
  MAX_TOTAL,
  RosterError,
  readRosterCsv,
  rowsFromCsvText,
  rowsFromValues,
  type RosterIssue,
  type RosterRows,
} from "./csv.js";
export {
  LEAF_ENCODING,
  ROSTER_FORMAT,
  RosterFile,
  RosterFileError,
  dataPathFor,
  writeRosterFile,
  type RosterClaim,
  type RosterHeader,
} from "./file.js";
export {
  MAX_BATCH,
  PROGRAM_KINDS,
  PROGRAM_STATUSES,
  claimChunks,
  kindName,
  statusName,
  toClaimStruct,
  type ClaimStruct,
} from "./programs.js";
export { progressBar, silentProgress, type Progress } from "./progress.js";
export { buildTree, leafHash, proofOf, verifyProof, type RosterTree } from "./tree.js";

export interface BuiltRoster {
  header: RosterHeader;
  rows: RosterRows;
  tree: RosterTree;
}

/** CSV file -> checked rows -> tree -> tree file at `out` (a `.json` header and its `.bin`). */
export function buildRosterFile(csvPath: string, out: string, progress: Progress = silentProgress): BuiltRoster {
  const rows = readRosterCsv(csvPath, progress);
  const tree = buildTree(rows, progress);
  const header = writeRosterFile(out, rows, tree, basename(csvPath), progress);
  return { header, rows, tree };
}
