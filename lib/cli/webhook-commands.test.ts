import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseUrl, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { getWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { WEBHOOK_EVENT_TYPES } from "@/db/schema/webhook-constants";
import { tempDatabaseFile, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { cliRunner } from "@/test/cli";
import { throwawayPostgres } from "@/test/postgres";

// The `webhook` commands against a database of this file's own, on whichever database the suite runs.
const url = TEST_DIALECT === "postgres" ? throwawayPostgres("webhook_cli") : `file:${tempDatabaseFile("webhook-cli")}`;
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
// A public address written out: no DNS lookup, so the address guard's verdict does not depend on the network.
const PUBLIC_URL = "https://93.184.216.34/hooks/roster";

const { cli, cliJson, expectRefused } = cliRunner({ DATABASE_URL: url });

describe("roster webhook", () => {
  let db: Db;
  let tenantId = "";

  beforeAll(async () => {
    expect((await cliJson("migrate")).code).toBe(0);
    db = openDatabaseUrl(url, { max: 1 });
    tenantId = (await makeTenant(db)).id;
  });
  afterAll(() => db?.close());

  const endpointCount = async () => (await prepared<{ n: number }>(db, `select count(*) as n from webhook_endpoints`).get())!.n;
  const create = (...extra: string[]) => cliJson("webhook", "create", "--tenant", tenantId, ...extra);

  it("creates an endpoint for every event type and prints its id and secret, the secret it signs with", async () => {
    const { code, json, stderr } = await create("--url", PUBLIC_URL);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(json).toEqual({ ok: true, id: expect.any(String), secret: expect.stringMatching(SECRET), url: PUBLIC_URL, events: null });
    expect(Buffer.from((json.secret as string).slice("whsec_".length), "base64")).toHaveLength(32);
    const stored = await getWebhookEndpoint(db, tenantId, json.id as string);
    expect(stored).toMatchObject({ url: PUBLIC_URL, events: null, enabled: true, secret: json.secret, createdBy: null });
    const audit = await prepared<{ actorType: string; actorName: string; details: string }>(
      db,
      `select actor_type as "actorType", actor_name as "actorName", details from audit_events where action = 'webhook.created' and target_id = ?`,
    ).all(json.id as string);
    expect(audit).toEqual([{ actorType: "system", actorName: "roster cli", details: expect.any(String) }]);
    expect(audit[0]!.details).not.toContain((json.secret as string).slice(6));
  });

  it("subscribes to the event types named, and tells a person the secret is shown once", async () => {
    const { json } = await create("--url", PUBLIC_URL, "--events", "user.deactivated, token.revoked,user.deactivated", "--description", "SIEM");
    expect(json).toMatchObject({ ok: true, events: ["user.deactivated", "token.revoked"] });
    expect(await getWebhookEndpoint(db, tenantId, json.id as string)).toMatchObject({ events: ["user.deactivated", "token.revoked"], description: "SIEM" });

    const text = await cli("webhook", "create", "--tenant", tenantId, "--url", PUBLIC_URL, "--events", "user.created");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Signing secret \(shown once, store it now\): whsec_\S+/);
    expect(text.stdout).toContain("Events: user.created");
  });

  it("refuses loopback and private addresses unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true", async () => {
    const before = await endpointCount();
    for (const target of ["http://127.0.0.1:8080/hooks", "http://10.1.2.3/hooks", "http://[::1]/hooks", "http://169.254.169.254/latest"]) {
      const refused = await create("--url", target);
      expect(refused).toMatchObject({
        code: 2,
        json: { ok: false, error: expect.stringMatching(/^--url \S+: Webhooks are not sent to private or reserved addresses/) },
      });
      expect(refused.json.error).toContain("WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true");
    }
    expect(await endpointCount()).toBe(before);

    const allowPrivate = cliRunner({ DATABASE_URL: url, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "true" });
    const allowed = await allowPrivate.cliJson("webhook", "create", "--tenant", tenantId, "--url", "http://127.0.0.1:8080/hooks");
    expect(allowed).toMatchObject({ code: 0, json: { ok: true, url: "http://127.0.0.1:8080/hooks" } });
  });

  it("lists the tenant's endpoints with their delivery counts, never their secrets", async () => {
    const listed = await cliJson("webhook", "list", "--tenant", tenantId);
    expect(listed.code).toBe(0);
    const endpoints = listed.json.endpoints as { url: string; events: string[] | null; stats: Record<string, unknown> }[];
    expect(endpoints).toHaveLength(await endpointCount());
    expect(endpoints[0]).toMatchObject({ url: "http://127.0.0.1:8080/hooks", events: null, stats: { pending: 0, failed: 0, lastDeliveredAt: null } });
    expect(JSON.stringify(listed.json)).not.toMatch(/whsec_|secret/);
    const text = await cli("webhook", "list", "--tenant", tenantId);
    expect(text.stdout).toMatch(/^\S+ {2}enabled {3}http:\/\/127\.0\.0\.1:8080\/hooks {2}events: all {2}pending 0, failed 0, last delivered never$/m);

    const empty = (await makeTenant(db)).id;
    expect((await cli("webhook", "list", "--tenant", empty)).stdout).toMatch(/has no webhook endpoints/);
  });

  it.each([
    [["webhook", "create", "--tenant", "@TENANT"], /--url is required/],
    [["webhook", "create", "--url", PUBLIC_URL], /--tenant is required/],
    [["webhook", "create", "--tenant", "00000000-0000-4000-8000-000000000000", "--url", PUBLIC_URL], /no tenant with id 00000000-0000-4000-8000-000000000000/],
    [
      ["webhook", "create", "--tenant", "@TENANT", "--url", "ftp://files.example.com/in"],
      /--url ftp:\/\/files\.example\.com\/in: The URL must start with https:\/\/ or http:\/\/\.$/m,
    ],
    [["webhook", "create", "--tenant", "@TENANT", "--url", "not a url"], /--url not a url: The URL is not valid\.$/m],
    [["webhook", "create", "--tenant", "@TENANT", "--url", "https://user:pw@93.184.216.34/"], /must not contain a user name or password/],
    [
      ["webhook", "create", "--tenant", "@TENANT", "--url", PUBLIC_URL, "--events", "user.created,user.deleted"],
      /unknown event type\(s\) user\.deleted; known: /,
    ],
    [["webhook", "create", "--tenant", "@TENANT", "--url", PUBLIC_URL, "--events", " , "], /--events must name at least one event type/],
    [["webhook", "create", "--tenant", "@TENANT", "--url", PUBLIC_URL, "--scopes", "users:read"], /--scopes is not an option of webhook create/],
    [["webhook", "create", "extra", "--tenant", "@TENANT", "--url", PUBLIC_URL], /unexpected argument "extra"/],
    [["webhook", "list"], /--tenant is required/],
    [["webhook"], /unknown command "webhook"/],
  ])("refuses %j with one line, exit 2 and no change", (argv, message) =>
    expectRefused(
      argv.map((a) => (a === "@TENANT" ? tenantId : a)),
      message,
      endpointCount,
    ),
  );

  it("names every valid event type when one is unknown", async () => {
    const refused = await create("--url", PUBLIC_URL, "--events", "user.exploded");
    for (const type of WEBHOOK_EVENT_TYPES) expect(refused.json.error).toContain(type);
  });
});
