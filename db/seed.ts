import { randomUUID } from "node:crypto";
import { v7 as timeOrderedUuid } from "uuid";
import {
  BULK_LOAD_CACHE_KB,
  CopyRows,
  indexNewUsers,
  resumePostgresIndexes,
  SqliteRows,
  suspendPostgresIndexes,
  suspendTriggers,
  switchToRollbackJournal,
  withIndexBuildSorter,
} from "./bulk-load";
import type { Columns, Row, RowSink } from "./bulk-load";
import { sqliteClient, type Db } from "./client";
import { generateIdentities, generateUser, type GeneratedUser } from "./factories";
import { prepared } from "./prepared";
import { ensureTenant } from "./queries/tenants";
import type { SearchKeys, Tenant, TextKey } from "./schema";

export const MAX_SEED_USERS = 1_000_000;

export type SeedOptions = {
  tenantName: string;
  users: number;
  seed: number;
  /** How keys are made (lib/domain/email.ts `searchKeys`): db/ writes them but does not own the rule. */
  keys: SearchKeys;
  /** Called after every 50,000 generated users with the number written so far. */
  onProgress?: (written: number) => void;
};

export type SeedResult = {
  tenantId: string;
  tenantName: string;
  createdTenant: boolean;
  usersCreated: number;
  fixedUsersCreated: string[];
  identitiesCreated: number;
};

const SYSTEM_ACTOR = JSON.stringify({ id: "system", name: "Roster seed" });
// Above this many users, rebuilding the indexes once after the load beats updating them row by row.
const REBUILD_INDEXES_FROM = 50_000;
// The columns of the seeded tables, in the order the rows below list them.
// prettier-ignore
const COLUMNS = {
  users: [
    "id", "tenant_id", "email", "email_normalized", "name", "name_folded", "active", "state", "unique_code", "unique_code_folded",
    "user_code", "aaa_id", "participant_type", "category", "sub_category", "template_id", "properties", "created_by", "updated_by",
    "deactivated_at", "deactivated_by", "created_at", "updated_at",
  ],
  user_mobiles: ["tenant_id", "user_id", "kind", "country_code", "number", "created_at", "updated_at"],
  user_emails: ["id", "tenant_id", "user_id", "email", "email_normalized", "label", "created_at", "updated_at"],
  identities: [
    "id", "tenant_id", "user_id", "identity_provider_id", "external_id", "external_username", "external_email",
    "external_display_name", "linked_by", "last_synced_at", "created_at", "updated_at",
  ],
} as const satisfies Columns;
type SeededTable = keyof typeof COLUMNS;
const SEEDED_TABLES = Object.keys(COLUMNS) as SeededTable[];
// How often the loop lets the sink breathe: PostgreSQL's COPY streams out while the next users are made.
const SLICE = 1_000;

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

export function tenantDomain(tenantName: string): string {
  const slug =
    tenantName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "tenant";
  return `${slug}.example`;
}

/** The keys of generated users; names come from short lists, so each is folded once. */
function generatedUserKeys(keys: SearchKeys) {
  const names = new Map<string, TextKey>();
  return {
    email: keys.email,
    code: keys.text,
    name(name: string): TextKey {
      let key = names.get(name);
      if (key === undefined) names.set(name, (key = keys.text(name)));
      return key;
    },
  };
}
type GeneratedUserKeys = ReturnType<typeof generatedUserKeys>;

function userRow(user: GeneratedUser, tenantId: string, now: number, keys: GeneratedUserKeys): Row {
  // prettier-ignore
  return [
    user.id, tenantId, user.email, keys.email(user.email), user.name, keys.name(user.name), user.active ? 1 : 0,
    user.active ? "active:available" : "inactive:deactivated", user.uniqueCode, keys.code(user.uniqueCode), user.userCode,
    user.aaaId, "users", user.category, user.subCategory, "tmpl-employee", JSON.stringify(user.properties), SYSTEM_ACTOR,
    SYSTEM_ACTOR, user.active ? null : now, user.active ? null : SYSTEM_ACTOR, user.createdAt, user.createdAt,
  ];
}

