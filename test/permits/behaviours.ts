/**
 * Shared behaviours of the PermitRegistry tests: access control of restricted functions.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import type { PermitRegistry } from "../../types/ethers-contracts/index.js";

export interface RestrictedCall {
  /** The function's signature, as in scripts/lib/wiring.ts. */
  signature: string;
  /** Sends the call from `registry` (already connected to the caller). */
  send: (registry: PermitRegistry) => Promise<unknown>;
}

/**
 * For each call, asserts that `caller` (who holds none of the registry's roles) is refused with
 * AccessManagedUnauthorized(caller).
 */
export function itRefusesCallersWithoutTheRole(
  setup: () => Promise<{ registry: PermitRegistry; caller: HardhatEthersSigner }>,
  calls: RestrictedCall[],
): void {
  for (const { signature, send } of calls) {
    it(`refuses ${signature} from a caller without the role`, async function () {
      const { registry, caller } = await setup();
      await expect(send(registry.connect(caller)))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(caller.address);
    });
  }
}
