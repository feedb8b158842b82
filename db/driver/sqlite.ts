import { AsyncLocalStorage } from "node:async_hooks";
import Database from "better-sqlite3";
import { setBounded } from "./bounded-map";
import { inTurn, scopeOf, type Scope } from "./scope";
import { processWriteLock, type ProcessWriteLock } from "./sqlite-write-lock";
import type { Db, Param, Statement, TransactionMode } from "./types";

// `writes`: begun immediate, with the write lock (and the process's write turn) taken at BEGIN.
type Holder = { depth: number; writes: boolean };

// Above this many distinct statements the oldest is dropped. Every statement text in db/ is one of
// a bounded set (IN lists are padded to a few sizes, see `inList`), so this only bounds mistakes.
const MAX_STATEMENTS = 500;

/**
 * better-sqlite3 behind the async `Db`. The connection is synchronous and holds one transaction:
 * while a transaction awaits, every statement from elsewhere would land in it. So a transaction
 * holds the connection (statements from its own async context, found through AsyncLocalStorage,
 * go straight through) and everything else waits until it commits. Outside transactions a
 * statement runs at once, synchronously, as before: the promise only wraps its result.
 * Writes also wait, without blocking the thread, while another connection of this process to the
 * same file writes (ProcessWriteLock): immediate transactions and writing statements outside one.
 * A deferred transaction only reads: one that writes is refused at its first writing statement,
 * since it holds no write turn and its lock upgrade would block the thread in SQLite's busy
 * handler (docs/decisions/0031).
 */
export class SqliteDb implements Db {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, SqliteStatement<unknown>>();
  private readonly context = new AsyncLocalStorage<Scope<Holder>>();
  private holder: Holder | null = null;
  private released: Promise<void> = Promise.resolve();
  private readonly writeLock: ProcessWriteLock | null;

  constructor(readonly client: Database.Database) {
    this.writeLock = processWriteLock(client);
  }

  statement<Row = unknown>(sql: string): Statement<Row> {
    let statement = this.statements.get(sql);
    if (!statement) statement = setBounded(this.statements, sql, new SqliteStatement(this, this.client.prepare(sql)), MAX_STATEMENTS);
    return statement as Statement<Row>;
  }

  /**
   * Runs `step` on the connection now if it is free (or ours), else after the holding transaction
   * ends; a step that `writes` outside a transaction also waits for the file's write turn.
   */
  use<T>(step: () => T, writes = false): Promise<T> {
    const ours = this.holder !== null && this.context.getStore()?.transaction === this.holder;
    if (ours && writes && !this.holder!.writes) return Promise.reject(deferredWrite());
    if (ours || (this.holder === null && !(writes && this.writeLock?.heldByOther(this)))) {
      try {
        return Promise.resolve(step());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.afterTransactions(step, writes);
  }

  private async afterTransactions<T>(step: () => T, writes: boolean): Promise<T> {
    // Checked again after every wait, in the same tick as `step`: another waiter (a transaction)
    // may have taken the connection, or another connection the write turn, meanwhile.
    let deadline: number | undefined;
    for (;;) {
      if (this.holder !== null) await this.released;
      else if (writes && this.writeLock?.heldByOther(this)) await this.writeLock.untilGiven((deadline ??= this.busyDeadline()));
      else return step();
    }
  }

  /** When a wait for the write turn that starts now fails: after the busy timeout SQLite would allow this connection (db/client.ts sets it). */
  private busyDeadline(): number {
    return performance.now() + Number(this.client.pragma("busy_timeout", { simple: true }));
  }

  inTransaction(): boolean {
    return this.holder !== null && this.context.getStore()?.transaction === this.holder;
  }

  async transaction<T>(work: () => Promise<T>, mode: TransactionMode = "deferred"): Promise<T> {
    const scope = this.context.getStore();
    if (scope && scope.transaction === this.holder) return inTurn(scope, () => this.savepoint(scope.transaction, work));
    // No await between these checks and taking the connection and the write turn below (see afterTransactions).
    const writeLock = mode === "immediate" ? this.writeLock : null;
    let deadline: number | undefined;
    for (;;) {
      if (this.holder !== null) await this.released;
      else if (writeLock?.heldByOther(this)) await writeLock.untilGiven((deadline ??= this.busyDeadline()));
      else break;
    }
    const holder: Holder = { depth: 0, writes: mode === "immediate" };
    let release!: () => void;
    this.released = new Promise((resolve) => (release = resolve));
    this.holder = holder;
    writeLock?.take(this);
    try {
      this.client.exec(mode === "immediate" ? "begin immediate" : "begin");
      const result = await this.context.run(scopeOf(holder), work);
      this.client.exec("commit");
      return result;
    } catch (error) {
      if (this.client.inTransaction) this.client.exec("rollback");
      throw error;
    } finally {
      writeLock?.give(this);
      this.holder = null;
      release();
    }
  }

  private async savepoint<T>(holder: Holder, work: () => Promise<T>): Promise<T> {
    const name = `roster_${(holder.depth += 1)}`;
    this.client.exec(`savepoint ${name}`);
    try {
      const result = await this.context.run(scopeOf(holder), work);
      this.client.exec(`release ${name}`);
      return result;
    } catch (error) {
      this.client.exec(`rollback to ${name}`);
      this.client.exec(`release ${name}`);
      throw error;
    } finally {
      holder.depth -= 1;
    }
  }

  exec(sql: string): Promise<void> {
    // Any statement at all (a pragma, a schema change): counted as a write.
    return this.use(() => void this.client.exec(sql), true);
  }

  async close(): Promise<void> {
    while (this.holder !== null) await this.released;
    if (this.client.open) this.client.close();
  }
}

function deferredWrite(): Error {
  return new Error('a deferred transaction cannot write on SQLite: begin it "immediate" (docs/decisions/0031)');
}

class SqliteStatement<Row> implements Statement<Row> {
  // SQLite's own verdict on the statement (an `insert … returning` read through all() writes).
  private readonly writes: boolean;

  constructor(
    private readonly db: SqliteDb,
    private readonly statement: Database.Statement<Param[], Row>,
  ) {
    this.writes = !statement.readonly;
  }

  get(...params: Param[]): Promise<Row | undefined> {
    return this.db.use(() => this.statement.get(...params), this.writes);
  }

  all(...params: Param[]): Promise<Row[]> {
    return this.db.use(() => this.statement.all(...params), this.writes);
  }

  run(...params: Param[]): Promise<{ changes: number }> {
    return this.db.use(() => ({ changes: this.statement.run(...params).changes }), this.writes);
  }
}
