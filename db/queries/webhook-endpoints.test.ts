import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { createWebhookEndpoint, getWebhookEndpoint } from "./webhook-endpoints";

describe("webhook endpoints", () => {
  const db = createTestDb();
  const actor = { type: "admin" as const, id: "admin-1", name: "Ada" };

  it("creates an endpoint, audited without its secret, and reads it back in its tenant only", async () => {
    const tenant = await makeTenant(db);
    const other = await makeTenant(db);
    const endpoint = await createWebhookEndpoint(
      db,
      {
        tenantId: tenant.id,
        url: "https://hooks.example.test/in",
        description: "SIEM",
        events: ["user.deactivated", "user.deactivated"],
        secret: "whsec_c2VjcmV0",
        actor,
      },
      1_000,
    );
    expect(endpoint).toMatchObject({
      tenantId: tenant.id,
      url: "https://hooks.example.test/in",
      description: "SIEM",
      events: ["user.deactivated"],
      secret: "whsec_c2VjcmV0",
      enabled: true,
      disabledAt: null,
      failingSince: null,
      createdBy: { id: "admin-1", name: "Ada" },
      createdAt: 1_000,
    });
    expect(await getWebhookEndpoint(db, tenant.id, endpoint.id)).toEqual(endpoint);
    expect(await getWebhookEndpoint(db, other.id, endpoint.id)).toBeUndefined();

    const audit = await prepared<{ action: string; details: string }>(db, `select action, details from audit_events where target_id = ?`).all(endpoint.id);
    expect(audit.map((a) => a.action)).toEqual(["webhook.created"]);
    expect(JSON.parse(audit[0]!.details)).toEqual({ url: "https://hooks.example.test/in", events: ["user.deactivated"] });
    expect(audit[0]!.details).not.toContain("whsec_");
  });

  it("takes every event type when given no list", async () => {
    const tenant = await makeTenant(db);
    const endpoint = await createWebhookEndpoint(db, {
      tenantId: tenant.id,
      url: "https://hooks.example.test/",
      secret: "whsec_eA==",
      actor: { type: "system", name: "cli" },
    });
    expect(endpoint).toMatchObject({ events: null, description: null, createdBy: null });
  });
});
