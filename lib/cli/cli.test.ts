import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openDatabase, type Db } from "@/db/client";
import { createUser } from "@/db/queries/users";
import type { EmailKey } from "@/db/schema";
import { parseToken, secretMatches } from "@/lib/auth/tokens";
import { cliRunner } from "@/test/cli";
import { runCli } from "./run";
import { tempDatabaseFile } from "@/test/db";
import { newUserFields } from "@/lib/domain/user-fields";

const dbFile = tempDatabaseFile("cli");
const env = { DATABASE_URL: `file:${dbFile}` };

const { cli, cliJson, expectRefused } = cliRunner(env);

/** Runs `read` on a connection of its own to the CLI's database file, closed afterwards. */
async function withDb<T>(read: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(dbFile);
  try {
    return await read(db);
  } finally {
    await db.close();
  }
}

const counts = () =>
  withDb(async (db) => {
    const count = async (table: string) => (await db.statement<{ n: number }>(`select count(*) as n from ${table}`).get())!.n;
    return { users: await count("users"), tokens: await count("personal_access_tokens"), audit: await count("audit_events") };
  });

describe("roster CLI", () => {
  let tenantId = "";
  let tokenId = "";

  it("migrates", async () => {
    const { code, json } = await cliJson("migrate");
    expect(code).toBe(0);
    expect(json).toEqual({ ok: true, migrated: true });
  });

  it("backs the live database up to a new file, and refuses to overwrite one", async () => {
    const target = `${dbFile}.backup`;
    const { code, json } = await cliJson("backup", "--to", target);
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, file: target, bytes: expect.any(Number) });
    const copy = openDatabase(target);
    try {
      // The copy has the schema.
      expect((await copy.statement<{ n: number }>("select count(*) as n from __drizzle_migrations").get())!.n).toBeGreaterThan(0);
    } finally {
      await copy.close();
    }
    const again = await cliJson("backup", "--to", target);
    expect(again.code).toBe(2);
    expect(again.json).toEqual({ ok: false, error: `${target} exists already; backup writes a new file only` });
    expect((await cliJson("backup")).json).toEqual({ ok: false, error: "backup needs --to FILE" });
  });

  it("seeds a tenant and lists it", async () => {
    const seeded = await cliJson("seed", "--users", "300", "--seed", "3", "--tenant", "Initech");
    expect(seeded.code).toBe(0);
    expect(seeded.json).toMatchObject({ ok: true, tenantName: "Initech", createdTenant: true, usersCreated: 300 });
    tenantId = seeded.json.tenantId as string;
    const listed = await cliJson("tenant", "list");
    expect(listed.json.tenants).toEqual([expect.objectContaining({ id: tenantId, name: "Initech", userCount: 302 })]);
    const text = await cli("tenant", "list");
    expect(text.stdout).toContain(`${tenantId}  Initech  302 users`);
  });

  it("creates an admin with a generated password, shown once", async () => {
    const { code, json } = await cliJson("admin", "create", "--tenant", tenantId, "--email", "Ops.Lead@initech.example", "--role", "admin");
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, tenantId, email: "Ops.Lead@initech.example", role: "admin", createdUser: true });
    expect(json.password).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{20}$/));
  });

  it("promotes an existing user with a given password, which it does not echo", async () => {
    const { json } = await cliJson(
      "admin",
      "create",
      "--tenant",
      tenantId,
      "--email",
      "JANE.DOE@domain.tld",
      "--role",
      "helpdesk",
      "--password",
      "a-long-enough-password",
    );
    expect(json).toMatchObject({ ok: true, email: "jane.doe@domain.tld", role: "helpdesk", createdUser: false });
    expect(json).not.toHaveProperty("password");
  });

  it("issues a token whose secret is never stored in clear", async () => {
    const { code, json } = await cliJson(
      "token",
      "create",
      "--tenant",
      tenantId,
      "--admin",
      "ops.lead@initech.example",
      "--scopes",
      "users:read,mx:user-deactivation:write",
      "--name",
      "HR sync",
      "--expires-in",
      "30d",
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, tenantId, scopes: ["users:read", "mx:user-deactivation:write"], name: "HR sync" });
    const parsed = parseToken(json.token as string)!;
    expect(parsed).not.toBeNull();
    tokenId = json.id as string;
    expect(parsed.id).toBe(tokenId);
    const expiresAt = Date.parse(json.expiresAt as string);
    expect(Math.abs(expiresAt - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);

    const row = await withDb((db) => db.statement<Record<string, unknown>>("select * from personal_access_tokens where id = ?").get(tokenId));
    expect(secretMatches(parsed.secret, String(row!.secret_hash))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(parsed.secret);
  });

  it("never issues a helpdesk or auditor token scopes beyond its role, and writes nothing then", async () => {
    const before = await counts();
    for (const scopes of ["mx:user-deactivation:write", "users:read,identities:write"]) {
      const { code, json } = await cliJson("token", "create", "--tenant", tenantId, "--admin", "jane.doe@domain.tld", "--scopes", scopes);
      expect(code).toBe(2);
      expect(json).toMatchObject({ ok: false, error: expect.stringMatching(/^a helpdesk cannot hold (mx:user-deactivation:write|identities:write)/) });
    }
    expect(await counts()).toEqual(before);
    const allowed = await cliJson(
      "token",
      "create",
      "--tenant",
      tenantId,
      "--admin",
      "jane.doe@domain.tld",
      "--scopes",
      "users:read,mx:mxid3:user-identifiers:uuid:read",
    );
    expect(allowed.json).toMatchObject({ ok: true, scopes: ["users:read", "mx:mxid3:user-identifiers:uuid:read"] });
  });

  it("revokes a token, and says so when it already was", async () => {
    const first = await cliJson("token", "revoke", tokenId);
    expect(first.json).toMatchObject({ ok: true, id: tokenId, status: "revoked" });
    const second = await cliJson("token", "revoke", tokenId);
    expect(second.json).toMatchObject({ ok: true, status: "already-revoked" });
  });

  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["seed", "--users", "lots"], /--users must be a whole number/],
    [["seed", "--users", "1000001"], /--users must be between 0 and 1,000,000/],
    [["seed", "--colour", "red"], /Unknown option '--colour'/],
    [["seed", "--email", "a@b.example"], /--email is not an option of seed/],
    [["tenant", "list", "extra"], /unexpected argument "extra"/],
    [["admin", "create", "--tenant", "not-a-uuid", "--email", "a@b.example", "--role", "admin"], /--tenant must be a UUID/],
    [["admin", "create", "--tenant", "00000000-0000-4000-8000-000000000000", "--email", "a@b.example", "--role", "admin"], /no tenant with id/],
    [["admin", "create", "--tenant", "@TENANT", "--email", "not-an-email", "--role", "admin"], /--email must be an email address/],
    [["admin", "create", "--tenant", "@TENANT", "--email", "x@initech.example", "--role", "root"], /--role must be one of admin, helpdesk, auditor/],
    [["admin", "create", "--tenant", "@TENANT", "--email", "ops.lead@initech.example", "--role", "admin"], /already an admin/],
    [["admin", "create", "--tenant", "@TENANT", "--email", "y@initech.example", "--role", "admin", "--password", "short"], /at least 12 characters/],
    [["token", "create", "--tenant", "@TENANT", "--admin", "ops.lead@initech.example", "--scopes", "users:read,admin:all"], /unknown scope\(s\) admin:all/],
    [["token", "create", "--tenant", "@TENANT", "--admin", "ops.lead@initech.example"], /--scopes is required/],
    [
      ["token", "create", "--tenant", "@TENANT", "--admin", "ops.lead@initech.example", "--scopes", "users:read", "--expires-in", "soon"],
      /--expires-in must look like 30d/,
    ],
    [["token", "create", "--tenant", "@TENANT", "--admin", "john.doe@domain.tld", "--scopes", "users:read"], /is not an admin of tenant/],
    [["token", "revoke", "00000000-0000-4000-8000-000000000000"], /no token with id/],
    [["token", "revoke"], /token revoke needs the token id/],
  ])("refuses %j with one line, exit 2 and no change", (argv, message) =>
    expectRefused(
      argv.map((a) => (a === "@TENANT" ? tenantId : a)),
      message,
      counts,
    ),
  );

  it("migrate re-keys stored email addresses and reports a clash on stderr, naming both users", async () => {
    const db = openDatabase(dbFile);
    try {
      const add = async (email: string) =>
        (await createUser(db, { tenantId, ...newUserFields({ email, name: email }), emailNormalized: email.toLowerCase() as EmailKey })).id;
      // Keys by the first round's rule in a database an older Roster wrote, which no step has marked.
      await db.statement("delete from maintenance_marks").run();
      const fullWidth = await add("ＫＩＭ@initech.example");
      const clash = { other: await add("strasse@initech.example"), id: await add("Straße@initech.example") };
      const json = await cliJson("migrate");
      expect(json.json).toEqual({ ok: true, migrated: true });
      expect(
        json.stderr
          .trim()
          .split("\n")
          .filter((line) => line.includes(clash.id)),
      ).toEqual([expect.stringContaining(clash.other)]);
      expect(await db.statement("select email_normalized as key from users where id = ?").get(fullWidth)).toEqual({ key: "kim@initech.example" });
    } finally {
      await db.close();
    }
  });

  it("names a bad configuration variable", async () => {
    let stderr = "";
    const code = await runCli(["tenant", "list"], { stdout: () => {}, stderr: (t) => (stderr += t), env: { PORT: "http" } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/PORT="http"/);
  });

  it("works through npm run roster, as operators call it", () => {
    const output = execFileSync("npm", ["run", "--silent", "roster", "--", "tenant", "list", "--json"], { env: { ...process.env, ...env }, encoding: "utf8" });
    expect(JSON.parse(output)).toMatchObject({ ok: true, tenants: [expect.objectContaining({ id: tenantId })] });
    const failed = spawnSync("npm", ["run", "--silent", "roster", "--", "seed", "--users", "-5"], { env: { ...process.env, ...env }, encoding: "utf8" });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/roster: /);
  });
});
