import { emptyTask, task } from "hardhat/config";

import { SIGNER, optional, required, type LazyAction } from "./options.js";

const action = (name: keyof typeof import("./actions/procurement.js")) => async () => ({
  default: (await import("./actions/procurement.js"))[name] as unknown as LazyAction,
});

const TENDER = required("tender", "Tender id");
const AGREEMENT = required("agreement", "Agreement id");
const INDEX = required("index", "Milestone index (0-based)");

export const procurementTasks = [
  emptyTask("procurement", "Sealed-bid tenders, awards and milestone payments").build(),
  task(
    ["procurement", "create-tender"],
    "Create a tender from a JSON file; commits maxPrice from the line (PROCUREMENT_OFFICER)",
  )
    .addOption(required("file", "Tender file (see docs/operations.md)"))
    .addOption(SIGNER)
    .setAction(action("createTender"))
    .build(),
  task(["procurement", "bid"], "Submit a sealed bid; pays the bond and saves the secret you need to reveal")
    .addOption(TENDER)
    .addOption(required("price", "Your price in token units"))
    .addOption(required("proposal", "Your proposal: a file (hashed), a 0x hash, or a text (hashed)"))
    .addOption(optional("out", "Where to save the bid secret (default: bids/chain-<id>-tender-<id>-<bidder>.json)", ""))
    .addOption(SIGNER)
    .setAction(action("bid"))
    .build(),
  task(["procurement", "reveal"], "Reveal a sealed bid from the file the bid task saved; the bond comes back")
    .addOption(required("file", "The bid secret file"))
    .addOption(SIGNER)
    .setAction(action("reveal"))
    .build(),
  task(["procurement", "award"], "Award a tender after its reveal deadline: lowest price wins (anyone)")
    .addOption(TENDER)
    .addOption(SIGNER)
    .setAction(action("award"))
    .build(),
  task(["procurement", "cancel"], "Cancel a tender before award; the commitment returns (PROCUREMENT_OFFICER)")
    .addOption(TENDER)
    .addOption(required("reason", "Reason: a file, a 0x hash, or a text"))
    .addOption(SIGNER)
    .setAction(action("cancel"))
    .build(),
  task(["procurement", "reclaim-bond"], "Take your bond back from a cancelled tender")
    .addOption(TENDER)
    .addOption(SIGNER)
    .setAction(action("reclaimBond"))
    .build(),
  task(["procurement", "submit-milestone"], "Submit a milestone's evidence (the contractor)")
    .addOption(AGREEMENT)
    .addOption(INDEX)
    .addOption(required("evidence", "Evidence: a file, a 0x hash, or a text"))
    .addOption(SIGNER)
    .setAction(action("submitMilestone"))
    .build(),
  task(
    ["procurement", "approve-milestone"],
    "Approve a submitted milestone; the quorum-reaching approval pays (INSPECTOR)",
  )
    .addOption(AGREEMENT)
    .addOption(INDEX)
    .addOption(SIGNER)
    .setAction(action("approveMilestone"))
    .build(),
  task(["procurement", "reject-milestone"], "Reject a submitted milestone; approvals are cleared (INSPECTOR)")
    .addOption(AGREEMENT)
    .addOption(INDEX)
    .addOption(required("reason", "Reason: a file, a 0x hash, or a text"))
    .addOption(SIGNER)
    .setAction(action("rejectMilestone"))
    .build(),
  task(["procurement", "terminate"], "Terminate an agreement; unpaid money and retention return (PROCUREMENT_OFFICER)")
    .addOption(AGREEMENT)
    .addOption(required("reason", "Reason: a file, a 0x hash, or a text"))
    .addOption(SIGNER)
    .setAction(action("terminate"))
    .build(),
  task(["procurement", "withdraw-owed"], "Take out payments the token refused to send you earlier (bidder, contractor)")
    .addOption(optional("to", "Where to send them (default: the signer)", ""))
    .addOption(SIGNER)
    .setAction(action("withdrawOwed"))
    .build(),
  task(["procurement", "show"], "Show a tender, its bids, its agreement and milestones")
    .addOption(optional("tender", "Tender id", ""))
    .addOption(optional("agreement", "Or an agreement id", ""))
    .addOption(SIGNER)
    .setAction(action("show"))
    .build(),
];
