/**
 * Where the sponsorship contracts of a chain are: the Ignition deployment
 * (`deploy/deployments/chain-<id>/deployed_addresses.json`, keys `CivicSponsorship#...`); the
 * EntryPoint is `CivicEntryPoint#EntryPoint` on local chains, the canonical v0.8 elsewhere.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { ENTRYPOINT_V08 } from "../../scripts/lib/sponsorship.js";

export interface SponsorshipAddresses {
  paymaster: string;
  entryPoint: string;
  account7702: string;
  factory: string;
}

export class SponsorshipDeploymentError extends Error {
  override name = "SponsorshipDeploymentError";
}

export async function readSponsorshipAddresses(ignitionDir: string, chainId: bigint): Promise<SponsorshipAddresses> {
  const file = join(ignitionDir, "deployments", `chain-${chainId}`, "deployed_addresses.json");
  const raw = existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as Record<string, string>) : {};
  const paymaster = raw["CivicSponsorship#CivicPaymaster"];
  if (paymaster === undefined) {
    throw new SponsorshipDeploymentError(
      `No gas sponsorship deployed on chain ${chainId} (${file} has no CivicSponsorship#CivicPaymaster). Deploy it: ` +
        "npx hardhat ignition deploy deploy/modules/CivicSponsorship.ts --network <name> --parameters <file>",
    );
  }
  return {
    paymaster,
    entryPoint: raw["CivicEntryPoint#EntryPoint"] ?? ENTRYPOINT_V08,
    account7702: raw["CivicSponsorship#CitizenAccount7702"],
    factory: raw["CivicSponsorship#CitizenAccountFactory"],
  };
}
