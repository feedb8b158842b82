import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { tempDatabaseFile } from "@/test/db";
import { checkDatabase, closeDatabase, migrateDatabase, openDatabase, pendingMigrations, type Db } from "./client";
import * as schema from "./schema";

function migratedFile(name: string): string {
  const file = tempDatabaseFile(name);
  const db = openDatabase(file);
  migrateDatabase(db);
  closeDatabase(db);
  return file;
}

describe("checkDatabase", () => {
  it("says ok when the database reads and takes a write", () => {
    const db = openDatabase(migratedFile("health-ok"));
    expect(checkDatabase(db)).toEqual({ ok: true, journalMode: "wal" });
    closeDatabase(db);
  });

  it("names a read-only database, which still answers reads", () => {
    const file = migratedFile("health-readonly");
    const readOnly = drizzle(new Database(file, { readonly: true }), { schema }) as Db;
    expect(readOnly.$client.prepare("select count(*) as n from tenants").get()).toEqual({ n: 0 });
    expect(checkDatabase(readOnly)).toEqual({ ok: false, error: "the database is read-only" });
    readOnly.$client.close();
  });

  // A full disk, for real: a 1 MB tmpfs filled to the last byte. Mounting needs root (as CI runs).
  const isRoot = process.getuid?.() === 0;
  it.runIf(isRoot)("names a full disk", () => {
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "roster-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]);
    afterAll(() => {
      execFileSync("umount", [mountPoint]);
      fs.rmSync(mountPoint, { recursive: true, force: true });
    });
    const db = openDatabase(path.join(mountPoint, "roster.db"));
    db.$client.exec("create table health_checks (id integer primary key, checked_at integer not null)");
    expect(checkDatabase(db).ok).toBe(true);
    // Fill what is left of the disk, then the next write has nowhere to go.
    try {
      fs.writeFileSync(path.join(mountPoint, "filler"), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC once the disk is full: what we want.
    }
    expect(checkDatabase(db)).toEqual({ ok: false, error: "the database or its disk is full" });
    closeDatabase(db);
  });
});

describe("pendingMigrations", () => {
  it("is empty on a migrated database and names what an older schema lacks", () => {
    const db = openDatabase(migratedFile("pending"));
    expect(pendingMigrations(db)).toEqual([]);
    // As if the newest migration had not run: what a newer build sees on a database an older one migrated.
    const newest = db.$client.prepare("select max(created_at) as last from __drizzle_migrations").get() as { last: number };
    db.$client.prepare("delete from __drizzle_migrations where created_at = ?").run(newest.last);
    const pending = pendingMigrations(db);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatch(/^\d{4}_\w+$/);
    closeDatabase(db);
  });
});
