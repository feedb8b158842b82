import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { Db } from "../client";
import type { LeaverClass, LeaverJob, LeaverOutcome, LeaverPreview } from "../schema";
import { applyDeactivation } from "./deactivation";

// Bulk leavers: previews, durable jobs and the batch step the worker runs. Raw prepared SQL on
// purpose: a job touches up to 100,000 users and each batch must stay a few milliseconds long.

export type LeaverActor = { type: "admin" | "token"; id: string; name: string; userId: string };
export type NewPreviewRow = {
  rowNumber: number;
  email: string;
  reason: string | null;
  ticket: string | null;
  class: LeaverClass;
  userId: string | null;
  duplicateOf: number | null;
};
export type OutcomeCounts = Partial<Record<LeaverOutcome | "pending", number>>;
export type LeaverJobView = LeaverJob & { counts: OutcomeCounts };

const LOOKUP_CHUNK = 500;
const LOOKUP_SQL = `select email_normalized as email, id, active from users where tenant_id = ? and email_normalized in (${Array(LOOKUP_CHUNK).fill("?").join(",")})`;

type Cache = Map<string, Database.Statement>;
const statementCache = new WeakMap<Database.Database, Cache>();
function stmt(db: Db, sql: string): Database.Statement {
  let cache = statementCache.get(db.$client);
  if (!cache) statementCache.set(db.$client, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.$client.prepare(sql)));
  return statement;
}