/** The users every demo has: the examples of the vendor docs, so copied curl commands work. */
const FIXED_USERS = [
  { email: "jane.doe@domain.tld", name: "Jane Doe", code: "JANE0001" },
  { email: "john.doe@domain.tld", name: "John Doe", code: "JOHN0001" },
] as const;

/** What a seed of a tenant writes, decided by reading the tenant before any index is suspended. */
type SeedPlan = {
  tenant: Tenant;
  created: boolean;
  providerIds: string[];
  missingFixedUsers: (typeof FIXED_USERS)[number][];
  /** The index of the first generated user: numbering continues after a previous seed's users. */
  start: number;
};

/**
 * Adds generated users (and their contacts and identities) to a tenant, creating the tenant and
 * its three identity providers when missing. Runs in one transaction: a failed seed writes nothing.
 * SQLite inserts row by row through better-sqlite3; PostgreSQL streams COPY. A large load on
 * either suspends the indexes and triggers of the seeded tables and catches up once at the end.
 */
export function seedTenant(db: Db, options: SeedOptions): Promise<SeedResult> {
  return db.dialect === "postgres" ? seedPostgres(db, options) : seedSqlite(db, options);
}

const SEED_CACHE_KB = 256 * 1024;

async function seedSqlite(db: Db, options: SeedOptions): Promise<SeedResult> {
  const sqlite = sqliteClient(db);
  const now = Date.now();
  const bulk = options.users >= REBUILD_INDEXES_FROM;
  // A smaller seed keeps every index and writes to them at random places: enough page cache to
  // hold them. A bulk one only appends until it builds the indexes at the end (BULK_LOAD_CACHE_KB).
  const previousCacheSize = sqlite.pragma("cache_size", { simple: true });
  sqlite.pragma(`cache_size = -${bulk ? BULK_LOAD_CACHE_KB : SEED_CACHE_KB}`);
  const restoreJournal = bulk ? switchToRollbackJournal(sqlite) : () => {};
  try {
    return await db.transaction(async () => {
      const plan = await planSeed(db, options, now);
      const lastRowidBefore = (sqlite.prepare("select coalesce(max(rowid), 0) as n from users").get() as { n: number }).n;
      const restore = suspendTriggers(sqlite, SEEDED_TABLES, { indexes: bulk });
      const { result, attachedByProvider } = await writeUsers(new SqliteRows(sqlite, COLUMNS), plan, options, now);
      // Recreated from their own definitions, unique ones included: a duplicate fails the
      // statement and rolls the whole seed back. A smaller seed kept its indexes: only triggers are
      // recreated, with no sort, and its page cache stays as it is.
      if (bulk) withIndexBuildSorter(sqlite, restore);
      else restore();
      indexNewUsers(sqlite, plan.tenant.id, lastRowidBefore);
      await addAttachedIdentities(db, plan.tenant.id, attachedByProvider);
      return result;
    }, "immediate");
  } finally {
    sqlite.pragma(`cache_size = ${Number(previousCacheSize)}`);
    restoreJournal();
  }
}

// The triggers a load fires (db/migrations-postgres/0001, 0006 and 0017) copy every inserted row into
// a transition table, to count them and to copy their update times: both are done here at once.
const LOAD_TRIGGERS = [
  ["users", "users_count_insert"],
  ["users", "users_updated_at_insert"],
  ["identities", "identities_attached_insert"],
] as const;

