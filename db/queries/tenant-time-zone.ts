import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import { recordAuditEvent } from "./audit";
import type { PolicyActor } from "./tenants";

// The tenant's time zone (docs/decisions/0024): where a leaver file's date-only effective_at ends.
// The caller has checked that the zone is one the runtime knows (lib/scheduled/effective-at.ts).

export async function tenantTimeZone(db: Db, tenantId: string): Promise<string | undefined> {
  return (await prepared<{ timeZone: string }>(db, `select time_zone as "timeZone" from tenants where id = ?`).get(tenantId))?.timeZone;
}

/** Sets the zone and audits a change (tenant.time_zone_changed, from and to); the same zone changes and records nothing. */
export function setTenantTimeZone(db: Db, tenantId: string, timeZone: string, actor: PolicyActor, now = Date.now()) {
  return inTransaction(db, "immediate", async () => {
    const row = await prepared<{ timeZone: string }>(
      db,
      `select time_zone as "timeZone" from tenants where id = ?${db.dialect === "postgres" ? " for update" : ""}`,
    ).get(tenantId);
    if (!row) return null;
    if (row.timeZone === timeZone) return { timeZone, changed: false };
    await prepared(db, `update tenants set time_zone = ?, updated_at = ? where id = ?`).run(timeZone, now, tenantId);
    await recordAuditEvent(db, {
      tenantId,
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorName: actor.name,
      action: "tenant.time_zone_changed",
      targetType: "tenant",
      targetId: tenantId,
      outcome: "success",
      requestId: actor.requestId ?? null,
      details: { from: row.timeZone, to: timeZone },
      createdAt: now,
    });
    return { timeZone, changed: true };
  });
}
