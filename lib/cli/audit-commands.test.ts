import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseUrl, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { recordAuditEvents } from "@/db/queries/audit";
import { walkAuditChain } from "@/db/queries/audit-chain-walk";
import { parseEnv } from "@/lib/env";
import { cliRunner } from "@/test/cli";
import { tempDatabaseFile, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { throwawayPostgres } from "@/test/postgres";
import { UsageError } from "./args";
import { auditVerifyCommand } from "./audit-commands";

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
  breaks: { kind: string; seq: number | null; eventId: string | null }[];
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
    expect((await withKey.cliJson("audit", "checkpoint", "--tenant", tenantId)).json).toMatchObject({
      ok: true,
      checkpoints: 1,
      signed: [{ tenantId, seq: 5 }],
      refused: [],
    });
    // Nothing moved since: no second checkpoint.
    expect((await withKey.cliJson("audit", "checkpoint", "--tenant", tenantId)).json).toEqual({ ok: true, checkpoints: 0, signed: [], refused: [] });
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

  it("names every place a chain was worked on, not only the first: two edits and a deletion", async () => {
    const { tenantId, events } = await tenantWithEvents(8);
    await prepared(db, "update audit_events set outcome = 'failed' where id = ?").run(events[1]!.id);
    await prepared(db, "delete from audit_events where id = ?").run(events[4]!.id);
    await prepared(db, "update audit_events set actor_name = 'someone else' where id = ?").run(events[6]!.id);
    const { code, report } = await verify(tenantId);
    expect(code).toBe(1);
    expect(report.breaks.map((chainBreak) => [chainBreak.kind, chainBreak.seq])).toEqual([
      ["changed", 2],
      ["missing", 5],
      ["changed", 7],
    ]);
    const text = await withKey.cli("audit", "verify", "--tenant", tenantId);
    expect(text.stdout.split("\n").filter((line) => line.startsWith("        also: "))).toHaveLength(2);
    for (const id of [events[1]!.id, events[5]!.id, events[6]!.id]) expect(text.stdout).toContain(id);
    // The checkpointer's walk still stops at the first: it only needs to know not to sign.
    expect((await walkAuditChain(db, tenantId, [])).breaks).toBeUndefined();
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

  it("prints each checkpoint it signs as a JSON line, and signs nothing on a chain broken since the last one (exit 1)", async () => {
    const { tenantId, events } = await tenantWithEvents(3);
    const first = await withKey.cli("audit", "checkpoint", "--tenant", tenantId);
    const [stored] = await prepared<{ hash: string; signature: string }>(db, "select hash, signature from audit_checkpoints where tenant_id = ?").all(tenantId);
    expect(
      first.stdout
        .split("\n")
        .slice(1, 2)
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([expect.objectContaining({ tenantId, seq: 3, hash: stored!.hash, signature: stored!.signature })]);
    await recordAuditEvents(db, [{ tenantId, actorType: "system", action: "test.audit-cli", outcome: "ok" }]);
    await prepared(db, "update audit_events set outcome = 'failed' where id = ?").run(events[2]!.id);
    const refused = await withKey.cliJson("audit", "checkpoint", "--tenant", tenantId);
    expect(refused).toMatchObject({ code: 1, json: { ok: false, checkpoints: 0, refused: [{ tenantId, firstBreak: { kind: "changed", seq: 3 } }] } });
    expect((await withKey.cli("audit", "checkpoint", "--tenant", tenantId)).stdout).toContain(
      `NOT SIGNED  ${tenantId}: event ${events[2]!.id} (#3, test.audit-cli) was changed`,
    );
  });

  describe("verify with exported checkpoints and several keys", () => {
    const env = () => parseEnv({ DATABASE_URL: url });
    const publicKeyFile = (key: { export(options: { type: "spki"; format: "pem" }): string | Buffer }) => keyFile("public.pem", pem(key, "spki"));

    it("requires every checkpoint of --checkpoints (server log lines or bare objects, other lines skipped)", async () => {
      const { tenantId } = await tenantWithEvents(4);
      const printed = (await withKey.cli("audit", "checkpoint", "--tenant", tenantId)).stdout;
      const checkpoint = JSON.parse(printed.split("\n")[1]!) as Record<string, unknown>;
      const file = keyFile(
        "roster.log",
        [
          JSON.stringify({ level: "info", time: "2026-01-01T00:00:00.000Z", service: "roster", msg: "request", tenantId, status: 200 }),
          JSON.stringify({ level: "info", time: "2026-01-01T00:00:01.000Z", service: "roster", pid: 1, ...checkpoint, msg: "audit checkpoint" }),
          "not json at all",
          printed,
        ].join("\n"),
      );
      const flags = { tenant: tenantId, "public-key": publicKeyFile(signing.publicKey), checkpoints: file };
      const intact = await auditVerifyCommand(db, flags, env());
      expect(intact.exitCode).toBe(0);
      expect(intact.text[0]).toMatch(/: 4 events chained, 1 checkpoint\(s\), signatures valid, 2 exported checkpoint\(s\) matched$/);
      await prepared(db, "delete from audit_checkpoints where tenant_id = ?").run(tenantId);
      const events = await prepared<{ id: string }>(db, "select id from audit_events where tenant_id = ? and chain_seq = 4").all(tenantId);
      await prepared(db, "delete from audit_events where id = ?").run(events[0]!.id);
      await prepared(
        db,
        "update audit_chain_heads set seq = 3, hash = (select hash from audit_events where tenant_id = ? and chain_seq = 3) where tenant_id = ?",
      ).run(tenantId, tenantId);
      expect((await auditVerifyCommand(db, { tenant: tenantId }, env())).exitCode).toBe(0);
      const cut = await auditVerifyCommand(db, flags, env());
      expect(cut.exitCode).toBe(1);
      expect(cut.text[0]).toMatch(/^BROKEN {2}.*: exported checkpoint #4 not matched: the chain ends at #3/);
    });

    it("refuses a --checkpoints file without checkpoints, with a broken one, or without a key, as usage errors", async () => {
      const { tenantId } = await tenantWithEvents(1);
      const refusal = (flags: Record<string, string>) =>
        auditVerifyCommand(db, { tenant: tenantId, ...flags }, env()).then(
          () => null,
          (error: unknown) => error,
        );
      const key = publicKeyFile(signing.publicKey);
      expect(await refusal({ "public-key": key, checkpoints: keyFile("empty.log", '{"msg":"request"}\n') })).toMatchObject({
        message: expect.stringMatching(/holds no audit checkpoints/),
      });
      expect(await refusal({ "public-key": key, checkpoints: keyFile("bad.log", '{"msg":"audit checkpoint","tenantId":"t","seq":1}\n') })).toMatchObject({
        message: expect.stringMatching(/line 1 is not a whole audit checkpoint/),
      });
      const good = keyFile("good.log", JSON.stringify({ tenantId, seq: 1, hash: "a".repeat(64), keyId: "k", signature: "s" }));
      const keyless = await refusal({ checkpoints: good });
      expect(keyless).toBeInstanceOf(UsageError);
      expect(keyless).toMatchObject({ message: expect.stringMatching(/--checkpoints needs a key/) });
    });

    it("takes several --public-key files, each checkpoint checked with the key it names", async () => {
      const { tenantId } = await tenantWithEvents(2);
      await withKey.cli("audit", "checkpoint", "--tenant", tenantId);
      await recordAuditEvents(db, [{ tenantId, actorType: "system", action: "test.audit-cli", outcome: "ok" }]);
      const rotated = cliRunner({ DATABASE_URL: url, AUDIT_SIGNING_KEY: pem(other.privateKey, "pkcs8").replaceAll("\n", "\\n") });
      const signedWithNewKey = await rotated.cli("audit", "checkpoint", "--tenant", tenantId);
      expect(signedWithNewKey.code).toBe(0);
      const both = await auditVerifyCommand(db, { tenant: tenantId, "public-key": [publicKeyFile(other.publicKey), publicKeyFile(signing.publicKey)] }, env());
      expect(both).toMatchObject({ exitCode: 0, text: [expect.stringMatching(/2 checkpoint\(s\), signatures valid$/)] });
      // The same through the CLI's own option parsing, the exported checkpoints too.
      const log = keyFile("roster.log", signedWithNewKey.stdout);
      const keys = ["--public-key", publicKeyFile(other.publicKey), "--public-key", publicKeyFile(signing.publicKey)];
      const throughCli = await withoutKey.cli("audit", "verify", "--tenant", tenantId, ...keys, "--checkpoints", log);
      expect(throughCli.code, throughCli.stdout + throughCli.stderr).toBe(0);
      const newOnly = await rotated.cli("audit", "verify", "--tenant", tenantId);
      expect(newOnly.code).toBe(1);
      expect(newOnly.stdout).toContain("the checkpoint at #2 is signed with key");
      expect(newOnly.stdout).toContain("which was not given");
    });
  });
});
