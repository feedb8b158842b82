import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseUrl, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { bindSsoAccount, findSsoAccountOfAdmin } from "@/db/queries/admin-sso-subjects";
import { createAdmin } from "@/db/queries/admins";
import { adminUserFields } from "@/lib/domain/user-fields";
import { cliRunner } from "@/test/cli";
import { tempDatabaseFile, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { throwawayPostgres } from "@/test/postgres";
import { CLI_ACTOR } from "./command";

// The `sso` commands against a database of this file's own, on whichever database the suite runs.
const url = TEST_DIALECT === "postgres" ? throwawayPostgres("sso_cli") : `file:${tempDatabaseFile("sso-cli")}`;
const env = { DATABASE_URL: url };
const SECRET = "s3cret-value-never-printed";

const { cli, cliJson } = cliRunner(env);

describe("roster sso", () => {
  let db: Db;
  let tenantId = "";
  let otherTenantId = "";
  const set = (tenant: string, ...extra: string[]) =>
    cliJson("sso", "set", "--tenant", tenant, "--issuer", "https://login.example.com/oauth2/default/", "--client-id", "0oa123", ...extra);

  beforeAll(async () => {
    expect((await cliJson("migrate")).code).toBe(0);
    db = openDatabaseUrl(url, { max: 1 });
    tenantId = (await makeTenant(db)).id;
    otherTenantId = (await makeTenant(db)).id;
  });
  afterAll(() => db?.close());

  it("sets up SSO as the issue names it and prints the saved settings without the secret", async () => {
    const { code, json, stdout } = await set(
      tenantId,
      "--client-secret",
      SECRET,
      "--domains",
      "A.example, b.example",
      "--role-claim",
      "groups",
      "--role-map",
      "roster-admins=admin,roster-helpdesk=helpdesk,roster-auditors=auditor",
    );
    expect(code).toBe(0);
    expect(json.settings).toEqual({
      configured: true,
      issuer: "https://login.example.com/oauth2/default",
      clientId: "0oa123",
      clientSecretSet: true,
      domains: ["a.example", "b.example"],
      roleClaim: "groups",
      roleMap: { "roster-admins": "admin", "roster-helpdesk": "helpdesk", "roster-auditors": "auditor" },
      passwordsAllowed: true,
      firstSignInAt: null,
      updatedAt: expect.any(String),
      updatedBy: null,
    });
    expect(stdout).not.toContain(SECRET);
    const audit = await prepared<{ details: string; actorName: string }>(
      db,
      `select details, actor_name as "actorName" from audit_events where tenant_id = ? and action = 'sso.updated'`,
    ).all(tenantId);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorName).toBe("roster cli");
    expect(audit[0]!.details).not.toContain(SECRET);
    expect(JSON.parse(audit[0]!.details).changed).toContain("clientSecret");

    const shown = await cli("sso", "show", "--tenant", tenantId);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("secret set");
    expect(shown.stdout).not.toContain(SECRET);
  });

  it("keeps the stored secret (same issuer and client id), domains and role map when a later set leaves them out", async () => {
    const { code, json } = await set(tenantId, "--role-claim", "roles");
    expect(code).toBe(0);
    expect(json.settings).toMatchObject({
      clientSecretSet: true,
      domains: ["a.example", "b.example"],
      roleClaim: "roles",
      roleMap: { "roster-admins": "admin" },
    });
  });

  it("asks for a new secret when the issuer or client id changes, never sending the stored one to another client", async () => {
    const stored = async () =>
      prepared<{ issuer: string; clientId: string; clientSecret: string }>(
        db,
        `select issuer, client_id as "clientId", client_secret as "clientSecret" from sso_configs where tenant_id = ?`,
      ).get(tenantId);
    const before = await stored();
    const moved = [
      ["--issuer", "http://localhost:4002", "--client-id", "0oa123"],
      ["--issuer", "https://login.example.com/oauth2/default", "--client-id", "another-client"],
    ];
    for (const flags of moved) {
      const refused = await cliJson("sso", "set", "--tenant", tenantId, ...flags);
      expect(refused, flags.join(" ")).toMatchObject({ code: 2, json: { ok: false, error: expect.stringMatching(/client secret is required/) } });
    }
    expect(await stored()).toEqual(before);
    const withSecret = await cliJson("sso", "set", "--tenant", tenantId, ...moved[1]!, "--client-secret", "another-secret");
    expect(withSecret).toMatchObject({ code: 0, json: { settings: { clientId: "another-client", clientSecretSet: true } } });
    expect((await stored())!.clientSecret).toBe("another-secret");
  });

  it("refuses bad input with a one-line usage error (exit 2), writing nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["--issuer", "http://login.example.com"], /--issuer: issuer must be an https URL/],
      [["--issuer", "not a url"], /--issuer: issuer must be a URL/],
      [["--role-map", "roster-admins"], /--role-map: "roster-admins" must look like group=role/],
      [["--role-map", "roster-admins=superuser"], /--role-map: unknown role "superuser"/],
      [["--domains", "not_a_domain"], /--domains: "not_a_domain" is not an email domain/],
    ];
    const before = await prepared<{ n: number }>(db, "select count(*) as n from audit_events where action = 'sso.updated'").get();
    for (const [extra, message] of cases) {
      const result = await cliJson(
        "sso",
        "set",
        "--tenant",
        otherTenantId,
        "--issuer",
        "https://idp.example",
        "--client-id",
        "c",
        "--client-secret",
        "s",
        ...extra,
      );
      expect(result.code, extra.join(" ")).toBe(2);
      expect(result.json.error).toMatch(message);
    }
    const firstTime = await cliJson("sso", "set", "--tenant", otherTenantId, "--issuer", "https://idp.example", "--client-id", "c");
    expect(firstTime).toMatchObject({
      code: 2,
      json: { ok: false, error: "the client secret is required when SSO is first set up, and again when the issuer or client ID changes" },
    });
    const taken = await set(otherTenantId, "--client-secret", "s", "--domains", "b.example");
    expect(taken).toMatchObject({ code: 2, json: { error: "b.example already signs in to another tenant" } });
    const after = await prepared<{ n: number }>(db, "select count(*) as n from audit_events where action = 'sso.updated'").get();
    expect(after!.n).toBe(before!.n);
  });

  it("switches passwords off only after a first SSO sign-in, and on again at any time (break-glass)", async () => {
    expect(await cliJson("sso", "passwords", "off", "--tenant", tenantId)).toMatchObject({
      code: 2,
      json: { error: expect.stringMatching(/once someone has signed in through SSO/) },
    });
    await prepared(db, "update sso_configs set first_sign_in_at = ? where tenant_id = ?").run(Date.now(), tenantId);
    expect(await cliJson("sso", "passwords", "off", "--tenant", tenantId)).toMatchObject({
      code: 0,
      json: { settings: { passwordsAllowed: false, clientSecretSet: true } },
    });
    expect(await cliJson("sso", "passwords", "on", "--tenant", tenantId)).toMatchObject({ code: 0, json: { settings: { passwordsAllowed: true } } });
    expect(await cliJson("sso", "passwords", "maybe", "--tenant", tenantId)).toMatchObject({ code: 2 });
    expect(await cliJson("sso", "passwords", "on", "--tenant", otherTenantId)).toMatchObject({
      code: 2,
      json: { error: expect.stringMatching(/has no single sign-on/) },
    });
  });

  it("shows a tenant without SSO as not configured", async () => {
    const { code, json } = await cliJson("sso", "show", "--tenant", otherTenantId);
    expect(code).toBe(0);
    expect(json.settings).toMatchObject({ configured: false, clientSecretSet: false, passwordsAllowed: true });
  });

  it("unlinks an admin's provider account (audited), and says so when there was none or the address is no admin's", async () => {
    const email = `linked-${Date.now()}@a.example`;
    const { admin } = await createAdmin(db, { tenantId, ...adminUserFields(email), role: "admin", passwordHash: "x" });
    await bindSsoAccount(db, { tenantId, adminId: admin.id }, { issuer: "https://login.example.com/oauth2/default", subject: "00u-1" }, CLI_ACTOR);
    const forget = (address: string) => cli("sso", "forget-account", "--tenant", tenantId, "--admin", address);
    const first = await forget(email.toUpperCase());
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/is no longer linked to a provider account/) });
    expect(await findSsoAccountOfAdmin(db, { tenantId, adminId: admin.id })).toBeUndefined();
    expect(await forget(email)).toMatchObject({ code: 0, stdout: expect.stringMatching(/was not linked to a provider account; nothing changed/) });
    expect(await cliJson("sso", "forget-account", "--tenant", tenantId, "--admin", "nobody@a.example")).toMatchObject({
      code: 2,
      json: { error: expect.stringMatching(/is not an admin of tenant/) },
    });
    const events = await prepared<{ actorName: string }>(db, `select actor_name as "actorName" from audit_events where target_id = ? and action = ?`).all(
      admin.id,
      "admin.sso_account_forgotten",
    );
    expect(events).toEqual([{ actorName: "roster cli" }]);
  });
});
