/**
 * A reference implementation of the indexer's HTTP API (coordination plan, issue #15) for the
 * portal's browser tests, until the real indexer lands: every answer is computed on request
 * from a live chain (views and events read with viem, pinned to the latest block), never from
 * fixed numbers; `/api/audit` runs the project's auditor. The same server hosts the built
 * portal (web/dist) with its config.json, the published roster files (with Range support) and
 * a JSON-RPC proxy to the node (`/rpc`), all on one origin on a port chosen at run time.
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

import { createPublicClient, getAddress, http, type Abi, type Address, type Hex, type PublicClient } from "viem";

import { runAudit } from "../../scripts/lib/audit/index.js";
import {
  budgetLedgerAbi,
  permitRegistryAbi,
  procurementEscrowAbi,
  subsidyDisbursementAbi,
  testStablecoinAbi,
} from "../../web/src/chain/abi.js";

export interface Addresses {
  AccessManager: Address;
  BudgetLedger: Address;
  PermitRegistry: Address;
  ProcurementEscrow: Address;
  SubsidyDisbursement: Address;
  TestStablecoin: Address;
}

export interface PortalServer {
  url: string;
  /** Requests to /api by path, for tests that check the portal reads only through the API. */
  apiRequests: string[];
  close(): Promise<void>;
}

const TENDER_STATUS = ["None", "Bidding", "Revealing", "Awardable", "Awarded", "Failed", "Cancelled"];
const AGREEMENT_STATUS = ["None", "Active", "Completed", "Terminated"];
const MILESTONE_STATUS = ["None", "Pending", "Submitted", "Rejected", "Paid", "Cancelled"];
const APPLICATION_STATUS = ["None", "Pending", "Approved", "Rejected", "Withdrawn"];
const PERMIT_STATUS = ["none", "valid", "suspended", "revoked", "expired"];
const PROGRAM_STATUS = ["None", "Scheduled", "Open", "Ended", "Closed"];

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Bigints as decimal strings; everything else as is. */
const plain = (value: unknown): unknown =>
  typeof value === "bigint"
    ? value.toString()
    : Array.isArray(value)
      ? value.map(plain)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
        : value;

interface DecodedLog {
  eventName: string;
  args: Record<string, unknown>;
  transactionHash: Hex;
  logIndex: number;
  blockNumber: bigint;
}

/** Everything one answer reads, pinned to one block. */
class Snapshot {
  readonly #times = new Map<bigint, number>();
  constructor(
    readonly client: PublicClient,
    readonly a: Addresses,
    readonly fromBlock: bigint,
    readonly block: { number: bigint; hash: Hex; timestamp: number },
  ) {}

  static async take(client: PublicClient, a: Addresses, fromBlock: bigint): Promise<Snapshot> {
    const b = await client.getBlock({ blockTag: "latest" });
    return new Snapshot(client, a, fromBlock, { number: b.number, hash: b.hash, timestamp: Number(b.timestamp) });
  }

  get blockRef() {
    return { number: this.block.number.toString(), hash: this.block.hash, timestamp: this.block.timestamp };
  }

  read<T>(address: Address, abi: Abi, functionName: string, args: unknown[] = []): Promise<T> {
    return this.client.readContract({ address, abi, functionName, args, blockNumber: this.block.number }) as Promise<T>;
  }

  async logs(address: Address, abi: Abi): Promise<DecodedLog[]> {
    const logs = await this.client.getContractEvents({
      address,
      abi,
      fromBlock: this.fromBlock,
      toBlock: this.block.number,
    });
    return logs as unknown as DecodedLog[];
  }

  async time(blockNumber: bigint): Promise<number> {
    let t = this.#times.get(blockNumber);
    if (t === undefined) {
      t = Number((await this.client.getBlock({ blockNumber })).timestamp);
      this.#times.set(blockNumber, t);
    }
    return t;
  }
}

const ledgerAbi = budgetLedgerAbi as unknown as Abi;
const permitsAbi = permitRegistryAbi as unknown as Abi;
const escrowAbi = procurementEscrowAbi as unknown as Abi;
const subsidiesAbi = subsidyDisbursementAbi as unknown as Abi;
const tokenAbi = testStablecoinAbi as unknown as Abi;

interface LineView {
  fiscalYear: number;
  closed: boolean;
  appropriated: bigint;
  committed: bigint;
  spent: bigint;
  label: string;
}

