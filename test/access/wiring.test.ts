import { readFileSync } from "node:fs";

import { expect } from "chai";

import { FUNCTION_ROLES, roleSelectors, selector } from "../../scripts/lib/wiring.js";

describe("Function-to-role wiring", function () {
  const rolesDoc = readFileSync(new URL("../../docs/roles.md", import.meta.url), "utf8");

  for (const [contract, byRole] of Object.entries(FUNCTION_ROLES)) {
    it(`docs/roles.md lists every restricted function of ${contract}`, function () {
      for (const signatures of Object.values(byRole)) {
        for (const signature of signatures ?? []) expect(rolesDoc, signature).to.include(`\`${signature}\``);
      }
    });
  }

  it("maps no selector of a contract to two roles", function () {
    for (const contract of Object.keys(FUNCTION_ROLES) as Array<keyof typeof FUNCTION_ROLES>) {
      const all = roleSelectors(contract).flatMap((r) => r.selectors);
      expect(new Set(all).size, contract).to.equal(all.length);
    }
  });

  it("computes selectors from signatures", function () {
    expect(selector("pause()")).to.equal("0x8456cb59");
  });
});
