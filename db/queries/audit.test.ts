import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { auditEvents } from "../schema";
import { recordAuditEvent } from "./audit";

describe("recordAuditEvent", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);

  it("stores the event as given, with null for the fields left out", () => {
    const event = recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: "test.stored", outcome: "ok", details: { n: 1 }, createdAt: 7 });
    expect(db.select().from(auditEvents).where(eq(auditEvents.id, event.id)).get()).toEqual({
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
    });
    expect(event).toEqual(db.select().from(auditEvents).where(eq(auditEvents.id, event.id)).get());
  });

  it("belongs to the caller's transaction, also inside a drizzle transaction callback", () => {
    expect(() =>
      db.transaction(() => {
        recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: "test.rolled-back", outcome: "ok" });
        throw new Error("the change failed");
      }),
    ).toThrow("the change failed");
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, "test.rolled-back")).all()).toEqual([]);
  });
});
