import { getTableColumns, is } from "drizzle-orm";
import { getTableConfig as pgTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "../schema";
import * as postgresSchema from "./schema";

/** A table's shape in either dialect: names of columns (with nullability), keys, indexes and foreign keys. */
function shape(config: {
  name: string;
  columns: { name: string; notNull: boolean; primary: boolean }[];
  indexes: { config: { name?: string; unique: boolean } }[];
  foreignKeys: { getName(): string }[];
  primaryKeys: { getName(): string }[];
}) {
  return {
    name: config.name,
    columns: config.columns.map((c) => `${c.name}${c.notNull ? " not null" : ""}${c.primary ? " primary key" : ""}`).sort(),
    indexes: config.indexes.map((i) => `${i.config.unique ? "unique " : ""}${i.config.name}`).sort(),
    foreignKeys: config.foreignKeys.map((f) => f.getName()).sort(),
    primaryKeys: config.primaryKeys.map((p) => p.getName()).sort(),
  };
}

const sqliteTables = (Object.entries(sqliteSchema) as [string, unknown][]).filter((entry): entry is [string, SQLiteTable] => is(entry[1], SQLiteTable));

describe("the PostgreSQL schema", () => {
  it("has every SQLite table under the same name, with the same columns, keys, indexes and foreign keys", () => {
    expect(sqliteTables.length).toBeGreaterThan(10);
    for (const [key, table] of sqliteTables) {
      const derived = (postgresSchema as unknown as Record<string, PgTable>)[key];
      expect(derived, `db/postgres/schema.ts exports ${key}`).toBeDefined();
      expect(shape(pgTableConfig(derived!)), key).toEqual(shape(sqliteTableConfig(table)));
      expect(Object.keys(getTableColumns(derived!))).toEqual(Object.keys(getTableColumns(table)));
    }
  });
});
