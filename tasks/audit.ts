import { task } from "hardhat/config";

import { optional, type LazyAction } from "./options.js";

export const auditTasks = [
  task(
    "audit",
    "Rebuild the books from events alone, reconcile them with the views and balances at one block; exit 0 consistent, 1 mismatches, 2 chain unreadable",
  )
    .addOption(optional("json", "Write the report as JSON to this file", ""))
    .addOption(optional("csv", "Write one CSV file per record kind into this directory", ""))
    .addOption(optional("fromBlock", "First block to read (default: the deployment's first block, else 0)", ""))
    .addOption(
      optional("toBlock", "Block to audit at: every log, view and balance is read at it (default: latest)", ""),
    )
    .addOption(
      optional("addresses", "Contract addresses as a JSON file or inline JSON (default: the Ignition deployment)", ""),
    )
    .addOption(optional("rpcUrl", "Read this JSON-RPC URL instead of the network's own (an http network)", ""))
    .addOption(optional("window", "First eth_getLogs window in blocks; it adapts to the provider", "2000"))
    .addOption(optional("maxWindow", "Largest eth_getLogs window in blocks", "100000"))
    .addOption(optional("retries", "Retries of a request after rate limits, timeouts or network errors", "6"))
    .addOption(optional("reallocationDays", "Window of the reallocation-before-overspend red flag, in days", "7"))
    .setAction(async () => ({
      default: (await import("./actions/audit.js")).audit as unknown as LazyAction,
    }))
    .build(),
];
