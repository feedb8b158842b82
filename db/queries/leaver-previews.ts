import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { LeaverClass, LeaverPreview } from "../schema";
import { discardLeaverPreview, discardStalePreviews } from "./leaver-preview-retention";
import type { StatusActor } from "./user-status";

// Leaver previews: an uploaded file's classified rows, stored before anything changes. Raw
// prepared SQL: a preview holds up to 100,000 rows, written a chunk per transaction.

export type LeaverActor = StatusActor;
/** A row of a leaver file as classified: what previews and jobs keep of it. */
export type ClassifiedFileRow = {
  rowNumber: number;
  email: string;
  reason: string | null;
  ticket: string | null;
  class: LeaverClass;
  userId: string | null;
  /** The row's effective_at as an instant; null or absent: now. */
  effectiveAt?: number | null;
};
export type NewPreviewRow = ClassifiedFileRow & {
  duplicateOf: number | null;
  effectiveAtText?: string | null;
  /** The row's user's rowid on SQLite, as the lookup read it (absent on PostgreSQL, and without a user). */
  storageOrder?: number | null;
};
export type PreviewRowView = NewPreviewRow;

/**
 * The order a person reviews a preview in when no class is picked: the rows that need a look
 * first, those that will simply be deactivated last; by row number within a class.
 */
export const PREVIEW_REVIEW_ORDER: readonly LeaverClass[] = [
  "invalid_email",
  "invalid_effective_at",
  "not_found",
  "self",
  "duplicate",
  "already_inactive",
  "scheduled",
  "will_deactivate",
];

// Rows per multi-row insert: 11 columns each, under every SQLite build's limit of 999 parameters.
// A 100,000-row file is then ~1,100 statements, not 100,000 round trips to PostgreSQL.
const ROWS_PER_INSERT = 90;
const ROW_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const insertRowsSql = (rows: number) =>
  `insert into leaver_preview_rows (preview_id, row_number, email, reason, ticket, class, user_id, duplicate_of, effective_at, effective_at_text, process_order) values ${Array(rows).fill(ROW_VALUES).join(", ")}`;
const INSERT_ROWS = insertRowsSql(ROWS_PER_INSERT);
const INSERT_ROW = insertRowsSql(1);

/**
 * The order in which a job confirmed from the preview takes the row (leaver_job_rows.process_order,
 * copied at confirmation). On SQLite the user's rowid, the order of the users table and of the
 * tables keyed by it (users_updated_at, users_search); rows without a user come first.
 * PostgreSQL keeps no such order: the row number (docs/decisions/0027).
 */
const processOrder = (dialect: Db["dialect"], row: NewPreviewRow) => (dialect === "sqlite" ? (row.storageOrder ?? 0) : row.rowNumber);

async function insertPreviewRows(db: Db, previewId: string, rows: readonly NewPreviewRow[]): Promise<void> {
  const valuesOf = (row: NewPreviewRow) => [
    previewId,
    row.rowNumber,
    row.email,
    row.reason,
    row.ticket,
    row.class,
    row.userId,
    row.duplicateOf,
    row.effectiveAt ?? null,
    // Kept only where it explains the class: a refused value.
    row.class === "invalid_effective_at" ? (row.effectiveAtText ?? null) : null,
    processOrder(db.dialect, row),
  ];
  let start = 0;
  for (; start + ROWS_PER_INSERT <= rows.length; start += ROWS_PER_INSERT)
    await prepared(db, INSERT_ROWS).run(...rows.slice(start, start + ROWS_PER_INSERT).flatMap(valuesOf));
  // The remainder row by row: one statement text per remainder length would crowd the statement cache.
  for (const row of rows.slice(start)) await prepared(db, INSERT_ROW).run(...valuesOf(row));
}

const eventLoopTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Stores an upload and its classified rows a chunk at a time: the preview's record first, not yet
 * complete (found by no one, confirmed by no one), then each chunk `fill` hands to its writer in a
 * short immediate transaction of its own, then the totals, which complete it. Between chunks the
 * event loop gets a turn: on SQLite, one transaction for a 100,000-row file held the connection
 * every request uses, and with it the process's only thread, for seconds. If `fill` throws (a bad
 * file), the chunks already stored are discarded. Previews left incomplete by a stopped process
 * are discarded by a later upload, as are previews not confirmed in time (./leaver-preview-retention.ts).
 */
export async function createLeaverPreview(
  db: Db,
  input: { tenantId: string; actor: LeaverActor; fileName: string | null; sha256: string },
  fill: (writeRows: (rows: readonly NewPreviewRow[]) => Promise<void>) => Promise<{ totalRows: number; counts: Record<LeaverClass, number> }>,
  now = Date.now(),
): Promise<LeaverPreview> {
  await discardStalePreviews(db, input.actor.userId, now);
  const id = randomUUID();
  await prepared(
    db,
    `insert into leaver_previews (id, tenant_id, actor_type, actor_id, actor_name, actor_user_id, file_name, file_sha256, total_rows, counts, complete, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 0, '{}', false, ?, ?)`,
  ).run(id, input.tenantId, input.actor.type, input.actor.id, input.actor.name, input.actor.userId, input.fileName, input.sha256, now, now);
  try {
    const totals = await fill(async (rows) => {
      await inTransaction(db, "immediate", () => insertPreviewRows(db, id, rows));
      await eventLoopTurn();
    });
    const completed = await prepared(db, `update leaver_previews set total_rows = ?, counts = ?, complete = true where id = ? and complete = false`).run(
      totals.totalRows,
      JSON.stringify(totals.counts),
      id,
    );
    if (completed.changes !== 1) throw new Error(`leaver preview ${id} was discarded while its rows were stored`);
  } catch (error) {
    // The upload's own error is the one to answer with; a preview not discarded now is by a later upload.
    await discardLeaverPreview(db, id).catch(() => undefined);
    throw error;
  }
  return (await getLeaverPreview(db, input.tenantId, id))!.preview;
}

