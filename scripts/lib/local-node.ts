/**
 * Starts and stops a real external JSON-RPC node (anvil from the npm `@foundry-rs/anvil`
 * package) on 127.0.0.1, for end-to-end tests and benchmarks that must cross HTTP.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ANVIL_BIN = fileURLToPath(new URL("../../node_modules/@foundry-rs/anvil/bin.mjs", import.meta.url));

/**
 * Ports of the nodes the tests start: `CIVIC_PORT_BASE` (default 18500) plus a fixed offset per
 * test, so that two checkouts can run their tests side by side and 8545 stays free for a
 * developer's own node. The `e2e` network of hardhat.config.ts is `testPort(E2E_PORT_OFFSET)`.
 */
export const E2E_PORT_OFFSET = 45;
export function testPort(offset: number): number {
  const base = Number(process.env.CIVIC_PORT_BASE ?? 18_500);
  if (!Number.isInteger(base) || base < 1024 || base + offset > 65_535) {
    throw new Error(
      `CIVIC_PORT_BASE must be a whole number from 1024 to ${65_535 - offset}, not ${process.env.CIVIC_PORT_BASE}`,
    );
  }
  return base + offset;
}

/** The EVM hardfork of the nodes the tests start (prague: EIP-7702 delegations work). */
export const TEST_HARDFORK = "prague";

export interface LocalNode {
  url: string;
  pid: number;
  chainId: number;
  /** Stops the node by its PID and waits for it to exit. */
  stop(): Promise<void>;
}

async function rpcChainId(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    const body = (await res.json()) as { result?: string };
    return body.result === undefined ? undefined : Number(body.result);
  } catch {
    return undefined;
  }
}

/**
 * Starts anvil on 127.0.0.1:`port` with `chainId` (and `accounts` funded dev accounts, anvil's
 * default 10 unless given); refuses if something already answers there.
 */
export async function startAnvil({
  port,
  chainId,
  accounts,
}: {
  port: number;
  chainId: number;
  accounts?: number;
}): Promise<LocalNode> {
  const url = `http://127.0.0.1:${port}`;
  if ((await rpcChainId(url)) !== undefined) {
    throw new Error(`Something already answers JSON-RPC on ${url}; stop it or choose another port`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ANVIL_BIN,
      ...["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--silent"],
      ...["--hardfork", TEST_HARDFORK],
      ...(accounts === undefined ? [] : ["--accounts", String(accounts)]),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 20_000;
  while ((await rpcChainId(url)) !== chainId) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not start on ${url}: ${stderr.trim() || "timeout"}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid as number,
    chainId,
    async stop() {
      if (child.exitCode === null) process.kill(child.pid as number, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