async function lineOf(s: Snapshot, lineId: Hex, created: Map<string, number>) {
  const view = await s.read<LineView>(s.a.BudgetLedger, ledgerAbi, "getLine", [lineId]);
  const available = await s.read<bigint>(s.a.BudgetLedger, ledgerAbi, "available", [lineId]);
  return {
    lineId,
    fiscalYear: Number(view.fiscalYear),
    label: view.label,
    appropriated: view.appropriated.toString(),
    committed: view.committed.toString(),
    spent: view.spent.toString(),
    available: available.toString(),
    closed: view.closed,
    createdAt: created.get(lineId) ?? 0,
  };
}

async function allLines(s: Snapshot) {
  const count = await s.read<bigint>(s.a.BudgetLedger, ledgerAbi, "lineCount");
  const ids: Hex[] = [];
  for (let i = 0n; i < count; i++) ids.push(await s.read<Hex>(s.a.BudgetLedger, ledgerAbi, "lineIdAt", [i]));
  const created = new Map<string, number>();
  for (const log of await s.logs(s.a.BudgetLedger, ledgerAbi)) {
    if (log.eventName === "LineCreated") created.set(log.args.lineId as string, await s.time(log.blockNumber));
  }
  return Promise.all(ids.map((id) => lineOf(s, id, created)));
}

/** The movements of one line, oldest first. */
async function movementsOf(s: Snapshot, lineId: string) {
  const out = [];
  for (const log of await s.logs(s.a.BudgetLedger, ledgerAbi)) {
    const a = log.args;
    const base = {
      id: `${log.transactionHash}-${log.logIndex}`,
      kind: log.eventName,
      lineId,
      txHash: log.transactionHash,
      logIndex: log.logIndex,
      blockNumber: log.blockNumber.toString(),
      timestamp: await s.time(log.blockNumber),
    };
    const lower = lineId.toLowerCase();
    const is = (v: unknown) => typeof v === "string" && v.toLowerCase() === lower;
    switch (log.eventName) {
      case "LineCreated":
        if (is(a.lineId)) out.push({ ...base, amount: String(a.appropriation), module: null, payee: null, ref: null });
        break;
      case "AppropriationChanged":
        if (is(a.lineId)) {
          const delta = (a.current as bigint) - (a.previous as bigint);
          out.push({ ...base, amount: delta.toString(), module: null, payee: null, ref: null });
        }
        break;
      case "Reallocated":
        if (is(a.fromLineId) || is(a.toLineId)) {
          const amount = is(a.fromLineId) ? -(a.amount as bigint) : (a.amount as bigint);
          out.push({ ...base, amount: amount.toString(), module: null, payee: null, ref: a.reason as string });
        }
        break;
      case "LineClosed":
        if (is(a.lineId)) out.push({ ...base, amount: String(a.lapsed), module: null, payee: null, ref: null });
        break;
      case "Committed":
      case "FundsReturned":
        if (is(a.lineId))
          out.push({
            ...base,
            amount: String(a.amount),
            module: a.module as string,
            payee: null,
            ref: a.ref as string,
          });
        break;
      case "Spent":
        if (is(a.lineId))
          out.push({
            ...base,
            amount: String(a.amount),
            module: a.module as string,
            payee: a.payee as string,
            ref: a.ref as string,
          });
        break;
    }
  }
  return out;
}

function page<T>(items: T[], query: URLSearchParams) {
  const limit = Math.min(Number(query.get("limit") ?? 50) || 50, 500);
  const offset = Number(query.get("cursor") ?? 0) || 0;
  const slice = items.slice(offset, offset + limit);
  return { items: slice, nextCursor: offset + limit < items.length ? String(offset + limit) : null };
}

interface TenderView {
  lineId: Hex;
  specHash: Hex;
  maxPrice: bigint;
  bidBond: bigint;
  bidDeadline: bigint;
  revealDeadline: bigint;
  retentionBps: number;
  quorum: number;
  milestoneCount: number;
  status: number;
  agreementId: bigint;
}

async function tenderOf(s: Snapshot, id: bigint, logs: DecodedLog[]) {
  const t = await s.read<TenderView>(s.a.ProcurementEscrow, escrowAbi, "getTender", [id]);
  const mine = logs.filter((l) => l.args.tenderId === id);
  const created = mine.find((l) => l.eventName === "TenderCreated");
  return {
    tenderId: id.toString(),
    lineId: t.lineId,
    specHash: t.specHash,
    maxPrice: t.maxPrice.toString(),
    bidBond: t.bidBond.toString(),
    bidDeadline: Number(t.bidDeadline),
    revealDeadline: Number(t.revealDeadline),
    retentionBps: Number(t.retentionBps),
    quorum: Number(t.quorum),
    milestoneCount: Number(t.milestoneCount),
    status: TENDER_STATUS[Number(t.status)],
    agreementId: t.agreementId.toString(),
    createdAt: created ? await s.time(created.blockNumber) : 0,
    bidCount: new Set(mine.filter((l) => l.eventName === "BidSubmitted").map((l) => l.args.bidder)).size,
    revealCount: mine.filter((l) => l.eventName === "BidRevealed").length,
  };
}

