import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ACTOR_TYPES, ADMIN_ROLES, LEAVER_CLASSES, LEAVER_JOB_KINDS, LEAVER_JOB_STATUSES, LEAVER_OUTCOMES, LINKED_BY } from "./constants";

// Timestamps are epoch milliseconds (integers): cheap to index and compare, and each wire
// dialect converts them at the edge (OS1 wants seconds, JITSudo ISO strings).
const timestamps = {
  createdAt: integer("created_at", { mode: "number" }).notNull(),
  updatedAt: integer("updated_at", { mode: "number" }).notNull(),
};

export const tenants = sqliteTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    // Kept exact by triggers on users (db/migrations, docs/decisions/0013): a count(*) of a
    // million-user tenant takes ~45 ms, too long for every unfiltered ListUsers page.
    userCount: integer("user_count").notNull().default(0),
    // Three private-use characters, one trigram: the tenant's token in the users_search index,
    // so that a query's candidates are the tenant's own rows (docs/decisions/0013).
    searchTag: text("search_tag").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("tenants_name_unique").on(t.name), uniqueIndex("tenants_search_tag_unique").on(t.searchTag)],
);

export type UserProperties = {
  workLocations: string[];
  teams: string[];
  identification: { idType: string; idNum: string } | null;
  fileID: string | null;
  userType: string;
  department: string;
  aaaGroups: string[];
  designation: string;
  employmentType: string;
};

export type ActorRef = { id: string; name: string };

/**
 * An email address as compared and stored in `email_normalized`: made only by normalizeEmail
 * (lib/domain/email.ts), so that what is stored and what is searched follow one rule.
 */
export type EmailKey = string & { readonly __emailKey: true };

/** Any other text as searched case-insensitively (names, unique codes): made only by foldText (lib/domain/email.ts). */
export type TextKey = string & { readonly __textKey: true };

/** The rules that make both kinds of key, handed to code in db/ that writes keys itself (the seed). */
export type SearchKeys = { email: (email: string) => EmailKey; text: (text: string) => TextKey };

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
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
    properties: text("properties", { mode: "json" }).$type<UserProperties>().notNull(),
    createdBy: text("created_by", { mode: "json" }).$type<ActorRef>(),
    updatedBy: text("updated_by", { mode: "json" }).$type<ActorRef>(),
    deactivatedAt: integer("deactivated_at", { mode: "number" }),
    deactivatedBy: text("deactivated_by", { mode: "json" }).$type<ActorRef>(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_tenant_email_unique").on(t.tenantId, t.emailNormalized),
    uniqueIndex("users_tenant_unique_code_unique").on(t.tenantId, t.uniqueCode),
    index("users_tenant_user_code_idx").on(t.tenantId, t.userCode),
    index("users_tenant_aaa_id_idx").on(t.tenantId, t.aaaId),
    index("users_tenant_created_at_idx").on(t.tenantId, t.createdAt),
    index("users_tenant_updated_at_idx").on(t.tenantId, t.updatedAt),
    index("users_tenant_name_folded_idx").on(t.tenantId, t.nameFolded),
  ],
);

/**
 * Users whose stored keys (name_folded, unique_code_folded) a migration could not compute: SQL
 * has no Unicode folding, so a migration queues the rows with non-ASCII text here and
 * prepareDatabase (lib/setup/database.ts) folds them with foldText before anything is served.
 */
export const usersToRefold = sqliteTable("users_to_refold", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
});

/** Emails other than the primary one (which lives on `users.email`). */
export const userEmails = sqliteTable(
  "user_emails",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
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
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
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
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    type: text("type", { enum: ["oidc", "saml", "scim", "ldap"] }).notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("identity_providers_tenant_name_unique").on(t.tenantId, t.name)],
);

export type LinkedBy = (typeof LINKED_BY)[number];

