/**
 * The PermitRegistry book (against SPEC's events and views; see abi.ts). Rebuilds permit
 * types, applications (pending, approved, rejected, withdrawn; renewals included), checks and
 * permits; what the registry must hold (the fees of pending applications); and the ledger flows
 * the events imply (a deposit of the fee when a permit is issued or renewed).
 */
import { INTERFACES } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import { mapLimit, type PinnedReader } from "../rpc.js";
import { callView } from "../views.js";
import { dec, type LedgerFlow, type Mismatch, type ModuleBook, type Row } from "./types.js";

/** SPEC's application status values. */
export const APPLICATION_STATUS = { None: 0, Pending: 1, Approved: 2, Rejected: 3, Withdrawn: 4 } as const;
const STATUS_NAMES = ["none", "pending", "approved", "rejected", "withdrawn"];

export interface PermitType {
  id: bigint;
  name: string;
  fee: bigint;
  validity: bigint;
  checkRoles: bigint[];
  recheckOnRenewal: boolean;
  active: boolean;
}

export interface Application {
  id: bigint;
  typeId: bigint;
  applicant: string;
  /** The permit renewed (a renewal), or the permit issued on approval; 0 otherwise. */
  permitId: bigint;
  renewal: boolean;
  documentHash: string;
  fee: bigint;
  status: number;
  checks: Array<{ role: bigint; inspector: string; passed: boolean }>;
  block: number;
}

export interface Permit {
  id: bigint;
  typeId: bigint;
  holder: string;
  applicationId: bigint;
  documentHash: string;
  expiresAt: bigint;
  revoked: boolean;
  suspended: boolean;
  renewals: number;
  block: number;
}

export class PermitsBook implements ModuleBook {
  readonly name = "permits" as const;
  readonly kind = "PermitRegistry" as const;
  readonly anomalies: Mismatch[] = [];
  readonly types = new Map<bigint, PermitType>();
  readonly applications = new Map<bigint, Application>();
  readonly permits = new Map<bigint, Permit>();
  events = 0;
  private readonly flows: LedgerFlow[] = [];
  /** The pending renewal application of a permit (at most one at a time). */
  private readonly pendingRenewal = new Map<bigint, Application>();

  constructor(readonly address: string) {}