async function tenderDetail(s: Snapshot, id: bigint) {
  const count = await s.read<bigint>(s.a.ProcurementEscrow, escrowAbi, "tenderCount");
  if (id < 1n || id > count) throw new HttpError(404, "tender_not_found", `There is no tender ${id}.`);
  const logs = await s.logs(s.a.ProcurementEscrow, escrowAbi);
  const tender = await tenderOf(s, id, logs);
  const bidders = [
    ...new Set(logs.filter((l) => l.eventName === "BidSubmitted" && l.args.tenderId === id).map((l) => l.args.bidder)),
  ] as Address[];
  const bids = await Promise.all(
    bidders.map(async (bidder) => {
      const b = await s.read<{ bond: bigint; revealed: boolean; price: bigint; proposalHash: Hex }>(
        s.a.ProcurementEscrow,
        escrowAbi,
        "getBid",
        [id, bidder],
      );
      return {
        bidder,
        revealed: b.revealed,
        price: b.price.toString(),
        proposalHash: b.proposalHash,
        bond: b.bond.toString(),
      };
    }),
  );
  const agreementId = BigInt(tender.agreementId);
  let agreement = null;
  const milestones = [];
  if (agreementId !== 0n) {
    const g = await s.read<{
      tenderId: bigint;
      contractor: Address;
      price: bigint;
      status: number;
      paid: bigint;
      retentionHeld: bigint;
      milestoneCount: number;
    }>(s.a.ProcurementEscrow, escrowAbi, "getAgreement", [agreementId]);
    agreement = {
      agreementId: agreementId.toString(),
      tenderId: g.tenderId.toString(),
      contractor: g.contractor,
      price: g.price.toString(),
      status: AGREEMENT_STATUS[Number(g.status)],
      paid: g.paid.toString(),
      retentionHeld: g.retentionHeld.toString(),
      milestoneCount: Number(g.milestoneCount),
    };
    for (let i = 0; i < Number(g.milestoneCount); i++) {
      const m = await s.read<{
        amount: bigint;
        dueAt: bigint;
        descriptionHash: Hex;
        status: number;
        approvals: number;
        evidenceHash: Hex;
      }>(s.a.ProcurementEscrow, escrowAbi, "getMilestone", [agreementId, BigInt(i)]);
      milestones.push({
        index: i,
        amount: m.amount.toString(),
        dueAt: Number(m.dueAt),
        descriptionHash: m.descriptionHash,
        status: MILESTONE_STATUS[Number(m.status)],
        approvals: Number(m.approvals),
        evidenceHash: m.evidenceHash,
      });
    }
  }
  const timeline = [];
  for (const l of logs) {
    const ofTender = l.args.tenderId === id;
    const ofAgreement = agreementId !== 0n && l.args.agreementId === agreementId && l.args.tenderId === undefined;
    if (!ofTender && !ofAgreement) continue;
    const args = plain(l.args) as Record<string, unknown>;
    delete args.tenderId;
    delete args.agreementId;
    timeline.push({
      kind: l.eventName,
      txHash: l.transactionHash,
      blockNumber: l.blockNumber.toString(),
      timestamp: await s.time(l.blockNumber),
      args,
    });
  }
  return { tender, bids, agreement, milestones, timeline };
}

async function permitOf(s: Snapshot, id: bigint) {
  const count = (await s.read<readonly bigint[]>(s.a.PermitRegistry, permitsAbi, "counts"))[2];
  if (id < 1n || id > count) throw new HttpError(404, "permit_not_found", `There is no permit ${id}.`);
  const p = await s.read<{
    typeId: bigint;
    holder: Address;
    issuedAt: bigint;
    expiresAt: bigint;
    documentHash: Hex;
    applicationId: bigint;
  }>(s.a.PermitRegistry, permitsAbi, "getPermit", [id]);
  const status = await s.read<number>(s.a.PermitRegistry, permitsAbi, "permitStatus", [id]);
  const type = await s.read<{ name: string }>(s.a.PermitRegistry, permitsAbi, "getPermitType", [p.typeId]);
  return {
    permitId: id.toString(),
    typeId: p.typeId.toString(),
    typeName: type.name,
    holder: p.holder,
    issuedAt: Number(p.issuedAt),
    expiresAt: Number(p.expiresAt),
    documentHash: p.documentHash,
    status: PERMIT_STATUS[Number(status)],
    registry: s.a.PermitRegistry,
    applicationId: p.applicationId.toString(),
  };
}

