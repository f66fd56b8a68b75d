/**
 * The registry deploys with Ignition the way the suite's module must build it: the two
 * libraries first, then the registry linked to them, on the ledger of the suite.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { expect } from "chai";
import { network } from "hardhat";

const { ethers, ignition } = await network.create();

const PermitsOnLedger = buildModule("PermitsOnLedger", (m) => {
  const deployer = m.getAccount(0);
  const manager = m.contract("AccessManager", [deployer]);
  const token = m.contract("TestStablecoin");
  const ledger = m.contract("BudgetLedger", [manager, token]);
  const permitTypes = m.library("PermitTypes");
  const permitMetadata = m.library("PermitMetadata");
  const registry = m.contract("PermitRegistry", [manager, ledger], {
    libraries: { PermitTypes: permitTypes, PermitMetadata: permitMetadata },
  });
  return { registry, ledger, token };
});

describe("PermitRegistry: Ignition deployment", function () {
  it("links PermitTypes and PermitMetadata", async function () {
    const { registry, ledger, token } = await ignition.deploy(PermitsOnLedger);
    expect(await registry.getFunction("ledger")()).to.equal(await ledger.getAddress());
    expect(await registry.getFunction("token")()).to.equal(await token.getAddress());
    const code = await ethers.provider.getCode(await registry.getAddress());
    expect(code.length).to.be.greaterThan(2);
  });
});
