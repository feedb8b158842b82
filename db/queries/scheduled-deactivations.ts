import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { ScheduledDeactivation, ScheduleSource } from "../schema";
import { recordAuditEvent } from "./audit";
import type { StatusActor } from "./user-status";

// Scheduled deactivations (docs/decisions/0024): making, cancelling and reading them. Running the
// due ones is ./scheduled-run.ts. One live schedule per user: a new one replaces it (the old one
// cancelled, both audited), under the user's row lock and the live_user_id unique index.

export type ScheduleActor = StatusActor;
export type NewSchedule = {
  tenantId: string;
  userId: string;
  effectiveAt: number;
  actor: ScheduleActor;
  requestId: string | null;
  source: ScheduleSource;
  jobId?: string | null;
  rowNumber?: number | null;
  reason?: string | null;
  ticket?: string | null;
};
export type ScheduleResult =
  { status: "scheduled"; schedule: ScheduledDeactivation; replaced: string | null } | { status: "already-inactive" } | { status: "not-found" };

export const SCHEDULE_COLUMNS = `s.id, s.tenant_id as "tenantId", s.user_id as "userId", s.live_user_id as "liveUserId", s.effective_at as "effectiveAt",
  s.source, s.job_id as "jobId", s.row_number as "rowNumber", s.actor_type as "actorType", s.actor_id as "actorId", s.actor_name as "actorName",
  s.actor_user_id as "actorUserId", s.request_id as "requestId", s.reason, s.ticket, s.status, s.outcome, s.finished_at as "finishedAt",
  s.created_at as "createdAt", s.updated_at as "updatedAt"`;

const FIND_USER = `select id, active, email from users where id = ? and tenant_id = ?`;
const LOCK_USER = { sqlite: FIND_USER, postgres: `${FIND_USER} for update` };
const LIVE_OF_USER = `select ${SCHEDULE_COLUMNS} from scheduled_deactivations s where s.live_user_id = ?`;
const BY_ID = `select ${SCHEDULE_COLUMNS} from scheduled_deactivations s where s.id = ? and s.tenant_id = ?`;
const LOCK_BY_ID = { sqlite: BY_ID, postgres: `${BY_ID} for update` };
const INSERT = `insert into scheduled_deactivations (id, tenant_id, user_id, live_user_id, effective_at, source, job_id, row_number, actor_type, actor_id,
  actor_name, actor_user_id, request_id, reason, ticket, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)`;
// Final states release the user (live_user_id null) for a next schedule.
const FINISH = `update scheduled_deactivations set status = ?, outcome = ?, live_user_id = null, finished_at = ?, updated_at = ? where id = ? and status = 'scheduled'`;

type ScheduleFields = Pick<
  ScheduledDeactivation,
  | "tenantId"
  | "userId"
  | "effectiveAt"
  | "source"
  | "jobId"
  | "rowNumber"
  | "actorType"
  | "actorId"
  | "actorName"
  | "actorUserId"
  | "requestId"
  | "reason"
  | "ticket"
>;

/** A live schedule of `fields.userId` (which holds the user's one live slot until it ends). */
const insertSchedule = (db: Db, id: string, f: ScheduleFields, now: number) =>
  prepared(db, INSERT).run(
    id,
    f.tenantId,
    f.userId,
    f.userId,
    f.effectiveAt,
    f.source,
    f.jobId,
    f.rowNumber,
    f.actorType,
    f.actorId,
    f.actorName,
    f.actorUserId,
    f.requestId,
    f.reason,
    f.ticket,
    now,
    now,
  );

type Audited = { tenantId: string; actor: Pick<ScheduleActor, "type" | "id" | "name">; requestId: string | null };

