/**
 * Every read of the portal goes through this module: the indexer's HTTP API at
 * `config().apiBase`. Writes never do: they go to the chain through the wallet.
 */
import { config } from "../config";
import type {
  Answer,
  Application,
  Audit,
  Line,
  Movement,
  Page,
  Permit,
  PermitType,
  Program,
  Status,
  Tender,
  TenderDetail,
} from "./types";

export type * from "./types";

/** A refusal of the API (`{"error": {code, message}}`) or a failure to reach it. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function url(path: string, query: Record<string, string | number | undefined> = {}): string {
  const base = new URL(config().apiBase.replace(/\/?$/, "/"), document.baseURI);
  const target = new URL(path.replace(/^\//, ""), base);
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) target.searchParams.set(key, String(value));
  return target.toString();
}

async function get<T extends Answer>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url(path, query), { headers: { accept: "application/json" } });
  } catch (error) {
    throw new ApiError(0, "unreachable", (error as Error).message);
  }
  const body = (await res.json().catch(() => undefined)) as
    (T & { error?: { code: string; message: string } }) | undefined;
  if (!res.ok || body === undefined || body.error !== undefined) {
    throw new ApiError(res.status, body?.error?.code ?? "http_error", body?.error?.message ?? res.statusText);
  }
  return body;
}

const id = (value: string) => encodeURIComponent(value);

export const api = {
  status: () => get<Status>("status"),
  budgetYears: () => get<Answer & { years: number[] }>("budget/years"),
  budgetLines: (fiscalYear: number) =>
    get<
      Answer & { lines: Line[]; totals: { appropriated: string; committed: string; spent: string; available: string } }
    >("budget/lines", { fiscalYear }),
  budgetLine: (lineId: string) => get<Answer & { line: Line }>(`budget/lines/${id(lineId)}`),
  lineMovements: (lineId: string, cursor?: string, limit = 50) =>
    get<Page<Movement>>(`budget/lines/${id(lineId)}/movements`, { limit, cursor }),
  tenders: (cursor?: string, limit = 50) => get<Page<Tender>>("tenders", { limit, cursor }),
  tender: (tenderId: string) => get<TenderDetail>(`tenders/${id(tenderId)}`),
  permit: (permitId: string) => get<Answer & { permit: Permit }>(`permits/${id(permitId)}`),
  permitsOf: (holder: string) => get<Page<Permit>>("permits", { holder }),
  permitByDocument: (holder: string, documentHash: string) =>
    get<Answer & { permit: Permit }>("permits/by-document", { holder, documentHash }),
  applicationsOf: (applicant: string) => get<Page<Application>>("applications", { applicant }),
  permitTypes: () => get<Page<PermitType>>("permit-types"),
  programs: () => get<Page<Program>>("programs"),
  program: (programId: string) => get<Answer & { program: Program }>(`programs/${id(programId)}`),
  audit: () => get<Audit>("audit"),
};
