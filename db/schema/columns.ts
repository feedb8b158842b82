import { integer, text, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

// Column shapes every table writes the same way.

/** Epoch milliseconds: cheap to index and compare; each wire dialect converts at the edge (OS1 wants seconds, JITSudo ISO strings). */
export const epochMs = (name: string) => integer(name, { mode: "number" });

/** A JSON document in a text column, typed as T. */
export const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const timestamps = {
  createdAt: epochMs("created_at").notNull(),
  updatedAt: epochMs("updated_at").notNull(),
};

/** The timestamps of a row written at `now`. */
export const writtenAt = (now: number) => ({ createdAt: now, updatedAt: now });

/** A row that is part of another (a user's email, a file's row): it cannot exist alone and is deleted with it. */
export const partOf = (name: string, parent: () => AnySQLiteColumn) => text(name).notNull().references(parent, { onDelete: "cascade" });
