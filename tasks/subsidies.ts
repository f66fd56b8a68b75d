import { emptyTask, task } from "hardhat/config";

import { SIGNER, optional, required, type LazyAction } from "./options.js";

const action = (name: keyof typeof import("./actions/subsidies.js")) => async () => ({
  default: (await import("./actions/subsidies.js"))[name] as unknown as LazyAction,
});

const PROGRAM = required("program", "Programme id");
const TREE = required("tree", "Roster tree file (the .json written by subsidies build-roster)");

export const subsidyTasks = [
  emptyTask("subsidies", "Subsidy programmes: rosters, claims, outcomes").build(),
  task(["subsidies", "build-roster"], "Build a roster tree file from a CSV (beneficiary,amount in base units)")
    .addOption(required("csv", "CSV file with the header beneficiary,amount; row order gives the indices"))
    .addOption(required("out", "Tree file to write (.json; its data goes next to it as .bin)"))
    .setAction(action("buildRoster"))
    .build(),
  task(["subsidies", "proof"], "Show one beneficiary's claim data and Merkle proof from a tree file")
    .addOption(TREE)
    .addOption(optional("index", "Roster index", ""))
    .addOption(optional("beneficiary", "Beneficiary address (instead of --index)", ""))
    .setAction(action("proof"))
    .build(),
  task(["subsidies", "create-roster"], "Create a roster programme funded from a budget line (PROGRAM_MANAGER)")
    .addOption(required("line", "Budget line id"))
    .addOption(TREE)
    .addOption(optional("budget", "Budget in token units (default: the roster's total)", ""))
    .addOption(optional("opens", "Opening time: unix seconds, ISO date, +duration or now", "now"))
    .addOption(required("closes", "Closing time: unix seconds, ISO date or +duration (e.g. +90d)"))
    .addOption(optional("metadata", "Programme rules: a file (hashed), a 0x hash or a text", ""))
    .addOption(SIGNER)
    .setAction(action("createRoster"))
    .build(),
  task(["subsidies", "create-outcome"], "Create an outcome programme funded from a budget line (PROGRAM_MANAGER)")
    .addOption(required("line", "Budget line id"))
    .addOption(required("budget", "Budget in token units"))
    .addOption(required("rate", "Payout per verified unit, in token units"))
    .addOption(optional("cap", "Most one beneficiary may receive, in token units (0: no cap)", "0"))
    .addOption(optional("opens", "Opening time: unix seconds, ISO date, +duration or now", "now"))
    .addOption(required("closes", "Closing time: unix seconds, ISO date or +duration (e.g. +90d)"))
    .addOption(optional("metadata", "Programme rules: a file (hashed), a 0x hash or a text", ""))
    .addOption(SIGNER)
    .setAction(action("createOutcome"))
    .build(),
  task(["subsidies", "claim"], "Claim one roster entry; the money goes to the listed beneficiary (anyone)")
    .addOption(PROGRAM)
    .addOption(TREE)
    .addOption(optional("index", "Roster index", ""))
    .addOption(optional("beneficiary", "Beneficiary address (instead of --index)", ""))
    .addOption(SIGNER)
    .setAction(action("claim"))
    .build(),
  task(["subsidies", "claim-batch"], "Claim a range of roster entries in batches (anyone); claimed ones are skipped")
    .addOption(PROGRAM)
    .addOption(TREE)
    .addOption(optional("from", "First roster index", "0"))
    .addOption(optional("to", "Last roster index (default: the last one)", ""))
    .addOption(optional("chunk", "Entries per transaction (1-250)", "100"))
    .addOption(SIGNER)
    .setAction(action("claimBatch"))
    .build(),
  task(["subsidies", "record-outcome"], "Record a verified outcome and pay it at once (OUTCOME_VERIFIER)")
    .addOption(PROGRAM)
    .addOption(required("beneficiary", "Beneficiary address"))
    .addOption(required("quantity", "Verified units (a whole number)"))
    .addOption(required("evidence", "Evidence: a file (hashed), a 0x hash or a text"))
    .addOption(SIGNER)
    .setAction(action("recordOutcome"))
    .build(),
  task(["subsidies", "block"], "Block a roster entry before it is claimed (PROGRAM_MANAGER)")
    .addOption(PROGRAM)
    .addOption(required("index", "Roster index"))
    .addOption(required("reason", "Reason: a file (hashed), a 0x hash or a text"))
    .addOption(SIGNER)
    .setAction(action("block"))
    .build(),
  task(["subsidies", "close"], "Close a programme and return its unpaid budget (anyone after closing time)")
    .addOption(PROGRAM)
    .addOption(SIGNER)
    .setAction(action("close"))
    .build(),
  task(["subsidies", "sweep"], "Send tokens sent to the contract by mistake to the ledger as unallocated cash (anyone)")
    .addOption(SIGNER)
    .setAction(action("sweep"))
    .build(),
  task(["subsidies", "show"], "Show one programme, or all")
    .addOption(optional("program", "Programme id (default: all)", ""))
    .addOption(SIGNER)
    .setAction(action("show"))
    .build(),
];
