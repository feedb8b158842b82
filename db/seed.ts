import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { indexNewUsers, suspendTriggers, switchToRollbackJournal } from "./bulk-load";
import type { Db } from "./client";
import { generateIdentities, generateUser, type GeneratedUser } from "./factories";
import { ensureTenant } from "./queries/tenants";
import type { SearchKeys, TextKey } from "./schema";

export const MAX_SEED_USERS = 1_000_000;

export type SeedOptions = {
  tenantName: string;
  users: number;
  seed: number;
  /** How keys are made (lib/domain/email.ts `searchKeys`): db/ writes them but does not own the rule. */
  keys: SearchKeys;
  /** Called after every batch with the number of generated users written so far. */
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
const SEEDED_TABLES = ["users", "user_mobiles", "user_emails", "identities"];

const USER_COLUMNS = [
  "id",
  "tenant_id",
  "email",
  "email_normalized",
  "name",
  "name_folded",
  "active",
  "state",
  "unique_code",
  "unique_code_folded",
  "user_code",
  "aaa_id",
  "participant_type",
  "category",
  "sub_category",
  "template_id",
  "properties",
  "created_by",
  "updated_by",
  "deactivated_at",
  "deactivated_by",
  "created_at",
  "updated_at",
] as const;
const MOBILE_COLUMNS = ["tenant_id", "user_id", "kind", "country_code", "number", "created_at", "updated_at"] as const;
const EMAIL_COLUMNS = ["id", "tenant_id", "user_id", "email", "email_normalized", "label", "created_at", "updated_at"] as const;
// prettier-ignore
const IDENTITY_COLUMNS = [
  "id", "tenant_id", "user_id", "identity_provider_id", "external_id", "external_username", "external_email",
  "external_display_name", "linked_by", "last_synced_at", "created_at", "updated_at",
] as const;

/** One prepared single-row INSERT per table; counted so the seed can report what it wrote. */
class RowInserter {
  private readonly statement: Database.Statement;
  count = 0;

  constructor(sqlite: Database.Database, table: string, columns: readonly string[]) {
    this.statement = sqlite.prepare(`insert into ${table} (${columns.join(",")}) values (${columns.map(() => "?").join(",")})`);
  }

  add(values: unknown[]): void {
    this.statement.run(values);
    this.count++;
  }
}

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

function userRow(user: GeneratedUser, tenantId: string, now: number, keys: GeneratedUserKeys): unknown[] {
  return [
    user.id,
    tenantId,
    user.email,
    keys.email(user.email),
    user.name,
    keys.name(user.name),
    user.active ? 1 : 0,
    user.active ? "active:available" : "inactive:deactivated",
    user.uniqueCode,
    keys.code(user.uniqueCode),
    user.userCode,
    user.aaaId,
    "users",
    user.category,
    user.subCategory,
    "tmpl-employee",
    JSON.stringify(user.properties),
    SYSTEM_ACTOR,
    SYSTEM_ACTOR,
    user.active ? null : now,
    user.active ? null : SYSTEM_ACTOR,
    user.createdAt,
    user.createdAt,
  ];
}

/** The users every demo has: the examples of the vendor docs, so copied curl commands work. */
const FIXED_USERS = [
  { email: "jane.doe@domain.tld", name: "Jane Doe", code: "JANE0001" },
  { email: "john.doe@domain.tld", name: "John Doe", code: "JOHN0001" },
] as const;

/**
 * Adds generated users (and their contacts and identities) to a tenant, creating the tenant and
 * its three identity providers when missing. Runs in one transaction: a failed seed writes nothing.
 */
export function seedTenant(db: Db, options: SeedOptions): SeedResult {
  const sqlite = db.$client;
  const now = Date.now();
  const salt = hashString(options.tenantName);
  const domain = tenantDomain(options.tenantName);
  const keys = generatedUserKeys(options.keys);
  const bulk = options.users >= REBUILD_INDEXES_FROM;

  // A large page cache keeps the randomly keyed indexes in memory while a big seed writes them.
  const previousCacheSize = sqlite.pragma("cache_size", { simple: true });
  sqlite.pragma("cache_size = -3145728");
  const restoreJournal = bulk ? switchToRollbackJournal(sqlite) : () => {};
  const run = sqlite.transaction(() => {
    const { tenant, created } = ensureTenant(db, options.tenantName, now);
    const providerIds = ensureDemoProviders(sqlite, tenant.id, now);
    const lastRowidBefore = (sqlite.prepare("select coalesce(max(rowid), 0) as n from users").get() as { n: number }).n;
    const restore = suspendTriggers(sqlite, SEEDED_TABLES, { indexes: bulk });
    const users = new RowInserter(sqlite, "users", USER_COLUMNS);
    const mobiles = new RowInserter(sqlite, "user_mobiles", MOBILE_COLUMNS);
    const emails = new RowInserter(sqlite, "user_emails", EMAIL_COLUMNS);
    const identities = new RowInserter(sqlite, "identities", IDENTITY_COLUMNS);

    const fixedUsersCreated: string[] = [];
    const findByEmail = sqlite.prepare("select 1 from users where tenant_id = ? and email_normalized = ?");
    for (const fixed of FIXED_USERS) {
      if (findByEmail.get(tenant.id, keys.email(fixed.email))) continue;
      const user = generateUser(options.seed ^ salt, -1 - fixedUsersCreated.length, domain, now);
      const fixedUser: GeneratedUser = {
        ...user,
        email: fixed.email,
        name: fixed.name,
        active: true,
        uniqueCode: fixed.code,
        userCode: fixed.code,
        aaaId: `AAA-${fixed.code}`,
      };
      users.add(userRow(fixedUser, tenant.id, now, keys));
      writeContacts(fixedUser, tenant.id, mobiles, emails, keys);
      identities.add([
        randomUUID(),
        tenant.id,
        fixedUser.id,
        providerIds[0],
        `oidc|${fixed.code.toLowerCase()}`,
        fixed.email.split("@")[0],
        fixed.email,
        fixed.name,
        "auto",
        now,
        now,
        now,
      ]);
      fixedUsersCreated.push(fixed.email);
    }

    // Continue numbering after the users a previous seed of this tenant generated.
    const start = (sqlite.prepare("select count(*) as n from users where tenant_id = ? and unique_code like 'EMP%'").get(tenant.id) as { n: number }).n;
    for (let i = 0; i < options.users; i++) {
      const index = start + i;
      const user = generateUser(options.seed ^ salt, index, domain, now);
      users.add(userRow(user, tenant.id, now, keys));
      writeContacts(user, tenant.id, mobiles, emails, keys);
      for (const identity of generateIdentities(user, options.seed ^ salt, index, now)) {
        identities.add([
          randomUUID(),
          tenant.id,
          user.id,
          providerIds[identity.providerIndex],
          identity.externalId,
          identity.externalUsername,
          identity.externalEmail,
          identity.externalDisplayName,
          identity.linkedBy,
          identity.lastSyncedAt,
          user.createdAt,
          user.createdAt,
        ]);
      }
      if ((i + 1) % 50_000 === 0) options.onProgress?.(i + 1);
    }
    // Recreated from their own definitions, unique ones included: a duplicate fails the
    // statement and rolls the whole seed back.
    restore();
    indexNewUsers(sqlite, tenant.id, lastRowidBefore);
    return {
      tenantId: tenant.id,
      tenantName: tenant.name,
      createdTenant: created,
      usersCreated: options.users,
      fixedUsersCreated,
      identitiesCreated: identities.count,
    };
  });
  try {
    return run.immediate();
  } finally {
    sqlite.pragma(`cache_size = ${Number(previousCacheSize)}`);
    restoreJournal();
  }
}

function writeContacts(user: GeneratedUser, tenantId: string, mobiles: RowInserter, emails: RowInserter, keys: GeneratedUserKeys): void {
  mobiles.add([tenantId, user.id, "primary", user.primaryMobile.countryCode, user.primaryMobile.number, user.createdAt, user.createdAt]);
  if (user.secondaryMobile) {
    mobiles.add([tenantId, user.id, "secondary", user.secondaryMobile.countryCode, user.secondaryMobile.number, user.createdAt, user.createdAt]);
  }
  if (user.otherEmail) {
    emails.add([randomUUID(), tenantId, user.id, user.otherEmail, keys.email(user.otherEmail), "personal", user.createdAt, user.createdAt]);
  }
}

const DEMO_PROVIDERS = [
  { name: "Okta Workforce (OIDC)", type: "oidc" },
  { name: "Azure AD (SAML)", type: "saml" },
  { name: "HR directory (SCIM)", type: "scim" },
] as const;

function ensureDemoProviders(sqlite: Database.Database, tenantId: string, now: number): string[] {
  const find = sqlite.prepare("select id from identity_providers where tenant_id = ? and name = ?");
  const insert = sqlite.prepare("insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, ?, ?, ?, ?)");
  return DEMO_PROVIDERS.map((provider) => {
    const existing = find.get(tenantId, provider.name) as { id: string } | undefined;
    if (existing) return existing.id;
    const id = randomUUID();
    insert.run(id, tenantId, provider.name, provider.type, now, now);
    return id;
  });
}
