import { emptyTask, task } from "hardhat/config";

import { SIGNER, optional, required, type LazyAction } from "./options.js";

const action = (name: keyof typeof import("./actions/permits.js")) => async () => ({
  default: (await import("./actions/permits.js"))[name] as unknown as LazyAction,
});

const PERMIT = required("permit", "Permit id");
const REASON = required("reason", "Reason: a file (hashed), a 0x hash, or a text (hashed)");

export const permitTasks = [
  emptyTask("permits", "Permits and licences: types, applications, checks, renewal, verification").build(),
  task(["permits", "define-type"], "Define a permit type (PERMIT_OFFICER)")
    .addOption(required("name", 'Name shown on the permit, e.g. "Food stall licence"'))
    .addOption(optional("fee", "Application fee in token units", "0"))
    .addOption(required("validity", "Validity: seconds, or 90m, 12h, 30d, 2w, 1y"))
    .addOption(optional("checks", "Comma-separated check role ids (100 and up), in any order", ""))
    .addOption(optional("recheck", "Run the checks again on renewal (true/false)", "false"))
    .addOption(SIGNER)
    .setAction(action("defineType"))
    .build(),
  task(["permits", "set-active"], "Activate or deactivate a permit type (PERMIT_OFFICER)")
    .addOption(required("type", "Permit type id"))
    .addOption(required("active", "true or false"))
    .addOption(SIGNER)
    .setAction(action("setActive"))
    .build(),
  task(["permits", "apply"], "Apply for a permit; pays the fee (approves the registry first)")
    .addOption(required("type", "Permit type id"))
    .addOption(required("document", "The application document: a file (hashed), a 0x hash, or a text (hashed)"))
    .addOption(SIGNER)
    .setAction(action("apply"))
    .build(),
  task(["permits", "check"], "Record a compliance check on an application (the check role's agency)")
    .addOption(required("application", "Application id"))
    .addOption(required("role", "The check role id this agency holds"))
    .addOption(required("passed", "true (passed) or false (failed: rejects the application)"))
    .addOption(required("evidence", "Evidence: a file (hashed), a 0x hash, or a text (hashed)"))
    .addOption(SIGNER)
    .setAction(action("check"))
    .build(),
  task(["permits", "withdraw"], "Withdraw a pending application; the fee is refunded (the applicant)")
    .addOption(required("application", "Application id"))
    .addOption(SIGNER)
    .setAction(action("withdraw"))
    .build(),
  task(["permits", "renew"], "Renew a permit; pays the fee (the holder)")
    .addOption(PERMIT)
    .addOption(SIGNER)
    .setAction(action("renew"))
    .build(),
  task(["permits", "suspend"], "Suspend a permit (PERMIT_OFFICER)")
    .addOption(PERMIT)
    .addOption(REASON)
    .addOption(SIGNER)
    .setAction(action("suspend"))
    .build(),
  task(["permits", "reinstate"], "Lift a suspension (PERMIT_OFFICER)")
    .addOption(PERMIT)
    .addOption(SIGNER)
    .setAction(action("reinstate"))
    .build(),
  task(["permits", "revoke"], "Revoke a permit for good (PERMIT_OFFICER)")
    .addOption(PERMIT)
    .addOption(REASON)
    .addOption(SIGNER)
    .setAction(action("revoke"))
    .build(),
  task(["permits", "claim-refund"], "Take refunds the token refused to transfer to you earlier (the applicant)")
    .addOption(optional("to", "Where to send them (default: the signer)", ""))
    .addOption(SIGNER)
    .setAction(action("claimRefund"))
    .build(),
  task(["permits", "verify"], "Is a permit valid? By id or by its document")
    .addOption(optional("permit", "Permit id", ""))
    .addOption(optional("document", "Or the document: a file, a 0x hash, or a text", ""))
    .addOption(optional("holder", "With --document: the holder (found from the events when omitted)", ""))
    .addOption(SIGNER)
    .setAction(action("verify"))
    .build(),
  task(["permits", "show"], "Show an application and its checks")
    .addOption(required("application", "Application id"))
    .addOption(SIGNER)
    .setAction(action("show"))
    .build(),
  task(["permits", "types"], "List the permit types: fee, validity, checks")
    .addOption(SIGNER)
    .setAction(action("types"))
    .build(),
];
