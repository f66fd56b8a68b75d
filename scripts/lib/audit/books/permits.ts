/**
 * The PermitRegistry book. Rebuilds permit types, applications (pending, approved, rejected,
 * withdrawn; renewals included) with their checks, and permits (the ERC-721 mint, renewals,
 * suspensions, revocations); what the registry must hold (the fees of pending applications and
 * the refunds it owes, `RefundDeferred` until `RefundClaimed`); its token movements (each fee
 * pulled from the applicant, each refund sent or deferred, each claimed refund); and the ledger
 * flows the events imply (a deposit of the fee when a permit is issued or renewed, a deposit of
 * the surplus a `SurplusSwept` sends).
 */
import { INTERFACES } from "../abi.js";
import type { AuditEvent } from "../decode.js";
import { mapLimit, type PinnedReader } from "../rpc.js";
import { callView } from "../views.js";
import { TokenTrail } from "./trail.js";
import {
  ZERO_HASH,
  compareFields,
  dec,
  viewText,
  type LedgerFlow,
  type Mismatch,
  type ModuleBook,
  type Pinned,
  type Row,
  type Timed,
} from "./types.js";

/** SPEC's application status values. */
export const APPLICATION_STATUS = { None: 0, Pending: 1, Approved: 2, Rejected: 3, Withdrawn: 4 } as const;
const STATUS_NAMES = ["none", "pending", "approved", "rejected", "withdrawn"];
const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

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
  /** Bit i: check `checkRoles[i]` of the type passed (the view's `checksBitmap`). */
  bitmap: number;
  /** The event that decided it (approval, rejection, withdrawal): its block gives `decidedAt`. */
  decided?: Timed;
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
  /** The issuing event: its block gives `issuedAt`. */
  issued: Timed;
  block: number;
}

export class PermitsBook implements ModuleBook {
  readonly name = "permits" as const;
  readonly kind = "PermitRegistry" as const;
  readonly anomalies: Mismatch[] = [];
  readonly types = new Map<bigint, PermitType>();
  readonly applications = new Map<bigint, Application>();
  readonly permits = new Map<bigint, Permit>();
  /** Refunds the token refused, owed per applicant (`refundOwed`). */
  readonly owed = new Map<string, bigint>();
  events = 0;
  sweptTotal = 0n;
  private readonly flows: LedgerFlow[] = [];
  private readonly trail: TokenTrail;
  /** The pending renewal application of a permit (at most one at a time). */
  private readonly pendingRenewal = new Map<bigint, Application>();
  /**
   * `applicant:documentHash` -> the application holding it (pending or approved), 0n once freed:
   * a document is bound to its applicant.
   */
  private readonly documents = new Map<string, bigint>();
  /** Document hash -> every applicant that submitted it, with the first submission of each. */
  readonly documentUses = new Map<
    string,
    Array<{ applicant: string; applicationId: bigint; block: number; tx: string }>
  >();
  /** ERC-721 mints seen, by permit id: the holder and the transaction. */
  private readonly mints = new Map<bigint, { holder: string; tx: string }>();
  private readonly lockedIds = new Set<bigint>();
  /** Every applicant refunded or owed a refund (their `refundOwed` is checked). */
  private readonly refunded = new Set<string>();

  constructor(
    readonly address: string,
    readonly ledger?: string,
  ) {
    this.trail = new TokenTrail(address, ledger);
  }

