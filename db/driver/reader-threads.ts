import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Param } from "./types";

/** better-sqlite3's entry as the running app resolves it: threads load it by path (the server's bundle holds no file to point at). */
export function betterSqlite3Path(): string {
  return createRequire(path.join(process.cwd(), "package.json")).resolve("better-sqlite3");
}

// Plain CommonJS, evaluated by each thread: a read-only connection of its own and its prepared
// statements, one read at a time, rows back as arrays of values (cheaper to copy between threads
// than objects) with the column names once.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("cache_size = -" + workerData.cacheKb);
const statements = new Map();
parentPort.on("message", ({ id, sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= workerData.maxStatements) statements.clear();
      statement = db.prepare(sql).raw(true);
      statements.set(sql, statement);
    }
    const rows = statement.all(...params);
    parentPort.postMessage({ id, columns: statement.columns().map((column) => column.name), rows });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error), code: error && error.code });
  }
});
`;

// A thread holds a statement cache and one read's rows at a time. V8's default young generation grew
// each thread to ~25-30 MB of RSS under a stream of 1,000-key lookups; capped, ~10 MB. A thread
// that runs out of heap fails, and its reads run in place (ReaderThreadFailure).
const HEAP_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 };

type Pending = { resolve: (rows: unknown[]) => void; reject: (error: Error) => void };
type Reply = { id: number; columns?: string[]; rows?: unknown[][]; error?: string; code?: string };
type Thread = { worker: Worker; pending: Map<number, Pending>; answered: boolean };

/** A read the thread could not run because the thread itself failed (not the SQL): the caller may run it in place. */
export class ReaderThreadFailure extends Error {
  readonly readerThreadFailure = true;
}

export type ReaderThreadOptions = { threads: number; cacheKb: number; idleMs?: number; warn?: (line: string) => void };

// Threads with no read for this long end (~10 MB of RSS each); the next heavy read starts one again (~30 ms).
const IDLE_MS = 60_000;

/**
 * Threads with read-only connections to one SQLite file, for reads heavy enough to hold the event
 * loop (a 1,000-address lookup: a few ms of index probes). The serving thread goes on with other
 * requests meanwhile, and the machine's other core takes a share: on SQLite's one connection,
 * four such lookups at once waited for each other (docs/decisions/0028). A read here sees what was
 * committed when it starts, never a transaction in progress. The threads start on the first read,
 * end after a minute without one, and do not keep the process alive. A thread that fails is
 * dropped and its reads rejected; a pool whose threads cannot start says so once and answers
 * `null` (the caller reads in place).
 */
export class ReaderThreads {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private broken = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly options: ReaderThreadOptions,
  ) {}

  /** The rows as objects, or null when no thread can take the read (the caller then runs it itself). */
  all<Row>(sql: string, params: Param[]): Promise<Row[]> | null {
    const thread = this.closed || this.broken ? null : this.leastBusy();
    if (!thread) return null;
    const id = this.nextId++;
    this.idleTimer?.refresh();
    return new Promise<Row[]>((resolve, reject) => {
      thread.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      thread.worker.postMessage({ id, sql, params });
    });
  }

  /** How many threads run now (tests). */
  get size(): number {
    return this.threads.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.endThreads();
  }

  private async endThreads(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await Promise.all(this.threads.splice(0).map((thread) => thread.worker.terminate()));
  }

  /** Ends the threads once none has had a read for idleMs (a read meanwhile refreshes the timer). */
  private endWhenIdle(): void {
    if (this.idleTimer) return;
    const idleMs = this.options.idleMs ?? IDLE_MS;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.threads.some((thread) => thread.pending.size > 0)) return this.endWhenIdle();
      void this.endThreads();
    }, idleMs).unref();
  }

  private leastBusy(): Thread | null {
    let best: Thread | null = null;
    for (const thread of this.threads) if (!best || thread.pending.size < best.pending.size) best = thread;
    if (best && (best.pending.size === 0 || this.threads.length >= this.options.threads)) return best;
    return this.start() ?? best;
  }

  private start(): Thread | null {
    let worker: Worker;
    try {
      const workerData = { file: this.file, driver: betterSqlite3Path(), cacheKb: this.options.cacheKb, maxStatements: 100 };
      worker = new Worker(THREAD_SOURCE, { eval: true, workerData, resourceLimits: HEAP_LIMITS });
    } catch (error) {
      this.broken = true;
      this.warn(`SQLite reader threads not started, reading on the main thread: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    worker.unref();
    this.endWhenIdle();
    const thread: Thread = { worker, pending: new Map(), answered: false };
    worker.on("message", (reply: Reply) => {
      thread.answered = true;
      const waiting = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      if (!waiting) return;
      if (reply.error !== undefined) return waiting.reject(Object.assign(new Error(reply.error), { code: reply.code }));
      waiting.resolve(objectsOf(reply.columns ?? [], reply.rows ?? []));
    });
    const fail = (reason: string) => {
      const index = this.threads.indexOf(thread);
      // Ended on purpose (idle, closed): no longer listed, nothing pending.
      if (index === -1 && thread.pending.size === 0) return;
      // One that never answered will not start again (a missing driver, an unreadable file): stop trying.
      if (!thread.answered) this.broken = true;
      if (index !== -1) this.threads.splice(index, 1);
      for (const waiting of thread.pending.values()) waiting.reject(new ReaderThreadFailure(`SQLite reader thread ${reason}`));
      thread.pending.clear();
    };
    worker.on("error", (error) => {
      this.warn(`SQLite reader thread failed: ${error.message}`);
      fail(`failed: ${error.message}`);
    });
    worker.on("exit", () => fail("ended"));
    this.threads.push(thread);
    return thread;
  }

  private warn(line: string): void {
    (this.options.warn ?? console.warn)(line);
  }
}

function objectsOf(columns: string[], rows: unknown[][]): Record<string, unknown>[] {
  return rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i] as string] = values[i];
    return row;
  });
}
