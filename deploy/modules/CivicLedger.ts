/**
 * `CivicLedger`: the suite on a fresh TestStablecoin (6 decimals, open faucet), for local
 * chains and testnets. Parameter: `adminDelay` (seconds, default 0).
 *
 *   npx hardhat ignition deploy deploy/modules/CivicLedger.ts --network localhost \
 *     --parameters deploy/parameters/local.json
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildSuite } from "./suite.js";

export default buildModule("CivicLedger", (m) => {
  const token = m.contract("TestStablecoin");
  return { TestStablecoin: token, ...buildSuite(m, token) };
});
