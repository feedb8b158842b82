import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { providerIdentityCounts } from "@/test/scim-users";
import { searchCopyDiffers } from "@/test/search";
import { foldText, normalizeEmail, searchKeys } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";
import { copyLine, CopyRows } from "./bulk-load";
import { sqliteClient, type Db } from "./client";
import { prepared } from "./prepared";
import { listUsers } from "./queries/user-list";
import { USER_COLUMNS, userFromRow, type UserRow } from "./queries/user-directory";
import { createUser } from "./queries/users";
import type { User } from "./schema";
import { seedTenant, type SeedResult } from "./seed";

const count = async (db: Db, sql: string, ...params: string[]) => (await prepared<{ n: number }>(db, sql).get(...params))!.n;
const usersOf = async (db: Db, tenantId?: string): Promise<User[]> =>
  (tenantId
    ? await prepared<UserRow>(db, `select ${USER_COLUMNS} from users where tenant_id = ?`).all(tenantId)
    : await prepared<UserRow>(db, `select ${USER_COLUMNS} from users`).all()
  ).map(userFromRow);
const isSqlite = TEST_DIALECT === "sqlite";

describe("seedTenant", () => {
  const db = createTestDb();
  const other = createTestDb();
  const different = createTestDb();
  let result: SeedResult;
  let tenantUsers: User[];
  beforeAll(async () => {
    result = await seedTenant(db, { tenantName: "Acme", users: 500, seed: 7, keys: searchKeys });
    tenantUsers = await usersOf(db, result.tenantId);
  });

  it("creates the tenant, the vendor-doc users and the generated users", () => {
    expect(result).toMatchObject({ tenantName: "Acme", createdTenant: true, usersCreated: 500 });
    expect(result.fixedUsersCreated).toEqual(["jane.doe@domain.tld", "john.doe@domain.tld"]);
    expect(tenantUsers).toHaveLength(502);
    const jane = tenantUsers.find((u) => u.email === "jane.doe@domain.tld");
    expect(jane).toMatchObject({ name: "Jane Doe", active: true, state: "active:available" });
    expect(jane?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("stores every generated address with the key normalizeEmail gives it", async () => {
    const otherEmails = await prepared<{ email: string; emailNormalized: string }>(
      db,
      `select email, email_normalized as "emailNormalized" from user_emails`,
    ).all();
    expect(otherEmails.length).toBeGreaterThan(20);
    expect(tenantUsers.filter((u) => u.emailNormalized !== normalizeEmail(u.email))).toEqual([]);
    expect(otherEmails.filter((e) => e.emailNormalized !== normalizeEmail(e.email))).toEqual([]);
  });

  it("stores the name and code keys foldText gives, for names outside ASCII too", () => {
    expect(tenantUsers.filter((u) => u.nameFolded !== foldText(u.name) || u.uniqueCodeFolded !== foldText(u.uniqueCode))).toEqual([]);
    expect(tenantUsers.some((u) => u.nameFolded !== u.name.toLowerCase() || /[^\x00-\x7f]/.test(u.name))).toBe(true);
  });

  it("generates realistic, varied users", () => {
    const inactive = tenantUsers.filter((u) => !u.active);
    expect(inactive.length).toBeGreaterThan(10);
    expect(inactive.every((u) => u.state === "inactive:deactivated" && u.deactivatedAt !== null)).toBe(true);
    const departments = new Set(tenantUsers.map((u) => u.properties.department));
    expect(departments.size).toBeGreaterThanOrEqual(8);
    const sample = tenantUsers.find((u) => u.uniqueCode === "EMP0000001");
    expect(sample?.properties).toMatchObject({ designation: expect.any(String), workLocations: expect.any(Array), teams: expect.any(Array) });
    expect(new Set(tenantUsers.map((u) => u.id)).size).toBe(502);
  });

  it("gives generated users and their identities ids in the order it writes them (appended to the keys, ADR 0002)", async () => {
    const generated = tenantUsers.filter((u) => u.uniqueCode.startsWith("EMP")).sort((a, b) => a.uniqueCode.localeCompare(b.uniqueCode));
    const ids = generated.map((u) => u.id);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(ids).toEqual([...ids].sort());
    const identities = await prepared<{ id: string }>(db, "select id from identities where tenant_id = ?").all(result.tenantId);
    expect(identities.length).toBeGreaterThan(500);
    expect(identities.filter((row) => row.id[14] !== "7")).toEqual([]);
  });

  it("gives every user a primary mobile and some a secondary one", async () => {
    expect(await count(db, "select count(*) as n from user_mobiles where kind = 'primary'")).toBe(502);
    const secondaries = await count(db, "select count(*) as n from user_mobiles where kind = 'secondary'");
    expect(secondaries).toBeGreaterThan(50);
    expect(secondaries).toBeLessThan(400);
  });

  it("creates an OIDC, a SAML and a SCIM provider with identities of every linked_by kind, synced and never synced", async () => {
    const providers = await prepared<{ type: string }>(db, "select type from identity_providers where tenant_id = ? order by type").all(result.tenantId);
    expect(providers.map((p) => p.type)).toEqual(["oidc", "saml", "scim"]);
    for (const kind of ["auto", "manual", "scim"]) {
      expect(
        await count(db, "select count(*) as n from identities where linked_by = ? and last_synced_at is not null", kind),
        `${kind} synced`,
      ).toBeGreaterThan(0);
      expect(
        await count(db, "select count(*) as n from identities where linked_by = ? and last_synced_at is null", kind),
        `${kind} never synced`,
      ).toBeGreaterThan(0);
    }
    expect(await count(db, "select count(*) as n from identities")).toBe(result.identitiesCreated);
  });

  it("is deterministic for a given seed", async () => {
    await seedTenant(other, { tenantName: "Acme", users: 500, seed: 7, keys: searchKeys });
    const project = (rows: User[]) => rows.map((u) => [u.id, u.email, u.name, u.active, u.properties]).sort();
    expect(project(await usersOf(other))).toEqual(project(tenantUsers));
    await seedTenant(different, { tenantName: "Acme", users: 500, seed: 8, keys: searchKeys });
    expect(project(await usersOf(different))).not.toEqual(project(tenantUsers));
  });

  it("adds to an existing tenant without clashing", async () => {
    const again = await seedTenant(db, { tenantName: "Acme", users: 100, seed: 7, keys: searchKeys });
    expect(again).toMatchObject({ tenantId: result.tenantId, createdTenant: false, usersCreated: 100, fixedUsersCreated: [] });
    expect(await count(db, "select count(*) as n from users")).toBe(602);
    expect(await count(db, "select count(*) as n from users where unique_code = 'EMP0000600'")).toBe(1);
    expect(await count(db, "select count(*) as n from tenants")).toBe(1);
    expect(await count(db, "select count(*) as n from identity_providers")).toBe(3);
    await expectSearchAndCountsInStep(db, result.tenantId, 602);
  });
});

describe("a seed that fails part-way", () => {
  const fresh = createTestDb();
  const probe = createTestDb();

  it("writes nothing", async () => {
    const first = await seedTenant(fresh, { tenantName: "Globex", users: 10, seed: 1, keys: searchKeys });
    const before = await count(fresh, "select count(*) as n from users");
    const identitiesBefore = await count(fresh, "select count(*) as n from identities");
    // A user squatting on the email of the 15th generated user makes the next seed fail midway.
    await seedTenant(probe, { tenantName: "Globex", users: 15, seed: 1, keys: searchKeys });
    const [fifteenth] = await prepared<{ email: string }>(probe, "select email from users where unique_code = 'EMP0000015'").all();
    await createUser(fresh, { tenantId: first.tenantId, ...newUserFields({ email: fifteenth!.email.toUpperCase(), name: "Squatter" }) });
    await expect(seedTenant(fresh, { tenantName: "Globex", users: 10, seed: 1, keys: searchKeys })).rejects.toThrow(/UNIQUE|duplicate key/);
    expect(await count(fresh, "select count(*) as n from users")).toBe(before + 1);
    expect(await count(fresh, "select count(*) as n from identities")).toBe(identitiesBefore);
    await expectSearchAndCountsInStep(fresh, first.tenantId, before + 1);
  });
});

/** The tenant's user count, the search index and the triggers that keep both are as if every user had been inserted alone. */
async function expectSearchAndCountsInStep(db: Db, tenantId: string, users: number) {
  expect(await count(db, "select user_count as n from tenants where id = ?", tenantId)).toBe(users);
  expect(await count(db, "select count(*) as n from users where tenant_id = ?", tenantId)).toBe(users);
  if (db.dialect === "sqlite") {
    const sqlite = sqliteClient(db);
    expect(() => sqlite.prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
  }
  expect(await searchCopyDiffers(db)).toBe(0);
  const triggers =
    db.dialect === "sqlite"
      ? sqliteClient(db).prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'users' order by name").all()
      : await prepared(
          db,
          "select tgname || ' ' || tgenabled::text as name from pg_trigger where tgrelid = 'users'::regclass and not tgisinternal order by tgname",
        ).all();
  expect(triggers.map((t) => (t as { name: string }).name)).toEqual(
    db.dialect === "sqlite"
      ? [
          "users_count_delete",
          "users_count_insert",
          "users_count_move",
          "users_search_delete",
          "users_search_insert",
          "users_search_update",
          "users_updated_at_update",
        ]
      : [
          "users_count_delete O",
          "users_count_insert O",
          "users_count_move O",
          "users_updated_at_delete O",
          "users_updated_at_insert O",
          "users_updated_at_update O",
        ],
  );
  // Each provider's counts (the SCIM list's total), kept by triggers a bulk seed suspends.
  const providers = await prepared<{ id: string }>(db, "select id from identity_providers where tenant_id = ?").all(tenantId);
  expect(providers.length).toBeGreaterThan(1);
  const counts = await Promise.all(providers.map(({ id }) => providerIdentityCounts(db, id)));
  for (const { kept, counted } of counts) expect(kept).toEqual(counted);
  expect(counts.some(({ counted }) => counted.attached > 0)).toBe(true);
  const last = (await prepared<{ email: string }>(db, "select email from users where tenant_id = ? order by unique_code desc limit 1").get(tenantId))!;
  const found = await listUsers(db, { tenantId, page: 1, size: 100, query: foldText(last.email), sortKey: "email", sortDirection: "asc" });
  expect(found.kind === "page" && found.users.map((u) => u.email)).toEqual([last.email]);
}

/** Every index, key, foreign key and trigger of the schema, by its definition. */
async function schemaObjects(db: Db): Promise<string[]> {
  const rows =
    db.dialect === "sqlite"
      ? sqliteClient(db)
          .prepare("select type || ' ' || name || ' ' || coalesce(sql, '') as definition from sqlite_master where type in ('index', 'trigger')")
          .all()
      : await prepared(
          db,
          `select indexdef as definition from pg_indexes where schemaname = 'public'
           union all select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
           union all select tgname || ' ' || tgenabled::text from pg_trigger where not tgisinternal`,
        ).all();
  return rows.map((row) => (row as { definition: string }).definition).sort();
}

/** The settings a bulk load on SQLite changes for a while (db/bulk-load.ts). */
function sorterSettings(db: Db) {
  if (!isSqlite) return null;
  const sqlite = sqliteClient(db);
  return { cacheSize: sqlite.pragma("cache_size", { simple: true }), threads: sqlite.pragma("threads", { simple: true }) };
}

describe("a bulk seed (indexes and triggers dropped, then rebuilt)", () => {
  const db = createTestDb();

  it("ends with every index, key, trigger, count and search entry a row-by-row load would give", { timeout: 180_000 }, async () => {
    const before = await schemaObjects(db);
    expect(before.length).toBeGreaterThan(20);
    const settingsBefore = sorterSettings(db);
    const first = await seedTenant(db, { tenantName: "Small", users: 20, seed: 2, keys: searchKeys });
    const big = await seedTenant(db, { tenantName: "Initech", users: 50_000, seed: 2, keys: searchKeys });
    expect(await schemaObjects(db)).toEqual(before);
    // The connection goes on serving with its own page cache and no sorter threads.
    expect(sorterSettings(db)).toEqual(settingsBefore);
    await expectSearchAndCountsInStep(db, big.tenantId, 50_002);
    await expectSearchAndCountsInStep(db, first.tenantId, 22);
    expect(await count(db, "select count(*) as n from user_mobiles where kind = 'primary'")).toBe(50_024);
    expect(await count(db, "select count(*) as n from identities")).toBe(first.identitiesCreated + big.identitiesCreated);
  });
});

describe("COPY's text format", () => {
  const db = createTestDb();
  const awkward = ["tab\there", "line\nbreak", "carriage\rreturn", "back\\slash \\N", "plain ünïcode"];

  it("escapes tabs, line breaks and backslashes, and writes null as \\N", () => {
    expect(copyLine(["a\tb", null, 3, "c\\N\nd"])).toBe("a\\tb\t\\N\t3\tc\\\\N\\nd\n");
  });

  it.skipIf(isSqlite)("reads back on PostgreSQL exactly what was written", async () => {
    await db.transaction(async () => {
      const rows = new CopyRows(db, { rate_limits: ["key", "points", "expire"] });
      awkward.forEach((key, i) => rows.add("rate_limits", [key, i, null]));
      await rows.finish();
    });
    const read = await prepared<{ key: string; points: number; expire: unknown }>(db, "select key, points, expire from rate_limits order by points").all();
    expect(read).toEqual(awkward.map((key, points) => ({ key, points, expire: null })));
  });
});
