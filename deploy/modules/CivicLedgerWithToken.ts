/**
 * `CivicLedgerWithToken`: the suite on an existing ERC-20 (a stablecoin of the chain).
 * Parameters: `token` (required, the token's address), `adminDelay` (seconds, default 0).
 *
 *   npx hardhat ignition deploy deploy/modules/CivicLedgerWithToken.ts --network testnet \
 *     --parameters deploy/parameters/testnet.example.json
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildSuite } from "./suite.js";

export default buildModule("CivicLedgerWithToken", (m) => {
  const token = m.contractAt("IERC20", m.getParameter<string>("token"), { id: "Token" });
  return buildSuite(m, token);
});
