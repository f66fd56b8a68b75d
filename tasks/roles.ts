import { emptyTask, task } from "hardhat/config";

import { SIGNER, optional, required, type LazyAction } from "./options.js";

const action = (name: keyof typeof import("./actions/roles.js")) => async () => ({
  default: (await import("./actions/roles.js"))[name] as unknown as LazyAction,
});

export const roleTasks = [
  emptyTask("roles", "AccessManager roles: grant, revoke, list holders, hand ADMIN to a multisig").build(),
  task(["roles", "grant"], "Grant a role to an account (ADMIN)")
    .addOption(required("role", "Role name (BUDGET_OFFICER, ...) or id (check roles: 100 and up)"))
    .addOption(required("account", "Address that receives the role (several: comma-separated)"))
    .addOption(optional("delay", "Execution delay for this holder: seconds, or 12h, 2d, ...", "0"))
    .addOption(SIGNER)
    .setAction(action("grant"))
    .build(),
  task(["roles", "revoke"], "Revoke a role from an account (ADMIN)")
    .addOption(required("role", "Role name or id"))
    .addOption(required("account", "Address that loses the role"))
    .addOption(SIGNER)
    .setAction(action("revoke"))
    .build(),
  task(["roles", "list"], "List the current holders of every role (or one), rebuilt from AccessManager events")
    .addOption(optional("role", "Only this role (name or id)", ""))
    .addOption(SIGNER)
    .setAction(action("list"))
    .build(),
  task(["roles", "handover"], "Grant ADMIN to a multisig and renounce the signer's ADMIN (refuses to leave no ADMIN)")
    .addOption(required("to", "The multisig or timelock that becomes ADMIN"))
    .addOption(SIGNER)
    .setAction(action("handover"))
    .build(),
];
