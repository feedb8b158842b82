import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { ScheduleActor } from "./scheduled-deactivations";

// Many schedules at once, for the benchmark (bench/scheduled.ts) and the crash spec: rows only,
// without the per-schedule audit event that applySchedule writes, because what those measure and
// prove is the executor. Not for product paths (they go through applySchedule).

const COLUMNS = 13;
const ROWS_PER_INSERT = Math.floor(999 / COLUMNS);
const insertSql = (rows: number) =>
  `insert into scheduled_deactivations (id, tenant_id, user_id, live_user_id, effective_at, source, actor_type, actor_id, actor_name, actor_user_id,
    status, created_at, updated_at) values ${Array(rows).fill(`(?, ?, ?, ?, ?, 'console', ?, ?, ?, ?, 'scheduled', ?, ?)`).join(", ")}`;

/** Schedules each user's deactivation at `effectiveAt`, in one transaction; the users must have no live schedule. */
export async function seedScheduledDeactivations(
  db: Db,
  input: { tenantId: string; userIds: readonly string[]; effectiveAt: number; actor: ScheduleActor },
  now = Date.now(),
): Promise<void> {
  const a = input.actor;
  const values = (userId: string) => [randomUUID(), input.tenantId, userId, userId, input.effectiveAt, a.type, a.id, a.name, a.userId, now, now];
  await inTransaction(db, "immediate", async () => {
    for (let start = 0; start < input.userIds.length; start += ROWS_PER_INSERT) {
      const chunk = input.userIds.slice(start, start + ROWS_PER_INSERT);
      await prepared(db, insertSql(chunk.length)).run(...chunk.flatMap(values));
    }
  });
}

/** A seeded tenant's first admin and up to `count` of its active users who are not admins: whom a bulk schedule acts as and on. */
export async function scheduleFixture(db: Db, tenantId: string, count: number): Promise<{ admin: { id: string; userId: string }; userIds: string[] }> {
  const admin = await prepared<{ id: string; userId: string }>(
    db,
    `select id, user_id as "userId" from admins where tenant_id = ? order by created_at, id limit 1`,
  ).get(tenantId);
  if (!admin) throw new Error(`tenant ${tenantId} has no admin`);
  const users = await prepared<{ id: string }>(
    db,
    "select id from users where tenant_id = ? and active = true and id not in (select user_id from admins) order by id limit ?",
  ).all(tenantId, count);
  return { admin, userIds: users.map((row) => row.id) };
}
