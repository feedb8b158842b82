import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseUrl, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { getTenant } from "@/db/queries/tenants";
import { cliRunner } from "@/test/cli";
import { tempDatabaseFile, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { throwawayPostgres } from "@/test/postgres";

// `tenant set --require-mfa` against a database of this file's own, on whichever database the suite runs.
const url = TEST_DIALECT === "postgres" ? throwawayPostgres("tenant_cli") : `file:${tempDatabaseFile("tenant-cli")}`;
const env = { DATABASE_URL: url };

const { cli, cliJson } = cliRunner(env);

describe("roster tenant set --require-mfa", () => {
  let db: Db;
  let tenantId = "";
  beforeAll(async () => {
    expect((await cliJson("migrate")).code).toBe(0);
    db = openDatabaseUrl(url, { max: 1 });
    tenantId = (await makeTenant(db, undefined, { requireMfa: true })).id;
  });
  afterAll(() => db?.close());

  const policyEvents = () =>
    prepared<{ actorType: string; actorName: string; details: string }>(
      db,
      `select actor_type as "actorType", actor_name as "actorName", details from audit_events where action = 'tenant.mfa_policy_changed' and tenant_id = ?
       order by created_at`,
    ).all(tenantId);

  it("turns the policy off and on, auditing each change with the CLI as actor; the same value again changes nothing", async () => {
    expect((await cliJson("tenant", "set", "--tenant", tenantId, "--require-mfa", "false")).json).toEqual({
      ok: true,
      tenantId,
      requireMfa: false,
      changed: true,
    });
    expect((await getTenant(db, tenantId))?.requireMfa).toBe(false);
    expect((await cliJson("tenant", "set", "--tenant", tenantId, "--require-mfa", "false")).json).toMatchObject({ changed: false });
    const text = await cli("tenant", "set", "--tenant", tenantId, "--require-mfa", "true");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("MFA is now required");
    const events = await policyEvents();
    expect(events.map((e) => ({ ...e, details: JSON.parse(e.details) as unknown }))).toEqual([
      { actorType: "system", actorName: "roster cli", details: { from: true, to: false } },
      { actorType: "system", actorName: "roster cli", details: { from: false, to: true } },
    ]);
  });

  it("refuses bad arguments with exit code 2 and writes nothing", async () => {
    const before = (await policyEvents()).length;
    for (const argv of [
      ["--tenant", tenantId, "--require-mfa", "yes"],
      ["--tenant", tenantId],
      ["--require-mfa", "false"],
      ["--tenant", "00000000-0000-4000-8000-000000000000", "--require-mfa", "false"],
      ["--tenant", tenantId, "--require-mfa", "false", "--name", "x"],
    ]) {
      const result = await cliJson("tenant", "set", ...argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.json.ok).toBe(false);
    }
    expect((await cliJson("tenant", "set", "--tenant", tenantId, "--require-mfa", "yes")).json.error).toMatch(/--require-mfa must be true or false/);
    expect((await policyEvents()).length).toBe(before);
    expect((await getTenant(db, tenantId))?.requireMfa).toBe(true);
  });

  it("sets the approval threshold and turns it off (audited from/to), alone or with --require-mfa, and refuses bad values", async () => {
    const thresholdEvents = async () =>
      (
        await prepared<{ details: string }>(
          db,
          `select details from audit_events where action = 'tenant.approval_threshold_changed' and tenant_id = ? order by created_at, id`,
        ).all(tenantId)
      ).map((e) => JSON.parse(e.details) as unknown);
    expect((await getTenant(db, tenantId))?.approvalThreshold).toBe(null);
    expect((await cliJson("tenant", "set", "--tenant", tenantId, "--approval-threshold", "250")).json).toEqual({
      ok: true,
      tenantId,
      approvalThreshold: 250,
      changed: true,
    });
    expect((await getTenant(db, tenantId))?.approvalThreshold).toBe(250);
    const text = await cli("tenant", "set", "--tenant", tenantId, "--approval-threshold", "off", "--require-mfa", "true");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("no longer need a second admin");
    expect((await getTenant(db, tenantId))?.approvalThreshold).toBe(null);
    expect(await thresholdEvents()).toEqual([
      { from: null, to: 250 },
      { from: 250, to: null },
    ]);
    for (const bad of ["0", "-3", "1.5", "lots", ""]) {
      const result = await cliJson("tenant", "set", "--tenant", tenantId, "--approval-threshold", bad);
      expect(result.code, bad).toBe(2);
      // "-3" is refused as an option rather than taken as the value.
      if (bad !== "-3") expect(result.json.error).toMatch(/--approval-threshold must be a whole number of at least 1, or off/);
    }
    expect((await thresholdEvents()).length).toBe(2);
  });

  it("sets the time zone a leaver file's dates end in, audited, and refuses an unknown zone", async () => {
    expect((await cliJson("tenant", "set", "--tenant", tenantId, "--time-zone", "Europe/Berlin")).json).toEqual({
      ok: true,
      tenantId,
      timeZone: "Europe/Berlin",
      changed: true,
    });
    expect((await getTenant(db, tenantId))?.timeZone).toBe("Europe/Berlin");
    expect((await cliJson("tenant", "set", "--tenant", tenantId, "--time-zone", "Europe/Berlin")).json).toMatchObject({ changed: false });
    const bad = await cliJson("tenant", "set", "--tenant", tenantId, "--time-zone", "Mars/Olympus");
    expect([bad.code, bad.json.error]).toEqual([2, expect.stringContaining("--time-zone Mars/Olympus is not an IANA time zone")]);
    expect((await getTenant(db, tenantId))?.timeZone).toBe("Europe/Berlin");
    const events = await prepared<{ details: string }>(db, `select details from audit_events where action = 'tenant.time_zone_changed' and tenant_id = ?`).all(
      tenantId,
    );
    expect(events.map((e) => JSON.parse(e.details) as unknown)).toEqual([{ from: "UTC", to: "Europe/Berlin" }]);
  });

  it("lists the policy with the tenants", async () => {
    const { json } = await cliJson("tenant", "list");
    expect((json.tenants as { id: string; requireMfa: boolean }[]).find((t) => t.id === tenantId)).toMatchObject({ requireMfa: true });
  });
});
