import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { Tenant, User } from "../schema";
import { createUser } from "./users";
import { USER_LIST_COUNT_CAP as COUNT_CAP } from "../constants";
import { listConsoleUsers, resolvedUsersQuery, resolveUsersByEmails, userListQuery } from "./console-users";
import { listDepartments } from "./user-departments";
import { normalizeEmail } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";

const DAY = 86_400_000;

/** Inserts users fast (one transaction) with predictable emails, names, departments and creation times. */
function addUsers(
  db: Db,
  tenantId: string,
  count: number,
  make: (i: number) => { email: string; name?: string; active?: boolean; department?: string; createdAt?: number },
) {
  return db.transaction(async () => {
    for (let i = 0; i < count; i++) {
      const u = make(i);
      await createUser(
        db,
        {
          tenantId,
          ...newUserFields({ email: u.email, name: u.name ?? `User ${i}` }),
          active: u.active,
          properties: { department: u.department ?? "", designation: u.department ? `${u.department} person` : "" },
        },
        u.createdAt ?? 1_700_000_000_000 + i,
      );
    }
  }, "immediate");
}

describe("listConsoleUsers", () => {
  const db = createTestDb();
  let tenant: Tenant;
  let other: Tenant;
  beforeAll(async () => {
    tenant = await makeTenant(db);
    other = await makeTenant(db);
    await addUsers(db, tenant.id, 30, (i) => ({
      email: `${["alice", "albert", "bob"][i % 3]}.${String(i).padStart(2, "0")}@example.test`,
      name: `${["Zoe", "Yann", "Xavier"][i % 3]} ${String(i).padStart(2, "0")}`,
      active: i % 5 !== 0,
      department: i % 2 === 0 ? "Sales" : "Legal",
      createdAt: 1_700_000_000_000 + ((i * 7) % 30) * DAY,
    }));
    await addUsers(db, other.id, 5, (i) => ({ email: `alice.other${i}@example.test`, department: "Secret" }));
  });

  it("matches an email prefix case-insensitively, in email order, with the exact total", async () => {
    const page = await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("  ALI ") });
    expect(page.users.map((u) => u.email)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27].map((i) => `alice.${String(i).padStart(2, "0")}@example.test`));
    expect(page).toMatchObject({ total: 10, totalKind: "exact", page: 1, size: 50, sort: "email", dir: "asc", sortFallback: false });
    expect(page.users[0]).toEqual({
      id: expect.any(String),
      email: "alice.00@example.test",
      name: "Zoe 00",
      active: false,
      department: "Sales",
      designation: "Sales person",
      createdAt: expect.any(Number),
    });
  });

  it("finds one user by the exact address, in any case", async () => {
    const page = await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("Bob.05@Example.TEST") });
    expect(page.users.map((u) => u.email)).toEqual(["bob.05@example.test"]);
    expect(page.total).toBe(1);
  });

  it("never shows another tenant's users", async () => {
    const page = await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("alice.other") });
    expect(page.users).toEqual([]);
    expect(page.total).toBe(0);
    expect((await listConsoleUsers(db, { tenantId: tenant.id, department: "Secret" })).total).toBe(0);
    expect((await listConsoleUsers(db, { tenantId: other.id })).total).toBe(5);
  });

  it("treats LIKE wildcards in the search as plain characters", async () => {
    expect((await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("%") })).total).toBe(0);
    expect((await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("_lice") })).total).toBe(0);
  });

  it("filters by status and department, together with the search", async () => {
    const inactive = await listConsoleUsers(db, { tenantId: tenant.id, status: "inactive" });
    expect(inactive.users.every((u) => !u.active)).toBe(true);
    expect(inactive.total).toBe(6);
    expect((await listConsoleUsers(db, { tenantId: tenant.id, status: "active" })).total).toBe(24);
    const legal = await listConsoleUsers(db, { tenantId: tenant.id, department: "Legal", query: normalizeEmail("al") });
    expect(legal.users.every((u) => u.department === "Legal" && u.email.startsWith("al"))).toBe(true);
    expect(legal.total).toBe(10);
  });

  it("sorts by email, name or creation date in either direction", async () => {
    const emails = (await listConsoleUsers(db, { tenantId: tenant.id, sort: "email", dir: "desc" })).users.map((u) => u.email);
    expect(emails).toEqual([...emails].sort().reverse());
    const names = (await listConsoleUsers(db, { tenantId: tenant.id, sort: "name", dir: "asc" })).users.map((u) => u.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(names[0]).toBe("Xavier 02");
    const created = (await listConsoleUsers(db, { tenantId: tenant.id, sort: "createdAt", dir: "desc" })).users.map((u) => u.createdAt);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const createdInSearch = (await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("b"), sort: "createdAt", dir: "asc" })).users.map(
      (u) => u.createdAt,
    );
    expect(createdInSearch).toEqual([...createdInSearch].sort((a, b) => a - b));
  });

  it("pages with a stable order and the same total on every page", async () => {
    const first = await listConsoleUsers(db, { tenantId: tenant.id, size: 12, page: 1 });
    const third = await listConsoleUsers(db, { tenantId: tenant.id, size: 12, page: 3 });
    expect(first).toMatchObject({ total: 30, totalKind: "exact" });
    expect(third).toMatchObject({ total: 30, totalKind: "exact", page: 3 });
    expect(third.users).toHaveLength(6);
    const pages = await Promise.all([1, 2, 3].map((page) => listConsoleUsers(db, { tenantId: tenant.id, size: 12, page, sort: "name" })));
    const all = pages.flatMap((page) => page.users.map((u) => u.id));
    expect(new Set(all).size).toBe(30);
  });

  it("refuses pages that start beyond the count cap", async () => {
    await expect(listConsoleUsers(db, { tenantId: tenant.id, size: 50, page: COUNT_CAP / 50 + 1 })).rejects.toThrow(RangeError);
  });

  it.skipIf(TEST_DIALECT !== "sqlite")("walks the (tenant_id, email_normalized) index for a prefix search: never a scan", async () => {
    for (const sort of ["email", "name", "createdAt"] as const) {
      const detail = sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, query: normalizeEmail("ali"), status: "active", sort }));
      expect(detail).toMatch(/SEARCH users USING INDEX users_tenant_email_unique \(tenant_id=\? AND email_normalized>\? AND email_normalized<\?\)/);
      expect(detail).not.toMatch(/SCAN users/);
      // A department is a range of its own index, with or without a search: never a walk of the whole tenant.
      const department = sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, query: normalizeEmail("ali"), department: "Sales", sort }));
      expect(department).toMatch(
        /^SEARCH users USING INDEX users_department_tenant_email_idx \(<expr>=\? AND tenant_id=\? AND email_normalized>\? AND email_normalized<\?\)/,
      );
      expect(sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, department: "Sales", status: "inactive", sort }))).toMatch(
        /^SEARCH users USING INDEX users_department_tenant_email_idx \(<expr>=\? AND tenant_id=\?\)/,
      );
    }
    expect(sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, department: "Sales" }))).not.toMatch(/TEMP B-TREE/);
    // Email order needs no sort at all; without a search the created_at index gives that order.
    expect(sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, query: normalizeEmail("ali") }))).not.toMatch(/TEMP B-TREE/);
    expect(sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, status: "inactive" }))).not.toMatch(/TEMP B-TREE|SCAN users/);
    expect(sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, sort: "createdAt", dir: "desc" }))).toMatch(/USING INDEX users_tenant_created_at_idx/);
    expect(sqlitePlan(db, userListQuery("sqlite", { tenantId: tenant.id, sort: "createdAt", dir: "desc" }))).not.toMatch(/TEMP B-TREE/);
  });
});

