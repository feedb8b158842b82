import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy } from "@/e2e/fixtures/tcp-proxy";
import { TEST_DIALECT, tempDatabaseFile } from "@/test/db";
import { SETUP_LOCK_SUFFIX } from "./sqlite-files";
import { throwawayPostgres } from "@/test/postgres";
import {
  backupDatabase,
  checkDatabase,
  databaseProblem,
  migrateDatabase,
  openDatabase,
  openDatabaseUrl,
  pendingMigrations,
  PostgresDb,
  SqliteDb,
  sqliteClient,
  withSetupLock,
  type Db,
} from "./client";

/** A migrated database of the suite's dialect (a SQLite file, or a throwaway PostgreSQL database), and its URL. */
function migratedDb(name: string): { db: Db; url: string } {
  const url = TEST_DIALECT === "postgres" ? throwawayPostgres(name) : `file:${tempDatabaseFile(name)}`;
  const db = openDatabaseUrl(url, { max: 2 });
  beforeAll(() => migrateDatabase(db));
  afterAll(() => db.close());
  return { db, url };
}

describe("checkDatabase", () => {
  const { db, url } = migratedDb("health");

  it("says ok when the database reads and takes a write", async () => {
    expect(await checkDatabase(db)).toEqual(
      TEST_DIALECT === "sqlite" ? { ok: true, dialect: "sqlite", journalMode: "wal" } : { ok: true, dialect: "postgres" },
    );
  });

  it.skipIf(TEST_DIALECT !== "sqlite")("names a read-only SQLite file, which still answers reads", async () => {
    const readOnly = new SqliteDb(new Database(url.slice("file:".length), { readonly: true }));
    expect(await readOnly.statement("select count(*) as n from tenants").get()).toEqual({ n: 0 });
    expect(await checkDatabase(readOnly)).toEqual({ ok: false, error: "the database is read-only" });
    await readOnly.close();
  });

  it.skipIf(TEST_DIALECT !== "postgres")("names a read-only PostgreSQL database (a standby, or read-only by default), which still answers reads", async () => {
    const readOnlyUrl = new URL(url);
    readOnlyUrl.searchParams.set("options", "-c default_transaction_read_only=on");
    const readOnly = new PostgresDb(readOnlyUrl.toString(), { max: 1 });
    try {
      expect(await readOnly.statement("select count(*) as n from tenants").get()).toEqual({ n: 0 });
      expect(await checkDatabase(readOnly)).toEqual({ ok: false, error: "the database is read-only" });
    } finally {
      await readOnly.close();
    }
  });

  it("names a PostgreSQL server that refuses connections", async () => {
    const nowhere = new PostgresDb("postgres://roster:secret@127.0.0.1:1/roster", { max: 1 });
    expect(await checkDatabase(nowhere)).toEqual({ ok: false, error: "the database server refuses connections" });
    await nowhere.close();
  });

  it.skipIf(TEST_DIALECT !== "postgres")("names a server that went away while pooled connections sat idle, and is ok again once it is back", async () => {
    const direct = new URL(url);
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const pooled = new PostgresDb(viaProxy.toString(), { max: 4 });
    try {
      // Four connections at once, then idle in the pool when the server goes away.
      await Promise.all([1, 2, 3, 4].map(() => pooled.statement("select pg_sleep(0.05) as slept").get()));
      await proxy.cut();
      expect(await checkDatabase(pooled)).toEqual({ ok: false, error: "the database server refuses connections" });
      await proxy.restore();
      expect(await checkDatabase(pooled)).toEqual({ ok: true, dialect: "postgres" });
    } finally {
      await pooled.close();
      await proxy.cut();
    }
  });

  // A full disk, for real: a 1 MB tmpfs filled to the last byte. Mounting needs root (as CI runs).
  const isRoot = process.getuid?.() === 0;
  it.runIf(isRoot && TEST_DIALECT === "sqlite")("names a full disk", async () => {
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "roster-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]);
    afterAll(() => {
      execFileSync("umount", [mountPoint]);
      fs.rmSync(mountPoint, { recursive: true, force: true });
    });
    const full = openDatabase(path.join(mountPoint, "roster.db"));
    await full.exec("create table health_checks (id integer primary key, checked_at integer not null)");
    expect((await checkDatabase(full)).ok).toBe(true);
    // Fill what is left of the disk, then the next write has nowhere to go.
    try {
      fs.writeFileSync(path.join(mountPoint, "filler"), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC once the disk is full: what we want.
    }
    expect(await checkDatabase(full)).toEqual({ ok: false, error: "the database or its disk is full" });
    await full.close();
  });
});

describe("pendingMigrations", () => {
  const { db } = migratedDb("pending");
  const table = TEST_DIALECT === "postgres" ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";

  it("is empty on a migrated database and names what an older schema lacks", async () => {
    expect(await pendingMigrations(db)).toEqual([]);
    // As if the newest migration had not run: what a newer build sees on a database an older one migrated.
    const newest = (await db.statement<{ last: number }>(`select max(created_at) as last from ${table}`).get())!;
    await db.statement(`delete from ${table} where created_at = ?`).run(newest.last);
    const pending = await pendingMigrations(db);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatch(/^\d{4}_\w+$/);
  });
});

describe("withSetupLock", () => {
  const { db, url } = migratedDb("setup_lock");
  const advisoryLocks = async () =>
    (await db
      .statement<{ n: number }>(
        "select count(*) as n from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and l.granted and d.datname = current_database()",
      )
      .get())!.n;

  it("holds the database's setup lock while the work runs, and lets go of it after, also when the work fails", async () => {
    const held = () =>
      TEST_DIALECT === "postgres" ? advisoryLocks() : Promise.resolve(fs.existsSync(`${url.slice("file:".length)}${SETUP_LOCK_SUFFIX}`) ? 1 : 0);
    expect(await withSetupLock(db, async () => held())).toBe(1);
    await expect(withSetupLock(db, () => Promise.reject(new Error("failed")))).rejects.toThrow("failed");
    if (TEST_DIALECT === "postgres") expect(await advisoryLocks()).toBe(0);
    // Released: taking it again does not wait.
    await expect(withSetupLock(db, () => Promise.resolve("again"))).resolves.toBe("again");
  });
});

describe("openDatabaseUrl", () => {
  it("opens a file: URL as SQLite and a postgres:// URL as PostgreSQL, which only connects when used", async () => {
    const file = openDatabaseUrl(`file:${tempDatabaseFile("url")}`);
    expect(file.dialect).toBe("sqlite");
    expect(sqliteClient(file).pragma("journal_mode", { simple: true })).toBe("wal");
    await file.close();
    const postgres = openDatabaseUrl("postgres://roster@127.0.0.1:1/roster", { max: 3 });
    expect(postgres.dialect).toBe("postgres");
    expect((postgres as PostgresDb).pool.options.max).toBe(3);
    expect(() => sqliteClient(postgres)).toThrow("only SQLite has this (the database is postgres)");
    await expect(backupDatabase(postgres, "/tmp/never.db")).rejects.toThrow(/pg_dump/);
    await postgres.close();
    await postgres.close();
  });
});

describe("databaseProblem", () => {
  it("names what a driver's error code means, also when drizzle wraps the error", () => {
    const readOnly = Object.assign(new Error("cannot execute CREATE SCHEMA in a read-only transaction"), { code: "25006" });
    expect(databaseProblem(readOnly)).toBe("the database is read-only");
    expect(databaseProblem(new Error('Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"', { cause: readOnly }))).toBe("the database is read-only");
    expect(databaseProblem(new Error("something else"))).toBe("the database failed: something else");
  });
});
