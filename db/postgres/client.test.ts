import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { skipWithoutPostgres, throwawayPostgres } from "@/test/postgres";
import { getTableConfig } from "drizzle-orm/pg-core";
import { closePostgres, migratePostgres, openPostgres } from "./client";
import { postgresTables } from "./schema";

const journal = JSON.parse(fs.readFileSync(path.join(process.cwd(), "db", "migrations-postgres", "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};

describe.skipIf(skipWithoutPostgres)("migratePostgres", () => {
  it("migrates once when three instances start at once (without the advisory lock, two of three failed)", async () => {
    const url = await throwawayPostgres("migrate");
    const instances = [0, 1, 2].map(() => openPostgres(url, { max: 2 }));
    try {
      const outcomes = await Promise.allSettled(instances.map((db) => migratePostgres(db)));
      expect(outcomes.map((outcome) => (outcome.status === "rejected" ? String(outcome.reason) : "ok"))).toEqual(["ok", "ok", "ok"]);
      const db = instances[0]!;
      const applied = await db.$client.query("select count(*)::int as n from drizzle.__drizzle_migrations");
      expect(applied.rows[0].n).toBe(journal.entries.length);
      const tables = await db.$client.query("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
      expect(tables.rows[0].n).toBeGreaterThan(10);
      // The committed migrations create exactly the derived schema: a db/schema/ change without
      // `npm run db:generate` for PostgreSQL fails here.
      const columns = await db.$client.query<{ table_name: string; column_name: string; is_nullable: string }>(
        "select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'",
      );
      const migrated = columns.rows.map((row) => `${row.table_name}.${row.column_name}${row.is_nullable === "NO" ? " not null" : ""}`).sort();
      const derived = Object.values(postgresTables)
        .flatMap((table) => {
          const config = getTableConfig(table);
          return config.columns.map((column) => `${config.name}.${column.name}${column.notNull || column.primary ? " not null" : ""}`);
        })
        .sort();
      expect(migrated).toEqual(derived);
      // A later start finds nothing left to do.
      await migratePostgres(db);
      expect((await db.$client.query("select count(*)::int as n from drizzle.__drizzle_migrations")).rows[0].n).toBe(journal.entries.length);
    } finally {
      await Promise.all(instances.map(closePostgres));
    }
  });
});
