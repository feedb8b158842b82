import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { searchCopyDiffers } from "@/test/search";
import { createUser } from "./queries/users";
import { identities, identityProviders, tenants, userEmails, userMobiles, users } from "./schema";
import type { Db } from "./client";
import { listUsers } from "./queries/user-list";
import { seedTenant } from "./seed";
import { foldText, normalizeEmail, searchKeys } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";

describe("seedTenant", () => {
  const db = createTestDb();
  const result = seedTenant(db, { tenantName: "Acme", users: 500, seed: 7, keys: searchKeys });
  const tenantUsers = db.select().from(users).where(eq(users.tenantId, result.tenantId)).all();

  it("creates the tenant, the vendor-doc users and the generated users", () => {
    expect(result).toMatchObject({ tenantName: "Acme", createdTenant: true, usersCreated: 500 });
    expect(result.fixedUsersCreated).toEqual(["jane.doe@domain.tld", "john.doe@domain.tld"]);
    expect(tenantUsers).toHaveLength(502);
    const jane = tenantUsers.find((u) => u.email === "jane.doe@domain.tld");
    expect(jane).toMatchObject({ name: "Jane Doe", active: true, state: "active:available" });
    expect(jane?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("stores every generated address with the key normalizeEmail gives it", () => {
    const otherEmails = db.select().from(userEmails).all();
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

  it("gives every user a primary mobile and some a secondary one and another email", () => {
    const primaries = db
      .select({ n: sql<number>`count(*)` })
      .from(userMobiles)
      .where(eq(userMobiles.kind, "primary"))
      .get()!.n;
    const secondaries = db
      .select({ n: sql<number>`count(*)` })
      .from(userMobiles)
      .where(eq(userMobiles.kind, "secondary"))
      .get()!.n;
    expect(primaries).toBe(502);
    expect(secondaries).toBeGreaterThan(50);
    expect(secondaries).toBeLessThan(400);
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(userEmails)
        .get()!.n,
    ).toBeGreaterThan(20);
  });

  it("creates an OIDC, a SAML and a SCIM provider with identities of every linked_by kind, synced and never synced", () => {
    const providers = db.select().from(identityProviders).where(eq(identityProviders.tenantId, result.tenantId)).all();
    expect(providers.map((p) => p.type).sort()).toEqual(["oidc", "saml", "scim"]);
    for (const kind of ["auto", "manual", "scim"] as const) {
      const synced = db
        .select()
        .from(identities)
        .where(and(eq(identities.linkedBy, kind), isNotNull(identities.lastSyncedAt)))
        .all();
      const neverSynced = db
        .select()
        .from(identities)
        .where(and(eq(identities.linkedBy, kind), isNull(identities.lastSyncedAt)))
        .all();
      expect(synced.length, `${kind} synced`).toBeGreaterThan(0);
      expect(neverSynced.length, `${kind} never synced`).toBeGreaterThan(0);
    }
  });

  it("is deterministic for a given seed", () => {
    const other = createTestDb();
    seedTenant(other, { tenantName: "Acme", users: 500, seed: 7, keys: searchKeys });
    const project = (rows: typeof tenantUsers) => rows.map((u) => [u.id, u.email, u.name, u.active, u.properties]).sort();
    expect(project(other.select().from(users).all())).toEqual(project(tenantUsers));
    const different = createTestDb();
    seedTenant(different, { tenantName: "Acme", users: 500, seed: 8, keys: searchKeys });
    expect(project(different.select().from(users).all())).not.toEqual(project(tenantUsers));
  });

  it("adds to an existing tenant without clashing", () => {
    const again = seedTenant(db, { tenantName: "Acme", users: 100, seed: 7, keys: searchKeys });
    expect(again).toMatchObject({ tenantId: result.tenantId, createdTenant: false, usersCreated: 100, fixedUsersCreated: [] });
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .get()!.n,
    ).toBe(602);
    expect(db.select().from(tenants).all()).toHaveLength(1);
    expectSearchAndCountsInStep(db, result.tenantId, 602);
  });

  it("writes nothing when it fails part-way", () => {
    const fresh = createTestDb();
    const first = seedTenant(fresh, { tenantName: "Globex", users: 10, seed: 1, keys: searchKeys });
    const before = fresh
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .get()!.n;
    // A user squatting on the email of the 15th generated user makes the next seed fail midway.
    const probe = createTestDb();
    seedTenant(probe, { tenantName: "Globex", users: 15, seed: 1, keys: searchKeys });
    const fifteenth = probe.select().from(users).where(eq(users.uniqueCode, "EMP0000015")).get()!;
    createUser(fresh, { tenantId: first.tenantId, ...newUserFields({ email: fifteenth.email.toUpperCase(), name: "Squatter" }) });
    expect(() => seedTenant(fresh, { tenantName: "Globex", users: 10, seed: 1, keys: searchKeys })).toThrow(/UNIQUE/);
    expect(
      fresh
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .get()!.n,
    ).toBe(before + 1);
    expect(
      fresh
        .select({ n: sql<number>`count(*)` })
        .from(identities)
        .where(eq(identities.tenantId, first.tenantId))
        .get()!.n,
    ).toBeGreaterThan(0);
    expectSearchAndCountsInStep(fresh, first.tenantId, before + 1);
  });
});

/** The tenant's user count, the trigram index and the triggers that keep both are as if every user had been inserted alone. */
function expectSearchAndCountsInStep(db: Db, tenantId: string, users: number) {
  expect(db.select({ n: tenants.userCount }).from(tenants).where(eq(tenants.id, tenantId)).get()!.n).toBe(users);
  expect(() => db.$client.prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
  expect(searchCopyDiffers(db)).toBe(0);
  const triggers = db.$client.prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'users' order by name").all();
  expect(triggers.map((t) => (t as { name: string }).name)).toEqual([
    "users_count_delete",
    "users_count_insert",
    "users_count_move",
    "users_search_delete",
    "users_search_insert",
    "users_search_update",
    "users_updated_at_update",
  ]);
  const last = db.$client.prepare("select email, name from users where tenant_id = ? order by rowid desc limit 1").get(tenantId) as {
    email: string;
    name: string;
  };
  const found = listUsers(db, { tenantId, page: 1, size: 100, query: foldText(last.email), sortKey: "email", sortDirection: "asc" });
  expect(found.kind === "page" && found.users.map((u) => u.email)).toEqual([last.email]);
}

describe("a bulk seed (indexes and triggers dropped, then rebuilt)", () => {
  it("ends with every index, trigger, count and search entry a row-by-row load would give", () => {
    const db = createTestDb();
    const indexesBefore = db.$client.prepare("select name from sqlite_master where type = 'index' order by name").all();
    const first = seedTenant(db, { tenantName: "Small", users: 20, seed: 2, keys: searchKeys });
    const big = seedTenant(db, { tenantName: "Initech", users: 50_000, seed: 2, keys: searchKeys });
    expect(db.$client.prepare("select name from sqlite_master where type = 'index' order by name").all()).toEqual(indexesBefore);
    expectSearchAndCountsInStep(db, big.tenantId, 50_002);
    expectSearchAndCountsInStep(db, first.tenantId, 22);
  });
});
