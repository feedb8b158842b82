import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { ScheduledDeactivation, ScheduleStatus } from "../schema";
import { SCHEDULE_COLUMNS } from "./scheduled-deactivations";
import { applyDeactivation, applyDeactivations, lockUsersInOrder, type DeactivationResult, type StatusActor } from "./user-status";

// Running due scheduled deactivations (the executor in lib/scheduled/executor.ts; decisions/0024).
// A batch is ONE transaction: the due rows are claimed, their users deactivated through the same
// apply functions as the console and leaver jobs, and the rows marked final, all committing
// together. On SQLite the immediate transaction holds the single writer lock; on PostgreSQL the
// claim is `FOR UPDATE SKIP LOCKED`, so executors on several instances take disjoint rows, and a
// killed executor's claim ends with its connection (its transaction rolls back and the row locks
// go): the next run takes the rows again, and none runs twice.

const DUE = `select ${SCHEDULE_COLUMNS} from scheduled_deactivations s where s.status = 'scheduled' and s.effective_at <= ?
  order by s.status, s.effective_at limit ?`;
const DUE_SQL: Record<Db["dialect"], string> = { sqlite: DUE, postgres: `${DUE} for update skip locked` };
const FINISH = `update scheduled_deactivations set status = ?, outcome = ?, live_user_id = null, finished_at = ?, updated_at = ? where id = ? and status = 'scheduled'`;
// PostgreSQL: a batch's rows of one status in one statement.
const FINISH_MANY = `update scheduled_deactivations set status = @status, outcome = @outcome, live_user_id = null, finished_at = @now, updated_at = @now
  where id = any(@ids::text[]) and status = 'scheduled'`;

export type RunResult = { claimed: number; counts: Partial<Record<ScheduleStatus, number>> };
type Final = { status: ScheduleStatus; outcome: string | null };

const TRANSIENT = /^(SQLITE_BUSY|SQLITE_LOCKED|SQLITE_FULL|SQLITE_IOERR|08|40|53|55P03|57P0|ECONN|ETIMEDOUT|EPIPE)/;
const isTransient = (error: unknown) => error instanceof Error && "code" in error && TRANSIENT.test(String((error as { code: unknown }).code));

/** The earliest effective_at still scheduled (the executor's timer), read off the due index. */
export async function nextDueAt(db: Db): Promise<number | null> {
  const row = await prepared<{ at: number | null }>(db, `select min(effective_at) as "at" from scheduled_deactivations where status = 'scheduled'`).get();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

const actorOf = (s: ScheduledDeactivation): StatusActor => ({
  type: s.actorType as StatusActor["type"],
  id: s.actorId,
  name: s.actorName,
  userId: s.actorUserId,
});
const auditDetails = (s: ScheduledDeactivation) => ({
  scheduled: true,
  scheduleId: s.id,
  effectiveAt: new Date(s.effectiveAt).toISOString(),
  ...(s.jobId ? { jobId: s.jobId, row: s.rowNumber } : {}),
  ...(s.reason ? { reason: s.reason } : {}),
  ...(s.ticket ? { ticket: s.ticket } : {}),
});

const finalOf = (result: DeactivationResult): Final =>
  result.status === "deactivated"
    ? { status: "executed", outcome: "deactivated" }
    : result.status === "already-inactive"
      ? { status: "skipped", outcome: "already inactive" }
      : { status: "failed", outcome: "the user no longer exists" };

/** The batch's deactivations, grouped by tenant and scheduling admin (each group one applyDeactivations). */
async function deactivateAll(db: Db, due: readonly ScheduledDeactivation[], now: number): Promise<Final[]> {
  const groups = new Map<string, number[]>();
  due.forEach((s, i) => {
    const key = `${s.tenantId}\u0000${s.actorType}\u0000${s.actorId}\u0000${s.actorUserId}\u0000${s.actorName}`;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const finals: Final[] = new Array<Final>(due.length);
  // Tenants in id order, as recordAuditEvents locks their chain heads: two executors whose batches
  // share tenants wait for one another instead of deadlocking (PostgreSQL; reasoned, not reproduced:
  // the two batches' claims must interleave).
  const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, indexes]) => indexes);
  for (const indexes of ordered) {
    const first = due[indexes[0]!]!;
    const users = indexes.map((i) => ({ userId: due[i]!.userId, auditDetails: auditDetails(due[i]!) }));
    const results = await applyDeactivations(db, { tenantId: first.tenantId, actor: actorOf(first), requestId: null, users }, now);
    indexes.forEach((i, n) => (finals[i] = finalOf(results[n]!)));
  }
  return finals;
}

/** Each row alone in a savepoint, after the batch failed as a whole: a row that throws is "failed" with the reason. */
async function deactivateEach(db: Db, due: readonly ScheduledDeactivation[], now: number): Promise<Final[]> {
  const finals: Final[] = [];
  for (const s of due) {
    try {
      const input = { tenantId: s.tenantId, userId: s.userId, actor: actorOf(s), requestId: null, auditDetails: auditDetails(s), auditNoop: false };
      finals.push(finalOf(await inTransaction(db, "deferred", () => applyDeactivation(db, input, now))));
    } catch (error) {
      if (isTransient(error)) throw error;
      finals.push({ status: "failed", outcome: error instanceof Error ? error.message.slice(0, 200) : "unexpected error" });
    }
  }
  return finals;
}

async function markFinal(db: Db, due: readonly ScheduledDeactivation[], finals: readonly Final[], now: number): Promise<void> {
  if (db.dialect === "sqlite") {
    const finish = prepared(db, FINISH);
    for (const [i, s] of due.entries()) await finish.run(finals[i]!.status, finals[i]!.outcome, now, now, s.id);
    return;
  }
  const byFinal = new Map<string, string[]>();
  due.forEach((s, i) => {
    const key = JSON.stringify(finals[i]);
    const ids = byFinal.get(key);
    if (ids) ids.push(s.id);
    else byFinal.set(key, [s.id]);
  });
  for (const [key, ids] of byFinal) {
    const final = JSON.parse(key) as Final;
    await prepared(db, FINISH_MANY).run({ status: final.status, outcome: final.outcome, now, ids: `{${ids.map((id) => `"${id}"`).join(",")}}` });
  }
}

async function runBatch(db: Db, now: number, limit: number, alone: boolean): Promise<RunResult> {
  const due = await prepared<ScheduledDeactivation>(db, DUE_SQL[db.dialect]).all(now, limit);
  if (due.length === 0) return { claimed: 0, counts: {} };
  // Users locked in id order first: a leaver batch touching the same users waits instead of deadlocking.
  await lockUsersInOrder(db, [...new Set(due.map((s) => s.userId))]);
  const finals = alone ? await deactivateEach(db, due, now) : await deactivateAll(db, due, now);
  await markFinal(db, due, finals, now);
  const counts: RunResult["counts"] = {};
  for (const final of finals) counts[final.status] = (counts[final.status] ?? 0) + 1;
  return { claimed: due.length, counts };
}

/**
 * Claims up to `limit` schedules due at `now` and runs them in one transaction (see above). When a
 * row's deactivation throws, the batch is rolled back and run again row by row, each in a
 * savepoint, the failing rows "failed" with the reason and the others kept.
 */
export async function runDueScheduledDeactivations(db: Db, now: number, limit = 500): Promise<RunResult> {
  try {
    return await inTransaction(db, "immediate", () => runBatch(db, now, limit, false));
  } catch (error) {
    if (isTransient(error)) throw error;
    return inTransaction(db, "immediate", () => runBatch(db, now, limit, true));
  }
}
