// The files a SQLite database leaves beside its own: the WAL and its shared-memory index, and the
// setup lock (db/client.ts withSetupLock). Whoever copies or removes a database file uses these.

export const SETUP_LOCK_SUFFIX = ".setup-lock";

/** What a copy of a database needs besides the file itself. */
export const SQLITE_JOURNAL_SUFFIXES = ["-wal", "-shm"] as const;

/** The file (empty suffix) and everything beside it that removing the database removes. */
export const SQLITE_FILE_SUFFIXES = ["", ...SQLITE_JOURNAL_SUFFIXES, SETUP_LOCK_SUFFIX] as const;