async function permitsOfHolder(s: Snapshot, holder: Address) {
  const logs = await s.logs(s.a.PermitRegistry, permitsAbi);
  const ids = logs
    .filter((l) => l.eventName === "PermitIssued" && (l.args.holder as string).toLowerCase() === holder.toLowerCase())
    .map((l) => l.args.permitId as bigint);
  return Promise.all(ids.map((id) => permitOf(s, id)));
}

async function programOf(s: Snapshot, id: bigint, logs: DecodedLog[]) {
  const p = await s.read<{
    kind: number;
    lineId: Hex;
    budget: bigint;
    paid: bigint;
    opensAt: bigint;
    closesAt: bigint;
    closed: boolean;
    merkleRoot: Hex;
    ratePerUnit: bigint;
    capPerBeneficiary: bigint;
    metadataHash: Hex;
  }>(s.a.SubsidyDisbursement, subsidiesAbi, "getProgram", [id]);
  const status = await s.read<number>(s.a.SubsidyDisbursement, subsidiesAbi, "programStatus", [id]);
  const remaining = await s.read<bigint>(s.a.SubsidyDisbursement, subsidiesAbi, "remaining", [id]);
  const claims = logs.filter(
    (l) => (l.eventName === "Claimed" || l.eventName === "OutcomeRecorded") && l.args.programId === id,
  ).length;
  return {
    programId: id.toString(),
    kind: Number(p.kind) === 0 ? "roster" : "outcome",
    lineId: p.lineId,
    budget: p.budget.toString(),
    paid: p.paid.toString(),
    remaining: remaining.toString(),
    claims,
    opensAt: Number(p.opensAt),
    closesAt: Number(p.closesAt),
    closed: p.closed,
    state: PROGRAM_STATUS[Number(status)],
    merkleRoot: p.merkleRoot,
    ratePerUnit: p.ratePerUnit.toString(),
    capPerBeneficiary: p.capPerBeneficiary.toString(),
    metadataHash: p.metadataHash,
  };
}

type Handler = (s: Snapshot, params: string[], query: URLSearchParams) => Promise<Record<string, unknown>>;

const address = (value: string | null, name: string): Address => {
  try {
    return getAddress(value ?? "");
  } catch {
    throw new HttpError(400, "bad_address", `${name} must be an address.`);
  }
};
const uint = (value: string): bigint => {
  if (!/^\d+$/.test(value)) throw new HttpError(400, "bad_id", `${value} is not a whole number.`);
  return BigInt(value);
};