type PreviewRecord = {
  id: string;
  tenant_id: string;
  actor_type: "admin" | "token";
  actor_id: string;
  actor_name: string;
  actor_user_id: string;
  file_name: string | null;
  file_sha256: string;
  total_rows: number;
  counts: string;
  created_at: number;
  updated_at: number;
  job_id: string | null;
};

/** A complete preview of the tenant with the id of the job confirmed from it, if any. */
export async function getLeaverPreview(db: Db, tenantId: string, previewId: string): Promise<{ preview: LeaverPreview; jobId: string | null } | undefined> {
  const row = await prepared<PreviewRecord>(
    db,
    `select p.*, j.id as job_id from leaver_previews p left join leaver_jobs j on j.preview_id = p.id where p.id = ? and p.tenant_id = ? and p.complete = true`,
  ).get(previewId, tenantId);
  if (!row) return undefined;
  return {
    jobId: row.job_id,
    preview: {
      id: row.id,
      tenantId: row.tenant_id,
      actorType: row.actor_type,
      actorId: row.actor_id,
      actorName: row.actor_name,
      actorUserId: row.actor_user_id,
      fileName: row.file_name,
      fileSha256: row.file_sha256,
      totalRows: row.total_rows,
      counts: JSON.parse(row.counts) as Record<LeaverClass, number>,
      // Only complete previews are read.
      complete: true,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
  };
}

const ROW_COLUMNS = `row_number as "rowNumber", email, reason, ticket, class, user_id as "userId", duplicate_of as "duplicateOf",
  effective_at as "effectiveAt", effective_at_text as "effectiveAtText"`;

/** Rows of a preview in file order, optionally of one class; keyset-paged by row number (the CSV download). */
export function listLeaverPreviewRows(
  db: Db,
  previewId: string,
  options: { class?: LeaverClass; afterRow?: number; limit: number },
): Promise<PreviewRowView[]> {
  const sql = `select ${ROW_COLUMNS} from leaver_preview_rows where preview_id = ? and row_number > ? ${options.class ? "and class = ?" : ""} order by row_number limit ?`;
  return prepared<PreviewRowView>(db, sql).all(previewId, options.afterRow ?? 0, ...(options.class ? [options.class] : []), options.limit);
}

/**
 * One class's rows by row number, from an offset: a walk of the (preview_id, class, row_number)
 * index, never a sort, however deep the page (a preview has at most 100,000 rows). SQLite is held
 * to the index with `indexed by`; PostgreSQL has no such hint, and its planner reads a rare class
 * through the same index (as a bitmap, then sorting that class's rows) and a common one along the
 * primary key: one preview's rows either way. Exported for the query-plan tests.
 */
const CLASS_PAGE_WHERE = `where preview_id = ? and class = ? order by row_number limit ? offset ?`;
export const CLASS_PAGE_SQL: Record<Db["dialect"], string> = {
  sqlite: `select ${ROW_COLUMNS} from leaver_preview_rows indexed by leaver_preview_rows_class_idx ${CLASS_PAGE_WHERE}`,
  postgres: `select ${ROW_COLUMNS} from leaver_preview_rows ${CLASS_PAGE_WHERE}`,
};

/**
 * One page of a preview's rows as the preview screen shows them: of the picked class by row
 * number, or, with no class picked, every row in PREVIEW_REVIEW_ORDER. The page is cut out of
 * the classes in turn, each an index walk, using the preview's per-class counts (stored as the
 * preview completes, after its last row) to skip whole classes.
 */
export async function listLeaverPreviewPage(
  db: Db,
  preview: Pick<LeaverPreview, "id" | "counts">,
  options: { class?: LeaverClass; offset: number; limit: number },
): Promise<PreviewRowView[]> {
  const page = prepared<PreviewRowView>(db, CLASS_PAGE_SQL[db.dialect]);
  if (options.class) return page.all(preview.id, options.class, options.limit, options.offset);
  const rows: PreviewRowView[] = [];
  let skip = options.offset;
  for (const cls of PREVIEW_REVIEW_ORDER) {
    const inClass = preview.counts[cls] ?? 0;
    if (skip >= inClass) {
      skip -= inClass;
      continue;
    }
    rows.push(...(await page.all(preview.id, cls, options.limit - rows.length, skip)));
    skip = 0;
    if (rows.length >= options.limit) break;
  }
  return rows;
}

/** The latest deactivation job of the same file (by SHA-256) in the tenant since `since`. */
export function findRecentRunOfFile(db: Db, tenantId: string, sha256: string, since: number): Promise<{ jobId: string; createdAt: number } | undefined> {
  return prepared<{ jobId: string; createdAt: number }>(
    db,
    `select id as "jobId", created_at as "createdAt" from leaver_jobs where tenant_id = ? and file_sha256 = ? and kind = 'deactivate' and created_at >= ? order by created_at desc limit 1`,
  ).get(tenantId, sha256, since);
}
