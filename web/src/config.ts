/**
 * Where the portal reads from and links to, loaded once from `config.json` next to index.html
 * (so one build serves any deployment: switching to another indexer or chain is an edit of that
 * file, no rebuild).
 */
export interface PortalConfig {
  /** Base URL of the indexer's HTTP API (PLAN's `/api`), absolute or relative to the page. */
  apiBase: string;
  /** JSON-RPC URL the wallet pages read the chain through (simulations, allowances). */
  rpcUrl: string;
  chainId: number;
  chainName: string;
  /** Name of the issuing authority shown on permit answers. */
  authority: string;
  /** Block explorer base URL per chain id (`https://sepolia.etherscan.io`); none: local chain. */
  explorers: Record<string, string>;
  /** Where published roster tree files live: `<rosterBase><programId>.json` (+ its .bin). */
  rosterBase: string;
}

const DEFAULTS: PortalConfig = {
  apiBase: "/api",
  rpcUrl: "http://127.0.0.1:8545",
  chainId: 31337,
  chainName: "Local chain",
  authority: "civic-ledger",
  explorers: {},
  rosterBase: "rosters/",
};

let loaded: PortalConfig = DEFAULTS;

export async function loadConfig(): Promise<PortalConfig> {
  try {
    const res = await fetch(new URL("config.json", document.baseURI), { cache: "no-store" });
    if (res.ok) loaded = { ...DEFAULTS, ...((await res.json()) as Partial<PortalConfig>) };
  } catch {
    // no config.json: the defaults (a local node and an indexer on the same origin)
  }
  return loaded;
}

export const config = (): PortalConfig => loaded;

/** The explorer page of a transaction, or undefined on a chain without an explorer (local chains). */
export function txUrl(hash: string, chainId = loaded.chainId): string | undefined {
  const base = loaded.explorers[String(chainId)];
  return base === undefined ? undefined : `${base.replace(/\/$/, "")}/tx/${hash}`;
}

export function addressUrl(address: string, chainId = loaded.chainId): string | undefined {
  const base = loaded.explorers[String(chainId)];
  return base === undefined ? undefined : `${base.replace(/\/$/, "")}/address/${address}`;
}
