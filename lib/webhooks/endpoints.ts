import type { Db } from "@/db/client";
import { createWebhookEndpoint, type CreateWebhookEndpointInput } from "@/db/queries/webhook-endpoints";
import type { WebhookEndpoint } from "@/db/schema";
import { serverEnv } from "@/lib/env";
import { checkWebhookUrl } from "./address-guard";
import { newWebhookSecret } from "./signing";

export type CheckedEndpointInput = Omit<CreateWebhookEndpointInput, "secret">;
export type CheckedEndpointResult = { endpoint: WebhookEndpoint } | { refused: string };

/**
 * Creates an endpoint (the console and the CLI): its URL checked by the address guard, a new
 * secret made. `refused` says what is wrong with the URL, for a 400 or a usage error; the new
 * endpoint carries its secret, to be shown once.
 */
export async function createCheckedWebhookEndpoint(
  db: Db,
  input: CheckedEndpointInput,
  options: { allowPrivateAddresses?: boolean; now?: number } = {},
): Promise<CheckedEndpointResult> {
  const check = await checkWebhookUrl(input.url, { allowPrivateAddresses: options.allowPrivateAddresses ?? serverEnv().WEBHOOK_ALLOW_PRIVATE_ADDRESSES });
  if (!check.ok) return { refused: check.reason };
  return { endpoint: await createWebhookEndpoint(db, { ...input, url: check.url.href, secret: newWebhookSecret() }, options.now) };
}