function routes(rpc: (method: string, params: unknown[]) => Promise<unknown>, chainId: number) {
  const table: Array<[RegExp, Handler]> = [
    [
      /^status$/,
      async (s) => ({
        chainId,
        synced: true,
        token: {
          address: s.a.TestStablecoin,
          symbol: await s.read<string>(s.a.TestStablecoin, tokenAbi, "symbol"),
          decimals: Number(await s.read<number>(s.a.TestStablecoin, tokenAbi, "decimals")),
        },
        contracts: {
          AccessManager: s.a.AccessManager,
          BudgetLedger: s.a.BudgetLedger,
          PermitRegistry: s.a.PermitRegistry,
          ProcurementEscrow: s.a.ProcurementEscrow,
          SubsidyDisbursement: s.a.SubsidyDisbursement,
        },
      }),
    ],
    [
      /^budget\/years$/,
      async (s) => ({ years: [...new Set((await allLines(s)).map((l) => l.fiscalYear))].sort((x, y) => x - y) }),
    ],
    [
      /^budget\/lines$/,
      async (s, _p, q) => {
        const year = Number(q.get("fiscalYear"));
        const lines = (await allLines(s)).filter((l) => l.fiscalYear === year);
        const sum = (k: "appropriated" | "committed" | "spent" | "available") =>
          lines.reduce((total, l) => total + BigInt(l[k]), 0n).toString();
        return {
          lines,
          totals: {
            appropriated: sum("appropriated"),
            committed: sum("committed"),
            spent: sum("spent"),
            available: sum("available"),
          },
        };
      },
    ],
    [
      /^budget\/lines\/(0x[0-9a-fA-F]{64})$/,
      async (s, [id]) => {
        const line = (await allLines(s)).find((l) => l.lineId.toLowerCase() === id.toLowerCase());
        if (line === undefined) throw new HttpError(404, "line_not_found", `There is no line ${id}.`);
        return { line };
      },
    ],
    [/^budget\/lines\/(0x[0-9a-fA-F]{64})\/movements$/, async (s, [id], q) => page(await movementsOf(s, id), q)],
    [
      /^tenders$/,
      async (s, _p, q) => {
        const count = await s.read<bigint>(s.a.ProcurementEscrow, escrowAbi, "tenderCount");
        const logs = await s.logs(s.a.ProcurementEscrow, escrowAbi);
        const items = [];
        for (let id = 1n; id <= count; id++) items.push(await tenderOf(s, id, logs));
        return page(items, q);
      },
    ],
    [/^tenders\/(\d+)$/, async (s, [id]) => tenderDetail(s, uint(id))],
    [
      /^permits\/by-document$/,
      async (s, _p, q) => {
        const holder = address(q.get("holder"), "holder");
        const hash = (q.get("documentHash") ?? "").toLowerCase();
        const permit = (await permitsOfHolder(s, holder)).find((p) => p.documentHash.toLowerCase() === hash);
        if (permit === undefined)
          throw new HttpError(404, "permit_not_found", "No permit for this holder and document.");
        return { permit };
      },
    ],
    [/^permits\/(\d+)$/, async (s, [id]) => ({ permit: await permitOf(s, uint(id)) })],
    [/^permits$/, async (s, _p, q) => page(await permitsOfHolder(s, address(q.get("holder"), "holder")), q)],
    [
      /^applications$/,
      async (s, _p, q) => {
        const applicant = address(q.get("applicant"), "applicant");
        const logs = await s.logs(s.a.PermitRegistry, permitsAbi);
        const items = [];
        for (const l of logs) {
          if (l.eventName !== "ApplicationSubmitted") continue;
          if ((l.args.applicant as string).toLowerCase() !== applicant.toLowerCase()) continue;
          const id = l.args.applicationId as bigint;
          const a = await s.read<{
            typeId: bigint;
            applicant: Address;
            permitId: bigint;
            documentHash: Hex;
            fee: bigint;
            status: number;
            checksPassed: number;
          }>(s.a.PermitRegistry, permitsAbi, "getApplication", [id]);
          items.push({
            applicationId: id.toString(),
            typeId: a.typeId.toString(),
            applicant: a.applicant,
            permitId: a.permitId.toString(),
            documentHash: a.documentHash,
            fee: a.fee.toString(),
            status: APPLICATION_STATUS[Number(a.status)],
            checksPassed: Number(a.checksPassed),
            submittedAt: await s.time(l.blockNumber),
          });
        }
        return page(items, q);
      },
    ],
    [
      /^permit-types$/,
      async (s, _p, q) => {
        const count = (await s.read<readonly bigint[]>(s.a.PermitRegistry, permitsAbi, "counts"))[0];
        const items = [];
        for (let id = 1n; id <= count; id++) {
          const t = await s.read<{
            name: string;
            fee: bigint;
            validity: bigint;
            checkRoles: readonly bigint[];
            recheckOnRenewal: boolean;
            active: boolean;
          }>(s.a.PermitRegistry, permitsAbi, "getPermitType", [id]);
          items.push({
            typeId: id.toString(),
            name: t.name,
            fee: t.fee.toString(),
            validity: Number(t.validity),
            checkRoles: t.checkRoles.map(String),
            recheckOnRenewal: t.recheckOnRenewal,
            active: t.active,
          });
        }
        return page(items, q);
      },
    ],
    [
      /^programs$/,
      async (s, _p, q) => {
        const count = await s.read<bigint>(s.a.SubsidyDisbursement, subsidiesAbi, "programCount");
        const logs = await s.logs(s.a.SubsidyDisbursement, subsidiesAbi);
        const items = [];
        for (let id = 1n; id <= count; id++) items.push(await programOf(s, id, logs));
        return page(items, q);
      },
    ],
    [
      /^programs\/(\d+)$/,
      async (s, [id]) => {
        const count = await s.read<bigint>(s.a.SubsidyDisbursement, subsidiesAbi, "programCount");
        const n = uint(id);
        if (n < 1n || n > count) throw new HttpError(404, "program_not_found", `There is no programme ${id}.`);
        return { program: await programOf(s, n, await s.logs(s.a.SubsidyDisbursement, subsidiesAbi)) };
      },
    ],
    [
      /^audit$/,
      async (s) => {
        const report = await runAudit({
          provider: { request: ({ method, params }) => rpc(method, (params as unknown[]) ?? []) },
          addresses: s.a,
          fromBlock: Number(s.fromBlock),
          toBlock: Number(s.block.number),
        });
        return {
          consistent: report.consistent,
          redFlags: report.redFlags.map((f) => ({
            rule: f.rule,
            severity: "warning",
            subject: f.record,
            message: f.detail,
          })),
        };
      },
    ],
  ];
  return table;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".bin": "application/octet-stream",
};

