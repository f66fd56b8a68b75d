import { emptyTask, task } from "hardhat/config";

import { SIGNER, required, type LazyAction } from "./options.js";

const action = (name: keyof typeof import("./actions/guardian.js")) => async () => ({
  default: (await import("./actions/guardian.js"))[name] as unknown as LazyAction,
});

export const guardianTasks = [
  emptyTask("guardian", "Emergency pause of a civic-ledger contract (GUARDIAN)").build(),
  task(["guardian", "pause"], "Pause a contract: money stops moving in and out; returns to owners keep working")
    .addOption(required("contract", "BudgetLedger, PermitRegistry, ProcurementEscrow or SubsidyDisbursement"))
    .addOption(SIGNER)
    .setAction(action("pause"))
    .build(),
  task(["guardian", "unpause"], "Lift a pause")
    .addOption(required("contract", "BudgetLedger, PermitRegistry, ProcurementEscrow or SubsidyDisbursement"))
    .addOption(SIGNER)
    .setAction(action("unpause"))
    .build(),
];
