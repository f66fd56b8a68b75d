/**
 * The auditor: rebuilds the books of a civic-ledger deployment from its events alone and
 * reconciles them with the contracts' views and token balances, all read at one block.
 *
 *   const report = await runAudit({ provider, addresses, fromBlock });
 *   process.exitCode = exitCodeOf(report);   // 0 consistent, 1 mismatches
 *
 * Steps: pin the block; fetch the logs of the audited contracts and the token transfers of the
 * ledger and the modules in adaptive windows; decode and sort them by (block, log index); apply
 * them once to every book; reconcile each book with its views; match the ledger's flows with
 * the modules' events; check what each module holds; run the red-flag rules.
 */
import { getAddress, zeroPadValue } from "ethers";

import type { SuiteContractName } from "../deployment.js";
import { INTERFACES, TRANSFER_TOPIC, type ContractKind, type ModuleKind } from "./abi.js";
import { LedgerBook } from "./books/ledger.js";
import { matchFlows } from "./books/flows.js";
import { PermitsBook } from "./books/permits.js";
import { ProcurementBook } from "./books/procurement.js";
import { RolesBook } from "./books/roles.js";
import { SubsidiesBook } from "./books/subsidies.js";
import { dec, type Book, type Mismatch, type ModuleBook, type RedFlag, type Row } from "./books/types.js";
import { Decoder, type AddressBook, type AuditEvent } from "./decode.js";
import { fetchLogs, newFetchStats, progressReporter, type FetchOptions, type LogFilter } from "./fetch.js";
import { formatAmount } from "./format.js";
import {
  approverAlsoBidder,
  documentOfTwoApplicants,
  payoutToOfficial,
  programmeClosedMostlyUnclaimed,
  reallocationBeforeOverspend,
  singleBidderTender,
} from "./redflags.js";
import { ChainReadError, PinnedReader, mapLimit, readHead, toHex, type Eip1193, type RetryOptions } from "./rpc.js";
import { callView } from "./views.js";

export { ChainReadError } from "./rpc.js";

export interface AuditOptions {
  provider: Eip1193;
  addresses: Partial<Record<SuiteContractName, string>>;
  /** First block to read (default 0; the task passes the deployment's first block). */
  fromBlock?: number;
  /** Block to pin every read to (default: the latest at start). */
  toBlock?: number;
  retry?: RetryOptions;
  fetch?: Pick<FetchOptions, "initialWindow" | "maxWindow" | "growAfter" | "targetLogs">;
  /** Window of the reallocation red flag, in seconds (default 7 days). */
  reallocationWindowSeconds?: number;
  /** Where progress goes (stderr in the task); nothing when undefined. */
  progress?: { isTTY?: boolean; write(text: string): unknown };
  /** View calls in flight at once (default 8). */
  concurrency?: number;
}

export interface ModuleRow extends Row {
  address: string;
  kind: string;
  outstandingCommitments: string;
  held: string | null;
  /** Of what it holds: payments and refunds the token refused, kept for their payees. */
  deferred: string | null;
  directIn: string;
  swept: string;
  balance: string;
}

export interface AuditReport {
  chainId: number;
  block: number;
  fromBlock: number;
  consistent: boolean;
  token: { address: string; symbol: string | null; decimals: number };
  ledger: {
    address: string;
    balance: string;
    unallocated: string | null;
    deposits: string;
    withdrawals: string;
    committed: string;
    returned: string;
    paid: string;
    directIn: string;
    directOut: string;
  };
  lines: Row[];
  modules: ModuleRow[];
  mismatches: Mismatch[];
  redFlags: RedFlag[];
  tenders: Row[];
  bids: Row[];
  agreements: Row[];
  milestones: Row[];
  permits: Row[];
  applications: Row[];
  permitTypes: Row[];
  programmes: Row[];
  roles: Row[];
  directTransfers: Row[];
  stats: {
    logs: number;
    events: Record<string, number>;
    unknownLogs: number;
    requests: number;
    retries: number;
    rateLimited: number;
    windows: number;
    windowSplits: number;
    windowGrows: number;
    durationMs: number;
    peakRssMb: number;
  };
}

/** 0 when the books are consistent, 1 on any mismatch (2, chain unreadable, is the caller's on an error). */
export const exitCodeOf = (report: AuditReport): 0 | 1 => (report.consistent ? 0 : 1);

const topicOf = (address: string) => zeroPadValue(address, 32).toLowerCase();