  apply(e: AuditEvent): void {
    if (e.kind !== "PermitRegistry" || e.address !== this.address) return;
    this.events++;
    const a = e.args;
    switch (e.name) {
      case "PermitTypeDefined": {
        const id = a.big("typeId");
        if (this.types.has(id)) this.anomaly(`permit type ${id}`, "PermitTypeDefined", "once", "again", e);
        this.types.set(id, {
          id,
          name: a.str("name"),
          fee: a.big("fee"),
          validity: a.big("validity"),
          checkRoles: a.bigs("checkRoles"),
          recheckOnRenewal: a.bool("recheckOnRenewal"),
          active: true,
        });
        return;
      }
      case "PermitTypeActiveSet": {
        const type = this.types.get(a.big("typeId"));
        if (type === undefined) this.anomaly(`permit type ${a.big("typeId")}`, e.name, "a defined type", "none", e);
        else type.active = a.bool("active");
        return;
      }
      case "ApplicationSubmitted": {
        const id = a.big("applicationId");
        const permitId = a.big("permitId");
        if (this.applications.has(id)) this.anomaly(`application ${id}`, "ApplicationSubmitted", "once", "again", e);
        const app: Application = {
          id,
          typeId: a.big("typeId"),
          applicant: a.hex("applicant"),
          permitId,
          renewal: permitId !== 0n,
          documentHash: a.hex("documentHash"),
          fee: a.big("fee"),
          status: APPLICATION_STATUS.Pending,
          checks: [],
          block: e.block,
        };
        this.applications.set(id, app);
        if (app.renewal) this.pendingRenewal.set(permitId, app);
        return;
      }
      case "CheckRecorded": {
        const app = this.application(a.big("applicationId"), e);
        if (app === undefined) return;
        if (app.status !== APPLICATION_STATUS.Pending)
          this.anomaly(`application ${app.id}`, "CheckRecorded", "while pending", STATUS_NAMES[app.status], e);
        app.checks.push({ role: a.big("checkRole"), inspector: a.hex("inspector"), passed: a.bool("passed") });
        if (a.hex("inspector") === app.applicant)
          this.anomaly(`application ${app.id}`, "CheckRecorded.inspector", "not the applicant", app.applicant, e);
        return;
      }
      case "ApplicationRejected":
      case "ApplicationWithdrawn": {
        const app = this.application(a.big("applicationId"), e);
        if (app === undefined) return;
        if (app.status !== APPLICATION_STATUS.Pending)
          this.anomaly(`application ${app.id}`, e.name, "a pending application", STATUS_NAMES[app.status], e);
        app.status = e.name === "ApplicationRejected" ? APPLICATION_STATUS.Rejected : APPLICATION_STATUS.Withdrawn;
        if (app.renewal && this.pendingRenewal.get(app.permitId) === app) this.pendingRenewal.delete(app.permitId);
        return;
      }
      case "PermitIssued": {
        const id = a.big("permitId");
        const app = this.application(a.big("applicationId"), e);
        if (this.permits.has(id)) this.anomaly(`permit ${id}`, "PermitIssued", "once", "again", e);
        if (app !== undefined) {
          if (app.status !== APPLICATION_STATUS.Pending)
            this.anomaly(`application ${app.id}`, "PermitIssued", "a pending application", STATUS_NAMES[app.status], e);
          app.status = APPLICATION_STATUS.Approved;
          app.permitId = id;
          this.flow(e, app.fee, `PermitIssued ${id}`);
        }
        this.permits.set(id, {
          id,
          typeId: a.big("typeId"),
          holder: a.hex("holder"),
          applicationId: a.big("applicationId"),
          documentHash: app?.documentHash ?? "0x",
          expiresAt: a.big("expiresAt"),
          revoked: false,
          suspended: false,
          renewals: 0,
          block: e.block,
        });
        return;
      }
      case "PermitRenewed": {
        const permit = this.permit(a.big("permitId"), e);
        if (permit === undefined) return;
        const expiresAt = a.big("expiresAt");
        if (expiresAt <= permit.expiresAt)
          this.anomaly(`permit ${permit.id}`, "PermitRenewed.expiresAt", `> ${permit.expiresAt}`, dec(expiresAt), e);
        permit.expiresAt = expiresAt;
        permit.renewals++;
        // A pending renewal application of this permit is the one approved; otherwise the
        // holder renewed directly and paid the type's fee in this transaction.
        const pending = this.pendingRenewal.get(permit.id);
        if (pending !== undefined) {
          this.pendingRenewal.delete(permit.id);
          pending.status = APPLICATION_STATUS.Approved;
          this.flow(e, pending.fee, `PermitRenewed ${permit.id} (application ${pending.id})`);
        } else this.flow(e, this.types.get(permit.typeId)?.fee ?? 0n, `PermitRenewed ${permit.id}`);
        return;
      }
      case "PermitSuspended":
      case "PermitReinstated":
      case "PermitRevoked": {
        const permit = this.permit(a.big("permitId"), e);
        if (permit === undefined) return;
        if (permit.revoked) this.anomaly(`permit ${permit.id}`, e.name, "a permit not revoked", "revoked", e);
        if (e.name === "PermitSuspended") permit.suspended = true;
        if (e.name === "PermitReinstated") permit.suspended = false;
        if (e.name === "PermitRevoked") permit.revoked = true;
        return;
      }
    }
  }

  private application(id: bigint, e: AuditEvent): Application | undefined {
    const app = this.applications.get(id);
    if (app === undefined)
      this.anomaly(`application ${id}`, e.name, "after ApplicationSubmitted", "no ApplicationSubmitted", e);
    return app;
  }

  private permit(id: bigint, e: AuditEvent): Permit | undefined {
    const permit = this.permits.get(id);
    if (permit === undefined) this.anomaly(`permit ${id}`, e.name, "after PermitIssued", "no PermitIssued", e);
    return permit;
  }

  private flow(e: AuditEvent, amount: bigint, source: string) {
    if (amount <= 0n) return;
    this.flows.push({ tx: e.tx, kind: "deposit", module: this.address, amount, source, block: e.block });
  }

  private anomaly(record: string, field: string, expected: string, found: string, e: AuditEvent) {
    this.anomalies.push({ book: this.name, record, field, expected, found, note: `block ${e.block}, tx ${e.tx}` });
  }

  held(): bigint {
    let sum = 0n;
    for (const app of this.applications.values()) if (app.status === APPLICATION_STATUS.Pending) sum += app.fee;
    return sum;
  }

  expectedFlows(): LedgerFlow[] {
    return this.flows;
  }

