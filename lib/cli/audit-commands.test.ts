import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseUrl, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { recordAuditEvents } from "@/db/queries/audit";
import { cliRunner } from "@/test/cli";
import { tempDatabaseFile, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { throwawayPostgres } from "@/test/postgres";

// `audit verify` and `audit checkpoint` against a database of this file's own, on whichever database the suite runs.
const url = TEST_DIALECT === "postgres" ? throwawayPostgres("audit_cli") : `file:${tempDatabaseFile("audit-cli")}`;
const pem = (key: { export(options: { type: "pkcs8" | "spki"; format: "pem" }): string | Buffer }, type: "pkcs8" | "spki") =>
  String(key.export({ type, format: "pem" }));
const signing = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const SIGNING_KEY = pem(signing.privateKey, "pkcs8");
const keyFile = (name: string, text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "roster-audit-key-")), name);
  fs.writeFileSync(file, text);
  return file;
};

const withKey = cliRunner({ DATABASE_URL: url, AUDIT_SIGNING_KEY: SIGNING_KEY.replaceAll("\n", "\\n") });
const withoutKey = cliRunner({ DATABASE_URL: url });

type Report = {
  tenantId: string;
  events: number;
  checkpoints: number;
  signaturesChecked: boolean;
  firstBreak: { kind: string; seq: number; eventId: string } | null;
};

describe("roster audit", () => {
  let db: Db;
  beforeAll(async () => {
    expect((await withoutKey.cliJson("migrate")).code).toBe(0);
    db = openDatabaseUrl(url, { max: 1 });
  });
  afterAll(() => db?.close());

  async function tenantWithEvents(count: number) {
    const tenant = await makeTenant(db);
    const events = await recordAuditEvents(
      db,
      Array.from({ length: count }, (_, n) => ({ tenantId: tenant.id, actorType: "system" as const, action: "test.audit-cli", outcome: "ok", details: { n } })),
    );
    return { tenantId: tenant.id, events };
  }
  const verify = async (tenantId: string, runner = withKey, ...extra: string[]) => {
    const result = await runner.cliJson("audit", "verify", "--tenant", tenantId, ...extra);
    return { ...result, report: (result.json.tenants as Report[])[0]! };
  };

  it("signs checkpoints and verifies an intact chain and their signatures (exit 0)", async () => {
    const { tenantId } = await tenantWithEvents(5);
    expect((await withKey.cliJson("audit", "checkpoint", "--tenant", tenantId)).json).toEqual({ ok: true, checkpoints: 1 });
    // Nothing moved since: no second checkpoint.
    expect((await withKey.cliJson("audit", "checkpoint", "--tenant", tenantId)).json).toEqual({ ok: true, checkpoints: 0 });
    const { code, report } = await verify(tenantId);
    expect(code).toBe(0);
    expect(report).toMatchObject({ events: 5, checkpoints: 1, signaturesChecked: true, firstBreak: null });
    const text = await withKey.cli("audit", "verify", "--tenant", tenantId);
    expect(text.stdout).toMatch(/^ok {6}.*: 5 events chained, 1 checkpoint\(s\), signatures valid$/m);
    // An auditor holding only the public key gets the same verdict; another key's is refused.
    expect((await verify(tenantId, withoutKey, "--public-key", keyFile("public.pem", pem(signing.publicKey, "spki")))).report.firstBreak).toBeNull();
    const wrongKey = await verify(tenantId, withoutKey, "--public-key", keyFile("other.pem", pem(other.publicKey, "spki")));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.report.firstBreak).toMatchObject({ kind: "checkpoint", seq: 5 });
  });

  it("fails naming an event edited directly in the database", async () => {
    const { tenantId, events } = await tenantWithEvents(4);
    await prepared(db, "update audit_events set outcome = 'failed' where id = ?").run(events[1]!.id);
    const { code, report } = await verify(tenantId);
    expect(code).toBe(1);
    expect(report.firstBreak).toMatchObject({ kind: "changed", seq: 2, eventId: events[1]!.id });
    const text = await withKey.cli("audit", "verify", "--tenant", tenantId);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`BROKEN  `);
    expect(text.stdout).toContain(`event ${events[1]!.id} (#2, test.audit-cli) was changed`);
  });

  it("fails naming the place of an event deleted from the database", async () => {
    const { tenantId, events } = await tenantWithEvents(4);
    await prepared(db, "delete from audit_events where id = ?").run(events[2]!.id);
    const { code, report } = await verify(tenantId);
    expect(code).toBe(1);
    expect(report.firstBreak).toMatchObject({ kind: "missing", seq: 3 });
    expect((await withKey.cli("audit", "verify", "--tenant", tenantId)).stdout).toContain("event #3 is missing (deleted)");
  });

  it("refuses a checkpoint without a key, a bad key file and an unknown tenant, as usage errors", async () => {
    const { tenantId } = await tenantWithEvents(1);
    expect(await withoutKey.cliJson("audit", "checkpoint", "--tenant", tenantId)).toMatchObject({
      code: 2,
      json: { ok: false, error: expect.stringMatching(/AUDIT_SIGNING_KEY is not set/) },
    });
    expect((await withoutKey.cliJson("audit", "verify", "--tenant", tenantId, "--public-key", "/nonexistent/key.pem")).json.error).toMatch(/cannot read/);
    expect((await withoutKey.cliJson("audit", "verify", "--tenant", "6f0c0a8e-0000-4000-8000-000000000000")).json.error).toMatch(/no tenant with id/);
    const badKey = cliRunner({ DATABASE_URL: url, AUDIT_SIGNING_KEY: pem(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey, "pkcs8") });
    expect((await badKey.cliJson("audit", "verify")).json.error).toMatch(/AUDIT_SIGNING_KEY.*Ed25519/);
  });
});
