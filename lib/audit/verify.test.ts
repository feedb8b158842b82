import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { auditCheckpointsOf } from "@/db/queries/audit-chain-walk";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { writeCheckpoints } from "./checkpoints";
import type { ExportedCheckpoint } from "./exported-checkpoints";
import { checkpointKey } from "./signing";
import { appendEvents, cutBackTo, deleteCheckpointsAfter, rewriteFrom } from "./tampering.test-support";
import { verifyAuditLog } from "./verify";

const newKey = () => checkpointKey(String(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" })));
const key = newKey();

/** Runs `work` past the audit tables' foreign keys to tenants, as someone with the database can (PostgreSQL: dropped, then added back unchecked). */
async function withoutForeignKeys(db: Db, work: () => Promise<unknown>) {
  if (TEST_DIALECT === "sqlite") {
    await db.exec("pragma foreign_keys = off");
    await work().finally(() => db.exec("pragma foreign_keys = on"));
    return;
  }
  const keys = await prepared<{ tbl: string; name: string; definition: string }>(
    db,
    `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
      where contype = 'f' and confrelid = 'tenants'::regclass and conrelid::regclass::text like 'audit%'`,
  ).all();
  await db.transaction(async () => {
    for (const key of keys) await db.exec(`alter table ${key.tbl} drop constraint ${key.name}`);
    await work();
    for (const key of keys) await db.exec(`alter table ${key.tbl} add constraint ${key.name} ${key.definition} not valid`);
  });
}

/** A tenant with events 1–10 and checkpoints at #5 and #10, and a copy of them kept elsewhere. */
async function signedChain(db: Db) {
  const tenant = await makeTenant(db);
  for (let round = 0; round < 2; round++) {
    await appendEvents(db, tenant.id, 5);
    await writeCheckpoints(db, key, { tenantId: tenant.id });
  }
  const exported: ExportedCheckpoint[] = (await auditCheckpointsOf(db, tenant.id)).map(({ tenantId, seq, hash, keyId, signature }) => ({
    tenantId,
    seq: Number(seq),
    hash,
    keyId,
    signature,
  }));
  return { tenantId: tenant.id, exported };
}

describe("verifying the audit log", () => {
  const db = createTestDb();
  const verify = async (tenantId: string, options: Parameters<typeof verifyAuditLog>[1] = {}) =>
    (await verifyAuditLog(db, { tenantId, publicKeys: [key.publicKey], ...options }))[0]!;

  it("requires each exported checkpoint: a chain rewritten after it, its row deleted, is broken", async () => {
    const { tenantId, exported } = await signedChain(db);
    expect(await verify(tenantId, { exported })).toMatchObject({ checkpoints: 2, exportedCheckpoints: 2, firstBreak: null });
    await rewriteFrom(db, tenantId, 7);
    await deleteCheckpointsAfter(db, tenantId, 6);
    // The database alone cannot tell (docs/decisions/0020, "Not covered")…
    expect((await verify(tenantId)).firstBreak).toBeNull();
    // …the checkpoints kept elsewhere can.
    expect((await verify(tenantId, { exported })).firstBreak).toMatchObject({
      kind: "checkpoint",
      seq: 10,
      message: "exported checkpoint #10 not matched: the chain up to #10 is not the one signed there: it was rewritten",
    });
  });

  it("requires each exported checkpoint: a chain cut back below it, the checkpoints after deleted, is broken", async () => {
    const { tenantId, exported } = await signedChain(db);
    await cutBackTo(db, tenantId, 7);
    await deleteCheckpointsAfter(db, tenantId, 7);
    expect((await verify(tenantId)).firstBreak).toBeNull();
    expect((await verify(tenantId, { exported })).firstBreak).toMatchObject({
      kind: "truncated",
      seq: 10,
      message: "exported checkpoint #10 not matched: the chain ends at #7, before it (its newest events were deleted)",
    });
    const forged = { ...exported[0]!, hash: exported[1]!.hash };
    expect((await verify(tenantId, { exported: [forged] })).firstBreak).toMatchObject({
      kind: "checkpoint",
      seq: 5,
      message: `the exported checkpoint at #5 does not carry a valid signature of key ${key.keyId}`,
    });
  });

  it("checks a chain whose tenant row was deleted, and one wholly deleted that exported checkpoints name", async () => {
    const rowless = await signedChain(db);
    const erased = await signedChain(db);
    await withoutForeignKeys(db, async () => {
      await prepared(db, "delete from tenants where id = ?").run(rowless.tenantId);
      for (const table of ["audit_checkpoints", "audit_chain_heads", "audit_events", "tenants"])
        await prepared(db, `delete from ${table} where ${table === "tenants" ? "id" : "tenant_id"} = ?`).run(erased.tenantId);
    });
    await prepared(db, "update audit_events set outcome = 'failed' where tenant_id = ? and chain_seq = 3").run(rowless.tenantId);
    const reports = await verifyAuditLog(db, { publicKeys: [key.publicKey], exported: erased.exported });
    expect(reports.find((report) => report.tenantId === rowless.tenantId)).toMatchObject({ tenantName: null, firstBreak: { kind: "changed", seq: 3 } });
    expect(reports.find((report) => report.tenantId === erased.tenantId)).toMatchObject({
      tenantName: null,
      events: 0,
      firstBreak: { kind: "truncated", message: expect.stringMatching(/^exported checkpoint #5 not matched: the chain ends at #0/) },
    });
  });

  it("verifies checkpoints signed before and after a key rotation with both keys, and names a key not given", async () => {
    const tenant = await makeTenant(db);
    const rotated = newKey();
    await appendEvents(db, tenant.id, 2);
    await writeCheckpoints(db, key, { tenantId: tenant.id });
    await appendEvents(db, tenant.id, 2);
    await writeCheckpoints(db, rotated, { tenantId: tenant.id });
    expect(await verify(tenant.id, { publicKeys: [rotated.publicKey, key.publicKey] })).toMatchObject({
      checkpoints: 2,
      signaturesChecked: true,
      firstBreak: null,
    });
    expect((await verify(tenant.id, { publicKeys: [rotated.publicKey] })).firstBreak).toMatchObject({
      kind: "checkpoint",
      seq: 2,
      message: `the checkpoint at #2 is signed with key ${key.keyId}, which was not given`,
    });
  });
});