async function seedPostgres(db: Db, options: SeedOptions): Promise<SeedResult> {
  const now = Date.now();
  return db.transaction(async () => {
    const plan = await planSeed(db, options, now);
    // Rebuilding an index costs in proportion to the whole table: worth it when the load at least doubles it.
    const existing = (await prepared<{ n: number }>(db, "select count(*) as n from users").get())?.n ?? 0;
    if (options.users < Math.max(REBUILD_INDEXES_FROM, existing)) return (await writeUsers(new CopyRows(db, COLUMNS), plan, options, now)).result;
    const suspended = await suspendPostgresIndexes(db, [...SEEDED_TABLES, "users_updated_at"]);
    for (const [table, trigger] of LOAD_TRIGGERS) await db.exec(`alter table ${table} disable trigger ${trigger}`);
    const { result, attachedByProvider } = await writeUsers(new CopyRows(db, COLUMNS), plan, options, now);
    for (const [table, trigger] of LOAD_TRIGGERS) await db.exec(`alter table ${table} enable trigger ${trigger}`);
    const written = result.usersCreated + result.fixedUsersCreated.length;
    await prepared(db, "update tenants set user_count = user_count + ? where id = ?").run(written, plan.tenant.id);
    await addAttachedIdentities(db, plan.tenant.id, attachedByProvider);
    // Rewritten whole (the load is at least as large as what was there), before its index is rebuilt.
    await db.exec("truncate users_updated_at");
    await db.exec("insert into users_updated_at (user_id, tenant_id, updated_at) select id, tenant_id, updated_at from users");
    // Unique indexes and foreign keys are rebuilt and checked here: a clash fails the statement and
    // rolls the whole seed back.
    await resumePostgresIndexes(db, suspended);
    return result;
  });
}

const USER_BY_EMAIL = "select 1 as found from users where tenant_id = ? and email_normalized = ?";
const GENERATED_USERS = "select count(*) as n from users where tenant_id = ? and unique_code like 'EMP%'";

async function planSeed(db: Db, options: SeedOptions, now: number): Promise<SeedPlan> {
  const { tenant, created } = await ensureTenant(db, options.tenantName, now);
  const providerIds = await ensureDemoProviders(db, tenant.id, now);
  const missingFixedUsers: SeedPlan["missingFixedUsers"] = [];
  for (const fixed of FIXED_USERS) {
    if (!(await prepared(db, USER_BY_EMAIL).get(tenant.id, options.keys.email(fixed.email)))) missingFixedUsers.push(fixed);
  }
  const generated = await prepared<{ n: number }>(db, GENERATED_USERS).get(tenant.id);
  return { tenant, created, providerIds, missingFixedUsers, start: generated?.n ?? 0 };
}

/**
 * What the suspended identities trigger would have counted (identity_providers.attached_identities):
 * counted while the rows were made, as a recount would read every identity of the tenant again. The
 * seed writes no userName key, so keyed_identities stays as it was.
 */
async function addAttachedIdentities(db: Db, tenantId: string, attachedByProvider: Map<string, number>): Promise<void> {
  for (const [providerId, attached] of attachedByProvider) {
    await prepared(db, "update identity_providers set attached_identities = attached_identities + ? where id = ? and tenant_id = ?").run(
      attached,
      providerId,
      tenantId,
    );
  }
}

/**
 * Writes the plan's fixed users and `options.users` generated ones, with contacts and identities, to
 * `rows`; also says how many of the identities (all attached to their user) each provider got.
 */
