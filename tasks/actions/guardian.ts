import { Contract } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, requireText } from "../../scripts/lib/args.js";
import type { SuiteContractName } from "../../scripts/lib/deployment.js";
import { openContext, runTask, send } from "./context.js";

const PAUSABLE = ["BudgetLedger", "PermitRegistry", "ProcurementEscrow", "SubsidyDisbursement"];
const ABI = ["function pause()", "function unpause()", "function paused() view returns (bool)"];

async function toggle(
  args: { contract: string; signer: string },
  hre: HardhatRuntimeEnvironment,
  fn: "pause" | "unpause",
) {
  await runTask(async () => {
    const wanted = requireText(args.contract, "contract").toLowerCase();
    const name = PAUSABLE.find((n) => n.toLowerCase() === wanted);
    if (name === undefined) throw new UserError(`--contract: "${args.contract}" is not one of ${PAUSABLE.join(", ")}`);
    const ctx = await openContext(hre, args.signer);
    const target = new Contract(ctx.address(name as SuiteContractName), ABI, ctx.signer);
    const paused = (await target.paused()) as boolean;
    if (paused === (fn === "pause")) throw new UserError(`${name} is already ${paused ? "paused" : "running"}`);
    await send(ctx, `${fn === "pause" ? "Paused" : "Unpaused"} ${name}`, target, fn, []);
  });
}

export async function pause(args: { contract: string; signer: string }, hre: HardhatRuntimeEnvironment) {
  await toggle(args, hre, "pause");
}

export async function unpause(args: { contract: string; signer: string }, hre: HardhatRuntimeEnvironment) {
  await toggle(args, hre, "unpause");
}
