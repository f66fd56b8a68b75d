/** Runs the Hardhat CLI as a user would, capturing its output. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const HARDHAT_CLI = fileURLToPath(new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together. */
  output: string;
}

/** `npx hardhat ...args` on the Node running the tests; resolves when the command exits. */
export function hardhat(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
      // HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: no interactive confirmation for chains other than 31337.
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hardhat ${args.join(" ")} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, output: stdout + stderr });
    });
  });
}