async function readNumber(reader: PinnedReader, kind: ContractKind, address: string, fn: string, args: unknown[] = []) {
  const r = await callView(reader, INTERFACES[kind], address, fn, args);
  return r.ok ? (r.value as bigint) : undefined;
}

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const started = Date.now();
  const { provider } = options;
  const retry = options.retry ?? {};
  const head = await readHead(provider, retry);
  const block = options.toBlock ?? head.latest;
  const fromBlock = options.fromBlock ?? 0;
  if (block > head.latest)
    throw new ChainReadError(`--to-block ${block} is beyond the chain's latest block ${head.latest}`);
  if (fromBlock > block) throw new ChainReadError(`the start block ${fromBlock} is after the audited block ${block}`);
  const reader = new PinnedReader(provider, block, { ...retry, concurrency: options.concurrency });

  // The audited contracts (checksummed, as the decoded events name them), checked to have code
  // at the pinned block.
  const addresses: Partial<Record<SuiteContractName, string>> = {};
  for (const [name, value] of Object.entries(options.addresses) as Array<[SuiteContractName, string | undefined]>) {
    if (value === undefined) continue;
    try {
      addresses[name] = getAddress(value.toLowerCase());
    } catch {
      throw new ChainReadError(`the ${name} address "${value}" is not an address`);
    }
  }
  const ledgerAddress = addresses.BudgetLedger;
  if (ledgerAddress === undefined) throw new ChainReadError("no BudgetLedger address to audit");
  if ((await reader.getCode(ledgerAddress)) === "0x") {
    throw new ChainReadError(
      `no contract at the BudgetLedger address ${ledgerAddress} at block ${block} of chain ${head.chainId}: ` +
        "wrong network, a node restarted since the deployment, or a block before the deployment",
    );
  }
  const tokenResult = await callView(reader, INTERFACES.BudgetLedger, ledgerAddress, "token", []);
  if (!tokenResult.ok)
    throw new ChainReadError(`BudgetLedger.token() at ${ledgerAddress} failed: ${tokenResult.revert}`);
  const token = getAddress(String(tokenResult.value));
  const decimals = Number((await readNumber(reader, "Token", token, "decimals")) ?? 18n);
  const symbolResult = await callView(reader, INTERFACES.Token, token, "symbol", []);
  const symbol = symbolResult.ok ? String(symbolResult.value) : null;
  const format = (amount: bigint) => formatAmount(amount, decimals);

  const book: AddressBook = new Map();
  book.set(ledgerAddress.toLowerCase(), { kind: "BudgetLedger", address: ledgerAddress });
  const manager = addresses.AccessManager;
  if (manager !== undefined) book.set(manager.toLowerCase(), { kind: "AccessManager", address: manager });
  const moduleBooks: ModuleBook[] = [];
  const factories: Record<ModuleKind, (address: string) => ModuleBook> = {
    PermitRegistry: (a) => new PermitsBook(a, ledgerAddress),
    ProcurementEscrow: (a) => new ProcurementBook(a, ledgerAddress),
    SubsidyDisbursement: (a) => new SubsidiesBook(a, ledgerAddress),
  };
  for (const kind of Object.keys(factories) as ModuleKind[]) {
    const address = addresses[kind];
    if (address === undefined) continue;
    if ((await reader.getCode(address)) === "0x") {
      throw new ChainReadError(`no contract at the ${kind} address ${address} at block ${block}`);
    }
    book.set(address.toLowerCase(), { kind, address });
    moduleBooks.push(factories[kind](address));
  }

  // Logs: the audited contracts' events, and the token transfers from and to the ledger and modules.
  const holders = [ledgerAddress, ...moduleBooks.map((m) => m.address)].map(topicOf);
  const filters: LogFilter[] = [
    { address: [...book.values()].map((x) => x.address) },
    { address: token, topics: [TRANSFER_TOPIC, holders] },
    { address: token, topics: [TRANSFER_TOPIC, null, holders] },
  ];
  const stats = newFetchStats();
  const progress = progressReporter((block - fromBlock + 1) * filters.length, options.progress);
  const decoder = new Decoder(book, token);
  const fetchOptions: FetchOptions = {
    ...retry,
    ...options.fetch,
    onProgress: (n) => progress.advance(n),
    sink: (logs) => decoder.add(logs), // decoded as they arrive: raw logs are not kept
  };
  await Promise.all(filters.map((f) => fetchLogs(provider, f, fromBlock, block, fetchOptions, stats)));
  progress.finish();
  const decoded = decoder.finish();

  // One pass over the events, in chain order.
  const ledger = new LedgerBook(
    ledgerAddress,
    token,
    moduleBooks.map((m) => m.address),
  );
  const roles = new RolesBook(manager);
  const books: Book[] = [ledger, roles, ...moduleBooks];
  const counts: Record<string, number> = {};
  const auditedTxs = new Set<string>();
  for (const e of decoded.events) {
    counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    if (e.kind !== "Token") auditedTxs.add(e.tx);
    for (const b of books) b.apply(e);
  }

  // Reconciliation at the pinned block.
  const balanceOf = async (who: string) => {
    const v = await readNumber(reader, "Token", token, "balanceOf", [who]);
    if (v === undefined) throw new ChainReadError(`balanceOf(${who}) on the token ${token} failed`);
    return v;
  };
  const ledgerBalance = await balanceOf(ledgerAddress);
  const mismatches: Mismatch[] = [];
  const ledgerResult = await ledger.reconcile(reader, ledgerBalance);
  mismatches.push(...ledgerResult.mismatches);
  const pinnedHeader = (await reader.send("eth_getBlockByNumber", [toHex(block), false])) as {
    timestamp?: string;
  } | null;
  if (pinnedHeader?.timestamp === undefined) throw new ChainReadError(`block ${block} has no header`);
  const pinned = { block, timestamp: BigInt(pinnedHeader.timestamp) };
  await fillTimestamps(
    reader,
    moduleBooks.flatMap((m) => m.timed()),
  );
  for (const m of moduleBooks) {
    mismatches.push(...(await m.reconcile(reader, pinned)));
    const booked = ledger.flows.filter((f) => f.module === m.address);
    mismatches.push(...matchFlows(m.kind, m.expectedFlows(), booked));
  }

  // What each module holds: its open records (suite modules) and at least its open commitments (any module).
  const modules: ModuleRow[] = [];
  const moduleAddresses = [...new Set([...moduleBooks.map((m) => m.address), ...ledger.modules])];
  const directIn = directTransfersIn(decoded.events, auditedTxs);
  await mapLimit(moduleAddresses, reader.concurrency, async (address) => {
    const suite = moduleBooks.find((m) => m.address === address);
    const balance = await balanceOf(address);
    const outstanding = ledger.outstandingOf(address);
    const stray = directIn.get(address) ?? 0n;
    const record = `module ${suite?.kind ?? "(not in the deployment)"} ${address}`;
    if (balance < outstanding) {
      mismatches.push({
        book: "ledger",
        record,
        field: "token balance",
        expected: `>= open commitments ${dec(outstanding)}`,
        found: dec(balance),
      });
    }
    const swept = suite?.swept() ?? 0n;
    if (suite !== undefined && balance !== suite.held() + stray - swept) {
      const parts = [`held by open records ${suite.held()}`];
      if (stray !== 0n) parts.push(`direct transfers ${stray}`);
      if (swept !== 0n) parts.push(`- surplus swept ${swept}`);
      mismatches.push({
        book: suite.name,
        record,
        field: "token balance",
        expected: dec(suite.held() + stray - swept),
        found: dec(balance),
        note: parts.join(" + ").replace("+ -", "-"),
      });
    }
    // A module that reports its surplus (tokens beyond its obligations): what came in directly
    // and was not swept yet.
    if (suite !== undefined && INTERFACES[suite.kind].getFunction("surplus") !== null) {
      const view = await callView(reader, INTERFACES[suite.kind], address, "surplus", []);
      const expected = stray - swept > 0n ? stray - swept : 0n;
      const found = view.ok ? String(view.value) : `reverted (${view.revert})`;
      if (found !== dec(expected)) {
        mismatches.push({
          book: suite.name,
          record,
          field: "surplus()",
          expected: dec(expected),
          found,
          note: `direct transfers ${stray} - surplus swept ${swept}`,
        });
      }
    }
    modules.push({
      address,
      kind: suite?.kind ?? "not in the deployment",
      outstandingCommitments: dec(outstanding),
      held: suite === undefined ? null : dec(suite.held()),
      deferred: suite === undefined ? null : dec(suite.deferred()),
      directIn: dec(stray),
      swept: dec(swept),
      balance: dec(balance),
    });
  });

  // Inconsistencies met while applying the events come first (complete once every book is reconciled).
  mismatches.unshift(...books.flatMap((b) => b.anomalies));

  // Red flags (timestamps where the node did not put them on the logs).
  await fillTimestamps(reader, [...ledger.reallocations, ...ledger.overspends]);
  const procurement = moduleBooks.find((m): m is ProcurementBook => m instanceof ProcurementBook);
  const subsidies = moduleBooks.find((m): m is SubsidiesBook => m instanceof SubsidiesBook);
  const permits = moduleBooks.find((m): m is PermitsBook => m instanceof PermitsBook);
  const redFlags: RedFlag[] = [
    ...payoutToOfficial({ roleChanges: roles.changes, payouts: ledger.payouts, format }),
    ...reallocationBeforeOverspend({
      reallocations: ledger.reallocations,
      overspends: ledger.overspends,
      windowSeconds: options.reallocationWindowSeconds,
      format,
    }),
  ];
  if (procurement !== undefined) {
    const bidders = new Map([...procurement.tenders.values()].map((t) => [t.id, [...t.bidders.keys()]]));
    redFlags.push(...approverAlsoBidder({ approvals: procurement.approvals, bidders }));
    redFlags.push(
      ...singleBidderTender({
        tenders: [...procurement.tenders.values()].map((t) => ({
          id: t.id,
          status: t.status,
          bidders: t.bidders.size,
          block: t.endBlock ?? t.block,
          tx: t.endTx ?? t.tx,
        })),
      }),
    );
  }
  if (permits !== undefined) redFlags.push(...documentOfTwoApplicants({ uses: permits.documentUses }));
  if (subsidies !== undefined) {
    redFlags.push(...programmeClosedMostlyUnclaimed({ programmes: [...subsidies.programmes.values()], format }));
  }

  const tables = Object.assign({}, ...moduleBooks.map((m) => m.tables())) as Record<string, Row[]>;
  const c = ledger.cash;
  return {
    chainId: Number(head.chainId),
    block,
    fromBlock,
    consistent: mismatches.length === 0,
    token: { address: token, symbol, decimals },
    ledger: {
      address: ledgerAddress,
      balance: dec(ledgerBalance),
      unallocated: ledgerResult.unallocated === undefined ? null : dec(ledgerResult.unallocated),
      deposits: dec(c.deposits),
      withdrawals: dec(c.withdrawals),
      committed: dec(c.committed),
      returned: dec(c.returned),
      paid: dec(c.paid),
      directIn: dec(c.directIn),
      directOut: dec(c.directOut),
    },
    lines: ledger.lineRows(),
    modules: modules.sort((a, b) => a.address.localeCompare(b.address)),
    mismatches,
    redFlags,
    tenders: tables.tenders ?? [],
    bids: tables.bids ?? [],
    agreements: tables.agreements ?? [],
    milestones: tables.milestones ?? [],
    permits: tables.permits ?? [],
    applications: tables.applications ?? [],
    permitTypes: tables.permitTypes ?? [],
    programmes: tables.programmes ?? [],
    roles: roles.rows(),
    directTransfers: ledger.transferRows(),
    stats: {
      logs: decoded.events.length + decoded.unknown,
      events: counts,
      unknownLogs: decoded.unknown,
      requests: stats.requests + reader.stats.requests,
      retries: stats.retries + reader.stats.retries,
      rateLimited: stats.rateLimited + reader.stats.rateLimited,
      windows: stats.windows,
      windowSplits: stats.splits,
      windowGrows: stats.grows,
      durationMs: Date.now() - started,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
  };
}

/** Tokens sent straight to a module (a transfer in a transaction where no audited contract emitted an event). */
function directTransfersIn(events: readonly AuditEvent[], auditedTxs: ReadonlySet<string>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const e of events) {
    if (e.kind !== "Token" || auditedTxs.has(e.tx)) continue;
    const to = e.args.hex("to");
    out.set(to, (out.get(to) ?? 0n) + e.args.big("value"));
    const from = e.args.hex("from");
    out.set(from, (out.get(from) ?? 0n) - e.args.big("value"));
  }
  return out;
}

/** Fills in block timestamps the logs did not carry (one eth_getBlockByNumber per block). */
async function fillTimestamps(reader: PinnedReader, facts: Array<{ block: number; timestamp?: number }>) {
  const missing = [...new Set(facts.filter((f) => f.timestamp === undefined).map((f) => f.block))];
  const times = new Map<number, number>();
  await mapLimit(missing, reader.concurrency, async (n) => {
    const header = (await reader.send("eth_getBlockByNumber", [toHex(n), false])) as { timestamp?: string } | null;
    if (header?.timestamp !== undefined) times.set(n, Number(header.timestamp));
  });
  for (const f of facts) if (f.timestamp === undefined) f.timestamp = times.get(f.block);
}
