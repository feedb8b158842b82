import { describe, expect, it } from "vitest";
import { getWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { createCheckedWebhookEndpoint } from "./endpoints";

describe("createCheckedWebhookEndpoint", () => {
  const db = createTestDb();
  const actor = { type: "admin" as const, id: "admin-1", name: "Ada" };

  it("refuses a private address unless they are allowed, and gives a new endpoint its own secret", async () => {
    const tenant = await makeTenant(db);
    const input = { tenantId: tenant.id, url: "http://127.0.0.1:9999/hooks", actor };
    expect(await createCheckedWebhookEndpoint(db, input, { allowPrivateAddresses: false })).toEqual({
      refused: expect.stringContaining("private or reserved") as string,
    });
    expect(await createCheckedWebhookEndpoint(db, { ...input, url: "ftp://example.com/" }, { allowPrivateAddresses: true })).toEqual({
      refused: "The URL must start with https:// or http://.",
    });
    const created = await createCheckedWebhookEndpoint(db, input, { allowPrivateAddresses: true });
    if (!("endpoint" in created)) throw new Error(created.refused);
    expect(created.endpoint.secret).toMatch(/^whsec_/);
    expect(await getWebhookEndpoint(db, tenant.id, created.endpoint.id)).toMatchObject({ url: "http://127.0.0.1:9999/hooks", secret: created.endpoint.secret });
  });
});
