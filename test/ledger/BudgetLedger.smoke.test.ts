import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import { network } from "hardhat";

import { deployLedgerSuite, fundLine } from "../helpers/suite.js";

const { ethers, networkHelpers } = await network.create();
const ledgerSuite = () => deployLedgerSuite(ethers);

describe("BudgetLedger (smoke)", function () {
  it("funds a line and refuses an officer action from a stranger", async function () {
    const suite = await networkHelpers.loadFixture(ledgerSuite);
    const roads = encodeBytes32String("roads");
    await fundLine(suite, roads, 1_000n);
    expect(await suite.ledger.available(roads)).to.equal(1_000n);
    await expect(suite.ledger.connect(suite.others[0]).closeLine(roads))
      .to.be.revertedWithCustomError(suite.ledger, "AccessManagedUnauthorized")
      .withArgs(suite.others[0].address);
  });
});
