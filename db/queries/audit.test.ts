import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import type { Tenant } from "../schema";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, recordAuditEvent, recordAuditEvents, type AuditEventRow } from "./audit";
import { GENESIS_HASH } from "./audit-chain";

describe("recordAuditEvent", () => {
  const db = createTestDb();
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await makeTenant(db);
  });
  const stored = async (where: string, value: string) =>
    (await prepared<AuditEventRow>(db, `select ${AUDIT_EVENT_COLUMNS} from audit_events where ${where} = ?`).all(value)).map(auditEventFromRow);

  it("stores the event as given, with null for the fields left out", async () => {
    const event = await recordAuditEvent(db, {
      tenantId: tenant.id,
      actorType: "system",
      action: "test.stored",
      outcome: "ok",
      details: { n: 1 },
      createdAt: 7,
    });
    expect(await stored("id", event.id)).toEqual([
      {
        id: event.id,
        tenantId: tenant.id,
        actorType: "system",
        actorId: null,
        actorName: null,
        action: "test.stored",
        targetType: null,
        targetId: null,
        outcome: "ok",
        requestId: null,
        details: { n: 1 },
        createdAt: 7,
        // The tenant's first event (db/queries/audit-chain.test.ts checks the chain).
        chainSeq: 1,
        prevHash: GENESIS_HASH,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(await stored("id", event.id)).toEqual([event]);
  });

  it("belongs to the caller's transaction", async () => {
    await expect(
      db.transaction(async () => {
        await recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: "test.rolled-back", outcome: "ok" });
        throw new Error("the change failed");
      }, "immediate"),
    ).rejects.toThrow("the change failed");
    expect(await stored("action", "test.rolled-back")).toEqual([]);
  });

  it("gives new events time-ordered ids (UUIDv7), each after the one before", async () => {
    const one = { tenantId: tenant.id, actorType: "system", action: "test.ordered", outcome: "ok" } as const;
    const singles = [];
    for (let i = 0; i < 20; i++) singles.push((await recordAuditEvent(db, one)).id);
    const batch = (
      await recordAuditEvents(
        db,
        Array.from({ length: 30 }, () => one),
      )
    ).map((event) => event.id);
    const ids = [...singles, ...batch];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});
