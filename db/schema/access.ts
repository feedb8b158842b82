import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ADMIN_ROLES, SIGN_IN_METHODS } from "../constants";
import { epochMs, json, timestamps } from "./columns";
import { users } from "./directory";
import { tenantId } from "./tenants";

// Who may use the console and the APIs: admins, their console sessions and their tokens.

export type AdminRole = (typeof ADMIN_ROLES)[number];

/** A person who signs in to the console; always also a user of the tenant. */
export const admins = sqliteTable(
  "admins",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ADMIN_ROLES }).notNull(),
    passwordHash: text("password_hash").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("admins_user_unique").on(t.userId), index("admins_tenant_idx").on(t.tenantId)],
);

/** A credential an admin holds, until it expires or is revoked. */
const heldByAdmin = () => ({
  id: text("id").primaryKey(),
  tenantId: tenantId(),
  adminId: text("admin_id")
    .notNull()
    .references(() => admins.id),
});

export const sessions = sqliteTable(
  "sessions",
  {
    ...heldByAdmin(),
    // Only a hash of the cookie value is kept, so a database leak does not hand out sessions.
    tokenHash: text("token_hash").notNull(),
    csrfToken: text("csrf_token").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    revokedAt: epochMs("revoked_at"),
    lastSeenAt: epochMs("last_seen_at"),
    // When and how its holder last proved who they are (sign-in, step-up): step-up compares it
    // with STEP_UP_MAX_AGE_SECONDS (docs/decisions/0023). Null (sessions from before): never fresh.
    authenticatedAt: epochMs("authenticated_at"),
    authMethod: text("auth_method", { enum: SIGN_IN_METHODS }),
    // What "Your sessions" shows to tell one sign-in from another: as the browser sent it, cut short.
    userAgent: text("user_agent"),
    clientAddress: text("client_address"),
    ...timestamps,
  },
  (t) => [uniqueIndex("sessions_token_hash_unique").on(t.tokenHash), index("sessions_admin_idx").on(t.adminId)],
);

export const personalAccessTokens = sqliteTable(
  "personal_access_tokens",
  {
    ...heldByAdmin(),
    name: text("name").notNull(),
    // SHA-256 of the random secret; the secret itself is shown once and never stored.
    secretHash: text("secret_hash").notNull(),
    scopes: json<string[]>("scopes").notNull(),
    expiresAt: epochMs("expires_at"),
    revokedAt: epochMs("revoked_at"),
    lastUsedAt: epochMs("last_used_at"),
    ...timestamps,
  },
  (t) => [index("personal_access_tokens_admin_idx").on(t.adminId), index("personal_access_tokens_tenant_idx").on(t.tenantId)],
);

export type Admin = typeof admins.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type PersonalAccessToken = typeof personalAccessTokens.$inferSelect;
