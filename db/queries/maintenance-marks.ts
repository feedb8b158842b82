import type { Db } from "../client";
import { prepared } from "../prepared";

const READ = "select version from maintenance_marks where name = ?";
const WRITE = `insert into maintenance_marks (name, version, updated_at) values (?, ?, ?)
  on conflict (name) do update set version = excluded.version, updated_at = excluded.updated_at`;

/** The version of its rule that the step `name` last brought the whole database up to; null before its first complete run. */
export async function readMaintenanceMark(db: Db, name: string): Promise<string | null> {
  return (await prepared<{ version: string }>(db, READ).get(name))?.version ?? null;
}

/** Records that the step `name` brought the whole database up to `version` of its rule. */
export async function writeMaintenanceMark(db: Db, name: string, version: string, now = Date.now()): Promise<void> {
  await prepared(db, WRITE).run(name, version, now);
}
