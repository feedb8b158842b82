import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { log, seconds, type BenchRun } from "./run";
import { SQLITE_FILE_SUFFIXES, SQLITE_JOURNAL_SUFFIXES } from "@/db/sqlite-files";
import { dropPostgresDatabase } from "@/test/postgres-admin";

// The database a benchmark runs on: a SQLite file in its scratch folder (the default), or with
// `--postgres [URL]` a throwaway PostgreSQL database, created on the server the flag names
// (default: the machine's, as scripts/ensure-postgres.mjs finds or starts it) and dropped at the end.

export type Dialect = "sqlite" | "postgres";

export type BenchDatabase = {
  dialect: Dialect;
  /** "SQLite" or "PostgreSQL": what every figure is labelled with. */
  label: string;
  /** Its DATABASE_URL: `file:<path>` or `postgres://…`. */
  url: string;
  /** Where it is, for progress lines (no password). */
  where: string;
  /** Its size on disk, in bytes. */
  size(): Promise<number>;
  /** A copy of it as it is now (a file copy, or `create database … template`), dropped with `drop`. */
  copy(suffix: string): Promise<BenchDatabase>;
  /** Removes it (a reused database, `--db`, is left alone). Safe to call twice. */
  drop(): Promise<void>;
};

export const labelOf = (dialect: Dialect) => (dialect === "postgres" ? "PostgreSQL" : "SQLite");

/**
 * `--postgres` may come without a URL (the machine's server). parseArgs has no optional values, so
 * give the bare flag an empty one: `--postgres` → `--postgres=`. Pass process.argv.slice(2) through this.
 */
export function withOptionalValues(args: string[], flags: string[] = ["--postgres"]): string[] {
  return args.flatMap((arg, i) => (flags.includes(arg) && (args[i + 1] ?? "--").startsWith("--") ? [`${arg}=`] : [arg]));
}

/** The `--postgres` option for parseArgs: undefined without the flag, "" for the machine's server, else a URL. */
export const postgresOption = { postgres: { type: "string" } } as const;

/** The URL of a PostgreSQL server (role allowed to create databases): the given one, or the machine's. */
export function postgresServer(given: string): string {
  const server = given || execFileSync("node", ["scripts/ensure-postgres.mjs"], { encoding: "utf8" }).trim();
  if (!server) throw new Error("no PostgreSQL server on this machine: pass --postgres postgres://user:password@host:5432/postgres");
  return server;
}

/** One statement on its own connection: to a server, or (as a connection string) to one of its databases. */
async function onServer<T extends pg.QueryResultRow>(server: string, sql: string): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await client.query<T>(sql);
  } finally {
    await client.end();
  }
}

const withoutPassword = (url: URL) => {
  const shown = new URL(url);
  if (shown.password) shown.password = "***";
  return shown.toString();
};

/** A SQLite file at `file` (its folder is the caller's); `keep` leaves it in place on drop. */
export function sqliteDatabase(file: string, keep = false): BenchDatabase {
  let dropped = false;
  return {
    dialect: "sqlite",
    label: "SQLite",
    url: `file:${file}`,
    where: file,
    size: () => Promise.resolve(fs.statSync(file).size),
    async copy(suffix) {
      const target = path.join(path.dirname(file), `${path.basename(file, ".db")}-${suffix}.db`);
      fs.copyFileSync(file, target);
      for (const extra of SQLITE_JOURNAL_SUFFIXES) if (fs.existsSync(file + extra)) fs.copyFileSync(file + extra, target + extra);
      return sqliteDatabase(target);
    },
    drop() {
      if (!keep && !dropped) for (const extra of SQLITE_FILE_SUFFIXES) fs.rmSync(file + extra, { force: true });
      dropped = true;
      return Promise.resolve();
    },
  };
}

/** A PostgreSQL database `name` on `server`; created empty (or from `template`) unless `existing`. */
export async function postgresDatabase(server: string, name: string, options: { template?: string; existing?: boolean } = {}): Promise<BenchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  if (!options.existing) await onServer(server, `create database ${name}${options.template ? ` template ${options.template}` : ""}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    dialect: "postgres",
    label: "PostgreSQL",
    url: url.toString(),
    where: withoutPassword(url),
    size: async () => Number((await onServer<{ bytes: string }>(server, `select pg_database_size('${name}') as bytes`)).rows[0]!.bytes),
    // Copying through a template needs no one else connected to it: call it between the CLI's runs and the server's.
    copy: (suffix) => postgresDatabase(server, `${name}_${suffix}`, { template: name }),
    async drop() {
      if (options.existing || dropped) return;
      dropped = true;
      await dropPostgresDatabase(server, name);
    },
  };
}

/** A reused database (`--db FILE` or `--db postgres://…`): opened as it is, never dropped. */
export function existingDatabase(fileOrUrl: string): BenchDatabase {
  if (!/^postgres(ql)?:\/\//.test(fileOrUrl)) return sqliteDatabase(path.resolve(fileOrUrl), true);
  const url = new URL(fileOrUrl);
  return {
    dialect: "postgres",
    label: "PostgreSQL",
    url: fileOrUrl,
    where: withoutPassword(url),
    size: async () => Number((await onServer<{ bytes: string }>(fileOrUrl, "select pg_database_size(current_database()) as bytes")).rows[0]!.bytes),
    copy: () => Promise.reject(new Error("a reused PostgreSQL database is not copied")),
    drop: () => Promise.resolve(),
  };
}

/**
 * The run's database: with `postgres` undefined a SQLite file in `dir`, else a new database named
 * roster_bench_<bench>_<random> on that server ("" = the machine's).
 */
export async function benchDatabase(bench: string, dir: string, postgres: string | undefined): Promise<BenchDatabase> {
  if (postgres === undefined) return sqliteDatabase(path.join(dir, "roster.db"));
  return postgresDatabase(postgresServer(postgres), `roster_bench_${bench.replace(/[^a-z0-9]/g, "_")}_${randomBytes(4).toString("hex")}`);
}

/** benchDatabase for a BenchRun: in its scratch folder, and dropped in its clean-up (after its servers stop), even on Ctrl-C. */
export async function runDatabase(run: BenchRun, bench: string, postgres: string | undefined): Promise<BenchDatabase> {
  const database = await benchDatabase(bench, run.dir, postgres);
  run.onCleanup(() => database.drop(), { afterProcesses: true });
  return database;
}

/**
 * PostgreSQL: brings freshly loaded tables to the state autovacuum leaves them in a minute or two
 * after a bulk load: statistics, and the visibility map that lets index-only scans (the console's
 * and SCIM's counts, the lookups' covering index) read the index alone instead of visiting each row.
 * Read benchmarks measured straight after a seed otherwise race autovacuum. SQLite has nothing to settle.
 */
export async function settleAfterLoad(database: BenchDatabase, tables: readonly string[]): Promise<void> {
  if (database.dialect !== "postgres") return;
  const started = performance.now();
  await onServer(database.url, `vacuum (analyze) ${tables.join(", ")}`);
  log(`settle (${database.label}): vacuum (analyze) ${tables.join(", ")} in ${seconds(started)}`);
}
