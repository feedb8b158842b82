import fs from "node:fs";
import type Database from "better-sqlite3";

/**
 * The turn to write to one SQLite file among the connections this process holds to it.
 *
 * SQLite makes a writer wait for another connection's write transaction by sleeping in its busy
 * handler, and that sleep blocks the thread. When the other connection belongs to this process,
 * its transaction can only go on in this same thread, so the wait always lasts the whole busy
 * timeout and then fails with SQLITE_BUSY: a leaver preview's chunk behind the webhook
 * dispatcher's claim froze the server for 5 s and failed the upload (docs/decisions/0031). So the
 * process's connections to a file take turns here first, waiting without blocking the thread.
 * Other processes on the file (the CLI) still meet SQLite's busy timeout.
 */
export class ProcessWriteLock {
  private owner: object | null = null;
  private released: Promise<void> = Promise.resolve();
  private releaseWaiters: () => void = () => {};

  /** Whether a connection other than `connection` holds the turn. */
  heldByOther(connection: object): boolean {
    return this.owner !== null && this.owner !== connection;
  }

  /** Takes the turn: only when `heldByOther` has just said no, in the same tick. */
  take(connection: object): void {
    this.owner = connection;
    this.released = new Promise((resolve) => (this.releaseWaiters = resolve));
  }

  /** Gives the turn back, if `connection` holds it. */
  give(connection: object): void {
    if (this.owner !== connection) return;
    this.owner = null;
    this.releaseWaiters();
  }

  /**
   * Resolves when the connection holding the turn gives it back. Rejects as SQLite would
   * (SQLITE_BUSY) at `deadline` (a performance.now() time): the end of the waiting connection's
   * busy timeout, counted from its first wait however often another connection took the turn first.
   * A transaction that waits on another connection of its own process would otherwise wait forever.
   */
  async untilGiven(deadline: number): Promise<void> {
    const left = deadline - performance.now();
    if (left <= 0) throw busy();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), left)));
    try {
      if ((await Promise.race([this.released, expired])) === true) throw busy();
    } finally {
      clearTimeout(timer);
    }
  }
}

function busy(): Error {
  const error = new Error("database is locked: other connections of this process kept writing for this connection's whole busy timeout");
  return Object.assign(error, { code: "SQLITE_BUSY" });
}

// One per file in the process: the server's bundle and Next's each load this module (and open
// connections), so the map lives on globalThis.
const LOCKS = Symbol.for("roster.sqlite.processWriteLocks");
const globalLocks = globalThis as unknown as { [LOCKS]?: Map<string, ProcessWriteLock> };

/** The write turn of the file behind `client`; null for an in-memory or temporary database, which no other connection shares. */
export function processWriteLock(client: Database.Database): ProcessWriteLock | null {
  if (client.memory || client.name === "") return null;
  const locks = (globalLocks[LOCKS] ??= new Map());
  const file = fs.realpathSync(client.name);
  let lock = locks.get(file);
  if (!lock) locks.set(file, (lock = new ProcessWriteLock()));
  return lock;
}
