// Hardhat 3 needs Node >= 22, and EDR (Hardhat's EVM) ships its native code as an optional
// dependency that npm skips when npm itself runs on an older Node. The `node` devDependency
// brings a Node 24 runtime from the npm registry; when npm ran on an older Node, this step
// runs the same install again with that runtime so that every optional native package lands.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const MIN_MAJOR = 22;
const userAgent = process.env.npm_config_user_agent ?? "";
const npmNode = /node\/v(\d+)/.exec(userAgent);
const npmNodeMajor = npmNode ? Number(npmNode[1]) : Number(process.versions.node.split(".")[0]);

if (process.env.CIVIC_LEDGER_REINSTALL === "1" || npmNodeMajor >= MIN_MAJOR) {
  process.exit(0);
}

const root = process.cwd();
const bundledNode = join(root, "node_modules", "node", "bin", "node");
const npmCli = process.env.npm_execpath;
if (!existsSync(bundledNode) || !npmCli) {
  console.error(
    `civic-ledger: npm ran on Node ${npmNodeMajor}, and the bundled Node runtime ` +
      `(${bundledNode}) or npm's own path (npm_execpath) is missing. Install Node >= ${MIN_MAJOR} ` +
      "or run `npm install` again.",
  );
  process.exit(1);
}

console.log(`civic-ledger: npm ran on Node ${npmNodeMajor}; re-running the install on the bundled Node 24.`);
const result = spawnSync(bundledNode, [npmCli, "install", "--no-audit", "--no-fund"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, CIVIC_LEDGER_REINSTALL: "1" },
});
process.exit(result.status ?? 1);
