import { beforeAll } from "vitest";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { StatusActor } from "./user-status";

// What the user-status tests read back: a user's row, its audit events, a token's or session's revocation.

export type UserRow = { active: number; state: string; deactivatedAt: number | null; deactivatedBy: unknown; updatedAt: number; updatedBy: unknown };
export type EventRow = {
  action: string;
  outcome: string;
  actorType: string;
  actorId: string;
  actorName: string;
  requestId: string | null;
  details: unknown;
  createdAt: number;
};

export async function userRow(db: Db, id: string) {
  const row = await prepared<UserRow & { deactivatedBy: string | null; updatedBy: string | null }>(
    db,
    `select active, state, deactivated_at as "deactivatedAt", deactivated_by as "deactivatedBy", updated_at as "updatedAt", updated_by as "updatedBy"
     from users where id = ?`,
  ).get(id);
  if (!row) throw new Error(`no user ${id}`);
  return { ...row, deactivatedBy: row.deactivatedBy && JSON.parse(row.deactivatedBy), updatedBy: row.updatedBy && JSON.parse(row.updatedBy) } as UserRow;
}

export async function eventsOf(db: Db, targetId: string, action?: string): Promise<EventRow[]> {
  const rows = await prepared<EventRow & { details: string | null }>(
    db,
    `select action, outcome, actor_type as "actorType", actor_id as "actorId", actor_name as "actorName", request_id as "requestId", details, created_at as "createdAt"
     from audit_events where target_id = ? and action like ? order by created_at, id`,
  ).all(targetId, action ?? "%");
  return rows.map((row) => ({ ...row, details: row.details && JSON.parse(row.details) }));
}

export const revokedAt = async (db: Db, table: "personal_access_tokens" | "sessions", adminId: string) =>
  (await prepared<{ revokedAt: number | null }>(db, `select revoked_at as "revokedAt" from ${table} where admin_id = ?`).get(adminId))?.revokedAt;

/** A tenant and an admin of it acting through a token (or the console). */
export function fixture(db: Db, type: StatusActor["type"], name: string) {
  const f = {} as { tenantId: string; actor: StatusActor };
  beforeAll(async () => {
    const tenant = await makeTenant(db);
    const actorAdmin = await makeAdminWithToken(db, tenant.id);
    f.tenantId = tenant.id;
    f.actor = { type, id: type === "token" ? actorAdmin.tokenId : actorAdmin.admin.id, name, userId: actorAdmin.user.id };
  });
  return f;
}