function insertAudit(
  db: Db,
  event: { tenantId: string; actor: LeaverActor; action: string; targetType: string; targetId: string; outcome: string; requestId: string | null; details: Record<string, unknown> },
  now: number,
): void {
  stmt(
    db,
    `insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(randomUUID(), event.tenantId, event.actor.type, event.actor.id, event.actor.name, event.action, event.targetType, event.targetId, event.outcome, event.requestId, JSON.stringify(event.details), now);
}

// ---- previews -----------------------------------------------------------------------------------

/** Normalized email → the tenant user's id and active flag, in indexed chunks. */
export function findUsersByNormalizedEmails(db: Db, tenantId: string, emails: readonly string[]): Map<string, { id: string; active: boolean }> {
  const found = new Map<string, { id: string; active: boolean }>();
  for (let start = 0; start < emails.length; start += LOOKUP_CHUNK) {
    const chunk = emails.slice(start, start + LOOKUP_CHUNK);
    // Padded with a repeat of its first address, so that one prepared statement serves every chunk.
    while (chunk.length < LOOKUP_CHUNK) chunk.push(chunk[0] as string);
    const rows = stmt(db, LOOKUP_SQL).all(tenantId, ...chunk) as { email: string; id: string; active: number }[];
    for (const row of rows) found.set(row.email, { id: row.id, active: row.active === 1 });
  }
  return found;
}

/**
 * Stores an upload and its classified rows in one immediate transaction: `fill` receives a
 * writer for chunks of rows as they are parsed and returns the totals; if it throws (a bad file),
 * nothing is stored.
 */
export function createLeaverPreview(
  db: Db,
  input: { tenantId: string; actor: LeaverActor; fileName: string | null; sha256: string },
  fill: (writeRows: (rows: readonly NewPreviewRow[]) => void) => { totalRows: number; counts: Record<LeaverClass, number> },
  now = Date.now(),
): LeaverPreview {
  const id = randomUUID();
  db.$client.transaction(() => {
    stmt(
      db,
      `insert into leaver_previews (id, tenant_id, actor_type, actor_id, actor_name, actor_user_id, file_name, file_sha256, total_rows, counts, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 0, '{}', ?, ?)`,
    ).run(id, input.tenantId, input.actor.type, input.actor.id, input.actor.name, input.actor.userId, input.fileName, input.sha256, now, now);
    const insertRow = stmt(db, `insert into leaver_preview_rows (preview_id, row_number, email, reason, ticket, class, user_id, duplicate_of) values (?, ?, ?, ?, ?, ?, ?, ?)`);
    const totals = fill((rows) => {
      for (const row of rows) insertRow.run(id, row.rowNumber, row.email, row.reason, row.ticket, row.class, row.userId, row.duplicateOf);
    });
    stmt(db, `update leaver_previews set total_rows = ?, counts = ? where id = ?`).run(totals.totalRows, JSON.stringify(totals.counts), id);
  }).immediate();
  return getLeaverPreview(db, input.tenantId, id)!.preview;
}

type PreviewRecord = {
  id: string; tenant_id: string; actor_type: "admin" | "token"; actor_id: string; actor_name: string; actor_user_id: string; file_name: string | null;
  file_sha256: string; total_rows: number; counts: string; created_at: number; updated_at: number; job_id: string | null;
};

/** A preview of the tenant with the id of the job confirmed from it, if any. */
export function getLeaverPreview(db: Db, tenantId: string, previewId: string): { preview: LeaverPreview; jobId: string | null } | undefined {
  const row = stmt(db, `select p.*, j.id as job_id from leaver_previews p left join leaver_jobs j on j.preview_id = p.id where p.id = ? and p.tenant_id = ?`).get(previewId, tenantId) as
    | PreviewRecord
    | undefined;
  if (!row) return undefined;
  return {
    jobId: row.job_id,
    preview: {
      id: row.id, tenantId: row.tenant_id, actorType: row.actor_type, actorId: row.actor_id, actorName: row.actor_name, actorUserId: row.actor_user_id,
      fileName: row.file_name, fileSha256: row.file_sha256, totalRows: row.total_rows, counts: JSON.parse(row.counts) as Record<LeaverClass, number>,
      createdAt: row.created_at, updatedAt: row.updated_at,
    },
  };
}

export type PreviewRowView = { rowNumber: number; email: string; reason: string | null; ticket: string | null; class: LeaverClass; userId: string | null; duplicateOf: number | null };

/** Rows of a preview in file order, optionally of one class; keyset-paged by row number. */
export function listLeaverPreviewRows(db: Db, previewId: string, options: { class?: LeaverClass; afterRow?: number; offset?: number; limit: number }): PreviewRowView[] {
  const sql = `select row_number as rowNumber, email, reason, ticket, class, user_id as userId, duplicate_of as duplicateOf from leaver_preview_rows
    where preview_id = ? and row_number > ? ${options.class ? "and class = ?" : ""} order by row_number limit ? offset ?`;
  const params = [previewId, options.afterRow ?? 0, ...(options.class ? [options.class] : []), options.limit, options.offset ?? 0];
  return stmt(db, sql).all(...params) as PreviewRowView[];
}

/** The latest deactivation job of the same file (by SHA-256) in the tenant since `since`. */
export function findRecentRunOfFile(db: Db, tenantId: string, sha256: string, since: number): { jobId: string; createdAt: number } | undefined {
  return stmt(db, `select id as jobId, created_at as createdAt from leaver_jobs where tenant_id = ? and file_sha256 = ? and kind = 'deactivate' and created_at >= ? order by created_at desc limit 1`).get(
    tenantId, sha256, since,
  ) as { jobId: string; createdAt: number } | undefined;
}

// ---- jobs ---------------------------------------------------------------------------------------

type JobRecord = {
  id: string; tenant_id: string; kind: LeaverJob["kind"]; status: LeaverJob["status"]; preview_id: string | null; undo_of_job_id: string | null; undone_by_job_id: string | null;
  file_sha256: string | null; actor_type: "admin" | "token"; actor_id: string; actor_name: string; actor_user_id: string; request_id: string | null; total_rows: number;
  processed_rows: number; outcome_counts: string; started_at: number | null; finished_at: number | null; created_at: number; updated_at: number;
};

function toJob(row: JobRecord): LeaverJob {
  return {
    id: row.id, tenantId: row.tenant_id, kind: row.kind, status: row.status, previewId: row.preview_id, undoOfJobId: row.undo_of_job_id, undoneByJobId: row.undone_by_job_id,
    fileSha256: row.file_sha256, actorType: row.actor_type, actorId: row.actor_id, actorName: row.actor_name, actorUserId: row.actor_user_id, requestId: row.request_id,
    totalRows: row.total_rows, processedRows: row.processed_rows, outcomeCounts: JSON.parse(row.outcome_counts) as LeaverJob["outcomeCounts"], startedAt: row.started_at, finishedAt: row.finished_at, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

const jobActor = (job: LeaverJob): LeaverActor => ({ type: job.actorType as LeaverActor["type"], id: job.actorId, name: job.actorName, userId: job.actorUserId });

function readJob(db: Db, jobId: string): LeaverJob | undefined {
  const row = stmt(db, `select * from leaver_jobs where id = ?`).get(jobId) as JobRecord | undefined;
  return row && toJob(row);
}

/** Rows per outcome counted from the rows themselves (the job row keeps the same figures up to date). */
export function countJobOutcomes(db: Db, jobId: string): OutcomeCounts {
  const counts: OutcomeCounts = {};
  for (const row of stmt(db, `select coalesce(outcome, 'pending') as outcome, count(*) as n from leaver_job_rows where job_id = ? group by outcome`).all(jobId) as { outcome: LeaverOutcome | "pending"; n: number }[]) {
    counts[row.outcome] = row.n;
  }
  return counts;
}

/** A job of the tenant with its outcome counts; undefined for another tenant's job. */
export function getLeaverJob(db: Db, tenantId: string, jobId: string): LeaverJobView | undefined {
  const job = readJob(db, jobId);
  if (!job || job.tenantId !== tenantId) return undefined;
  return { ...job, counts: countsOf(job) };
}

const countsOf = (job: LeaverJob): OutcomeCounts => ({ ...job.outcomeCounts, ...(job.totalRows > job.processedRows ? { pending: job.totalRows - job.processedRows } : {}) });

function insertJob(db: Db, job: Omit<LeaverJob, "processedRows" | "outcomeCounts" | "startedAt" | "finishedAt" | "undoneByJobId" | "updatedAt">): void {
  stmt(
    db,
    `insert into leaver_jobs (id, tenant_id, kind, status, preview_id, undo_of_job_id, file_sha256, actor_type, actor_id, actor_name, actor_user_id, request_id, total_rows, created_at, updated_at)
     values (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(job.id, job.tenantId, job.kind, job.previewId, job.undoOfJobId, job.fileSha256, job.actorType, job.actorId, job.actorName, job.actorUserId, job.requestId, job.totalRows, job.createdAt, job.createdAt);
}

export type ConfirmResult =
  | { status: "created"; job: LeaverJob }
  | { status: "not-found" }
  | { status: "not-owner" }
  | { status: "already-confirmed"; jobId: string };

/**
 * Turns a preview into a queued job holding a copy of every row, with its `job.created` audit
 * event, in one immediate transaction. A preview is confirmed at most once, by the admin who uploaded it.
 */
export function confirmLeaverPreview(db: Db, input: { tenantId: string; previewId: string; actor: LeaverActor; requestId: string | null }, now = Date.now()): ConfirmResult {
  return db.$client.transaction((): ConfirmResult => {
    const found = getLeaverPreview(db, input.tenantId, input.previewId);
    if (!found) return { status: "not-found" };
    if (found.jobId) return { status: "already-confirmed", jobId: found.jobId };
    const { preview } = found;
    if (preview.actorUserId !== input.actor.userId) return { status: "not-owner" };
    const id = randomUUID();
    insertJob(db, {
      id, tenantId: input.tenantId, kind: "deactivate", status: "queued", previewId: preview.id, undoOfJobId: null, fileSha256: preview.fileSha256,
      actorType: input.actor.type, actorId: input.actor.id, actorName: input.actor.name, actorUserId: input.actor.userId, requestId: input.requestId,
      totalRows: preview.totalRows, createdAt: now,
    });
    stmt(db, `insert into leaver_job_rows (job_id, row_number, email, reason, ticket, class, user_id) select ?, row_number, email, reason, ticket, class, user_id from leaver_preview_rows where preview_id = ?`).run(id, preview.id);
    insertAudit(db, {
      tenantId: input.tenantId, actor: input.actor, action: "job.created", targetType: "leaver_job", targetId: id, outcome: "queued", requestId: input.requestId,
      details: { kind: "deactivate", previewId: preview.id, fileName: preview.fileName, fileSha256: preview.fileSha256, totalRows: preview.totalRows, counts: preview.counts },
    }, now);
    return { status: "created", job: readJob(db, id)! };
  }).immediate();
}

export type UndoResult = { status: "created"; job: LeaverJob } | { status: "not-found" } | { status: "not-finished" } | { status: "not-undoable" } | { status: "already-undone"; jobId: string };

/** Queues a job that reactivates exactly the users the given finished deactivation job deactivated. */
export function createUndoJob(db: Db, input: { tenantId: string; jobId: string; actor: LeaverActor; requestId: string | null }, now = Date.now()): UndoResult {
  return db.$client.transaction((): UndoResult => {
    const job = readJob(db, input.jobId);
    if (!job || job.tenantId !== input.tenantId) return { status: "not-found" };
    if (job.kind !== "deactivate") return { status: "not-undoable" };
    if (job.undoneByJobId) return { status: "already-undone", jobId: job.undoneByJobId };
    if (job.status !== "completed" && job.status !== "cancelled") return { status: "not-finished" };
    const id = randomUUID();
    const total = (stmt(db, `select count(*) as n from leaver_job_rows where job_id = ? and outcome = 'deactivated'`).get(job.id) as { n: number }).n;
    insertJob(db, {
      id, tenantId: input.tenantId, kind: "reactivate", status: "queued", previewId: null, undoOfJobId: job.id, fileSha256: null,
      actorType: input.actor.type, actorId: input.actor.id, actorName: input.actor.name, actorUserId: input.actor.userId, requestId: input.requestId, totalRows: total, createdAt: now,
    });
    // Row numbers are kept, so each undo row points back at the row (and time) of its deactivation.
    stmt(db, `insert into leaver_job_rows (job_id, row_number, email, reason, ticket, class, user_id) select ?, row_number, email, reason, ticket, class, user_id from leaver_job_rows where job_id = ? and outcome = 'deactivated'`).run(id, job.id);
    stmt(db, `update leaver_jobs set undone_by_job_id = ?, updated_at = ? where id = ?`).run(id, now, job.id);
    insertAudit(db, {
      tenantId: input.tenantId, actor: input.actor, action: "job.created", targetType: "leaver_job", targetId: id, outcome: "queued", requestId: input.requestId,
      details: { kind: "reactivate", undoOf: job.id, totalRows: total },
    }, now);
    return { status: "created", job: readJob(db, id)! };
  }).immediate();
}

function addCounts(base: LeaverJob["outcomeCounts"], more: Partial<Record<LeaverOutcome, number>>): LeaverJob["outcomeCounts"] {
  const sum = { ...base };
  for (const [outcome, n] of Object.entries(more) as [LeaverOutcome, number][]) if (n) sum[outcome] = (sum[outcome] ?? 0) + n;
  return sum;
}

export type CancelResult = { status: "cancelled"; job: LeaverJob } | { status: "not-found" } | { status: "finished"; job: LeaverJob };

/**
 * Cancels a queued or running job: every row not yet processed becomes "skipped", in one
 * transaction; batches are transactions too, so the worker stops before its next batch.
 */
export function cancelLeaverJob(db: Db, input: { tenantId: string; jobId: string; actor: LeaverActor; requestId: string | null }, now = Date.now()): CancelResult {
  return db.$client.transaction((): CancelResult => {
    const job = readJob(db, input.jobId);
    if (!job || job.tenantId !== input.tenantId) return { status: "not-found" };
    if (job.status !== "queued" && job.status !== "running") return { status: "finished", job };
    const skipped = stmt(db, `update leaver_job_rows set outcome = 'skipped', outcome_reason = 'job cancelled', processed_at = ? where job_id = ? and outcome is null`).run(now, job.id).changes;
    const counts = addCounts(job.outcomeCounts, { skipped });
    stmt(db, `update leaver_jobs set status = 'cancelled', processed_rows = processed_rows + ?, outcome_counts = ?, finished_at = ?, updated_at = ? where id = ?`).run(skipped, JSON.stringify(counts), now, now, job.id);
    insertAudit(db, {
      tenantId: input.tenantId, actor: input.actor, action: "job.cancelled", targetType: "leaver_job", targetId: job.id, outcome: "cancelled", requestId: input.requestId,
      details: { kind: job.kind, skippedRows: skipped, counts },
    }, now);
    return { status: "cancelled", job: readJob(db, job.id)! };
  }).immediate();
}

export type JobRowView = { rowNumber: number; email: string; reason: string | null; ticket: string | null; class: LeaverClass; userId: string | null; outcome: LeaverOutcome | null; outcomeReason: string | null; processedAt: number | null };

/** A job's rows in file order, optionally of one outcome; keyset-paged by row number. */
export function listLeaverJobRows(db: Db, jobId: string, options: { outcome?: LeaverOutcome; afterRow?: number; offset?: number; limit: number }): JobRowView[] {
  const sql = `select row_number as rowNumber, email, reason, ticket, class, user_id as userId, outcome, outcome_reason as outcomeReason, processed_at as processedAt
    from leaver_job_rows where job_id = ? and row_number > ? ${options.outcome ? "and outcome = ?" : ""} order by row_number limit ? offset ?`;
  return stmt(db, sql).all(jobId, options.afterRow ?? 0, ...(options.outcome ? [options.outcome] : []), options.limit, options.offset ?? 0) as JobRowView[];
}

// ---- the worker's batch step --------------------------------------------------------------------

/**
 * Tunes the worker's own connection for a long run of small write transactions: SQLite copies
 * the WAL back into the database (a checkpoint, with an fsync) every 1,000 pages by default,
 * which made checkpoints most of a job's time. Every 10,000 pages (~40 MB of WAL) costs a third less.
 */
export function configureJobConnection(db: Db): void {
  db.$client.pragma("wal_autocheckpoint = 10000");
}

/** The oldest queued or running job of any tenant: the worker runs one job at a time, oldest first. */
export function nextRunnableLeaverJobId(db: Db): string | undefined {
  const row = stmt(db, `select id from leaver_jobs where status in ('queued', 'running') order by created_at, id limit 1`).get() as { id: string } | undefined;
  return row?.id;
}

type PendingRow = { rowNumber: number; email: string; reason: string | null; ticket: string | null; class: LeaverClass; userId: string | null };
type RowEffect = { outcome: LeaverOutcome; reason: string | null };

const SKIP_REASONS: Partial<Record<LeaverClass, RowEffect>> = {
  not_found: { outcome: "not_found", reason: "no user with this email in the tenant" },
  invalid_email: { outcome: "invalid", reason: "not a valid email address" },
  duplicate: { outcome: "skipped", reason: "duplicate of an earlier row" },
  self: { outcome: "skipped", reason: "you cannot deactivate yourself" },
};

/** One row of a deactivation job: the same effects as a single deactivation, inside the batch's transaction. */
function deactivateRow(db: Db, job: LeaverJob, row: PendingRow, now: number): RowEffect {
  if (!row.userId) return SKIP_REASONS[row.class] ?? { outcome: "not_found", reason: null };
  if (row.class === "self") return SKIP_REASONS.self!;
  const result = applyDeactivation(
    db.$client,
    {
      tenantId: job.tenantId,
      userId: row.userId,
      actor: jobActor(job),
      requestId: job.requestId,
      auditDetails: { jobId: job.id, ...(row.reason ? { reason: row.reason } : {}), ...(row.ticket ? { ticket: row.ticket } : {}) },
      // Already inactive rows are recorded on the job row, not as one audit event each.
      auditNoop: false,
    },
    now,
  );
  if (result.status === "not-found") return { outcome: "not_found", reason: "the user no longer exists" };
  if (result.status === "already-inactive") return { outcome: "already_inactive", reason: null };
  return { outcome: "deactivated", reason: null };
}

/** Reactivates a user only while it is still in the deactivation the undone job made. */
function reactivateRow(db: Db, job: LeaverJob, row: PendingRow, now: number): RowEffect {
  const user = stmt(db, `select id, active, email, deactivated_at as deactivatedAt from users where id = ? and tenant_id = ?`).get(row.userId, job.tenantId) as
    | { id: string; active: number; email: string; deactivatedAt: number | null }
    | undefined;
  if (!user) return { outcome: "not_found", reason: "the user no longer exists" };
  if (user.active) return { outcome: "already_active", reason: null };
  const original = stmt(db, `select processed_at as processedAt from leaver_job_rows where job_id = ? and row_number = ?`).get(job.undoOfJobId, row.rowNumber) as { processedAt: number | null } | undefined;
  if (original?.processedAt !== user.deactivatedAt) return { outcome: "skipped", reason: "deactivated again since the job ran" };
  const actor = jobActor(job);
  stmt(db, `update users set active = 1, state = 'active:available', deactivated_at = null, deactivated_by = null, updated_at = ?, updated_by = ? where id = ?`).run(
    now, JSON.stringify({ id: actor.userId, name: actor.name }), user.id,
  );
  insertAudit(db, {
    tenantId: job.tenantId, actor, action: "user.reactivate", targetType: "user", targetId: user.id, outcome: "reactivated", requestId: job.requestId,
    details: { email: user.email, jobId: job.id, undoOf: job.undoOfJobId },
  }, now);
  return { outcome: "reactivated", reason: null };
}

function finishJob(db: Db, job: LeaverJob, counts: LeaverJob["outcomeCounts"], now: number): void {
  stmt(db, `update leaver_jobs set status = 'completed', finished_at = ?, updated_at = ? where id = ?`).run(now, now, job.id);
  const base = { tenantId: job.tenantId, actor: jobActor(job), targetType: "leaver_job", requestId: job.requestId };
  insertAudit(db, { ...base, action: "job.completed", targetId: job.id, outcome: "completed", details: { kind: job.kind, totalRows: job.totalRows, counts } }, now);
  if (job.kind === "reactivate" && job.undoOfJobId) {
    insertAudit(db, { ...base, action: "job.undone", targetId: job.undoOfJobId, outcome: "undone", details: { undoJobId: job.id, reactivated: counts.reactivated ?? 0 } }, now);
  }
}

export type BatchResult = { done: boolean; processed: number };

const isBusy = (error: unknown) => error instanceof Error && "code" in error && String((error as { code: unknown }).code).startsWith("SQLITE_BUSY");

/**
 * Processes the next `batchSize` unprocessed rows of a job in ONE immediate transaction: the
 * users, their tokens and sessions, the audit events and each row's outcome commit together or
 * not at all, and rows are picked by "outcome is null", so a crash never repeats or loses a row.
 * When a row throws, the batch rolls back and is run again with each row in a savepoint, the
 * failing rows recorded as "error" with the reason.
 */
export function processLeaverJobBatch(db: Db, jobId: string, batchSize = 500, now = Date.now()): BatchResult {
  try {
    return db.$client.transaction(() => runBatch(db, jobId, batchSize, now, false)).immediate();
  } catch (error) {
    if (isBusy(error)) throw error;
    return db.$client.transaction(() => runBatch(db, jobId, batchSize, now, true)).immediate();
  }
}

function runBatch(db: Db, jobId: string, batchSize: number, now: number, isolateRows: boolean): BatchResult {
  const job = readJob(db, jobId);
  if (!job || (job.status !== "queued" && job.status !== "running")) return { done: true, processed: 0 };
  if (job.status === "queued") stmt(db, `update leaver_jobs set status = 'running', started_at = coalesce(started_at, ?), updated_at = ? where id = ?`).run(now, now, job.id);
  const rows = stmt(db, `select row_number as rowNumber, email, reason, ticket, class, user_id as userId from leaver_job_rows where job_id = ? and outcome is null order by row_number limit ?`).all(
    job.id, batchSize,
  ) as PendingRow[];
  const apply = job.kind === "deactivate" ? deactivateRow : reactivateRow;
  const record = stmt(db, `update leaver_job_rows set outcome = ?, outcome_reason = ?, processed_at = ? where job_id = ? and row_number = ? and outcome is null`);
  const batchCounts: Partial<Record<LeaverOutcome, number>> = {};
  for (const row of rows) {
    let effect: RowEffect;
    if (!isolateRows) effect = apply(db, job, row, now);
    else {
      try {
        effect = db.$client.transaction(() => apply(db, job, row, now))();
      } catch (error) {
        effect = { outcome: "error", reason: error instanceof Error ? error.message.slice(0, 200) : "unexpected error" };
      }
    }
    record.run(effect.outcome, effect.reason, now, job.id, row.rowNumber);
    batchCounts[effect.outcome] = (batchCounts[effect.outcome] ?? 0) + 1;
  }
  const counts = addCounts(job.outcomeCounts, batchCounts);
  stmt(db, `update leaver_jobs set processed_rows = processed_rows + ?, outcome_counts = ?, updated_at = ? where id = ?`).run(rows.length, JSON.stringify(counts), now, job.id);
  const done = rows.length < batchSize;
  if (done) finishJob(db, job, counts, now);
  return { done, processed: rows.length };
}

/** The tenant's most recent jobs, newest first. */
export function listLeaverJobs(db: Db, tenantId: string, limit = 50): LeaverJob[] {
  return (stmt(db, `select * from leaver_jobs where tenant_id = ? order by created_at desc, id limit ?`).all(tenantId, limit) as JobRecord[]).map(toJob);
}
