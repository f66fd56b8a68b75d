/** Decoding: SPEC event signatures against the compiled ABIs, log decoding and ordering, widened view fragments. */
import { expect } from "chai";
import { AbiCoder, Interface, encodeBytes32String, getAddress, type InterfaceAbi, type ParamType } from "ethers";
import hre from "hardhat";

import { INTERFACES, SPEC_EVENTS, type ContractKind } from "../../scripts/lib/audit/abi.js";
import { decodeLogs, type AddressBook } from "../../scripts/lib/audit/decode.js";
import type { RawLog } from "../../scripts/lib/audit/fetch.js";

const AUDITED: ContractKind[] = [
  "BudgetLedger",
  "AccessManager",
  "PermitRegistry",
  "ProcurementEscrow",
  "SubsidyDisbursement",
];
const MODULES = new Set<ContractKind>(["PermitRegistry", "ProcurementEscrow", "SubsidyDisbursement"]);

async function compiled(kind: ContractKind): Promise<Interface | undefined> {
  if (!(await hre.artifacts.artifactExists(kind))) return undefined;
  return new Interface((await hre.artifacts.readArtifact(kind)).abi as InterfaceAbi);
}

/** A parameter's shape for comparison: names and categories (every integer width is "int"). */
function shape(p: ParamType): unknown {
  const category =
    p.baseType === "tuple" ? "tuple" : p.baseType === "array" ? "array" : p.type.replace(/^u?int\d*$/, "int");
  return {
    name: p.name,
    category,
    components: p.components?.map(shape) ?? null,
    item: p.arrayChildren === null ? null : shape(p.arrayChildren),
  };
}

const LEDGER = getAddress("0x00000000000000000000000000000000000000aa");
const MODULE = getAddress("0x00000000000000000000000000000000000000bb");
const TOKEN = getAddress("0x00000000000000000000000000000000000000cc");
const book: AddressBook = new Map([[LEDGER.toLowerCase(), { kind: "BudgetLedger", address: LEDGER }]]);

function rawLog(
  kind: ContractKind,
  address: string,
  name: string,
  args: unknown[],
  block: number,
  logIndex: number,
): RawLog {
  const { topics, data } = INTERFACES[kind].encodeEventLog(name, args);
  return {
    address: address.toLowerCase(),
    topics,
    data,
    blockNumber: `0x${block.toString(16)}`,
    logIndex: `0x${logIndex.toString(16)}`,
    transactionHash: `0x${block.toString(16).padStart(64, "0")}`,
  };
}

