import * as z from "zod/mini";
import { isoTime, uuid } from "./common";
import { defineContract } from "./contract";

/** The SCIM identity provider a provisioning token is made for when none is named (console and CLI alike). */
export const DEFAULT_SCIM_PROVIDER_NAME = "SCIM";

export const PROVIDER_NAME_MAX = 100;
export const PROVISIONING_TOKEN_NAME_MAX = 100;

const name = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .check(z.trim(), z.minLength(1, `${field} is required`), z.maxLength(max, `${field} is at most ${max} characters`));

export const createProvisioningTokenRequest = z.object({
  name: name("name", PROVISIONING_TOKEN_NAME_MAX),
  /** The SCIM identity provider, by name: an existing one of the tenant, or a new one to create. */
  provider: z._default(name("provider", PROVIDER_NAME_MAX), DEFAULT_SCIM_PROVIDER_NAME),
});

export const scimProvider = z.object({ id: z.string(), name: z.string(), createdAt: isoTime });

/** A provisioning token as the console shows it: ISO times, never the secret or its hash. */
export const provisioningToken = z.object({
  id: z.string(),
  name: z.string(),
  providerId: z.string(),
  providerName: z.string(),
  createdAt: isoTime,
  /** The admin who made it in the console; null when it was made outside it (the CLI). */
  createdBy: z.nullable(z.object({ id: z.string(), name: z.string() })),
  lastUsedAt: z.nullable(isoTime),
  revokedAt: z.nullable(isoTime),
  status: z.enum(["active", "revoked"]),
});

/** The answer to creating a token: the only time the secret is ever sent. */
export const createdProvisioningToken = z.extend(provisioningToken, { token: z.string() });

export const provisioningOverview = z.object({ providers: z.array(scimProvider), tokens: z.array(provisioningToken) });

export const provisioningContracts = {
  overview: defineContract({
    method: "GET",
    path: "/api/console/provisioning",
    response: {
      status: 200,
      description: "The tenant's SCIM identity providers and their provisioning tokens",
      schema: z.object({ data: provisioningOverview }),
    },
  }),
  create: defineContract({
    method: "POST",
    path: "/api/console/provisioning/tokens",
    body: createProvisioningTokenRequest,
    response: { status: 201, description: "The token, with its secret", schema: z.object({ data: createdProvisioningToken }) },
  }),
  revoke: defineContract({
    method: "DELETE",
    path: "/api/console/provisioning/tokens/{id}",
    params: z.object({ id: uuid("token id") }),
    response: { status: 200, description: "The token, revoked", schema: z.object({ data: provisioningToken }) },
  }),
};
