import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { UserError, parseUint } from "../../scripts/lib/args.js";
import { ChainReadError, exitCodeOf, runAudit } from "../../scripts/lib/audit/index.js";
import { renderText, writeCsv, writeJson } from "../../scripts/lib/audit/report.js";
import { describeError, requestWithRetry, type Eip1193 } from "../../scripts/lib/audit/rpc.js";
import { findTarget, startBlock } from "../../scripts/lib/audit/target.js";
import { DeploymentError } from "../../scripts/lib/deployment.js";

interface AuditArgs {
  json: string;
  csv: string;
  fromBlock: string;
  toBlock: string;
  addresses: string;
  rpcUrl: string;
  window: string;
  maxWindow: string;
  retries: string;
  reallocationDays: string;
}

const optionalBlock = (value: string, name: string) =>
  value.trim() === "" ? undefined : Number(parseUint(value, name, { max: BigInt(Number.MAX_SAFE_INTEGER) }));

/** Opens the selected network, or the same network at --rpc-url. */
async function connect(hre: HardhatRuntimeEnvironment, rpcUrl: string) {
  if (rpcUrl.trim() === "") return hre.network.getOrCreate();
  let url: URL;
  try {
    url = new URL(rpcUrl.trim());
  } catch {
    throw new UserError(`--rpc-url: "${rpcUrl}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UserError("--rpc-url must be an http(s) URL");
  const chosen = hre.globalOptions.network;
  const network = chosen === undefined || chosen === "" || chosen === "default" ? "localhost" : chosen;
  if (hre.config.networks[network]?.type !== "http") {
    throw new UserError(
      `--rpc-url needs an http network to start from; "${network}" is not one (try --network localhost)`,
    );
  }
  return hre.network.create({ network, override: { url: url.toString() } });
}

/**
 * `npx hardhat audit`: exit code 0 when the books are consistent, 1 on any mismatch, 2 when the
 * audit could not run (chain unreadable, no deployment, bad arguments). Never a stack trace.
 */
export async function audit(args: AuditArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    const fromBlock = optionalBlock(args.fromBlock, "from-block");
    const toBlock = optionalBlock(args.toBlock, "to-block");
    const initialWindow = Number(parseUint(args.window, "window", { min: 1n, max: 10_000_000n }));
    const maxWindow = Number(parseUint(args.maxWindow, "max-window", { min: 1n, max: 10_000_000n }));
    const retries = Number(parseUint(args.retries, "retries", { max: 100n }));
    const days = Number(parseUint(args.reallocationDays, "reallocation-days", { max: 3650n }));

    const connection = await connect(hre, args.rpcUrl);
    const provider = connection.provider as unknown as Eip1193;
    const chainId = BigInt(String(await requestWithRetry(provider, "eth_chainId", [], { retries })));
    const deployment = await findTarget(hre.config.paths.ignition, chainId, args.addresses);
    const report = await runAudit({
      provider,
      addresses: deployment.addresses,
      fromBlock: startBlock(deployment, fromBlock),
      toBlock,
      retry: { retries },
      fetch: { initialWindow, maxWindow },
      reallocationWindowSeconds: days * 24 * 3600,
      progress: process.stderr,
    });
    console.log(renderText(report));
    if (args.json.trim() !== "") {
      await writeJson(report, args.json.trim());
      console.log(`JSON report: ${args.json.trim()}`);
    }
    if (args.csv.trim() !== "") {
      const files = await writeCsv(report, args.csv.trim());
      console.log(`CSV files (${files.length}) in ${args.csv.trim()}`);
    }
    process.exitCode = exitCodeOf(report);
  } catch (error) {
    process.exitCode = 2;
    if (error instanceof ChainReadError) {
      const where =
        args.rpcUrl.trim() !== "" ? args.rpcUrl.trim() : `network "${hre.globalOptions.network ?? "default"}"`;
      console.error(`Error: ${error.message} [reading ${where}]`);
    } else if (error instanceof UserError || error instanceof DeploymentError) {
      console.error(`Error: ${error.message}`);
    } else {
      console.error(`Error: the audit could not run: ${describeError(error)}`);
    }
  }
}
