import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/db/queries/audit";
import { auditCheckpointsOf } from "@/db/queries/audit-chain-walk";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { startCheckpointer } from "./checkpoints";
import { checkpointKey, checkpointSignatureValid } from "./signing";
import { verifyAuditLog } from "./verify";

const key = checkpointKey(String(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" })));

describe("the server's checkpointer", () => {
  const db = createTestDb();

  it("signs the head of each chain that moved, every interval, and only those", async () => {
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
    const [report] = await verifyAuditLog(db, { tenantId: tenant.id, publicKey: key.publicKey });
    expect(report).toMatchObject({ events: 3, checkpoints: 2, signaturesChecked: true, firstBreak: null });
  });
});
