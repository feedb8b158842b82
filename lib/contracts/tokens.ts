import * as z from "zod/mini";
import { uuid } from "./common";
import { defineContract } from "./contract";

/** Scopes a personal access token can carry (lib/auth/scopes.ts decides which a role may grant). */
export const SCOPES = ["mx:mxid3:user-identifiers:uuid:read", "mx:user-deactivation:write", "users:read", "identities:write"] as const;
export type Scope = (typeof SCOPES)[number];

export const TOKEN_EXPIRY_CHOICES = ["7d", "30d", "90d", "1y"] as const;
export type TokenExpiry = (typeof TOKEN_EXPIRY_CHOICES)[number];

export const createTokenRequest = z.object({
  name: z.string({ error: "name is required" }).check(z.trim(), z.minLength(1, "name is required"), z.maxLength(100, "name is at most 100 characters")),
  scopes: z.pipe(
    z
      .array(z.enum(SCOPES, { error: `each scope must be one of ${SCOPES.join(", ")}` }), { error: "scopes must be an array of scope names" })
      .check(z.minLength(1, "choose at least one scope")),
    z.transform((scopes: Scope[]) => [...new Set(scopes)]),
  ),
  expiresIn: z._default(z.nullable(z.enum(TOKEN_EXPIRY_CHOICES, { error: `expiresIn must be one of ${TOKEN_EXPIRY_CHOICES.join(", ")} or null` })), null),
});

/** A token as the console shows it: ISO times, never the secret or its hash. */
export const token = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.nullable(z.string()),
  lastUsedAt: z.nullable(z.string()),
  revokedAt: z.nullable(z.string()),
  status: z.enum(["active", "expired", "revoked"]),
});

/** The answer to creating a token: the only time the secret is ever sent. */
export const createdToken = z.extend(token, { token: z.string() });

export const tokenContracts = {
  list: defineContract({
    method: "GET",
    path: "/api/console/tokens",
    response: { status: 200, description: "Your tokens", schema: z.object({ data: z.array(token) }) },
  }),
  create: defineContract({
    method: "POST",
    path: "/api/console/tokens",
    body: createTokenRequest,
    response: { status: 201, description: "The token, with its secret", schema: z.object({ data: createdToken }) },
  }),
  revoke: defineContract({
    method: "DELETE",
    path: "/api/console/tokens/{id}",
    params: z.object({ id: uuid("token id") }),
    response: { status: 200, description: "The token, revoked", schema: z.object({ data: token }) },
  }),
};
