import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseUrl, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { checkScimToken } from "@/lib/auth/scim-tokens";
import { parseToken, secretMatches } from "@/lib/auth/tokens";
import { SCIM_BASE_PATH } from "@/lib/scim/wire";
import { cliRunner } from "@/test/cli";
import { tempDatabaseFile, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { throwawayPostgres } from "@/test/postgres";

// The `scim token` commands against a database of this file's own, on whichever database the suite runs.
const url = TEST_DIALECT === "postgres" ? throwawayPostgres("scim_cli") : `file:${tempDatabaseFile("scim-cli")}`;
const env = { DATABASE_URL: url };

const { cli, cliJson, expectRefused } = cliRunner(env);

describe("roster scim token", () => {
  let db: Db;
  let tenantId = "";
  let otherTenantId = "";

  beforeAll(async () => {
    expect((await cliJson("migrate")).code).toBe(0);
    db = openDatabaseUrl(url, { max: 1 });
    tenantId = (await makeTenant(db)).id;
    otherTenantId = (await makeTenant(db)).id;
    await prepared(db, `insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, 'Google', 'oidc', 1, 1)`).run(
      randomUUID(),
      tenantId,
    );
  });
  afterAll(() => db?.close());

  const counts = async () => {
    const count = async (table: string) => (await db.statement<{ n: number }>(`select count(*) as n from ${table}`).get())!.n;
    return { providers: await count("identity_providers"), tokens: await count("scim_tokens"), audit: await count("audit_events") };
  };
  const providersNamed = (tenant: string, name: string) =>
    prepared<{ id: string; type: string }>(db, `select id, type from identity_providers where tenant_id = ? and name = ?`).all(tenant, name);
  const create = (...extra: string[]) => cliJson("scim", "token", "create", "--tenant", tenantId, ...extra);

  it("creates the SCIM provider and a working token, printing the token and the provider's id; only the hash is stored", async () => {
    const { code, json, stderr } = await create();
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(Object.keys(json).sort()).toEqual(["ok", "providerCreated", "providerId", "providerName", "token", "tokenId"]);
    expect(json).toMatchObject({ ok: true, providerName: "SCIM", providerCreated: true });
    expect(await providersNamed(tenantId, "SCIM")).toEqual([{ id: json.providerId, type: "scim" }]);

    const token = json.token as string;
    const parsed = parseToken(token, "scim")!;
    expect(parsed.id).toBe(json.tokenId);
    expect(await checkScimToken(db, token)).toMatchObject({ ok: true, identity: { tenantId, provider: { id: json.providerId, name: "SCIM" } } });

    const row = await prepared<Record<string, unknown>>(db, "select * from scim_tokens where id = ?").get(parsed.id);
    expect(row).toMatchObject({ tenant_id: tenantId, identity_provider_id: json.providerId, name: "CLI token" });
    expect(secretMatches(parsed.secret, String(row!.secret_hash))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(parsed.secret);

    const events = await prepared<{ actorType: string; actorName: string }>(
      db,
      `select actor_type as "actorType", actor_name as "actorName" from audit_events where tenant_id = ? and action = 'scim_token.created' and target_id = ?`,
    ).all(tenantId, parsed.id);
    expect(events).toEqual([{ actorType: "system", actorName: "roster cli" }]);
  });

  it("reuses the provider for the next token, and makes another provider when named", async () => {
    const again = await create("--name", "Second");
    expect(again.json).toMatchObject({ ok: true, providerName: "SCIM", providerCreated: false });
    expect(await providersNamed(tenantId, "SCIM")).toEqual([{ id: again.json.providerId, type: "scim" }]);

    const okta = await create("--provider", "  Okta  ");
    expect(okta.json).toMatchObject({ ok: true, providerName: "Okta", providerCreated: true });
    expect(okta.json.providerId).not.toBe(again.json.providerId);
    expect((await checkScimToken(db, okta.json.token as string)).ok).toBe(true);
  });

  it("tells a person the token is shown once and where identity providers send it", async () => {
    const { code, stdout, stderr } = await cli("scim", "token", "create", "--tenant", tenantId, "--provider", "Okta", "--name", "Okta staging");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const token = /rscim_[0-9a-f]{32}_[A-Za-z0-9_-]{43}/.exec(stdout)?.[0];
    expect(token).toBeDefined();
    expect(stdout).toMatch(/shown once/);
    expect(stdout).toContain(SCIM_BASE_PATH);
    expect(stdout).toContain('"Okta staging"');
    expect((await checkScimToken(db, token!)).ok).toBe(true);
  });

  it("lists the tenant's tokens without secrets, and revokes one: refused at once, the revocation audited once", async () => {
    const made = await create("--name", "To revoke");
    const id = made.json.tokenId as string;
    const listed = await cliJson("scim", "token", "list", "--tenant", tenantId);
    expect(listed.code).toBe(0);
    const tokens = listed.json.tokens as { id: string; name: string; providerName: string; status: string }[];
    expect(tokens[0]).toMatchObject({ id, name: "To revoke", providerName: "SCIM", status: "active" });
    expect(tokens.map((t) => t.name)).toEqual(["To revoke", "Okta staging", "CLI token", "Second", "CLI token"]);
    expect(JSON.stringify(listed.json)).not.toMatch(/rscim_|secret_?hash/i);
    expect((await cli("scim", "token", "list", "--tenant", tenantId)).stdout).toMatch(new RegExp(`^${id}  active   SCIM  "To revoke"`, "m"));

    const revoked = await cliJson("scim", "token", "revoke", "--tenant", tenantId, "--id", id);
    expect(revoked).toMatchObject({ code: 0, json: { ok: true, id, status: "revoked", revokedAt: expect.any(String) } });
    expect(await checkScimToken(db, made.json.token as string)).toEqual({ ok: false, reason: "revoked" });
    const again = await cliJson("scim", "token", "revoke", "--tenant", tenantId, "--id", id);
    expect(again.json).toMatchObject({ ok: true, status: "already-revoked", revokedAt: revoked.json.revokedAt });
    const events = await prepared<{ n: number }>(db, `select count(*) as n from audit_events where action = 'scim_token.revoked' and target_id = ?`).get(id);
    expect(events!.n).toBe(1);
  });

  it("does not revoke another tenant's token", async () => {
    const theirs = await cliJson("scim", "token", "create", "--tenant", otherTenantId);
    const refused = await cliJson("scim", "token", "revoke", "--tenant", tenantId, "--id", theirs.json.tokenId as string);
    expect(refused).toMatchObject({ code: 2, json: { ok: false, error: expect.stringMatching(/has no provisioning token/) } });
    expect((await checkScimToken(db, theirs.json.token as string)).ok).toBe(true);
  });

  it.each([
    [["scim", "token", "create", "--tenant", "@TENANT", "--provider", "Google"], /"Google" is an identity provider of type oidc, not scim.*--provider/],
    [["scim", "token", "create", "--tenant", "00000000-0000-4000-8000-000000000000"], /no tenant with id 00000000-0000-4000-8000-000000000000/],
    [["scim", "token", "create"], /--tenant is required/],
    [["scim", "token", "create", "--tenant", "acme"], /--tenant must be a UUID/],
    [["scim", "token", "create", "--tenant", "@TENANT", "--provider", " "], /--provider must not be empty/],
    [["scim", "token", "create", "--tenant", "@TENANT", "--provider", "x".repeat(101)], /--provider is at most 100 characters/],
    [["scim", "token", "create", "--tenant", "@TENANT", "--name", ""], /--name must not be empty/],
    [["scim", "token", "create", "--tenant", "@TENANT", "--scopes", "users:read"], /--scopes is not an option of scim token create/],
    [["scim", "token", "create", "extra", "--tenant", "@TENANT"], /unexpected argument "extra"/],
    [["scim", "token"], /unknown command "scim token"/],
    [["scim", "token", "list"], /--tenant is required/],
    [["scim", "token", "revoke", "--tenant", "@TENANT"], /--id is required/],
    [["scim", "token", "revoke", "--tenant", "@TENANT", "--id", "00000000-0000-4000-8000-000000000000"], /has no provisioning token/],
  ])("refuses %j with one line, exit 2 and no change", (argv, message) =>
    expectRefused(
      argv.map((a) => (a === "@TENANT" ? tenantId : a)),
      message,
      counts,
    ),
  );
});