/** Serves a file, honouring a single `Range: bytes=a-b` as roster files are read. */
function sendFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  const size = statSync(file).size;
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), size - 1);
    res.writeHead(206, {
      "content-type": type,
      "content-range": `bytes ${start}-${end}/${size}`,
      "content-length": end - start + 1,
    });
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { "content-type": type, "content-length": size, "accept-ranges": "bytes" });
  createReadStream(file).pipe(res);
}

export async function startPortalServer(options: {
  rpcUrl: string;
  chainId: number;
  addresses: Addresses;
  fromBlock: number;
  distDir: string;
  rosterDir: string;
  portalConfig?: Record<string, unknown>;
}): Promise<PortalServer> {
  const client = createPublicClient({ transport: http(options.rpcUrl) }) as PublicClient;
  const rpc = async (method: string, params: unknown[]) => {
    const res = await fetch(options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(body.error.message);
    return body.result;
  };
  const table = routes(rpc, options.chainId);
  const apiRequests: string[] = [];
  let origin = "";
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = url.pathname;
      try {
        if (path === "/rpc" && req.method === "POST") {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          const upstream = await fetch(options.rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: Buffer.concat(chunks),
          });
          res.writeHead(upstream.status, { "content-type": "application/json" });
          res.end(await upstream.text());
          return;
        }
        if (path.startsWith("/api/")) {
          apiRequests.push(path + url.search);
          const rest = path.slice("/api/".length);
          for (const [pattern, handler] of table) {
            const m = pattern.exec(rest);
            if (!m) continue;
            const snapshot = await Snapshot.take(client, options.addresses, BigInt(options.fromBlock));
            const body = await handler(snapshot, m.slice(1), url.searchParams);
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ block: snapshot.blockRef, ...body }));
            return;
          }
          throw new HttpError(404, "not_found", `No API route ${path}.`);
        }
        if (path === "/config.json") {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              apiBase: "/api",
              rpcUrl: `${origin}/rpc`,
              chainId: options.chainId,
              chainName: "Local test chain",
              authority: "Ministry of Public Works (test)",
              explorers: {},
              rosterBase: "rosters/",
              ...options.portalConfig,
            }),
          );
          return;
        }
        const root = path.startsWith("/rosters/") ? options.rosterDir : options.distDir;
        const rel = path.startsWith("/rosters/") ? path.slice("/rosters/".length) : path.slice(1) || "index.html";
        const file = normalize(join(root, rel));
        if (!file.startsWith(normalize(root)) || !existsSync(file) || statSync(file).isDirectory()) {
          throw new HttpError(404, "not_found", `No file ${path}.`);
        }
        sendFile(req, res, file);
      } catch (error) {
        const e =
          error instanceof HttpError ? error : new HttpError(500, "internal", (error as Error).message.split("\n")[0]);
        if (!res.headersSent) res.writeHead(e.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: e.code, message: e.message } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    apiRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The Ignition deployment's addresses of a chain (as the portal and the indexer find them). */
export function readAddresses(deploymentDir: string): Addresses {
  const raw = JSON.parse(readFileSync(join(deploymentDir, "deployed_addresses.json"), "utf8")) as Record<
    string,
    string
  >;
  const pick = (name: keyof Addresses) => getAddress(raw[`CivicLedger#${name}`]);
  return {
    AccessManager: pick("AccessManager"),
    BudgetLedger: pick("BudgetLedger"),
    PermitRegistry: pick("PermitRegistry"),
    ProcurementEscrow: pick("ProcurementEscrow"),
    SubsidyDisbursement: pick("SubsidyDisbursement"),
    TestStablecoin: pick("TestStablecoin"),
  };
}