  apply(e: AuditEvent): void {
    if (e.kind === "Token") return this.trail.onTransfer(e);
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
          bitmap: 0,
          block: e.block,
        };
        this.applications.set(id, app);
        this.trail.receive(e, app.applicant, app.fee, `ApplicationSubmitted ${id} (fee)`);
        if (app.renewal) {
          const pending = this.pendingRenewal.get(permitId);
          if (pending !== undefined)
            this.anomaly(`permit ${permitId}`, "renewal application", "one pending at a time", `${pending.id}`, e);
          this.pendingRenewal.set(permitId, app);
          const permit = this.permits.get(permitId);
          if (permit !== undefined && permit.holder !== app.applicant)
            this.anomaly(`application ${id}`, "renewal applicant", permit.holder, app.applicant, e);
        } else {
          const key = `${app.applicant}:${app.documentHash}`;
          const holding = this.documents.get(key);
          if (holding !== undefined && holding !== 0n)
            this.anomaly(`application ${id}`, "documentHash", "not held by another application", `${holding}`, e);
          this.documents.set(key, id);
          const uses = this.documentUses.get(app.documentHash) ?? [];
          if (!uses.some((u) => u.applicant === app.applicant))
            uses.push({ applicant: app.applicant, applicationId: id, block: e.block, tx: e.tx });
          this.documentUses.set(app.documentHash, uses);
        }
        return;
      }
      case "CheckRecorded": {
        const app = this.application(a.big("applicationId"), e);
        if (app === undefined) return;
        if (app.status !== APPLICATION_STATUS.Pending)
          this.anomaly(`application ${app.id}`, "CheckRecorded", "while pending", STATUS_NAMES[app.status], e);
        const role = a.big("checkRole");
        const passed = a.bool("passed");
        if (app.checks.some((c) => c.role === role))
          this.anomaly(`application ${app.id}`, `check ${role}`, "recorded once", "again", e);
        app.checks.push({ role, inspector: a.hex("inspector"), passed });
        const index = this.types.get(app.typeId)?.checkRoles.indexOf(role) ?? -1;
        if (index < 0)
          this.anomaly(`application ${app.id}`, "CheckRecorded.checkRole", "a check of its type", `${role}`, e);
        else if (passed) app.bitmap |= 1 << index;
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
        app.decided = { block: e.block, timestamp: e.timestamp };
        if (app.renewal && this.pendingRenewal.get(app.permitId) === app) this.pendingRenewal.delete(app.permitId);
        const key = `${app.applicant}:${app.documentHash}`;
        if (!app.renewal && this.documents.get(key) === app.id) this.documents.set(key, 0n);
        this.refunded.add(app.applicant);
        this.trail.pay(e, app.applicant, app.fee, `${e.name} ${app.id} (refund)`);
        return;
      }
      case "RefundDeferred": {
        const app = this.application(a.big("applicationId"), e);
        const applicant = a.hex("applicant");
        const amount = a.big("amount");
        if (app !== undefined && (applicant !== app.applicant || amount !== app.fee))
          this.anomaly(
            `application ${app.id}`,
            "RefundDeferred",
            `${app.fee} to ${app.applicant}`,
            `${amount} to ${applicant}`,
            e,
          );
        this.owed.set(applicant, (this.owed.get(applicant) ?? 0n) + amount);
        this.refunded.add(applicant);
        this.trail.defer(e, applicant, amount, `RefundDeferred ${a.big("applicationId")}`);
        return;
      }
      case "RefundClaimed": {
        const applicant = a.hex("applicant");
        const amount = a.big("amount");
        const owed = this.owed.get(applicant) ?? 0n;
        if (amount !== owed) this.anomaly(`applicant ${applicant}`, "RefundClaimed.amount", dec(owed), dec(amount), e);
        this.owed.set(applicant, 0n);
        this.trail.pay(e, a.hex("to"), amount, `RefundClaimed by ${applicant}`);
        return;
      }
      case "SurplusSwept": {
        const amount = a.big("amount");
        this.sweptTotal += amount;
        this.flow(e, amount, "SurplusSwept");
        return;
      }
      case "Transfer": {
        // ERC-721: a permit is minted to its holder and never moves (ERC-5192 locked).
        const id = a.big("tokenId");
        if (a.hex("from") !== ZERO_ADDRESS)
          this.anomaly(`permit ${id}`, "ERC-721 Transfer", "a mint only (locked)", `from ${a.hex("from")}`, e);
        else this.mints.set(id, { holder: a.hex("to"), tx: e.tx });
        return;
      }
      case "Locked": {
        const id = a.big("tokenId");
        if (!this.mints.has(id)) this.anomaly(`permit ${id}`, "Locked", "after its mint", "no mint", e);
        this.lockedIds.add(id);
        return;
      }
      case "PermitIssued": {
        const id = a.big("permitId");
        const holder = a.hex("holder");
        const app = this.application(a.big("applicationId"), e);
        if (this.permits.has(id)) this.anomaly(`permit ${id}`, "PermitIssued", "once", "again", e);
        const mint = this.mints.get(id);
        if (mint === undefined || mint.tx !== e.tx || mint.holder !== holder)
          this.anomaly(
            `permit ${id}`,
            "ERC-721 mint",
            `to ${holder} in the same transaction`,
            mint ? `to ${mint.holder}` : "none",
            e,
          );
        if (app !== undefined) {
          if (app.status !== APPLICATION_STATUS.Pending)
            this.anomaly(`application ${app.id}`, "PermitIssued", "a pending application", STATUS_NAMES[app.status], e);
          if (app.renewal) this.anomaly(`application ${app.id}`, "PermitIssued", "a new application", "a renewal", e);
          if (app.applicant !== holder) this.anomaly(`permit ${id}`, "PermitIssued.holder", app.applicant, holder, e);
          app.status = APPLICATION_STATUS.Approved;
          app.permitId = id;
          app.decided = { block: e.block, timestamp: e.timestamp };
          this.flow(e, app.fee, `PermitIssued ${id}`);
        }
        this.permits.set(id, {
          id,
          typeId: a.big("typeId"),
          holder,
          applicationId: a.big("applicationId"),
          documentHash: app?.documentHash ?? ZERO_HASH,
          expiresAt: a.big("expiresAt"),
          revoked: false,
          suspended: false,
          renewals: 0,
          issued: app?.decided ?? { block: e.block, timestamp: e.timestamp },
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
        if (permit.revoked || permit.suspended)
          this.anomaly(
            `permit ${permit.id}`,
            "PermitRenewed",
            "an active or expired permit",
            permit.revoked ? "revoked" : "suspended",
            e,
          );
        permit.expiresAt = expiresAt;
        permit.renewals++;
        // A pending renewal application of this permit is the one approved (its last check is
        // in this transaction); otherwise the holder renewed directly and paid the fee now.
        const pending = this.pendingRenewal.get(permit.id);
        if (pending !== undefined) {
          this.pendingRenewal.delete(permit.id);
          pending.status = APPLICATION_STATUS.Approved;
          pending.decided = { block: e.block, timestamp: e.timestamp };
          this.flow(e, pending.fee, `PermitRenewed ${permit.id} (application ${pending.id})`);
        } else {
          const fee = this.types.get(permit.typeId)?.fee ?? 0n;
          this.trail.receive(e, permit.holder, fee, `PermitRenewed ${permit.id} (fee)`);
          this.flow(e, fee, `PermitRenewed ${permit.id}`);
        }
        return;
      }
      case "PermitSuspended":
      case "PermitReinstated":
      case "PermitRevoked": {
        const permit = this.permit(a.big("permitId"), e);
        if (permit === undefined) return;
        if (permit.revoked) this.anomaly(`permit ${permit.id}`, e.name, "a permit not revoked", "revoked", e);
        if (e.name === "PermitSuspended") permit.suspended = true;
        if (e.name === "PermitReinstated") {
          if (!permit.suspended) this.anomaly(`permit ${permit.id}`, e.name, "a suspended permit", "not suspended", e);
          permit.suspended = false;
        }
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

  /** Fees of pending applications (the view's `feesHeld`). */
  feesHeld(): bigint {
    let sum = 0n;
    for (const app of this.applications.values()) if (app.status === APPLICATION_STATUS.Pending) sum += app.fee;
    return sum;
  }

  deferred(): bigint {
    let owed = 0n;
    for (const v of this.owed.values()) owed += v;
    return owed;
  }

  held(): bigint {
    return this.feesHeld() + this.deferred();
  }

  swept(): bigint {
    return this.sweptTotal;
  }

  expectedFlows(): LedgerFlow[] {
    return this.flows;
  }

  timed(): Timed[] {
    const out: Timed[] = [];
    for (const app of this.applications.values()) if (app.decided !== undefined) out.push(app.decided);
    for (const permit of this.permits.values()) out.push(permit.issued);
    return out;
  }

  async reconcile(reader: PinnedReader, _at: Pinned): Promise<Mismatch[]> {
    const I = INTERFACES.PermitRegistry;
    const out: Mismatch[] = [...this.trail.match(this.name, "PermitRegistry")];
    const mm = (record: string, field: string, expected: string, found: string) =>
      out.push({ book: this.name, record, field, expected, found });
    const compare = (record: string, view: Record<string, unknown>, fields: Record<string, unknown>) =>
      compareFields(out, this.name, record, view, fields);
    const scalar = async (record: string, fn: string, args: unknown[], expected: unknown) => {
      const r = await callView(reader, I, this.address, fn, args);
      const found = r.ok ? viewText(r.value) : "reverted";
      const want = viewText(expected);
      if (found !== want) mm(record, `${fn}(${args.map(String).join(", ")})`, want, found);
    };
    const time = (t: Timed | undefined) => (t === undefined ? 0 : t.timestamp);

    await scalar("registry", "counts", [], [this.types.size, this.applications.size, this.permits.size]);
    await scalar("registry", "feesHeld", [], this.feesHeld());
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
      let passed = 0;
      for (let b = app.bitmap; b !== 0; b &= b - 1) passed++;
      compare(`application ${app.id}`, r.value as Record<string, unknown>, {
        typeId: app.typeId,
        applicant: app.applicant,
        permitId: app.permitId,
        documentHash: app.documentHash,
        fee: app.fee,
        status: app.status,
        checksPassed: passed,
        checksBitmap: app.bitmap,
        decidedAt: app.decided === undefined ? 0 : time(app.decided),
      });
    });
    await mapLimit([...this.permits.values()], reader.concurrency, async (permit) => {
      const record = `permit ${permit.id}`;
      const r = await callView(reader, I, this.address, "getPermit", [permit.id]);
      if (!r.ok) return void mm(record, "getPermit()", "a permit", `reverted (${r.revert})`);
      compare(record, r.value as Record<string, unknown>, {
        typeId: permit.typeId,
        holder: permit.holder,
        issuedAt: time(permit.issued),
        expiresAt: permit.expiresAt,
        documentHash: permit.documentHash,
        revoked: permit.revoked,
        suspended: permit.suspended,
        applicationId: permit.applicationId,
      });
      await scalar(record, "ownerOf", [permit.id], permit.holder);
      await scalar(record, "locked", [permit.id], this.lockedIds.has(permit.id));
      await scalar(record, "pendingRenewalOf", [permit.id], this.pendingRenewal.get(permit.id)?.id ?? 0n);
    });
    await mapLimit([...this.documents], reader.concurrency, async ([key, appId]) => {
      const [applicant, hash] = key.split(":");
      const app = this.applications.get(appId);
      const permitId = app?.status === APPLICATION_STATUS.Approved ? app.permitId : 0n;
      await scalar(`document ${hash} of ${applicant}`, "applicationOfDocument", [applicant, hash], appId);
      await scalar(`document ${hash} of ${applicant}`, "permitOfDocument", [applicant, hash], permitId);
    });
    await mapLimit([...this.refunded], reader.concurrency, (applicant) =>
      scalar(`applicant ${applicant}`, "refundOwed", [applicant], this.owed.get(applicant) ?? 0n),
    );
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
      issuedAt: p.issued.timestamp ?? null,
      expiresAt: p.expiresAt.toString(),
      revoked: p.revoked,
      suspended: p.suspended,
      renewals: p.renewals,
      pendingRenewal: this.pendingRenewal.get(p.id)?.id.toString() ?? "0",
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
      checksBitmap: x.bitmap,
      decidedAt: x.decided?.timestamp ?? null,
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
