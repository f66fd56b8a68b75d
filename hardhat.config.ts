import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { civicTasks } from "./tasks/index.js";

const require = createRequire(import.meta.url);

/** The compiler comes from the npm `solc` package: no download at build time. */
const SOLC_VERSION = "0.8.30";
const SOLJSON_PATH = require.resolve("solc/soljson.js");
/** Cancun: Ethereum since March 2024 and the major L2s (Arbitrum, Optimism, Base, Polygon PoS). */
const EVM_VERSION = "cancun";

/**
 * Solidity test depth. `CIVIC_TEST_PROFILE=ci` selects the deeper profile that CI runs;
 * the default one is for daily work. (Hardhat 3.17 supports one named test profile, so the
 * choice is made here.)
 */
const TEST_PROFILES = {
  default: { fuzzRuns: 1_000, invariantRuns: 128, invariantDepth: 64 },
  ci: { fuzzRuns: 5_000, invariantRuns: 256, invariantDepth: 128 },
} as const;
const testProfile = process.env.CIVIC_TEST_PROFILE === "ci" ? TEST_PROFILES.ci : TEST_PROFILES.default;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks: civicTasks,
  solidity: {
    profiles: {
      default: {
        version: SOLC_VERSION,
        path: SOLJSON_PATH,
        settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: EVM_VERSION },
      },
      production: {
        version: SOLC_VERSION,
        path: SOLJSON_PATH,
        settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: EVM_VERSION },
      },
    },
    npmFilesToBuild: [
      "@openzeppelin/contracts/access/manager/AccessManager.sol",
      "@openzeppelin/contracts/token/ERC20/IERC20.sol",
      // gas sponsorship (contracts/sponsorship/): the EntryPoint v0.8 interface for typed calls;
      // the EntryPoint itself is deployed from its published bytecode (deploy/modules/CivicEntryPoint.ts)
      "@account-abstraction/contracts/interfaces/IEntryPoint.sol",
    ],
  },
  paths: {
    // bench/contracts: baselines of the gas benchmark (never deployed for real)
    sources: ["contracts", "bench/contracts"],
    ignition: "deploy",
  },
  test: {
    solidity: {
      fuzz: { runs: testProfile.fuzzRuns },
      invariant: {
        runs: testProfile.invariantRuns,
        depth: testProfile.invariantDepth,
        failOnRevert: true,
      },
    },
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
    /**
     * The end-to-end tests' own anvil (test/e2e/), kept apart from a developer's localhost node:
     * port `CIVIC_PORT_BASE` (default 18500) + 45, as `testPort(E2E_PORT_OFFSET)` in
     * scripts/lib/local-node.ts.
     */
    e2e: {
      type: "http",
      chainType: "l1",
      url: `http://127.0.0.1:${Number(process.env.CIVIC_PORT_BASE ?? 18_500) + 45}`,
    },
    testnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("TESTNET_RPC_URL"),
      accounts: [configVariable("TESTNET_PRIVATE_KEY")],
    },
  },
  verify: {
    etherscan: {
      apiKey: configVariable("ETHERSCAN_API_KEY"),
    },
  },
});
