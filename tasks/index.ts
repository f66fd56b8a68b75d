/**
 * Every civic-ledger Hardhat task. Each area file (`tasks/<area>.ts`) exports an array of task
 * definitions whose actions load lazily from `tasks/actions/`; hardhat.config.ts registers them
 * all. Business logic lives in `scripts/lib/`, shared with tests and scripts.
 */
import type { TaskDefinition } from "hardhat/types/tasks";

import { auditTasks } from "./audit.js";
import { budgetTasks } from "./budget.js";
import { guardianTasks } from "./guardian.js";
import { permitTasks } from "./permits.js";
import { procurementTasks } from "./procurement.js";
import { roleTasks } from "./roles.js";
import { sponsorTasks } from "./sponsor.js";
import { subsidyTasks } from "./subsidies.js";

export const civicTasks: TaskDefinition[] = [
  ...budgetTasks,
  ...permitTasks,
  ...procurementTasks,
  ...subsidyTasks,
  ...roleTasks,
  ...guardianTasks,
  ...auditTasks,
  ...sponsorTasks,
];