describe("listConsoleUsers on a tenant larger than the bounds", () => {
  const db = createTestDb();
  let tenant: Tenant;
  const size = COUNT_CAP + 500;
  beforeAll(async () => {
    tenant = await makeTenant(db);
    // Every 10th user is in Legal; every 4th is inactive: predictable densities for the estimates.
    await addUsers(db, tenant.id, size, (i) => ({
      email: `person${String(i).padStart(6, "0")}@big.test`,
      name: `Name ${size - i}`,
      active: i % 4 !== 0,
      department: i % 10 === 0 ? "Legal" : "Ops",
    }));
  }, 120_000);

  it.skipIf(TEST_DIALECT !== "postgres")("reads a prefix search and each indexed order from an index in code point order on PostgreSQL", async () => {
    // Statistics, as autovacuum keeps them on a live database: the plans are the planner's own choice.
    await db.exec("analyze users");
    const planOf = async (params: Omit<Parameters<typeof userListQuery>[1], "tenantId">, sort?: "email" | "name" | "createdAt") =>
      (await postgresPlan(db, userListQuery("postgres", { tenantId: tenant.id, ...params }, sort))).join(" | ");
    for (const sort of ["email", "name", "createdAt"] as const) {
      const detail = await planOf({ query: normalizeEmail("person001"), status: "active", department: "Legal", sort }, sort);
      expect(detail, sort).toMatch(/Index Scan users_(tenant_email_c|department_tenant_email)_idx/);
      expect(detail, sort).not.toMatch(/Seq Scan/);
    }
    // A department few users are in is a short range of its own index, not a walk of the tenant.
    expect(await planOf({ department: "Nowhere" })).toBe("Limit | Index Scan users_department_tenant_email_idx");
    // Email order needs no sort at all; without a search the (created_at, id) index gives that order.
    expect(await planOf({ query: normalizeEmail("person") })).toBe("Limit | Index Scan users_tenant_email_c_idx");
    expect(await planOf({ status: "inactive", dir: "desc" })).toBe("Limit | Index Scan Backward users_tenant_email_c_idx");
    expect(await planOf({ sort: "createdAt", dir: "desc" })).toBe("Limit | Index Scan Backward users_tenant_created_at_id_idx");
  });

  it("caps an unfiltered total at 10,000+", async () => {
    expect(await listConsoleUsers(db, { tenantId: tenant.id })).toMatchObject({ total: COUNT_CAP, totalKind: "atLeast" });
    expect(await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("person00") })).toMatchObject({ total: 10_000, totalKind: "exact" });
  });

  it("estimates a filtered total from a bounded sample when many users would have to be read", async () => {
    // 9,450 in Ops, 7,350 of them active in truth: the first 5,000 read, scaled to the 9,450.
    const opsActive = await listConsoleUsers(db, { tenantId: tenant.id, department: "Ops", status: "active" });
    expect(opsActive.totalKind).toBe("estimate");
    expect(opsActive.total).toBeGreaterThanOrEqual(7_000);
    expect(opsActive.total).toBeLessThanOrEqual(7_700);
    // 7,875 active in truth.
    expect(await listConsoleUsers(db, { tenantId: tenant.id, status: "active" })).toMatchObject({ total: 7_900, totalKind: "estimate" });
    expect(await listConsoleUsers(db, { tenantId: tenant.id, status: "active", query: normalizeEmail("person") })).toMatchObject({
      total: 7_900,
      totalKind: "estimate",
    });
    // Within a narrow search every candidate is read: exact.
    expect(await listConsoleUsers(db, { tenantId: tenant.id, department: "Legal", query: normalizeEmail("person001") })).toMatchObject({
      total: 100,
      totalKind: "exact",
    });
  });

  it("counts a department on its index: exact, and within it a status from every candidate when there are few", async () => {
    expect(await listConsoleUsers(db, { tenantId: tenant.id, department: "Legal" })).toMatchObject({ total: 1_050, totalKind: "exact" });
    expect(await listConsoleUsers(db, { tenantId: tenant.id, department: "Ops" })).toMatchObject({ total: 9_450, totalKind: "exact" });
    const inactiveLegal = await listConsoleUsers(db, { tenantId: tenant.id, department: "Legal", status: "inactive", page: 3 });
    expect(inactiveLegal).toMatchObject({ total: 525, totalKind: "exact" });
    expect(inactiveLegal.users[0]?.email).toBe("person002000@big.test"); // every 20th user, 50 a page
    expect(await listConsoleUsers(db, { tenantId: tenant.id, department: "Nowhere" })).toMatchObject({ total: 0, totalKind: "exact", users: [] });
    // A department's users sorted by creation date: at most MAX_ROWS_EXAMINED of them, or email order.
    expect(await listConsoleUsers(db, { tenantId: tenant.id, department: "Legal", sort: "createdAt", dir: "desc" })).toMatchObject({
      sort: "createdAt",
      sortFallback: false,
    });
    expect(await listConsoleUsers(db, { tenantId: tenant.id, department: "Ops", sort: "createdAt" })).toMatchObject({ sort: "email", sortFallback: true });
  });

  it("falls back to email order when a sort no index serves would read too many rows", async () => {
    const wide = await listConsoleUsers(db, { tenantId: tenant.id, sort: "name" });
    expect(wide).toMatchObject({ sort: "email", sortFallback: true });
    expect(wide.users[0]?.email).toBe("person000000@big.test");
    const narrow = await listConsoleUsers(db, { tenantId: tenant.id, query: normalizeEmail("person0001"), sort: "name" });
    expect(narrow).toMatchObject({ sort: "name", sortFallback: false });
  });

  it("lists departments through their index, and in chunks of the tenant's users when there are too many to skip through", async () => {
    expect(await listDepartments(db, tenant.id)).toEqual(["Legal", "Ops"]);
    expect(await listDepartments(db, tenant.id, 0)).toEqual(["Legal", "Ops"]);
  });
});

