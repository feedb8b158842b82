import type { Db } from "../client";
import { inTransaction, notAscii, prepared } from "../prepared";
import type { TextKey } from "../schema";

export type UserToRefold = { id: string; name: string; uniqueCode: string };

/** Up to `limit` of the users a migration queued because their keys need foldText (users_to_refold). */
export function usersToRefold(db: Db, limit: number): Promise<UserToRefold[]> {
  return prepared<UserToRefold>(db, 'select u.id, u.name, u.unique_code as "uniqueCode" from users_to_refold q join users u on u.id = q.user_id limit ?').all(
    limit,
  );
}

const queueNonAscii = (dialect: Db["dialect"]) =>
  `insert into users_to_refold (user_id) select id from users where ${notAscii(dialect, "name")} or ${notAscii(dialect, "unique_code")}
   on conflict (user_id) do nothing`;

/** Queues every user whose name or code is not pure ASCII for foldText (keys folded by another rule); returns how many were queued. */
export async function queueUsersWithNonAsciiText(db: Db): Promise<number> {
  return (await prepared(db, queueNonAscii(db.dialect)).run()).changes;
}

/** Stores recomputed keys and takes the users off the queue, in one transaction. */
export async function writeRefoldedKeys(db: Db, rows: readonly { id: string; nameFolded: TextKey; uniqueCodeFolded: TextKey }[]): Promise<void> {
  const update = prepared(db, "update users set name_folded = ?, unique_code_folded = ? where id = ?");
  const dequeue = prepared(db, "delete from users_to_refold where user_id = ?");
  await inTransaction(db, "immediate", async () => {
    for (const row of rows) {
      await update.run(row.nameFolded, row.uniqueCodeFolded, row.id);
      await dequeue.run(row.id);
    }
  });
}
