import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { recordAuditEvent } from "@/db/queries/audit";
import { auditCheckpointsOf } from "@/db/queries/audit-chain-walk";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { startCheckpointer, writeCheckpoints, type SignedPositions } from "./checkpoints";
import { parseExportedCheckpoints } from "./exported-checkpoints";
import { checkpointKey, checkpointSignatureValid, signCheckpoint } from "./signing";
import { appendEvents, cutBackTo, deleteCheckpointsAfter, rewriteFrom } from "./tampering.test-support";
import { verifyAuditLog } from "./verify";

const key = checkpointKey(String(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" })));

/** The process's logger, writing into `lines` (lib/observability/log.ts keeps it on globalThis). */
const holder = globalThis as unknown as { rosterLogger?: Logger };
function captureLog(): string[] {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(...String(chunk).trim().split("\n")), done()) });
  holder.rosterLogger = pino({ base: { service: "roster" }, formatters: { level: (label) => ({ level: label }) } }, sink);
  return lines;
}

describe("the server's checkpointer", () => {
  const db = createTestDb();
  const realLogger = holder.rosterLogger;
  afterEach(() => void (holder.rosterLogger = realLogger));

  it("signs the head of each chain that moved, every interval, and only those", async () => {
    captureLog();
    const tenant = await makeTenant(db);
    const event = (n: number) => recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: `test.checkpoint.${n}`, outcome: "ok" });
    await event(1);
    await event(2);
    const checkpointer = startCheckpointer(db, key, 40);
    try {
      await expect.poll(async () => (await auditCheckpointsOf(db, tenant.id)).map((c) => Number(c.seq)), { timeout: 5_000 }).toEqual([2]);
      await event(3);
      await expect.poll(async () => (await auditCheckpointsOf(db, tenant.id)).map((c) => Number(c.seq)), { timeout: 5_000 }).toEqual([2, 3]);
    } finally {
      await checkpointer.stop();
    }
    const [first] = await auditCheckpointsOf(db, tenant.id);
    expect(first!.keyId).toBe(key.keyId);
    expect(checkpointSignatureValid(key.publicKey, { tenantId: tenant.id, seq: 2, hash: first!.hash }, first!.signature)).toBe(true);
    expect(checkpointSignatureValid(key.publicKey, { tenantId: tenant.id, seq: 3, hash: first!.hash }, first!.signature)).toBe(false);
    const [report] = await verifyAuditLog(db, { tenantId: tenant.id, publicKeys: [key.publicKey] });
    expect(report).toMatchObject({ events: 3, checkpoints: 2, signaturesChecked: true, firstBreak: null });
  });

  it("logs each checkpoint it stores as one line, which verification takes as an exported checkpoint", async () => {
    const lines = captureLog();
    const tenant = await makeTenant(db);
    await appendEvents(db, tenant.id, 2);
    const checkpointer = startCheckpointer(db, key, 40);
    try {
      await expect.poll(() => lines.filter((line) => line.includes('"audit checkpoint"')).length, { timeout: 5_000 }).toBe(1);
    } finally {
      await checkpointer.stop();
    }
    const [stored] = await auditCheckpointsOf(db, tenant.id);
    const line = JSON.parse(lines.find((text) => text.includes('"audit checkpoint"'))!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "info",
      msg: "audit checkpoint",
      tenantId: tenant.id,
      seq: 2,
      hash: stored!.hash,
      keyId: key.keyId,
      signature: stored!.signature,
    });
    const exported = parseExportedCheckpoints(lines.join("\n")).filter((checkpoint) => checkpoint.tenantId === tenant.id);
    expect(exported).toEqual([{ tenantId: tenant.id, seq: 2, hash: stored!.hash, keyId: key.keyId, signature: stored!.signature }]);
    // Its row deleted, the logged checkpoint still holds the chain to it.
    await deleteCheckpointsAfter(db, tenant.id, 0);
    await cutBackTo(db, tenant.id, 1);
    const [report] = await verifyAuditLog(db, { tenantId: tenant.id, publicKeys: [key.publicKey], exported });
    expect(report!.firstBreak).toMatchObject({
      kind: "truncated",
      seq: 2,
      message: expect.stringMatching(/^exported checkpoint #2 not matched: the chain ends at #1/),
    });
  });

  it("refuses to sign a chain changed since its newest checkpoint, and logs the break", async () => {
    const lines = captureLog();
    const edited = await makeTenant(db);
    const rewritten = await makeTenant(db);
    const counterfeit = await makeTenant(db);
    for (const tenant of [edited, rewritten, counterfeit]) await appendEvents(db, tenant.id, 5);
    await writeCheckpoints(db, key);
    for (const tenant of [edited, rewritten, counterfeit]) await appendEvents(db, tenant.id, 3);
    // An event after the checkpoint edited in place; the chain rewritten from before the checkpoint
    // (its row kept); a checkpoint row naming the server's key but not signed with it.
    await prepared(db, "update audit_events set actor_name = 'forged' where tenant_id = ? and chain_seq = 7").run(edited.id);
    await rewriteFrom(db, rewritten.id, 4);
    const fake = { tenantId: counterfeit.id, seq: 8, hash: "0".repeat(64) };
    await prepared(db, "insert into audit_checkpoints (tenant_id, seq, hash, key_id, signature, created_at) values (?, ?, ?, ?, ?, ?)").run(
      counterfeit.id,
      6,
      "f".repeat(64),
      key.keyId,
      signCheckpoint(key, fake),
      1,
    );
    await appendEvents(db, counterfeit.id, 1);
    const run = await writeCheckpoints(db, key);
    for (const tenant of [edited, rewritten]) expect((await auditCheckpointsOf(db, tenant.id)).map((c) => Number(c.seq))).toEqual([5]);
    const refusedOf = (tenantId: string) => run.refused.find((refusal) => refusal.tenantId === tenantId)?.firstBreak;
    expect(refusedOf(edited.id)).toMatchObject({ kind: "changed", seq: 7 });
    expect(refusedOf(rewritten.id)).toMatchObject({ kind: "checkpoint", seq: 5 });
    expect(refusedOf(counterfeit.id)).toMatchObject({ kind: "checkpoint", seq: 6, message: expect.stringMatching(/does not carry its signature/) });
    expect(run.signed.filter((checkpoint) => [edited.id, rewritten.id, counterfeit.id].includes(checkpoint.tenantId))).toEqual([]);
    // The server's checkpointer logs the refusal.
    await appendEvents(db, edited.id, 1);
    const checkpointer = startCheckpointer(db, key, 40);
    try {
      await expect.poll(() => lines.some((line) => line.includes(edited.id) && line.includes("audit checkpoint refused")), { timeout: 5_000 }).toBe(true);
    } finally {
      await checkpointer.stop();
    }
    expect(JSON.parse(lines.find((line) => line.includes(edited.id))!)).toMatchObject({ level: "error", break: { kind: "changed", seq: 7 } });
  });

  it("refuses to sign after a checkpoint it signed was deleted and the chain rewritten or cut back behind it", async () => {
    const signedBefore: SignedPositions = new Map();
    const rewritten = await makeTenant(db);
    const cut = await makeTenant(db);
    for (const tenant of [rewritten, cut]) {
      await appendEvents(db, tenant.id, 5);
      await writeCheckpoints(db, key, { tenantId: tenant.id, signedBefore });
      await appendEvents(db, tenant.id, 5);
      await writeCheckpoints(db, key, { tenantId: tenant.id, signedBefore });
      await deleteCheckpointsAfter(db, tenant.id, 5);
    }
    await rewriteFrom(db, rewritten.id, 7);
    await cutBackTo(db, cut.id, 7);
    const run = await writeCheckpoints(db, key, { signedBefore });
    for (const tenant of [rewritten, cut]) expect((await auditCheckpointsOf(db, tenant.id)).map((c) => Number(c.seq))).toEqual([5]);
    for (const tenant of [rewritten, cut])
      expect(run.refused.find((refusal) => refusal.tenantId === tenant.id)?.firstBreak).toMatchObject({
        kind: "checkpoint",
        seq: 10,
        message: "the checkpoint this server signed at #10 is no longer stored: it was deleted",
      });
    expect(run.signed).toEqual([]);
  });
});