async function writeUsers(
  rows: RowSink<SeededTable>,
  plan: SeedPlan,
  options: SeedOptions,
  now: number,
): Promise<{ result: SeedResult; attachedByProvider: Map<string, number> }> {
  const tenantId = plan.tenant.id;
  const salt = options.seed ^ hashString(options.tenantName);
  const domain = tenantDomain(options.tenantName);
  const keys = generatedUserKeys(options.keys);
  let identities = 0;
  const attachedByProvider = new Map<string, number>();
  const attach = (providerId: string) => attachedByProvider.set(providerId, (attachedByProvider.get(providerId) ?? 0) + 1);

  const fixedUsersCreated: string[] = [];
  for (const fixed of plan.missingFixedUsers) {
    const user = generateUser(salt, -1 - fixedUsersCreated.length, domain, now);
    const fixedUser: GeneratedUser = {
      ...user,
      email: fixed.email,
      name: fixed.name,
      active: true,
      uniqueCode: fixed.code,
      userCode: fixed.code,
      aaaId: `AAA-${fixed.code}`,
    };
    rows.add("users", userRow(fixedUser, tenantId, now, keys));
    writeContacts(rows, fixedUser, tenantId, keys);
    const [local] = fixed.email.split("@");
    // prettier-ignore
    rows.add("identities", [timeOrderedUuid(), tenantId, fixedUser.id, plan.providerIds[0]!, `oidc|${fixed.code.toLowerCase()}`, local!, fixed.email, fixed.name, "auto", now, now, now]);
    attach(plan.providerIds[0]!);
    identities++;
    fixedUsersCreated.push(fixed.email);
  }

  for (let i = 0; i < options.users; i++) {
    const index = plan.start + i;
    const user = generateUser(salt, index, domain, now);
    rows.add("users", userRow(user, tenantId, now, keys));
    writeContacts(rows, user, tenantId, keys);
    for (const identity of generateIdentities(user, salt, index, now)) {
      // Time-ordered ids (as the users' are ordered): appended to the primary key, not scattered over it.
      rows.add("identities", [
        timeOrderedUuid(),
        tenantId,
        user.id,
        plan.providerIds[identity.providerIndex]!,
        identity.externalId,
        identity.externalUsername,
        identity.externalEmail,
        identity.externalDisplayName,
        identity.linkedBy,
        identity.lastSyncedAt,
        user.createdAt,
        user.createdAt,
      ]);
      attach(plan.providerIds[identity.providerIndex]!);
      identities++;
    }
    if ((i + 1) % SLICE === 0) await rows.pause(i + 1);
    if ((i + 1) % 50_000 === 0) options.onProgress?.(i + 1);
  }
  await rows.finish();
  const result = {
    tenantId,
    tenantName: plan.tenant.name,
    createdTenant: plan.created,
    usersCreated: options.users,
    fixedUsersCreated,
    identitiesCreated: identities,
  };
  return { result, attachedByProvider };
}

function writeContacts(rows: RowSink<SeededTable>, user: GeneratedUser, tenantId: string, keys: GeneratedUserKeys): void {
  rows.add("user_mobiles", [tenantId, user.id, "primary", user.primaryMobile.countryCode, user.primaryMobile.number, user.createdAt, user.createdAt]);
  if (user.secondaryMobile) {
    rows.add("user_mobiles", [tenantId, user.id, "secondary", user.secondaryMobile.countryCode, user.secondaryMobile.number, user.createdAt, user.createdAt]);
  }
  if (user.otherEmail) {
    rows.add("user_emails", [timeOrderedUuid(), tenantId, user.id, user.otherEmail, keys.email(user.otherEmail), "personal", user.createdAt, user.createdAt]);
  }
}

const DEMO_PROVIDERS = [
  { name: "Okta Workforce (OIDC)", type: "oidc" },
  { name: "Azure AD (SAML)", type: "saml" },
  { name: "HR directory (SCIM)", type: "scim" },
] as const;

// `do nothing` rather than a read first, as ensureTenant does: the unique name keeps one of each.
const INSERT_PROVIDER = `insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, ?, ?, ?, ?)
  on conflict (tenant_id, name) do nothing`;

async function ensureDemoProviders(db: Db, tenantId: string, now: number): Promise<string[]> {
  const ids: string[] = [];
  for (const provider of DEMO_PROVIDERS) {
    await prepared(db, INSERT_PROVIDER).run(randomUUID(), tenantId, provider.name, provider.type, now, now);
    const { id } = (await prepared<{ id: string }>(db, "select id from identity_providers where tenant_id = ? and name = ?").get(tenantId, provider.name))!;
    ids.push(id);
  }
  return ids;
}