describe("resolveUsersByEmails", () => {
  const db = createTestDb();
  let tenant: Tenant;
  let ann: User;
  let ben: User;
  beforeAll(async () => {
    tenant = await makeTenant(db);
    ann = await createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "Ann@Example.test", name: "Ann" }) });
    ben = await createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "ben@example.test", name: "Ben" }), active: false });
    await createUser(db, { tenantId: (await makeTenant(db)).id, ...newUserFields({ email: "stranger@example.test", name: "Stranger" }) });
  });

  it("splits pasted addresses into found users (in the order pasted) and unknown addresses (as typed), each once", async () => {
    const pasted = ["ben@example.test", " ANN@example.test ", "nobody@example.test", "ann@example.test", "Stranger@example.test", "nobody@EXAMPLE.test"];
    const result = await resolveUsersByEmails(
      db,
      tenant.id,
      pasted.map((typed) => ({ typed, key: normalizeEmail(typed) })),
    );
    expect(result.found).toEqual([
      { email: "ben@example.test", id: ben.id, name: "Ben", active: false },
      { email: "Ann@Example.test", id: ann.id, name: "Ann", active: true },
    ]);
    expect(result.notFound).toEqual(["nobody@example.test", "Stranger@example.test"]);
  });

  it("answers nothing for nothing", async () => {
    expect(await resolveUsersByEmails(db, tenant.id, [])).toEqual({ found: [], notFound: [] });
  });

  it("reads the found users by their ids, of the tenant only, never by walking the tenant (SQLite's plan)", async () => {
    const other = await makeTenant(db);
    const read = (tenantId: string) => {
      const query = resolvedUsersQuery(db, tenantId, [ann.id, ben.id]);
      return prepared<{ id: string }>(db, query.sql).all(...query.args);
    };
    expect((await read(tenant.id)).map((row) => row.id).sort()).toEqual([ann.id, ben.id].sort());
    expect(await read(other.id)).toEqual([]);
    if (TEST_DIALECT !== "sqlite") return;
    const plan = sqlitePlan(
      db,
      resolvedUsersQuery(
        db,
        tenant.id,
        Array.from({ length: 50 }, (_, i) => `id-${i}`),
      ),
    );
    expect(plan).toBe("SEARCH users USING INDEX sqlite_autoindex_users_1 (id=?)");
  });
});