  async reconcile(reader: PinnedReader): Promise<Mismatch[]> {
    const I = INTERFACES.PermitRegistry;
    const out: Mismatch[] = [];
    const mm = (record: string, field: string, expected: string, found: string) =>
      out.push({ book: this.name, record, field, expected, found });
    const compare = (record: string, view: Record<string, unknown>, fields: Record<string, unknown>) => {
      for (const [field, expected] of Object.entries(fields)) {
        if (expected === undefined) continue;
        const found = Array.isArray(view[field]) ? (view[field] as unknown[]).join(",") : String(view[field]);
        const want = Array.isArray(expected) ? expected.join(",") : String(expected);
        if (found !== want) mm(record, field, want, found);
      }
    };
    await mapLimit([...this.types.values()], reader.concurrency, async (t) => {
      const r = await callView(reader, I, this.address, "getPermitType", [t.id]);
      if (!r.ok) return void mm(`permit type ${t.id}`, "getPermitType()", "a type", `reverted (${r.revert})`);
      compare(`permit type ${t.id}`, r.value as Record<string, unknown>, {
        name: t.name,
        fee: t.fee,
        validity: t.validity,
        checkRoles: t.checkRoles,
        recheckOnRenewal: t.recheckOnRenewal,
        active: t.active,
      });
    });
    await mapLimit([...this.applications.values()], reader.concurrency, async (app) => {
      const r = await callView(reader, I, this.address, "getApplication", [app.id]);
      if (!r.ok)
        return void mm(`application ${app.id}`, "getApplication()", "an application", `reverted (${r.revert})`);
      compare(`application ${app.id}`, r.value as Record<string, unknown>, {
        typeId: app.typeId,
        applicant: app.applicant,
        permitId: app.renewal || app.status === APPLICATION_STATUS.Approved ? app.permitId : undefined,
        documentHash: app.documentHash,
        fee: app.status === APPLICATION_STATUS.Pending ? app.fee : undefined,
        status: app.status,
      });
    });
    await mapLimit([...this.permits.values()], reader.concurrency, async (permit) => {
      const record = `permit ${permit.id}`;
      const r = await callView(reader, I, this.address, "getPermit", [permit.id]);
      if (!r.ok) return void mm(record, "getPermit()", "a permit", `reverted (${r.revert})`);
      compare(record, r.value as Record<string, unknown>, {
        typeId: permit.typeId,
        holder: permit.holder,
        expiresAt: permit.expiresAt,
        documentHash: permit.documentHash === "0x" ? undefined : permit.documentHash,
        revoked: permit.revoked,
        suspended: permit.suspended,
      });
      if (permit.documentHash !== "0x") {
        const d = await callView(reader, I, this.address, "permitOfDocument", [permit.documentHash]);
        const found = d.ok ? String(d.value) : "reverted";
        if (found !== permit.id.toString()) mm(record, "permitOfDocument(documentHash)", permit.id.toString(), found);
      }
    });
    return out;
  }

  tables(): Record<string, Row[]> {
    const permits: Row[] = [...this.permits.values()].map((p) => ({
      permitId: p.id.toString(),
      typeId: p.typeId.toString(),
      type: this.types.get(p.typeId)?.name ?? null,
      holder: p.holder,
      applicationId: p.applicationId.toString(),
      documentHash: p.documentHash,
      expiresAt: p.expiresAt.toString(),
      revoked: p.revoked,
      suspended: p.suspended,
      renewals: p.renewals,
      issuedAtBlock: p.block,
    }));
    const applications: Row[] = [...this.applications.values()].map((x) => ({
      applicationId: x.id.toString(),
      typeId: x.typeId.toString(),
      applicant: x.applicant,
      permitId: x.permitId.toString(),
      renewal: x.renewal,
      documentHash: x.documentHash,
      fee: dec(x.fee),
      status: STATUS_NAMES[x.status],
      checksPassed: x.checks.filter((c) => c.passed).length,
      checksFailed: x.checks.filter((c) => !c.passed).length,
      submittedAtBlock: x.block,
    }));
    const permitTypes: Row[] = [...this.types.values()].map((t) => ({
      typeId: t.id.toString(),
      name: t.name,
      fee: dec(t.fee),
      validity: t.validity.toString(),
      checkRoles: t.checkRoles.join(" "),
      recheckOnRenewal: t.recheckOnRenewal,
      active: t.active,
    }));
    return { permits, applications, permitTypes };
  }
}
