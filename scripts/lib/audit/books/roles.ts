/**
 * The AccessManager's role holders, rebuilt from RoleGranted / RoleRevoked. A grant counts from
 * its event on, also while the AccessManager's grant delay is still running (a decided
 * appointment); a revocation (or renunciation, which emits RoleRevoked) ends it.
 */
import { roleName } from "../../roles.js";
import type { AuditEvent } from "../decode.js";
import type { Book, Mismatch, Row } from "./types.js";

export interface RoleChange {
  roleId: bigint;
  account: string;
  granted: boolean;
  block: number;
  logIndex: number;
  tx: string;
}

export class RolesBook implements Book {
  readonly name = "roles" as const;
  readonly anomalies: Mismatch[] = [];
  readonly changes: RoleChange[] = [];
  /** roleId -> account -> block of the grant. */
  readonly holders = new Map<bigint, Map<string, number>>();

  constructor(readonly address: string | undefined) {}

  apply(e: AuditEvent): void {
    if (e.kind !== "AccessManager" || e.address !== this.address) return;
    if (e.name !== "RoleGranted" && e.name !== "RoleRevoked") return;
    const roleId = e.args.big("roleId");
    const account = e.args.hex("account");
    const granted = e.name === "RoleGranted";
    this.changes.push({ roleId, account, granted, block: e.block, logIndex: e.logIndex, tx: e.tx });
    let members = this.holders.get(roleId);
    if (members === undefined) this.holders.set(roleId, (members = new Map()));
    if (granted) {
      if (!members.has(account)) members.set(account, e.block);
    } else members.delete(account);
  }

  rows(): Row[] {
    const out: Row[] = [];
    const ids = [...this.holders.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const roleId of ids) {
      for (const [account, since] of this.holders.get(roleId) ?? []) {
        out.push({ roleId: roleId.toString(), role: roleName(roleId), account, grantedAtBlock: since });
      }
    }
    return out;
  }
}
