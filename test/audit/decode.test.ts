/** Decoding: SPEC event signatures against the compiled ABIs, log decoding and ordering, view structs. */
import { expect } from "chai";
import { EventFragment, Interface, encodeBytes32String, getAddress, type InterfaceAbi, type ParamType } from "ethers";
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

/** The artifact's ABI, read apart from the typechain factories the auditor imports. */
async function artifact(kind: ContractKind): Promise<Interface> {
  return new Interface((await hre.artifacts.readArtifact(kind)).abi as InterfaceAbi);
}

/** The views each book calls, and the struct fields it compares (a rename would silently skip a check). */
const VIEWS: Partial<Record<ContractKind, Record<string, string[]>>> = {
  BudgetLedger: {
    token: [],
    getLine: ["fiscalYear", "closed", "appropriated", "committed", "spent", "label"],
    available: [],
    committedBy: [],
    unallocated: [],
    lineCount: [],
    lineIdAt: [],
  },
  PermitRegistry: {
    getPermitType: ["name", "fee", "validity", "checkRoles", "recheckOnRenewal", "active"],
    getApplication: [
      "typeId",
      "applicant",
      "permitId",
      "documentHash",
      "fee",
      "status",
      "checksPassed",
      "checksBitmap",
      "decidedAt",
    ],
    getPermit: ["typeId", "holder", "issuedAt", "expiresAt", "documentHash", "revoked", "suspended", "applicationId"],
    permitOfDocument: [],
    applicationOfDocument: [],
    pendingRenewalOf: [],
    refundOwed: [],
    feesHeld: [],
    counts: [],
    ownerOf: [],
    locked: [],
  },
  ProcurementEscrow: {
    getTender: [
      "lineId",
      "specHash",
      "maxPrice",
      "bidBond",
      "bidDeadline",
      "revealDeadline",
      "retentionBps",
      "quorum",
      "milestoneCount",
      "status",
      "agreementId",
    ],
    getBid: ["sealedBid", "bond", "revealed", "price", "proposalHash"],
    getAgreement: ["tenderId", "contractor", "price", "status", "paid", "retentionHeld", "milestoneCount"],
    getMilestone: ["amount", "dueAt", "descriptionHash", "status", "approvals", "evidenceHash"],
    bestBid: [],
    owedTo: [],
    totalOwed: [],
    tenderCount: [],
    agreementCount: [],
  },
  SubsidyDisbursement: {
    getProgram: [
      "kind",
      "lineId",
      "budget",
      "paid",
      "opensAt",
      "closesAt",
      "closed",
      "merkleRoot",
      "ratePerUnit",
      "capPerBeneficiary",
      "metadataHash",
    ],
    isClaimed: [],
    isBlocked: [],
    paidTo: [],
    programStatus: [],
    remaining: [],
    programCount: [],
  },
  Token: { balanceOf: [], decimals: [], symbol: [] },
};

/** A sample value of an ABI type, for encoding. */
function sample(p: ParamType): unknown {
  if (p.baseType === "array") return [sample(p.arrayChildren!), sample(p.arrayChildren!)];
  if (p.baseType === "tuple") return p.components!.map(sample);
  if (p.type === "string") return "text";
  if (p.type === "bool") return true;
  if (p.type === "address") return MODULE;
  if (p.type === "bytes") return "0x1234";
  if (p.type.startsWith("bytes")) return `0x${"ab".repeat(Number(p.type.slice(5)))}`;
  return 7n;
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
    it(`every SPEC event of ${kind} is in its compiled ABI, unchanged (names, types, indexing)`, async function () {
      const compiled = await artifact(kind);
      for (const signature of SPEC_EVENTS[kind]) {
        const spec = EventFragment.from(signature);
        const found = compiled.getEvent(spec.topicHash);
        expect(found, signature).to.not.equal(null);
        expect(found!.format("full"), signature).to.equal(spec.format("full"));
        expect(INTERFACES[kind].getEvent(spec.topicHash)?.format("full"), "the auditor's ABI").to.equal(
          spec.format("full"),
        );
      }
    });
  }

  it("decodes with the ABIs of the built contracts (the typechain factories match the artifacts)", async function () {
    for (const kind of AUDITED) {
      const compiled = await artifact(kind);
      const topics = (iface: Interface) => {
        const out: string[] = [];
        iface.forEachEvent((e) => out.push(e.format("full")));
        return out.sort();
      };
      expect(topics(INTERFACES[kind]), kind).to.deep.equal(topics(compiled));
    }
  });

  it("every view the books call exists, with the struct fields they compare", function () {
    for (const [kind, views] of Object.entries(VIEWS) as Array<[ContractKind, Record<string, string[]>]>) {
      for (const [name, fields] of Object.entries(views)) {
        const fn = INTERFACES[kind].getFunction(name);
        expect(fn, `${kind}.${name}`).to.not.equal(null);
        expect(fn!.stateMutability, `${kind}.${name}`).to.equal("view");
        if (fields.length === 0) continue;
        expect(fn!.outputs).to.have.length(1);
        expect(
          fn!.outputs[0].components?.map((c) => c.name),
          `${kind}.${name}`,
        ).to.include.members(fields);
      }
    }
  });

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

  it("decodes every event of every audited contract from its own encoding", function () {
    for (const kind of [...AUDITED, "Token"] as ContractKind[]) {
      const iface = INTERFACES[kind];
      iface.forEachEvent((event) => {
        const values = event.inputs.map(sample);
        const log = rawLog(kind, LEDGER, event.name, values, 1, 0);
        const { events } = decodeLogs([log], new Map([[LEDGER.toLowerCase(), { kind, address: LEDGER }]]), TOKEN);
        expect(events.length, `${kind}.${event.name}`).to.equal(1);
        expect(events[0].name).to.equal(event.name);
        expect(Object.keys(events[0].args.values)).to.deep.equal(event.inputs.map((i) => i.name));
      });
    }
  });

  it("decodes a view struct with its field names", function () {
    const data = INTERFACES.PermitRegistry.encodeFunctionResult("getApplication", [
      [1n, MODULE, 0n, encodeBytes32String("doc"), 150n, 3, 1, 0b01, 1_700_000_000n],
    ]);
    const [app] = INTERFACES.PermitRegistry.decodeFunctionResult("getApplication", data);
    expect(app.status).to.equal(3n);
    expect(app.checksBitmap).to.equal(1n);
    expect(app.decidedAt).to.equal(1_700_000_000n);
  });
});
