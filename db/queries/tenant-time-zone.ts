import type { Db } from "../client";
import { prepared } from "../prepared";
import { changeTenantSetting, type PolicyActor } from "./tenants";

// The tenant's time zone (docs/decisions/0024): where a leaver file's date-only effective_at ends.
// The caller has checked that the zone is one the runtime knows (lib/scheduled/effective-at.ts).

export async function tenantTimeZone(db: Db, tenantId: string): Promise<string | undefined> {
  return (await prepared<{ timeZone: string }>(db, `select time_zone as "timeZone" from tenants where id = ?`).get(tenantId))?.timeZone;
}

/** Sets the zone and audits a change (tenant.time_zone_changed, from and to); the same zone changes and records nothing. */
export async function setTenantTimeZone(db: Db, tenantId: string, timeZone: string, actor: PolicyActor, now = Date.now()) {
  const result = await changeTenantSetting(db, tenantId, { key: "timeZone", column: "time_zone", action: "tenant.time_zone_changed" }, timeZone, actor, now);
  return result && { timeZone, changed: result.changed };
}