describe("Audit: decoding", function () {
  for (const kind of AUDITED) {
    const pending = MODULES.has(kind) ? " (pending until the contract is built)" : "";
    it(`SPEC events of ${kind} are in its compiled ABI${pending}`, async function () {
      const iface = await compiled(kind);
      if (iface === undefined) this.skip();
      for (const signature of SPEC_EVENTS[kind]) {
        const spec = INTERFACES[kind].getEvent(signature.slice("event ".length, signature.indexOf("(")))!;
        const found = iface.getEvent(spec.topicHash);
        expect(found, signature).to.not.equal(null);
        expect(
          found!.inputs.map((i) => i.indexed === true),
          signature,
        ).to.deep.equal(spec.inputs.map((i) => i.indexed === true));
      }
    });
    it(`the views the auditor calls on ${kind} match its compiled ABI, field by field${pending}`, async function () {
      const iface = await compiled(kind);
      if (iface === undefined) this.skip();
      INTERFACES[kind].forEachFunction((fn) => {
        const found = iface.getFunction(fn.name);
        expect(found, fn.format()).to.not.equal(null);
        expect(
          found!.inputs.map((p) => p.type.replace(/^u?int\d*$/, "int")),
          fn.format(),
        ).to.deep.equal(fn.inputs.map((p) => p.type.replace(/^u?int\d*$/, "int")));
        expect(found!.outputs.map(shape), fn.format()).to.deep.equal(fn.outputs.map(shape));
      });
    });
  }

  it("decodes ledger events with their named arguments, sorted by (block, log index), duplicates dropped", function () {
    const line = encodeBytes32String("ROADS-2027");
    const ref = encodeBytes32String("INV-1");
    const logs = [
      rawLog("BudgetLedger", LEDGER, "Spent", [line, MODULE, 5n, ref, LEDGER], 7, 3),
      rawLog("BudgetLedger", LEDGER, "LineCreated", [line, 2027, 1_000n, "Roads 2027"], 5, 0),
      rawLog("BudgetLedger", LEDGER, "Committed", [line, MODULE, 10n, ref], 7, 1),
      rawLog("BudgetLedger", LEDGER, "Committed", [line, MODULE, 10n, ref], 7, 1),
      rawLog("Token", TOKEN, "Transfer", [LEDGER, MODULE, 10n], 7, 2),
      { ...rawLog("BudgetLedger", LEDGER, "LineClosed", [line, 0n], 8, 0), topics: [`0x${"12".repeat(32)}`] },
      rawLog("BudgetLedger", MODULE, "LineClosed", [line, 0n], 9, 0),
    ];
    const { events, unknown, duplicates } = decodeLogs(logs, book, TOKEN);
    expect(events.map((e) => `${e.block}:${e.logIndex}:${e.name}`)).to.deep.equal([
      "5:0:LineCreated",
      "7:1:Committed",
      "7:2:Transfer",
      "7:3:Spent",
    ]);
    expect(duplicates).to.equal(1);
    expect(unknown).to.equal(2); // an unknown topic, and a log of an address not audited
    const created = events[0].args;
    expect(created.hex("lineId")).to.equal(line);
    expect(created.num("fiscalYear")).to.equal(2027);
    expect(created.big("appropriation")).to.equal(1_000n);
    expect(created.str("label")).to.equal("Roads 2027");
    const spent = events[3].args;
    expect(spent.hex("payee")).to.equal(MODULE);
    expect(spent.hex("module")).to.equal(LEDGER);
    expect(events[2].kind).to.equal("Token");
    expect(events[2].args.big("value")).to.equal(10n);
    expect(() => spent.big("nope")).to.throw(/no argument "nope"/);
  });

  it("decodes every SPEC event of every contract from its own encoding", function () {
    for (const kind of Object.keys(SPEC_EVENTS) as ContractKind[]) {
      const iface = INTERFACES[kind];
      iface.forEachEvent((event) => {
        const values = event.inputs.map((input) =>
          input.type === "string"
            ? "text"
            : input.type === "bool"
              ? true
              : input.type === "address"
                ? MODULE
                : input.type === "bytes32"
                  ? encodeBytes32String("x")
                  : input.type.endsWith("[]")
                    ? [100n, 101n]
                    : 7n,
        );
        const log = rawLog(kind, LEDGER, event.name, values, 1, 0);
        const { events } = decodeLogs([log], new Map([[LEDGER.toLowerCase(), { kind, address: LEDGER }]]), TOKEN);
        expect(events.length, `${kind}.${event.name}`).to.equal(1);
        expect(events[0].name).to.equal(event.name);
        expect(Object.keys(events[0].args.values)).to.deep.equal(event.inputs.map((i) => i.name));
      });
    }
  });

  it("decodes a view struct of exact widths with the widened SPEC fragment", async function () {
    const ledger = (await compiled("BudgetLedger"))!;
    const data = ledger.encodeFunctionResult("getLine", [[2027, true, 10n, 3n, 7n, "Roads"]]);
    const [line] = INTERFACES.BudgetLedger.decodeFunctionResult("getLine", data);
    expect(line.fiscalYear).to.equal(2027n);
    expect(line.closed).to.equal(true);
    expect(line.spent).to.equal(7n);
    expect(line.label).to.equal("Roads");
    // a uint64 field read through a uint256 fragment keeps its value (no truncation)
    const wide = AbiCoder.defaultAbiCoder().encode(["tuple(uint64,address,uint256)"], [[2n ** 64n - 1n, MODULE, 1n]]);
    const [agreementLike] = AbiCoder.defaultAbiCoder().decode(["tuple(uint256,address,uint256)"], wide);
    expect(agreementLike[0]).to.equal(2n ** 64n - 1n);
  });
});
