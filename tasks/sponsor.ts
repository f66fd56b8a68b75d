import { emptyTask, task } from "hardhat/config";

import { SIGNER, optional, required, type LazyAction } from "./options.js";

const action = (name: keyof typeof import("./actions/sponsor.js")) => async () => ({
  default: (await import("./actions/sponsor.js"))[name] as unknown as LazyAction,
});

export const sponsorTasks = [
  emptyTask(
    "sponsor",
    "Gas sponsorship: fund the paymaster, its policy, the day's spending, the paymaster service",
  ).build(),
  task(["sponsor", "fund"], "Add ETH to the paymaster's EntryPoint deposit (anyone; the treasury normally)")
    .addOption(required("amount", "Amount in ETH"))
    .addOption(SIGNER)
    .setAction(action("fund"))
    .build(),
  task(["sponsor", "withdraw"], "Send ETH of the deposit back to the treasury (SPONSOR_MANAGER)")
    .addOption(required("amount", "Amount in ETH"))
    .addOption(SIGNER)
    .setAction(action("withdraw"))
    .build(),
  task(["sponsor", "policy"], "Show the sponsorship policy, or change it with the options given (SPONSOR_MANAGER)")
    .addOption(optional("maxOps", "Most sponsored operations per sender per UTC day", ""))
    .addOption(optional("budget", "Most ETH spent per UTC day, all senders together", ""))
    .addOption(optional("sponsor", "Calls to sponsor: Contract.function or 0xtarget:0xselector, comma-separated", ""))
    .addOption(optional("unsponsor", "Calls to stop sponsoring (same form)", ""))
    .addOption(optional("serviceSigner", "New signing address of the paymaster service", ""))
    .addOption(SIGNER)
    .setAction(action("policy"))
    .build(),
  task(["sponsor", "day"], "The sponsored operations of one UTC day and what they cost")
    .addOption(optional("day", "UTC day: YYYY-MM-DD, or today (the chain's clock)", "today"))
    .setAction(action("day"))
    .build(),
  task(["sponsor", "serve"], "Run the ERC-7677 paymaster service on 127.0.0.1 (key: SPONSOR_SIGNER_KEY)")
    .addOption(optional("port", "Port on 127.0.0.1 (0: a free one)", "4337"))
    .addOption(optional("rpcUrl", "The chain's JSON-RPC URL (default: the network's)", ""))
    .addOption(optional("validity", "Seconds a signature stays valid (capped at the day's end)", "600"))
    .addOption(optional("rate", "Requests per sender per minute", "20"))
    .setAction(action("serve"))
    .build(),
];
