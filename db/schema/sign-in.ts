import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ADMIN_ROLES } from "../constants";
import { admins } from "./access";
import { epochMs, json, timestamps } from "./columns";
import type { ActorRef } from "./keys";
import { tenantId, tenants } from "./tenants";

// How a tenant's admins sign in: single sign-on through the tenant's OIDC provider (docs/decisions/0021).

/** A groups (or roles) claim value → the console role it grants. */
export type SsoRoleMap = Record<string, (typeof ADMIN_ROLES)[number]>;

/** One per tenant: its OpenID Connect provider, whom it lets in, and whether local passwords still work. */
export const ssoConfigs = sqliteTable("sso_configs", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id),
  issuer: text("issuer").notNull(),
  clientId: text("client_id").notNull(),
  // Sent to the provider's token endpoint, so it cannot be hashed; never returned by an API or page.
  clientSecret: text("client_secret").notNull(),
  roleClaim: text("role_claim").notNull(),
  roleMap: json<SsoRoleMap>("role_map").notNull(),
  passwordsAllowed: integer("passwords_allowed", { mode: "boolean" }).notNull().default(true),
  // Set by the first SSO sign-in that succeeds: only then may passwords be switched off.
  firstSignInAt: epochMs("first_sign_in_at"),
  updatedBy: json<ActorRef>("updated_by"),
  ...timestamps,
});

/** The email domains whose people sign in through a tenant's SSO; one tenant per domain. */
export const ssoDomains = sqliteTable(
  "sso_domains",
  {
    domain: text("domain").primaryKey(),
    tenantId: tenantId(),
    ...timestamps,
  },
  (t) => [index("sso_domains_tenant_idx").on(t.tenantId)],
);

/**
 * An SSO sign-in in progress, from the redirect to the provider until its callback: kept in the
 * database, so any instance can answer the callback, and bound to the browser by a cookie whose
 * SHA-256 is `browserHash`. Used once (`usedAt`), and only for a few minutes.
 */
export const oidcLogins = sqliteTable(
  "oidc_logins",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    browserHash: text("browser_hash").notNull(),
    state: text("state").notNull(),
    nonce: text("nonce").notNull(),
    codeVerifier: text("code_verifier").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    nextPath: text("next_path").notNull(),
    // A step-up's re-authentication (docs/decisions/0023): the session it is for; null for a sign-in.
    stepUpSessionId: text("step_up_session_id"),
    expiresAt: epochMs("expires_at").notNull(),
    usedAt: epochMs("used_at"),
    ...timestamps,
  },
  (t) => [uniqueIndex("oidc_logins_browser_hash_unique").on(t.browserHash), index("oidc_logins_expires_idx").on(t.expiresAt)],
);

/**
 * The provider account an admin signs in with: the ID token's issuer and `sub`, bound at the
 * admin's first SSO sign-in. The address only finds an admin who has none yet; after that,
 * another account that comes to hold the address (a changed or reassigned email, at the provider
 * or through SCIM) is refused (docs/decisions/0021). One account per admin, one admin per account.
 */
export const adminSsoSubjects = sqliteTable(
  "admin_sso_subjects",
  {
    adminId: text("admin_id")
      .primaryKey()
      .references(() => admins.id),
    tenantId: tenantId(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("admin_sso_subjects_account_unique").on(t.tenantId, t.issuer, t.subject)],
);

export type SsoConfig = typeof ssoConfigs.$inferSelect;
export type AdminSsoSubject = typeof adminSsoSubjects.$inferSelect;
export type OidcLogin = typeof oidcLogins.$inferSelect;
