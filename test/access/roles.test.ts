import { readFileSync } from "node:fs";

import { expect } from "chai";

import { MAX_CHECK_ROLE, MIN_CHECK_ROLE, ROLES, roleName } from "../../scripts/lib/roles.js";

/** Parses `uint64 internal constant NAME = value;` lines of contracts/access/Roles.sol. */
function solidityRoles(): Map<string, bigint> {
  const source = readFileSync(new URL("../../contracts/access/Roles.sol", import.meta.url), "utf8");
  const out = new Map<string, bigint>();
  for (const m of source.matchAll(/uint64 internal constant (\w+) = ([^;]+);/g)) {
    const expr = m[2].trim();
    out.set(m[1], expr === "type(uint64).max - 1" ? 2n ** 64n - 2n : BigInt(expr));
  }
  return out;
}

describe("Roles", function () {
  it("TypeScript role ids equal contracts/access/Roles.sol", function () {
    const sol = solidityRoles();
    for (const [name, id] of Object.entries(ROLES)) {
      expect(sol.get(name), name).to.equal(id);
    }
    expect(sol.get("MIN_CHECK_ROLE")).to.equal(MIN_CHECK_ROLE);
    expect(sol.get("MAX_CHECK_ROLE")).to.equal(MAX_CHECK_ROLE);
    expect(sol.size).to.equal(Object.keys(ROLES).length + 2);
  });

  it("names roles for messages", function () {
    expect(roleName(1n)).to.equal("BUDGET_OFFICER");
    expect(roleName(150n)).to.equal("check role 150");
    expect(roleName(42n)).to.equal("role 42");
  });
});
