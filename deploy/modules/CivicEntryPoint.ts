/**
 * `CivicEntryPoint`: the ERC-4337 EntryPoint v0.8 at its canonical address
 * (0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108), for local chains that do not have it: the
 * published bytecode of `@account-abstraction/contracts` 0.8.0 sent with the canonical salt to
 * the deterministic CREATE2 deployer (0x4e59b448...; anvil has it, `ensureCreate2Deployer` of
 * scripts/lib/sponsorship.ts installs it on the in-process chain). Public chains have the
 * EntryPoint already: deploy only `CivicSponsorship` there (this module would revert).
 *
 *   npx hardhat ignition deploy deploy/modules/CivicEntryPoint.ts --network localhost
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Artifact } from "hardhat/types/artifacts";

import {
  CREATE2_DEPLOYER,
  ENTRYPOINT_V08,
  entryPointArtifact,
  entryPointCreationCall,
} from "../../scripts/lib/sponsorship.js";

export default buildModule("CivicEntryPoint", (m) => {
  const created = m.send("EntryPointCreate2", CREATE2_DEPLOYER, 0n, entryPointCreationCall());
  const entryPoint = m.contractAt("EntryPoint", entryPointArtifact() as unknown as Artifact, ENTRYPOINT_V08, {
    after: [created],
  });
  return { EntryPoint: entryPoint };
});
