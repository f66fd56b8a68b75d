import { emptyTask, task } from "hardhat/config";

import { SIGNER, optional, required, type LazyAction } from "./options.js";

const action = (name: keyof typeof import("./actions/budget.js")) => async () => ({
  default: (await import("./actions/budget.js"))[name] as unknown as LazyAction,
});

export const budgetTasks = [
  emptyTask("budget", "Budget ledger: lines, appropriations, deposits and payments").build(),
  task(["budget", "create-line"], "Open a budget line with an appropriation out of unallocated cash (BUDGET_OFFICER)")
    .addOption(required("line", "Line id: a short text such as ROADS-2027, or a 0x 32-byte hash"))
    .addOption(required("year", "Fiscal year"))
    .addOption(optional("amount", "Appropriation in token units", "0"))
    .addOption(required("label", "Human-readable name"))
    .addOption(SIGNER)
    .setAction(action("createLine"))
    .build(),
  task(["budget", "increase"], "Supplementary appropriation out of unallocated cash (BUDGET_OFFICER)")
    .addOption(required("line", "Line id"))
    .addOption(required("amount", "Amount in token units"))
    .addOption(SIGNER)
    .setAction(action("increase"))
    .build(),
  task(["budget", "decrease"], "Reduce an appropriation; never below committed + spent (BUDGET_OFFICER)")
    .addOption(required("line", "Line id"))
    .addOption(required("amount", "Amount in token units"))
    .addOption(SIGNER)
    .setAction(action("decrease"))
    .build(),
  task(["budget", "reallocate"], "Move available money between lines (BUDGET_OFFICER)")
    .addOption(required("from", "Line id to take from"))
    .addOption(required("to", "Line id to add to"))
    .addOption(required("amount", "Amount in token units"))
    .addOption(optional("reason", "Reason (text or 0x hash)", "reallocation"))
    .addOption(SIGNER)
    .setAction(action("reallocate"))
    .build(),
  task(["budget", "close"], "Close a line at year end: the available rest lapses (BUDGET_OFFICER)")
    .addOption(required("line", "Line id"))
    .addOption(SIGNER)
    .setAction(action("close"))
    .build(),
  task(["budget", "deposit"], "Deposit tokens into the treasury (anyone; approves the ledger first)")
    .addOption(required("amount", "Amount in token units"))
    .addOption(optional("ref", "Reference (text or 0x hash)", "deposit"))
    .addOption(SIGNER)
    .setAction(action("deposit"))
    .build(),
  task(["budget", "pay"], "Direct expenditure from a line (BUDGET_OFFICER)")
    .addOption(required("line", "Line id"))
    .addOption(required("payee", "Payee address"))
    .addOption(required("amount", "Amount in token units"))
    .addOption(required("ref", "Reference: invoice number or 0x hash"))
    .addOption(SIGNER)
    .setAction(action("pay"))
    .build(),
  task(["budget", "withdraw"], "Withdraw unallocated cash (ADMIN)")
    .addOption(required("to", "Recipient address"))
    .addOption(required("amount", "Amount in token units"))
    .addOption(optional("ref", "Reference", "withdrawal"))
    .addOption(SIGNER)
    .setAction(action("withdraw"))
    .build(),
  task(["budget", "lines"], "Show every budget line and the unallocated cash")
    .addOption(SIGNER)
    .setAction(action("lines"))
    .build(),
  task(["budget", "faucet"], "Mint TestStablecoin (local chains and testnets only)")
    .addOption(required("to", "Recipient address"))
    .addOption(required("amount", "Amount in token units"))
    .addOption(SIGNER)
    .setAction(action("faucet"))
    .build(),
];