function auditSchedule(db: Db, input: Audited, action: string, schedule: { id: string; userId: string }, details: Record<string, unknown>, now: number) {
  return recordAuditEvent(db, {
    tenantId: input.tenantId,
    actorType: input.actor.type,
    actorId: input.actor.id,
    actorName: input.actor.name,
    action,
    targetType: "user",
    targetId: schedule.userId,
    outcome: action === "user.deactivation_scheduled" ? "scheduled" : "cancelled",
    requestId: input.requestId,
    details: { scheduleId: schedule.id, ...details },
    createdAt: now,
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Schedules a user's deactivation in the caller's transaction, with its
 * `user.deactivation_scheduled` audit event; a live schedule of the user is cancelled first
 * (`user.deactivation_cancelled`, replacedBy). An inactive user is not scheduled.
 */
export async function applySchedule(db: Db, input: NewSchedule, now: number): Promise<ScheduleResult> {
  const user = await prepared<{ id: string; active: number | boolean; email: string }>(db, LOCK_USER[db.dialect]).get(input.userId, input.tenantId);
  if (!user) return { status: "not-found" };
  if (!user.active) return { status: "already-inactive" };
  const id = randomUUID();
  const live = await prepared<ScheduledDeactivation>(db, LIVE_OF_USER).get(user.id);
  if (live) {
    await prepared(db, FINISH).run("cancelled", `replaced by ${id}`, now, now, live.id);
    await auditSchedule(db, input, "user.deactivation_cancelled", live, { email: user.email, effectiveAt: iso(live.effectiveAt), replacedBy: id }, now);
  }
  const a = input.actor;
  await insertSchedule(
    db,
    id,
    {
      tenantId: input.tenantId,
      userId: user.id,
      effectiveAt: input.effectiveAt,
      source: input.source,
      jobId: input.jobId ?? null,
      rowNumber: input.rowNumber ?? null,
      actorType: a.type,
      actorId: a.id,
      actorName: a.name,
      actorUserId: a.userId,
      requestId: input.requestId,
      reason: input.reason ?? null,
      ticket: input.ticket ?? null,
    },
    now,
  );
  const details = {
    email: user.email,
    effectiveAt: iso(input.effectiveAt),
    source: input.source,
    ...(input.jobId ? { jobId: input.jobId, row: input.rowNumber } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.ticket ? { ticket: input.ticket } : {}),
    ...(live ? { replaces: live.id } : {}),
  };
  await auditSchedule(db, input, "user.deactivation_scheduled", { id, userId: user.id }, details, now);
  return { status: "scheduled", schedule: (await prepared<ScheduledDeactivation>(db, BY_ID).get(id, input.tenantId))!, replaced: live?.id ?? null };
}

/** applySchedule in an immediate transaction of its own (the console's single deactivation). */
export function scheduleDeactivation(db: Db, input: NewSchedule, now = Date.now()): Promise<ScheduleResult> {
  return inTransaction(db, "immediate", () => applySchedule(db, input, now));
}

export type CancelScheduleResult =
  { status: "cancelled"; schedule: ScheduledDeactivation } | { status: "not-found" } | { status: "finished"; schedule: ScheduledDeactivation };

/** Cancels a live schedule of the tenant (audited); one that already ran or ended is "finished". */
export function cancelScheduledDeactivation(db: Db, input: Audited & { id: string; actor: ScheduleActor }, now = Date.now()): Promise<CancelScheduleResult> {
  return inTransaction(db, "immediate", async (): Promise<CancelScheduleResult> => {
    // Locked on PostgreSQL: an executor running it holds the row, and the cancel then finds it executed.
    const schedule = await prepared<ScheduledDeactivation>(db, LOCK_BY_ID[db.dialect]).get(input.id, input.tenantId);
    if (!schedule) return { status: "not-found" };
    if (schedule.status !== "scheduled") return { status: "finished", schedule };
    await prepared(db, FINISH).run("cancelled", `cancelled by ${input.actor.name}`, now, now, schedule.id);
    await auditSchedule(db, input, "user.deactivation_cancelled", schedule, { effectiveAt: iso(schedule.effectiveAt) }, now);
    return { status: "cancelled", schedule: (await prepared<ScheduledDeactivation>(db, BY_ID).get(schedule.id, input.tenantId))! };
  });
}

// The schedule a job's schedule replaced (applySchedule's outcome names its successor): the user's, by their index.
const REPLACED_BY = `select ${SCHEDULE_COLUMNS} from scheduled_deactivations s where s.user_id = ? and s.tenant_id = ? and s.status = 'cancelled'
  and s.outcome = ? order by s.created_at desc limit 1`;

/**
 * Cancels the still-live schedules a leaver job made (its undo), in the caller's transaction, and
 * brings back each schedule one of them had replaced whose time is still ahead: the user's
 * deactivation as it was before the job (a new schedule with the old one's time, maker, source,
 * reason and ticket; `user.deactivation_scheduled` with `restores`). One whose time passed while
 * replaced stays cancelled: an undo does not deactivate anyone. Returns how many of each.
 */
export async function cancelJobSchedules(
  db: Db,
  input: Audited & { jobId: string; undoJobId: string },
  now: number,
): Promise<{ cancelled: number; restored: number }> {
  const live = await prepared<ScheduledDeactivation>(
    db,
    `select ${SCHEDULE_COLUMNS} from scheduled_deactivations s where s.job_id = ? and s.tenant_id = ? and s.status = 'scheduled' order by s.row_number`,
  ).all(input.jobId, input.tenantId);
  let restored = 0;
  for (const schedule of live) {
    await prepared(db, FINISH).run("cancelled", `job undone by ${input.undoJobId}`, now, now, schedule.id);
    await auditSchedule(db, input, "user.deactivation_cancelled", schedule, { effectiveAt: iso(schedule.effectiveAt), undoJobId: input.undoJobId }, now);
    const replaced = await prepared<ScheduledDeactivation>(db, REPLACED_BY).get(schedule.userId, input.tenantId, `replaced by ${schedule.id}`);
    if (replaced && replaced.effectiveAt > now && (await restoreSchedule(db, input, replaced, now))) restored += 1;
  }
  return { cancelled: live.length, restored };
}

/** A new live schedule with `old`'s time, maker and reason, audited as restoring it; false when its user is gone, inactive or scheduled again. */
async function restoreSchedule(db: Db, input: Audited & { undoJobId: string }, old: ScheduledDeactivation, now: number): Promise<boolean> {
  const user = await prepared<{ id: string; active: number | boolean; email: string }>(db, LOCK_USER[db.dialect]).get(old.userId, input.tenantId);
  if (!user?.active || (await prepared(db, LIVE_OF_USER).get(user.id))) return false;
  const id = randomUUID();
  await insertSchedule(db, id, old, now);
  const details = { email: user.email, effectiveAt: iso(old.effectiveAt), source: old.source, restores: old.id, undoJobId: input.undoJobId };
  await auditSchedule(db, input, "user.deactivation_scheduled", { id, userId: user.id }, details, now);
  return true;
}

export function getScheduledDeactivation(db: Db, tenantId: string, id: string): Promise<ScheduledDeactivation | undefined> {
  return prepared<ScheduledDeactivation>(db, BY_ID).get(id, tenantId);
}

/** The user's live schedule, if any (the user page's badge). */
export async function liveScheduleOfUser(db: Db, tenantId: string, userId: string): Promise<ScheduledDeactivation | undefined> {
  const live = await prepared<ScheduledDeactivation>(db, LIVE_OF_USER).get(userId);
  return live && live.tenantId === tenantId ? live : undefined;
}

export type ScheduleListItem = ScheduledDeactivation & { email: string | null; name: string | null };
export type ScheduleCursor = { effectiveAt: number; id: string };

/**
 * One page of the tenant's live schedules, soonest first, after a cursor (keyset on effective_at,
 * id: a walk of the tenant index however deep). `limit + 1` rows are read to tell whether more follow.
 */
export async function listScheduledDeactivations(
  db: Db,
  tenantId: string,
  options: { after?: ScheduleCursor; limit: number },
): Promise<{ items: ScheduleListItem[]; next: ScheduleCursor | null }> {
  const after = options.after ?? { effectiveAt: -1, id: "" };
  const rows = await prepared<ScheduleListItem>(
    db,
    `select ${SCHEDULE_COLUMNS}, u.email, u.name from scheduled_deactivations s left join users u on u.id = s.user_id
     where s.tenant_id = ? and s.status = 'scheduled' and (s.effective_at > ? or (s.effective_at = ? and s.id > ?))
     order by s.effective_at, s.id limit ?`,
  ).all(tenantId, after.effectiveAt, after.effectiveAt, after.id, options.limit + 1);
  const items = rows.slice(0, options.limit);
  const last = items.at(-1);
  return { items, next: rows.length > options.limit && last ? { effectiveAt: last.effectiveAt, id: last.id } : null };
}

/** A job's schedules by row number (its results link each "scheduled" row to one). */
export function schedulesOfJob(db: Db, tenantId: string, jobId: string): Promise<ScheduledDeactivation[]> {
  return prepared<ScheduledDeactivation>(
    db,
    `select ${SCHEDULE_COLUMNS} from scheduled_deactivations s where s.job_id = ? and s.tenant_id = ? order by s.row_number, s.created_at`,
  ).all(jobId, tenantId);
}
