import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";

// How long leaver previews are kept. A preview holds a row per line of its file (up to 200,000):
// kept forever, uploads that were never confirmed would grow the database without bound, and a
// token with the bulk scope could grow it by a file per request. A confirmed preview is kept with
// its job (the job's page links to it); the rest go, a slice of rows per transaction, when an
// upload starts: the previews table holds a record per upload, so finding them is short.

// Rows deleted per transaction when a preview is discarded.
const DISCARD_ROWS_PER_TRANSACTION = 2_000;
// An incomplete preview this old lost its upload (the process stopped): no file takes this long.
export const ABANDONED_PREVIEW_MS = 60 * 60 * 1000;
// A preview not confirmed within a week is discarded: its classification is a week old anyway.
export const UNCONFIRMED_PREVIEW_MS = 7 * 24 * 60 * 60 * 1000;
// Unconfirmed previews an admin keeps (console and tokens together): the next upload discards the oldest.
export const MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN = 20;

const eventLoopTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const UNCONFIRMED = `complete = true and not exists (select 1 from leaver_jobs j where j.preview_id = leaver_previews.id)`;

/** Deletes a preview that is not complete (never completed, or withdrawn by withdrawPreview), its rows a slice per transaction. */
export async function discardLeaverPreview(db: Db, previewId: string): Promise<void> {
  const last = await prepared<{ n: number | null }>(db, `select max(row_number) as n from leaver_preview_rows where preview_id = ?`).get(previewId);
  for (let upTo = DISCARD_ROWS_PER_TRANSACTION; upTo - DISCARD_ROWS_PER_TRANSACTION < (last?.n ?? 0); upTo += DISCARD_ROWS_PER_TRANSACTION) {
    await prepared(
      db,
      `delete from leaver_preview_rows where preview_id = ? and row_number <= ? and exists (select 1 from leaver_previews where id = ? and complete = false)`,
    ).run(previewId, upTo, previewId);
    await eventLoopTurn();
  }
  await prepared(db, `delete from leaver_previews where id = ? and complete = false`).run(previewId);
}

/**
 * Marks an unconfirmed preview incomplete, so that it can no longer be found or confirmed and its
 * rows can be discarded; false when it was confirmed first. On PostgreSQL the preview's row lock
 * makes a confirmation under way finish first, and the check after it sees its job.
 */
async function withdrawPreview(db: Db, previewId: string): Promise<boolean> {
  return inTransaction(db, "immediate", async () => {
    if (db.dialect === "postgres") await prepared(db, `select id from leaver_previews where id = ? for update`).get(previewId);
    const withdrawn = await prepared(db, `update leaver_previews set complete = false where id = ? and ${UNCONFIRMED}`).run(previewId);
    return withdrawn.changes === 1;
  });
}

/**
 * Before an upload by `actorUserId`'s admin: discards the previews of every tenant that never
 * completed (abandoned) or were not confirmed in time, and this admin's unconfirmed previews
 * beyond the newest MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN - 1, so that the new one is within the limit.
 * Returns how many it discarded.
 */
export async function discardStalePreviews(db: Db, actorUserId: string, now: number): Promise<number> {
  const abandoned = await prepared<{ id: string }>(db, `select id from leaver_previews where complete = false and created_at < ?`).all(
    now - ABANDONED_PREVIEW_MS,
  );
  const expired = await prepared<{ id: string }>(db, `select id from leaver_previews where ${UNCONFIRMED} and created_at < ?`).all(
    now - UNCONFIRMED_PREVIEW_MS,
  );
  const surplus = await prepared<{ id: string }>(
    db,
    `select id from leaver_previews where actor_user_id = ? and ${UNCONFIRMED} order by created_at desc, id desc limit 1000 offset ?`,
  ).all(actorUserId, MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN - 1);
  for (const { id } of abandoned) await discardLeaverPreview(db, id);
  let discarded = abandoned.length;
  for (const id of new Set([...expired, ...surplus].map((row) => row.id))) {
    if (!(await withdrawPreview(db, id))) continue;
    await discardLeaverPreview(db, id);
    discarded += 1;
  }
  return discarded;
}
