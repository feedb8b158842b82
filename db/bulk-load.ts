import type Database from "better-sqlite3";

// Helpers for loads of many rows in one transaction (the seed; docs/decisions/0002).

/**
 * In WAL mode every page of a big load is written twice (to the WAL, then checkpointed into the
 * file). When no other process has the database open, a rollback journal writes it once; when
 * one does (a running server), switching fails and the load simply stays in WAL mode.
 */
export function switchToRollbackJournal(sqlite: Database.Database): () => void {
  try {
    sqlite.pragma("journal_mode = DELETE");
  } catch {
    return () => {};
  }
  return () => {
    sqlite.pragma("journal_mode = WAL");
  };
}

/**
 * Drops the triggers, and the declared indexes when asked, of the tables (inside the caller's
 * transaction) and returns how to recreate them from their own definitions. What the triggers of
 * `users` maintain (the search index, the tenant's user count) must then be caught up:
 * indexNewUsers, which does in one statement what they do row by row at several times the cost.
 */
export function suspendTriggers(sqlite: Database.Database, tables: string[], options: { indexes: boolean }): () => void {
  const types = options.indexes ? ["trigger", "index"] : ["trigger"];
  const objects = sqlite
    .prepare(
      `select type, name, sql from sqlite_master where type in (${types.map(() => "?").join(",")}) and sql is not null and tbl_name in (${tables.map(() => "?").join(",")})`,
    )
    .all(...types, ...tables) as { type: string; name: string; sql: string }[];
  for (const object of objects) sqlite.exec(`drop ${object.type} "${object.name}"`);
  return () => {
    for (const object of objects) sqlite.exec(object.sql);
  };
}

/**
 * Does for the users written after `afterRowid` (all of one tenant) what the triggers of `users`
 * would have done row by row: adds them to the search index and to the tenant's user count.
 */
export function indexNewUsers(sqlite: Database.Database, tenantId: string, afterRowid: number): void {
  // Merging index segments while a million rows stream in costs a quarter of the fill (1.8 of
  // 6.7 s); queries run as fast on the unmerged segments, and later writes merge them as usual.
  sqlite.exec("insert into users_search (users_search, rank) values ('automerge', 0)");
  sqlite
    .prepare(
      "insert into users_search (rowid, tenant_tag, email_normalized, name_folded, unique_code_folded, created_at, unique_code) " +
        "select u.rowid, t.search_tag, u.email_normalized, u.name_folded, u.unique_code_folded, u.created_at, u.unique_code " +
        "from users u join tenants t on t.id = u.tenant_id where u.rowid > ?",
    )
    .run(afterRowid);
  sqlite.prepare("insert into users_updated_at (user_rowid, updated_at) select rowid, updated_at from users where rowid > ?").run(afterRowid);
  sqlite.exec("insert into users_search (users_search, rank) values ('automerge', 4)"); // FTS5's default
  sqlite.prepare("update tenants set user_count = user_count + (select count(*) from users where rowid > ?) where id = ?").run(afterRowid, tenantId);
}
