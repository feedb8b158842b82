import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { LINKED_BY } from "../constants";
import { epochMs, json, partOf, timestamps } from "./columns";
import type { ActorRef, TextKey, UserProperties } from "./keys";
import { tenantId } from "./tenants";

// The tenant's users, their contact details, and their accounts at identity providers.

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    // Trimmed and lower-cased: the key for exact and prefix lookups.
    emailNormalized: text("email_normalized").notNull(),
    name: text("name").notNull(),
    // The keys ListUsers sorts by and searches in (docs/decisions/0013).
    nameFolded: text("name_folded").$type<TextKey>().notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    state: text("state").notNull(),
    uniqueCode: text("unique_code").notNull(),
    uniqueCodeFolded: text("unique_code_folded").$type<TextKey>().notNull(),
    userCode: text("user_code"),
    aaaId: text("aaa_id"),
    participantType: text("participant_type").notNull().default("users"),
    category: text("category"),
    subCategory: text("sub_category"),
    templateId: text("template_id"),
    properties: json<UserProperties>("properties").notNull(),
    createdBy: json<ActorRef>("created_by"),
    updatedBy: json<ActorRef>("updated_by"),
    deactivatedAt: epochMs("deactivated_at"),
    deactivatedBy: json<ActorRef>("deactivated_by"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_tenant_email_unique").on(t.tenantId, t.emailNormalized),
    // The lookup API's answer (address → id) from the index alone: a 1,000-address lookup on
    // 1,000,000 users reads no table page, a quarter of its CPU (ADR 0008).
    index("users_tenant_email_id_idx").on(t.tenantId, t.emailNormalized, t.id),
    uniqueIndex("users_tenant_unique_code_unique").on(t.tenantId, t.uniqueCode),
    index("users_tenant_user_code_idx").on(t.tenantId, t.userCode),
    index("users_tenant_aaa_id_idx").on(t.tenantId, t.aaaId),
    index("users_tenant_created_at_idx").on(t.tenantId, t.createdAt),
    index("users_tenant_updated_at_idx").on(t.tenantId, t.updatedAt),
    index("users_tenant_name_folded_idx").on(t.tenantId, t.nameFolded),
  ],
);

const ownedByUser = () => partOf("user_id", () => users.id);

/**
 * Users whose stored keys (name_folded, unique_code_folded) a migration could not compute: SQL
 * has no Unicode folding, so a migration queues the rows with non-ASCII text here and
 * prepareDatabase (lib/setup/database.ts) folds them with foldText before anything is served.
 */
export const usersToRefold = sqliteTable("users_to_refold", {
  userId: ownedByUser().primaryKey(),
});

/** Emails other than the primary one (which lives on `users.email`). */
export const userEmails = sqliteTable(
  "user_emails",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    userId: ownedByUser(),
    email: text("email").notNull(),
    emailNormalized: text("email_normalized").notNull(),
    label: text("label").notNull(),
    ...timestamps,
  },
  (t) => [index("user_emails_user_idx").on(t.userId), index("user_emails_tenant_email_idx").on(t.tenantId, t.emailNormalized)],
);

export const userMobiles = sqliteTable(
  "user_mobiles",
  {
    tenantId: tenantId(),
    userId: ownedByUser(),
    kind: text("kind", { enum: ["primary", "secondary"] }).notNull(),
    countryCode: text("country_code").notNull(),
    number: text("number").notNull(),
    ...timestamps,
  },
  // A user has at most one mobile of each kind, so (user, kind) is the key itself.
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

export const identityProviders = sqliteTable(
  "identity_providers",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    type: text("type", { enum: ["oidc", "saml", "scim", "ldap"] }).notNull(),
    // Its identities in its tenant that are attached to a user, and how many of those have a userName
    // key: kept by triggers (migration 0018_scim_list_total), they are an unfiltered SCIM list's total
    // and tell whether its page can be read from the keys' covering index (db/queries/scim-users.ts).
    attachedIdentities: integer("attached_identities").notNull().default(0),
    keyedIdentities: integer("keyed_identities").notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex("identity_providers_tenant_name_unique").on(t.tenantId, t.name)],
);

export type LinkedBy = (typeof LINKED_BY)[number];

export const identities = sqliteTable(
  "identities",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    identityProviderId: text("identity_provider_id")
      .notNull()
      .references(() => identityProviders.id),
    externalId: text("external_id").notNull(),
    externalUsername: text("external_username"),
    externalEmail: text("external_email"),
    externalDisplayName: text("external_display_name"),
    linkedBy: text("linked_by", { enum: LINKED_BY }).notNull(),
    lastSyncedAt: epochMs("last_synced_at"),
    // SCIM identities only (lib/scim): the userName as compared (trimmed, lower-cased; userName is
    // case-insensitive in SCIM), unique per provider while the identity is attached, and the
    // attributes Roster has no column for, as the provider last wrote them.
    usernameKey: text("username_key"),
    scimAttributes: json<Record<string, unknown>>("scim_attributes"),
    ...timestamps,
  },
  (t) => [
    index("identities_user_idx").on(t.userId),
    uniqueIndex("identities_provider_external_unique").on(t.identityProviderId, t.externalId),
    uniqueIndex("identities_provider_username_unique").on(t.identityProviderId, t.usernameKey),
    // What a SCIM list's count reads for a userName prefix matching thousands, without their rows,
    // and an unfiltered list's deep page its keys: the provider's attached, keyed identities, each
    // condition of the list a bound of the index. PostgreSQL's leaves user_id out (migration 0021):
    // its planner knows the index's WHERE holds it, SQLite's would read every row for it.
    index("identities_provider_username_cover_idx")
      .on(t.identityProviderId, t.tenantId, t.usernameKey, t.userId)
      .where(sql`username_key is not null and user_id is not null`),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserEmail = typeof userEmails.$inferSelect;
export type UserMobile = typeof userMobiles.$inferSelect;
export type IdentityProvider = typeof identityProviders.$inferSelect;
export type Identity = typeof identities.$inferSelect;
