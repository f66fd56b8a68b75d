/**
 * Refusals for people (scripts/lib/revert.ts): revert data found in the shapes providers throw,
 * every module's custom errors decoded, status errors explained, roles looked up in the wiring.
 */
import { expect } from "chai";
import { Interface, encodeBytes32String } from "ethers";
import { artifacts } from "hardhat";

import { SUITE_CONTRACTS } from "../../scripts/lib/deployment.js";
import { RevertDecoder, explainStatusError, findRevertData, wiredRole } from "../../scripts/lib/revert.js";
import { selector } from "../../scripts/lib/wiring.js";

describe("revert decoding", function () {
  const decoder = new RevertDecoder();
  const interfaces: Record<string, Interface> = {};

  before(async function () {
    for (const name of SUITE_CONTRACTS) {
      const { abi } = await artifacts.readArtifact(name);
      decoder.register(name, abi);
      interfaces[name] = new Interface(abi);
    }
  });

  it("finds revert data in ethers, JSON-RPC and wrapped errors", function () {
    const data = "0x068ca9d8000000000000000000000000000000000000000000000000000000000000beef";
    expect(findRevertData({ data })).to.equal(data);
    expect(findRevertData({ error: { code: 3, data } })).to.equal(data);
    expect(findRevertData({ info: { error: { data: { data } } } })).to.equal(data);
    expect(findRevertData(new Error("x", { cause: { data } }))).to.equal(data);
    expect(findRevertData({ data: "0x" })).to.equal(undefined);
    const loop: Record<string, unknown> = {};
    loop.error = loop;
    expect(findRevertData(loop)).to.equal(undefined);
  });

  it("decodes the custom errors of every module, showing short bytes32 texts as text", function () {
    const cases: Array<[string, string, unknown[], string]> = [
      [
        "BudgetLedger",
        "Ledger_InsufficientAvailable",
        [encodeBytes32String("ROADS-2027"), 5n, 9n],
        'Ledger_InsufficientAvailable("ROADS-2027", 5, 9)',
      ],
      ["PermitRegistry", "Permit_UnknownType", [7n], "Permit_UnknownType(7)"],
      ["ProcurementEscrow", "Procurement_InvalidPrice", [1n, 900n, 800n], "Procurement_InvalidPrice(1, 900, 800)"],
      ["SubsidyDisbursement", "Subsidy_UnknownProgram", [3n], "Subsidy_UnknownProgram(3)"],
      [
        "AccessManager",
        "AccessManagerUnauthorizedAccount",
        ["0x000000000000000000000000000000000000bEEF", 0n],
        "AccessManagerUnauthorizedAccount(0x000000000000000000000000000000000000bEEF, 0)",
      ],
      [
        "TestStablecoin",
        "ERC20InsufficientBalance",
        ["0x000000000000000000000000000000000000bEEF", 1n, 2n],
        "ERC20InsufficientBalance(0x000000000000000000000000000000000000bEEF, 1, 2)",
      ],
    ];
    for (const [contract, error, args, text] of cases) {
      const data = interfaces[contract].encodeErrorResult(error, args);
      expect(decoder.decode(data)?.text, error).to.equal(text);
    }
    expect(decoder.decode("0x12345678")).to.equal(undefined);
  });

  it("explains status errors by name", function () {
    const explain = (contract: string, error: string, args: unknown[]) =>
      explainStatusError(decoder.decode(interfaces[contract].encodeErrorResult(error, args))!);
    const bits = (...i: number[]) =>
      `0x${i
        .reduce((m, b) => m | (1n << BigInt(b)), 0n)
        .toString(16)
        .padStart(64, "0")}`;
    expect(explain("ProcurementEscrow", "Procurement_UnexpectedTenderStatus", [4n, 1n, bits(3)])).to.equal(
      "tender 4 is Bidding; this needs Awardable",
    );
    expect(explain("ProcurementEscrow", "Procurement_UnexpectedMilestoneStatus", [1n, 2n, 4n, bits(1, 3)])).to.equal(
      "milestone 2 of agreement 1 is Paid; this needs Pending or Rejected",
    );
    expect(explain("ProcurementEscrow", "Procurement_UnexpectedAgreementStatus", [1n, 3n, bits(1)])).to.equal(
      "agreement 1 is Terminated; this needs Active",
    );
    expect(explain("PermitRegistry", "Permit_InvalidPermitStatus", [5n, 3n, bits(1, 4)])).to.equal(
      "permit 5 is Revoked; this needs Active or Expired",
    );
    expect(explain("PermitRegistry", "Permit_UnexpectedApplicationStatus", [2n, 3n, bits(1)])).to.equal(
      "application 2 is Rejected, no longer Pending",
    );
    expect(explain("SubsidyDisbursement", "Subsidy_UnexpectedProgramStatus", [1n, 1n, bits(2)])).to.equal(
      "programme 1 is Scheduled; this needs Open",
    );
    expect(explain("BudgetLedger", "EnforcedPause", [])).to.match(/paused by a GUARDIAN/);
  });

  it("looks up the role of a function in the wiring", function () {
    expect(wiredRole("BudgetLedger", selector("pay(bytes32,address,uint256,bytes32)"))).to.deep.equal({
      role: "BUDGET_OFFICER",
      signature: "pay(bytes32,address,uint256,bytes32)",
    });
    expect(wiredRole("ProcurementEscrow", selector("approveMilestone(uint256,uint256)"))?.role).to.equal("INSPECTOR");
    expect(wiredRole("SubsidyDisbursement", selector("pause()"))?.role).to.equal("GUARDIAN");
    expect(wiredRole("BudgetLedger", selector("deposit(uint256,bytes32)"))).to.equal(undefined);
    expect(wiredRole("AccessManager", selector("grantRole(uint64,address,uint32)"))).to.equal(undefined);
  });
});
