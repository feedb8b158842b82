import fs from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { getTableConfig } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { skipWithoutPostgres, throwawayPostgres } from "@/test/postgres";
import { PostgresDb } from "../driver/postgres";
import { migratePostgres, pendingPostgresMigrations, withPostgresSetupLock } from "./client";
import { postgresTables } from "./schema";

const journal = JSON.parse(fs.readFileSync(path.join(process.cwd(), "db", "migrations-postgres", "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};

describe.skipIf(skipWithoutPostgres)("migratePostgres", () => {
  const url = skipWithoutPostgres ? "" : throwawayPostgres("migrate");

  it("migrates once when three instances start at once (without the advisory lock, two of three failed)", async () => {
    const instances = [0, 1, 2].map(() => new PostgresDb(url, { max: 2 }));
    try {
      const db = instances[0]!;
      expect(await pendingPostgresMigrations(db.pool)).toHaveLength(journal.entries.length);
      const outcomes = await Promise.allSettled(instances.map((instance) => migratePostgres(instance.pool)));
      expect(outcomes.map((outcome) => (outcome.status === "rejected" ? String(outcome.reason) : "ok"))).toEqual(["ok", "ok", "ok"]);
      const count = async (sql: string) => (await db.statement<{ n: number }>(sql).get())!.n;
      expect(await count("select count(*) as n from drizzle.__drizzle_migrations")).toBe(journal.entries.length);
      expect(await count("select count(*) as n from information_schema.tables where table_schema = 'public'")).toBeGreaterThan(10);
      // The committed migrations create exactly the derived schema: a db/schema/ change without
      // `npm run db:generate` for PostgreSQL fails here.
      const columns = await db
        .statement<{ table_name: string; column_name: string; is_nullable: string }>(
          "select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'",
        )
        .all();
      const all = columns.map((row) => `${row.table_name}.${row.column_name}${row.is_nullable === "NO" ? " not null" : ""}`).sort();
      // Beside them, the one table that triggers keep rather than the schema (0006_hot_user_updates.sql).
      const migrated = all.filter((column) => !column.startsWith("users_updated_at."));
      expect(all.filter((column) => column.startsWith("users_updated_at."))).toEqual([
        "users_updated_at.tenant_id not null",
        "users_updated_at.updated_at not null",
        "users_updated_at.user_id not null",
      ]);
      const derived = Object.values(postgresTables)
        .flatMap((table) => {
          const config = getTableConfig(table);
          return config.columns.map((column) => `${config.name}.${column.name}${column.notNull || column.primary ? " not null" : ""}`);
        })
        .sort();
      expect(migrated).toEqual(derived);
      // A later start finds nothing left to do.
      await migratePostgres(db.pool);
      expect(await count("select count(*) as n from drizzle.__drizzle_migrations")).toBe(journal.entries.length);
      expect(await pendingPostgresMigrations(db.pool)).toEqual([]);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });
});

describe.skipIf(skipWithoutPostgres)("withPostgresSetupLock", () => {
  const url = skipWithoutPostgres ? "" : throwawayPostgres("setup_lock");

  it("lets instances set up one after another, each with every pooled connection free for its work", async () => {
    // One pooled connection each, as the CLI has: the lock must not hold it.
    const instances = [0, 1, 2].map(() => new PostgresDb(url, { max: 1 }));
    const events: string[] = [];
    try {
      await Promise.all(
        instances.map((db, n) =>
          withPostgresSetupLock(db.pool, async () => {
            events.push(`start ${n}`);
            await db.statement("select 1").get();
            await delay(20);
            events.push(`end ${n}`);
          }),
        ),
      );
      expect(events).toHaveLength(6);
      for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace("start", "end"));
      // Released after a failure too: the next one goes ahead.
      await expect(withPostgresSetupLock(instances[0]!.pool, () => Promise.reject(new Error("failed set-up")))).rejects.toThrow("failed set-up");
      await expect(withPostgresSetupLock(instances[1]!.pool, () => Promise.resolve("next"))).resolves.toBe("next");
    } finally {
      await Promise.all(instances.map((db) => db.close()));
    }
  });
});
