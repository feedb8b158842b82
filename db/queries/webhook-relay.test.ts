import { describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { recordAuditEvent } from "./audit";
import { createWebhookEndpoint } from "./webhook-endpoints";
import { outboxOf } from "./webhook-reads";
import { relayAuditEvents } from "./webhook-relay";

// SQLite's outbox, written from the audit log once the change commits (PostgreSQL writes it with the change).
describe.runIf(TEST_DIALECT === "sqlite")("the SQLite relay", () => {
  const db = createTestDb();
  const revoked = (tenantId: string, name: string) =>
    recordAuditEvent(db, {
      tenantId,
      actorType: "system",
      actorName: "test",
      action: "token.revoked",
      targetType: "token",
      targetId: name,
      outcome: "success",
    });

  it("turns each committed audit event into its webhook event once, in order, in batches of the limit", async () => {
    await relayAuditEvents(db);
    const tenant = await makeTenant(db);
    const quiet = await makeTenant(db);
    await createWebhookEndpoint(db, { tenantId: tenant.id, url: "https://hooks.example.test/", secret: "whsec_eA==", actor: { type: "system", name: "test" } });
    for (let i = 0; i < 5; i++) {
      await revoked(tenant.id, `t-${i}`);
      await revoked(quiet.id, `q-${i}`);
    }
    // The tenant without endpoints is skipped by the query: a batch counts only audit events that become webhook events.
    expect(await relayAuditEvents(db, 2)).toBe(2);
    expect(await relayAuditEvents(db, 2)).toBe(2);
    expect(await relayAuditEvents(db, 2)).toBe(1);
    expect(await relayAuditEvents(db, 2)).toBe(0);
    expect((await outboxOf(db, tenant.id)).map((event) => event.payload.data.id)).toEqual(["t-0", "t-1", "t-2", "t-3", "t-4"]);
    expect(await outboxOf(db, quiet.id)).toEqual([]);
  });

  it("starts at the audit events of now when its position is missing, and ignores what was there before", async () => {
    const tenant = await makeTenant(db);
    await createWebhookEndpoint(db, { tenantId: tenant.id, url: "https://hooks.example.test/", secret: "whsec_eA==", actor: { type: "system", name: "test" } });
    await revoked(tenant.id, "before");
    await prepared(db, "delete from webhook_relay").run();
    expect(await relayAuditEvents(db)).toBe(0);
    await revoked(tenant.id, "after");
    expect(await relayAuditEvents(db)).toBe(1);
    expect((await outboxOf(db, tenant.id)).map((event) => event.payload.data.id)).toEqual(["after"]);
  });
});
