import { z } from "zod";
import { uuid } from "./common";
import { defineContract } from "./contract";

/** Scopes a personal access token can carry (lib/auth/scopes.ts decides which a role may grant). */
export const SCOPES = ["mx:mxid3:user-identifiers:uuid:read", "mx:user-deactivation:write", "users:read", "identities:write"] as const;
export type Scope = (typeof SCOPES)[number];

export const TOKEN_EXPIRY_CHOICES = ["7d", "30d", "90d", "1y"] as const;
export type TokenExpiry = (typeof TOKEN_EXPIRY_CHOICES)[number];

export const createTokenRequest = z.object({
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100, "name is at most 100 characters"),
  scopes: z
    .array(z.enum(SCOPES, { error: `each scope must be one of ${SCOPES.join(", ")}` }), { error: "scopes must be an array of scope names" })
    .min(1, "choose at least one scope")
    .transform((scopes) => [...new Set(scopes)]),
  expiresIn: z.enum(TOKEN_EXPIRY_CHOICES, { error: `expiresIn must be one of ${TOKEN_EXPIRY_CHOICES.join(", ")} or null` }).nullable().default(null),
});

/** A token as the console shows it: ISO times, never the secret or its hash. */
export const token = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});

/** The answer to creating a token: the only time the secret is ever sent. */
export const createdToken = token.extend({ token: z.string() });

export const tokenContracts = {
  list: defineContract({ method: "GET", path: "/api/console/tokens", response: { status: 200, description: "Your tokens", schema: z.object({ data: z.array(token) }) } }),
  create: defineContract({ method: "POST", path: "/api/console/tokens", body: createTokenRequest, response: { status: 201, description: "The token, with its secret", schema: z.object({ data: createdToken }) } }),
  revoke: defineContract({ method: "DELETE", path: "/api/console/tokens/{id}", params: z.object({ id: uuid("token id") }), response: { status: 200, description: "The token, revoked", schema: z.object({ data: token }) } }),
};