export const identities = sqliteTable(
  "identities",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    identityProviderId: text("identity_provider_id")
      .notNull()
      .references(() => identityProviders.id),
    externalId: text("external_id").notNull(),
    externalUsername: text("external_username"),
    externalEmail: text("external_email"),
    externalDisplayName: text("external_display_name"),
    linkedBy: text("linked_by", { enum: LINKED_BY }).notNull(),
    lastSyncedAt: integer("last_synced_at", { mode: "number" }),
    ...timestamps,
  },
  (t) => [
    index("identities_user_idx").on(t.userId),
    uniqueIndex("identities_provider_external_unique").on(t.identityProviderId, t.externalId),
  ],
);

export type AdminRole = (typeof ADMIN_ROLES)[number];

/** A person who signs in to the console; always also a user of the tenant. */
export const admins = sqliteTable(
  "admins",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ADMIN_ROLES }).notNull(),
    passwordHash: text("password_hash").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("admins_user_unique").on(t.userId), index("admins_tenant_idx").on(t.tenantId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    adminId: text("admin_id")
      .notNull()
      .references(() => admins.id),
    // Only a hash of the cookie value is kept, so a database leak does not hand out sessions.
    tokenHash: text("token_hash").notNull(),
    csrfToken: text("csrf_token").notNull(),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "number" }),
    lastSeenAt: integer("last_seen_at", { mode: "number" }),
    ...timestamps,
  },
  (t) => [uniqueIndex("sessions_token_hash_unique").on(t.tokenHash), index("sessions_admin_idx").on(t.adminId)],
);

export const personalAccessTokens = sqliteTable(
  "personal_access_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    adminId: text("admin_id")
      .notNull()
      .references(() => admins.id),
    name: text("name").notNull(),
    // SHA-256 of the random secret; the secret itself is shown once and never stored.
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    expiresAt: integer("expires_at", { mode: "number" }),
    revokedAt: integer("revoked_at", { mode: "number" }),
    lastUsedAt: integer("last_used_at", { mode: "number" }),
    ...timestamps,
  },
  (t) => [index("personal_access_tokens_admin_idx").on(t.adminId), index("personal_access_tokens_tenant_idx").on(t.tenantId)],
);

/**
 * Counters of rate-limiter-flexible's Drizzle store (lib/auth/sign-in-throttle.ts), kept in the
 * database so that every server process on it shares them. The store reads and writes exactly
 * these three columns, so the table has no createdAt/updatedAt; `expire` is when a window or a
 * block ends, and the store deletes rows an hour after it.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    // "<limiter prefix>:<key>", e.g. "sign_in_address:203.0.113.7"
    key: text("key").primaryKey(),
    points: integer("points").notNull(),
    expire: integer("expire", { mode: "timestamp_ms" }),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);


/** Append-only: rows are inserted, never updated or deleted. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id"),
    actorName: text("actor_name"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    outcome: text("outcome").notNull(),
    requestId: text("request_id"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
  },
  (t) => [
    index("audit_events_tenant_created_idx").on(t.tenantId, t.createdAt),
    index("audit_events_tenant_target_idx").on(t.tenantId, t.targetId),
    index("audit_events_tenant_action_idx").on(t.tenantId, t.action),
  ],
);

/** One row, rewritten by every health check: proof that the database still takes writes (not read-only, not full). */
export const healthChecks = sqliteTable("health_checks", {
  id: integer("id").primaryKey(),
  checkedAt: integer("checked_at", { mode: "number" }).notNull(),
});

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserEmail = typeof userEmails.$inferSelect;
export type UserMobile = typeof userMobiles.$inferSelect;
export type IdentityProvider = typeof identityProviders.$inferSelect;
export type Identity = typeof identities.$inferSelect;
export type Admin = typeof admins.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type PersonalAccessToken = typeof personalAccessTokens.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

// ---- Bulk leavers (issue 5) --------------------------------------------------------------------

export type LeaverClass = (typeof LEAVER_CLASSES)[number];

