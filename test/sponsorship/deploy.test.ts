/**
 * The sponsorship Ignition modules: the EntryPoint v0.8 lands at its canonical address through
 * the CREATE2 deployer, and SPONSOR_MANAGER (role 9) takes `adminDelay` to grant, like the
 * money roles, as does any change of the paymaster's function roles (target admin delay).
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import { ROLES } from "../../scripts/lib/roles.js";
import { deploySponsorship } from "../../scripts/lib/sponsorship-deploy.js";
import { ENTRYPOINT_V08, entryPointArtifact } from "../../scripts/lib/sponsorship.js";
import { deploySuite } from "../../scripts/lib/suite.js";

describe("Sponsorship deployment (Ignition)", function () {
  it("puts the EntryPoint at its canonical address and delays SPONSOR_MANAGER grants by adminDelay", async function () {
    const connection = await network.create();
    try {
      const { ethers, networkHelpers } = connection;
      const [admin, manager] = await ethers.getSigners();
      const adminDelay = 2n * 86_400n;
      const suite = await deploySuite(connection, adminDelay);
      const sp = await deploySponsorship(connection, suite, { signer: Wallet.createRandom().address, adminDelay });
      expect(sp.addresses.EntryPoint).to.equal(ENTRYPOINT_V08);
      // the published runtime code (its immutables filled in at construction)
      expect((await ethers.provider.getCode(ENTRYPOINT_V08)).length).to.equal(
        entryPointArtifact().deployedBytecode.length,
      );
      expect(await sp.paymaster.entryPoint()).to.equal(ENTRYPOINT_V08);
      expect(await sp.paymaster.treasury()).to.equal(admin.address);
      expect(await sp.factory.implementation()).to.not.equal(ethers.ZeroAddress);

      await networkHelpers.time.increase(5n * 86_400n + 1n); // the AccessManager's minimum setback
      expect(await suite.manager.getRoleGrantDelay(ROLES.SPONSOR_MANAGER)).to.equal(adminDelay);
      expect(await suite.manager.getTargetAdminDelay(sp.addresses.CivicPaymaster)).to.equal(adminDelay);
      await (await suite.manager.connect(admin).grantRole(ROLES.SPONSOR_MANAGER, manager.address, 0)).wait();
      expect((await suite.manager.hasRole(ROLES.SPONSOR_MANAGER, manager.address))[0]).to.equal(false);
      await networkHelpers.time.increase(adminDelay);
      expect((await suite.manager.hasRole(ROLES.SPONSOR_MANAGER, manager.address))[0]).to.equal(true);
    } finally {
      await connection.close();
    }
  });
});
