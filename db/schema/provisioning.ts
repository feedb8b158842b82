import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs, json, timestamps } from "./columns";
import { identityProviders } from "./directory";
import type { ActorRef } from "./keys";
import { tenantId } from "./tenants";

/**
 * A bearer token an identity provider of type SCIM pushes users with (`/scim/v2`, lib/scim). It
 * belongs to the provider, not to an admin: it stays valid when the admin who made it leaves, and
 * what it does is audited with the provider as actor. Only SHA-256 of its secret is kept.
 */
export const scimTokens = sqliteTable(
  "scim_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    identityProviderId: text("identity_provider_id")
      .notNull()
      .references(() => identityProviders.id),
    name: text("name").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdBy: json<ActorRef>("created_by"),
    revokedAt: epochMs("revoked_at"),
    lastUsedAt: epochMs("last_used_at"),
    ...timestamps,
  },
  (t) => [index("scim_tokens_tenant_idx").on(t.tenantId), index("scim_tokens_provider_idx").on(t.identityProviderId)],
);

export type ScimToken = typeof scimTokens.$inferSelect;
