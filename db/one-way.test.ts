import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// One way to do each thing in db/: these read the sources, so that a second copy cannot creep back in.

const DB_DIR = path.join(process.cwd(), "db");

function sources(): { file: string; text: string }[] {
  return (fs.readdirSync(DB_DIR, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => ({ file: path.join("db", file), text: fs.readFileSync(path.join(DB_DIR, file), "utf8") }));
}

const filesMatching = (pattern: RegExp) =>
  sources()
    .filter(({ text }) => pattern.test(text))
    .map(({ file }) => file)
    .sort();

describe("db/ has one way to", () => {
  it("read its own sources (a guard for the checks below)", () => {
    expect(sources().map(({ file }) => file)).toEqual(expect.arrayContaining(["db/queries/audit.ts", "db/queries/user-status.ts", "db/prepared.ts"]));
  });

  it("write an audit event: recordAuditEvent in db/queries/audit.ts", () => {
    expect(filesMatching(/insert\s+into\s+["'`[]?audit_events\b|\.insert\(\s*auditEvents\s*\)/i)).toEqual(["db/queries/audit.ts"]);
  });

  it("change a user's active state: db/queries/user-status.ts", () => {
    // Raw SQL setting users.active, or the query builder setting `active` on the users table.
    expect(filesMatching(/update\s+["'`[]?users["'`\]]?\s+set\b[^;`]*\bactive\s*=|\.update\(\s*users\s*\)[\s\S]{0,80}\bactive\s*:/i)).toEqual([
      "db/queries/user-status.ts",
    ]);
  });

  it("prepare and cache a statement: the SQLite driver, behind prepared() (the seed's one-off bulk loader aside)", () => {
    // node-postgres prepares by statement name (db/driver/postgres.ts); better-sqlite3's
    // statements are prepared and cached by SqliteDb alone.
    expect(filesMatching(/\.prepare\(|new WeakMap/)).toEqual(["db/bulk-load.ts", "db/driver/sqlite.ts", "db/seed.ts"]);
  });

  it("reach better-sqlite3's connection: sqliteClient() in db/client.ts", () => {
    expect(filesMatching(/\$client\b|as SqliteDb\)\.client\b/)).toEqual(["db/client.ts"]);
  });

  it("tell the dialects apart: db.dialect, never instanceof (Next's bundle and the server's each hold a copy of the classes)", () => {
    expect(filesMatching(/instanceof\s+(SqliteDb|PostgresDb)\b/)).toEqual([]);
  });
});
