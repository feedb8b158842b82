import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PostgresDb } from "@/db/client";
import { ensureTenant } from "@/db/queries/tenants";
import { skipWithoutPostgres, throwawayPostgres } from "@/test/postgres";
import { BACKUP_ON_POSTGRES } from "./commands";
import { runCli } from "./run";

async function cliJson(env: Record<string, string>, ...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli([...argv, "--json"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, json: JSON.parse(stdout.trim()) as Record<string, unknown>, stderr };
}

describe.skipIf(skipWithoutPostgres)("roster CLI on PostgreSQL", () => {
  const url = skipWithoutPostgres ? "" : throwawayPostgres("cli");
  const cli = (...argv: string[]) => cliJson({ DATABASE_URL: url }, ...argv);
  let tenantId = "";

  it("migrates a PostgreSQL database, twice without harm", async () => {
    expect(await cli("migrate")).toMatchObject({ code: 0, json: { ok: true, migrated: true } });
    expect(await cli("migrate")).toMatchObject({ code: 0, json: { ok: true, migrated: true } });
  });

  it("refuses a backup, pointing to pg_dump, and writes no file", async () => {
    const target = path.join(os.tmpdir(), `roster-never-${process.pid}.db`);
    expect(await cli("backup", "--to", target)).toMatchObject({ code: 2, json: { ok: false, error: BACKUP_ON_POSTGRES } });
    expect(BACKUP_ON_POSTGRES).toContain("pg_dump");
    expect(fs.existsSync(target)).toBe(false);
  });

  it("lists the tenants, none on a new database", async () => {
    expect(await cli("tenant", "list")).toMatchObject({ code: 0, json: { ok: true, tenants: [] } });
    const db = new PostgresDb(url, { max: 1 });
    try {
      tenantId = (await ensureTenant(db, "Globex")).tenant.id;
    } finally {
      await db.close();
    }
    const listed = await cli("tenant", "list");
    expect(listed.json.tenants).toEqual([expect.objectContaining({ id: tenantId, name: "Globex", userCount: 0, activeUserCount: 0 })]);
  });

  it("creates an admin, issues a token for it and revokes the token", async () => {
    const admin = await cli("admin", "create", "--tenant", tenantId, "--email", "Ops@globex.example", "--role", "admin");
    expect(admin).toMatchObject({ code: 0, json: { ok: true, tenantId, email: "Ops@globex.example", role: "admin", createdUser: true } });
    const again = await cli("admin", "create", "--tenant", tenantId, "--email", "ops@globex.example", "--role", "helpdesk");
    expect(again).toMatchObject({ code: 2, json: { ok: false, error: expect.stringMatching(/already an admin/) } });
    const token = await cli("token", "create", "--tenant", tenantId, "--admin", "ops@globex.example", "--scopes", "users:read", "--expires-in", "30d");
    expect(token).toMatchObject({ code: 0, json: { ok: true, tenantId, scopes: ["users:read"] } });
    const id = String(token.json.id);
    expect(await cli("token", "revoke", id)).toMatchObject({ code: 0, json: { ok: true, id, status: "revoked" } });
    expect(await cli("token", "revoke", id)).toMatchObject({ code: 0, json: { ok: true, status: "already-revoked" } });
    const listed = await cli("tenant", "list");
    expect(listed.json.tenants).toEqual([expect.objectContaining({ id: tenantId, userCount: 1, activeUserCount: 1 })]);
  });
});

describe("DATABASE_URL", () => {
  it("names what it accepts when it is neither a SQLite file nor a PostgreSQL URL", async () => {
    const { code, json } = await cliJson({ DATABASE_URL: "mysql://localhost/roster" }, "migrate");
    expect(code).toBe(2);
    expect(String(json.error)).toContain('"postgres://user:password@host:5432/database"');
  });

  it("fails with exit 1 and the reason when the PostgreSQL server cannot be reached", async () => {
    const { code, json } = await cliJson({ DATABASE_URL: "postgres://roster:secret@127.0.0.1:1/roster" }, "tenant", "list");
    expect(code).toBe(1);
    expect(String(json.error)).toMatch(/ECONNREFUSED/);
    expect(String(json.error)).not.toContain("secret");
  });
});