/** An uploaded leaver file, classified row by row; nothing changes until a job is confirmed from it. */
export const leaverPreviews = sqliteTable(
  "leaver_previews",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name").notNull(),
    // The admin's own user: the row naming it is classified "self" and a job may only be confirmed by them.
    actorUserId: text("actor_user_id").notNull(),
    fileName: text("file_name"),
    fileSha256: text("file_sha256").notNull(),
    totalRows: integer("total_rows").notNull(),
    counts: text("counts", { mode: "json" }).$type<Record<LeaverClass, number>>().notNull(),
    ...timestamps,
  },
  (t) => [index("leaver_previews_tenant_created_idx").on(t.tenantId, t.createdAt)],
);

export const leaverPreviewRows = sqliteTable(
  "leaver_preview_rows",
  {
    previewId: text("preview_id")
      .notNull()
      .references(() => leaverPreviews.id, { onDelete: "cascade" }),
    // 1-based number of the data record in the file (the header and blank lines not counted).
    rowNumber: integer("row_number").notNull(),
    email: text("email").notNull(),
    reason: text("reason"),
    ticket: text("ticket"),
    class: text("class", { enum: LEAVER_CLASSES }).notNull(),
    userId: text("user_id"),
    // For a duplicate: the row it repeats.
    duplicateOf: integer("duplicate_of"),
  },
  (t) => [primaryKey({ columns: [t.previewId, t.rowNumber] }), index("leaver_preview_rows_class_idx").on(t.previewId, t.class, t.rowNumber)],
);

export type LeaverJobStatus = (typeof LEAVER_JOB_STATUSES)[number];
export type LeaverOutcome = (typeof LEAVER_OUTCOMES)[number];

/** A confirmed bulk run, processed by the worker in server/start.ts; durable across restarts. */
export const leaverJobs = sqliteTable(
  "leaver_jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    kind: text("kind", { enum: LEAVER_JOB_KINDS }).notNull(),
    status: text("status", { enum: LEAVER_JOB_STATUSES }).notNull(),
    previewId: text("preview_id").references(() => leaverPreviews.id),
    // For an undo job: the job it undoes; on the undone job: the undo job.
    undoOfJobId: text("undo_of_job_id"),
    undoneByJobId: text("undone_by_job_id"),
    fileSha256: text("file_sha256"),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name").notNull(),
    actorUserId: text("actor_user_id").notNull(),
    requestId: text("request_id"),
    totalRows: integer("total_rows").notNull(),
    processedRows: integer("processed_rows").notNull().default(0),
    // Rows per outcome, kept up to date by each batch, so that polling progress costs one row read.
    outcomeCounts: text("outcome_counts", { mode: "json" }).$type<Partial<Record<LeaverOutcome, number>>>().notNull().default({}),
    startedAt: integer("started_at", { mode: "number" }),
    finishedAt: integer("finished_at", { mode: "number" }),
    ...timestamps,
  },
  (t) => [
    index("leaver_jobs_status_idx").on(t.status, t.createdAt),
    index("leaver_jobs_tenant_sha_idx").on(t.tenantId, t.fileSha256, t.createdAt),
    uniqueIndex("leaver_jobs_preview_unique").on(t.previewId),
  ],
);

export const leaverJobRows = sqliteTable(
  "leaver_job_rows",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => leaverJobs.id, { onDelete: "cascade" }),
    rowNumber: integer("row_number").notNull(),
    email: text("email").notNull(),
    reason: text("reason"),
    ticket: text("ticket"),
    class: text("class", { enum: LEAVER_CLASSES }).notNull(),
    userId: text("user_id"),
    // Null until processed; written in the same transaction as the row's effect (exactly once).
    outcome: text("outcome", { enum: LEAVER_OUTCOMES }),
    outcomeReason: text("outcome_reason"),
    processedAt: integer("processed_at", { mode: "number" }),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.rowNumber] }), index("leaver_job_rows_outcome_idx").on(t.jobId, t.outcome, t.rowNumber)],
);

export type LeaverPreview = typeof leaverPreviews.$inferSelect;
export type LeaverPreviewRow = typeof leaverPreviewRows.$inferSelect;
export type LeaverJob = typeof leaverJobs.$inferSelect;
export type LeaverJobRow = typeof leaverJobRows.$inferSelect;
