import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod/mini";
import { getWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { WEBHOOK_EVENT_TYPES } from "@/db/schema/webhook-constants";
import type { AnyEndpoint, Principal } from "@/lib/api/endpoint";
import { isApiError } from "@/lib/api/errors";
import { createWebhookRequest, deliveryLogQuery, updateWebhookRequest, webhookContracts, webhookEndpoint } from "@/lib/contracts/webhooks";
import type { ApiRequest } from "@/lib/http/types";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { WEBHOOK_ENDPOINTS } from "./endpoints/webhooks";
import { decodeDeliveryCursor, encodeDeliveryCursor } from "./webhooks";

// The console's webhook endpoints as their handlers see a request: the server's own setting, with
// private addresses refused (the e2e server allows them for its loopback receivers, so this is the
// place that shows the refusal an admin gets).
process.env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = "false";

const PUBLIC_URL = "https://93.184.216.34/hooks";

describe("the console's webhook contracts", () => {
  it("takes a URL, an optional description, and event types or null for all of them", () => {
    expect(z.parse(createWebhookRequest, { url: "  https://hooks.example.com/in " })).toEqual({
      url: "https://hooks.example.com/in",
      description: null,
      events: null,
    });
    expect(z.parse(createWebhookRequest, { url: PUBLIC_URL, description: "  ", events: ["user.created"] })).toMatchObject({ description: null });
    const unknown = z.safeParse(createWebhookRequest, { url: PUBLIC_URL, events: ["user.created", "user.deleted"] });
    expect(unknown.success).toBe(false);
    for (const type of WEBHOOK_EVENT_TYPES) expect(unknown.error!.issues[0]!.message).toContain(type);
    expect(z.safeParse(createWebhookRequest, { url: PUBLIC_URL, events: [] }).error!.issues[0]!.message).toMatch(/at least one event type/);
    expect(z.safeParse(createWebhookRequest, { url: " " }).error!.issues[0]!.message).toBe("url is required");
  });

  it("changes at least one thing, and reads only cursors the log answered", () => {
    expect(z.safeParse(updateWebhookRequest, {}).success).toBe(false);
    expect(z.parse(updateWebhookRequest, { enabled: false })).toEqual({ enabled: false });
    expect(z.parse(updateWebhookRequest, { description: "" })).toEqual({ description: null });
    const cursor = encodeDeliveryCursor({ createdAt: 1_700_000_000_123, id: 42 });
    expect(decodeDeliveryCursor(z.parse(deliveryLogQuery, { cursor }).cursor!)).toEqual({ createdAt: 1_700_000_000_123, id: 42 });
    expect(z.safeParse(deliveryLogQuery, { cursor: "1;drop" }).success).toBe(false);
    expect(z.safeParse(deliveryLogQuery, { size: "101" }).success).toBe(false);
  });
});

describe("the console's webhook endpoints", () => {
  const db = createTestDb();
  let admin: Principal;
  let other: Principal;

  const principalOf = async (tenantId: string): Promise<Principal> => {
    const made = await makeAdminWithToken(db, tenantId);
    const principal = {
      tokenId: made.tokenId,
      tenantId,
      role: "admin" as const,
      scopes: [],
      adminId: made.admin.id,
      userId: made.user.id,
      userName: made.user.name,
    };
    return { ...principal, actor: { type: "admin", id: made.admin.id, name: made.user.name } };
  };

  beforeAll(async () => {
    admin = await principalOf((await makeTenant(db)).id);
    other = await principalOf((await makeTenant(db)).id);
  });

  const endpointNamed = (operationId: string) => WEBHOOK_ENDPOINTS.find((endpoint) => endpoint.operationId === operationId)!;
  /** Runs a handler as the pipeline does once auth, policy and parsing have passed. */
  async function call(operationId: string, principal: Principal, input: { params?: unknown; body?: unknown; query?: unknown } = {}) {
    const endpoint: AnyEndpoint = endpointNamed(operationId);
    const parse = (schema: z.core.$ZodType | undefined, value: unknown) => (schema ? z.parse(schema, value ?? {}) : undefined);
    return endpoint.handler({
      db,
      principal,
      params: parse(endpoint.params, input.params),
      query: parse(endpoint.query, input.query),
      body: parse(endpoint.body, input.body),
      request: {} as ApiRequest,
      requestId: randomUUID(),
      authorize: () => undefined,
    });
  }
  async function refusal(operationId: string, principal: Principal, input: { params?: unknown; body?: unknown }) {
    try {
      await call(operationId, principal, input);
    } catch (error) {
      if (isApiError(error)) return { kind: error.kind, status: error.status, message: error.message, details: error.options.details };
      throw error;
    }
    throw new Error(`${operationId} did not refuse`);
  }

  it("refuses a loopback, private or metadata address with a 400 that says why, and creates nothing", async () => {
    for (const url of ["http://127.0.0.1:8080/hooks", "http://10.0.0.5/in", "http://169.254.169.254/latest/meta-data", "http://[::ffff:192.168.1.1]/"]) {
      const refused = await refusal("consoleCreateWebhook", admin, { body: { url } });
      expect(refused).toMatchObject({
        kind: "invalid_input",
        status: 400,
        message: expect.stringMatching(/^Webhooks are not sent to private or reserved addresses/),
      });
      expect(refused.details).toEqual({ url: refused.message });
    }
    expect(await refusal("consoleCreateWebhook", admin, { body: { url: "gopher://hooks.example.com/" } })).toMatchObject({
      message: "The URL must start with https:// or http://.",
    });
    const listed = (await call("consoleListWebhooks", admin)) as { data: { data: unknown[] } };
    expect(listed.data.data).toEqual([]);
  });

  it("creates an endpoint at a public address, answering its secret once; the list and the endpoint never carry it", async () => {
    const created = (await call("consoleCreateWebhook", admin, { body: { url: PUBLIC_URL, events: ["user.deactivated"] } })) as {
      data: { data: { id: string; secret: string } };
    };
    const answer = z.parse(webhookContracts.create.response.schema, created.data).data;
    expect(answer).toMatchObject({ url: PUBLIC_URL, events: ["user.deactivated"], enabled: true, createdBy: { id: admin.adminId } });
    expect(answer.secret).toMatch(/^whsec_/);
    expect((await getWebhookEndpoint(db, admin.tenantId, answer.id))!.secret).toBe(answer.secret);

    const got = (await call("consoleGetWebhook", admin, { params: { id: answer.id } })) as { data: { data: unknown } };
    expect(Object.keys(got.data.data as object).sort()).toEqual(Object.keys(webhookEndpoint.shape).sort());
    const listed = (await call("consoleListWebhooks", admin)) as { data: { data: unknown[] } };
    expect(JSON.stringify(listed.data)).not.toContain(answer.secret.slice("whsec_".length));

    // A new URL goes through the same guard.
    expect(await refusal("consoleUpdateWebhook", admin, { params: { id: answer.id }, body: { url: "http://192.168.0.10/" } })).toMatchObject({ status: 400 });
    expect((await getWebhookEndpoint(db, admin.tenantId, answer.id))!.url).toBe(PUBLIC_URL);

    // Another tenant's admin finds nothing to read or change.
    for (const operationId of ["consoleGetWebhook", "consoleUpdateWebhook", "consoleDeleteWebhook", "consoleRotateWebhookSecret", "consoleSendWebhookTest"]) {
      const refused = await refusal(operationId, other, { params: { id: answer.id }, body: { enabled: false } });
      expect(refused, operationId).toMatchObject({ kind: "not_found", status: 404 });
    }
    expect(await refusal("consoleListWebhookDeliveries", other, { params: { id: answer.id } })).toMatchObject({ status: 404 });
    expect(await refusal("consoleRedeliverWebhookDelivery", other, { params: { id: answer.id, deliveryId: "1" } })).toMatchObject({ status: 404 });
    expect((await getWebhookEndpoint(db, admin.tenantId, answer.id))!.enabled).toBe(true);
  });
});
