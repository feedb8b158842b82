import { z } from "zod";
import type { Db } from "@/db/client";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/db/schema/webhook-constants";
import { WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX } from "@/lib/contracts/webhooks";
import { readWebhookEndpoints } from "@/lib/console/webhooks";
import type { Env } from "@/lib/env";
import { parseWebhookUrl } from "@/lib/webhooks/address-guard";
import { createCheckedWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { parseArgsWith, UsageError, uuid } from "./args";
import { CLI_ACTOR, requireTenant, type CommandResult, type Flags } from "./command";

// `webhook create|list`: a tenant's webhook endpoints (docs/decisions/0018), the same ones the
// console's Webhooks page manages. The secret is printed once, at creation.

const isEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

const eventList = z
  .string()
  .transform((text) => [
    ...new Set(
      text
        .split(",")
        .map((type) => type.trim())
        .filter(Boolean),
    ),
  ])
  .superRefine((types, ctx) => {
    if (types.length === 0) ctx.addIssue({ code: "custom", message: `--events must name at least one event type; known: ${WEBHOOK_EVENT_TYPES.join(", ")}` });
    const unknown = types.filter((type) => !isEventType(type));
    if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `unknown event type(s) ${unknown.join(", ")}; known: ${WEBHOOK_EVENT_TYPES.join(", ")}` });
  })
  .transform((types) => types.filter(isEventType));

export const webhookCreateArgs = z.object({
  tenant: uuid("--tenant"),
  url: z
    .string({ error: (issue) => (issue.input === undefined ? "--url is required" : "--url is invalid") })
    .trim()
    .min(1, "--url must not be empty")
    .max(WEBHOOK_URL_MAX, `--url is at most ${WEBHOOK_URL_MAX} characters`),
  // Absent: every event type, including types added later.
  events: eventList.optional(),
  description: z.string().trim().max(WEBHOOK_DESCRIPTION_MAX, `--description is at most ${WEBHOOK_DESCRIPTION_MAX} characters`).optional(),
});

export const webhookListArgs = z.object({ tenant: uuid("--tenant") });

export async function webhookCreateCommand(db: Db, flags: Flags, env: Pick<Env, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES">): Promise<CommandResult> {
  const args = parseArgsWith(webhookCreateArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const result = await createCheckedWebhookEndpoint(
    db,
    { tenantId: tenant.id, url: args.url, description: args.description || null, events: args.events ?? null, actor: CLI_ACTOR },
    { allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES },
  );
  if ("refused" in result) {
    // A well-formed URL refused is refused for its address: say how development setups allow it.
    const hint = parseWebhookUrl(args.url).ok ? " Loopback and private addresses are allowed only with WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true." : "";
    throw new UsageError(`--url ${args.url}: ${result.refused}${hint}`);
  }
  const { endpoint } = result;
  return {
    json: { ok: true, id: endpoint.id, secret: endpoint.secret, url: endpoint.url, events: endpoint.events },
    text: [
      `Webhook endpoint ${endpoint.id} of tenant ${tenant.name}: ${endpoint.url}`,
      `Events: ${endpoint.events ? endpoint.events.join(", ") : "all (including types added later)"}`,
      `Signing secret (shown once, store it now): ${endpoint.secret}`,
      "Verify each delivery's webhook-signature with it (Standard Webhooks, e.g. the standardwebhooks package).",
    ],
  };
}

export async function webhookListCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(webhookListArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const endpoints = await readWebhookEndpoints(db, tenant.id);
  return {
    json: { ok: true, endpoints },
    text: endpoints.length
      ? endpoints.map(
          (e) =>
            `${e.id}  ${(e.enabled ? "enabled" : "disabled").padEnd(8)}  ${e.url}  events: ${e.events ? e.events.join(",") : "all"}  ` +
            `pending ${e.stats.pending}, failed ${e.stats.failed}, last delivered ${e.stats.lastDeliveredAt ?? "never"}`,
        )
      : [`Tenant ${tenant.name} has no webhook endpoints. Create one: npm run roster -- webhook create --tenant ${tenant.id} --url URL`],
  };
}
