import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { sqliteClient, type Db } from "./client";

/**
 * Copies a SQLite database's WAL back into the database file on a thread of its own, on the
 * machine's other core, while a leaver job runs (lib/leavers/worker.ts; docs/decisions/0027).
 *
 * Left to SQLite alone, the connection whose commit takes the WAL past wal_autocheckpoint pages
 * copies every frame and syncs the file inside that commit, and a job's batch waited for it. Here a
 * worker thread runs PASSIVE checkpoints (which wait for no reader or writer) as frames arrive, so
 * the connections' own checkpoints find little left to copy. They stay on: only a checkpoint that
 * has caught up lets the next writer start the WAL over, and a job's writer, which never pauses,
 * gives a thread no such moment (the WAL grew past 1 GB in one job without them).
 */
export type WalCheckpointer = { stop(): Promise<void> };

// Plain CommonJS, evaluated by the worker: the server's bundle holds no file to point a Worker at.
// Again soon while a checkpoint leaves frames behind (a writer is adding them), else after `idleMs`.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let timer = null;
const checkpoint = () => {
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    return result.checkpointed < result.log;
  } catch (error) {
    parentPort.postMessage({ failed: String((error && error.message) || error) });
    return false;
  }
};
const loop = () => {
  timer = setTimeout(loop, checkpoint() ? workerData.busyMs : workerData.idleMs);
};
loop();
parentPort.on("message", () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Starts checkpointing the WAL of the SQLite file behind `db` on a worker thread; null for
 * PostgreSQL, an in-memory database, or when the thread cannot start (said through `warn`).
 */
export function startWalCheckpointer(db: Db, options: { busyMs?: number; idleMs?: number; warn?: (line: string) => void } = {}): WalCheckpointer | null {
  if (db.dialect !== "sqlite") return null;
  const file = sqliteClient(db).name;
  if (file === ":memory:" || file === "") return null;
  const warn = options.warn ?? console.warn;
  let worker: Worker;
  try {
    const driver = createRequire(path.join(process.cwd(), "package.json")).resolve("better-sqlite3");
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, busyMs: options.busyMs ?? 5, idleMs: options.idleMs ?? 50 } });
  } catch (error) {
    // The thread only saves time: without it the connections' own checkpoints do the work.
    warn(`WAL checkpointer not started: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  // The thread alone must not keep the process alive.
  worker.unref();
  let stopping = false;
  worker.on("message", (message: { failed?: string }) => warn(`WAL checkpoint failed: ${message.failed}`));
  worker.on("error", (error) => warn(`WAL checkpointer stopped: ${error.message}`));
  const exited = new Promise<void>((resolve) =>
    worker.on("exit", () => {
      if (!stopping) warn("WAL checkpointer thread ended: the connections' own checkpoints go on");
      resolve();
    }),
  );
  return {
    async stop() {
      stopping = true;
      // Awaited, the thread is the process's business again: with nothing else left to wait for
      // (the end of a shutdown), the process would otherwise exit before it did, mid-stop.
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
