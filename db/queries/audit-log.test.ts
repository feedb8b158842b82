import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import { normalizeEmail } from "@/lib/domain/email";
import { prepared } from "../prepared";
import type { Tenant, User } from "../schema";
import {
  auditCountQuery,
  auditEventChunks,
  auditPageQuery,
  auditTargetIds,
  auditTargetLabelQuery,
  auditTargetLabels,
  countAuditEvents,
  listAuditEvents,
  auditReadPlan,
  type AuditLogFilters,
} from "./audit-log";
import { recordAuditEvent, recordAuditEvents } from "./audit";

const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;

describe("audit log queries", () => {
  const db = createTestDb();
  let tenant: Tenant;
  let other: Tenant;
  let jane: User;

  const add = (tenantId: string, minute: number, action: string, fields: { actorName?: string; actorId?: string; targetId?: string } = {}) =>
    recordAuditEvent(db, {
      tenantId,
      actorType: "admin",
      actorId: fields.actorId ?? "admin-1",
      actorName: fields.actorName ?? "Alice Admin",
      action,
      targetType: "user",
      targetId: fields.targetId ?? null,
      outcome: "success",
      createdAt: T0 + minute * MIN,
    });

  beforeAll(async () => {
    tenant = await makeTenant(db);
    other = await makeTenant(db);
    jane = await makeUser(db, tenant.id, { email: "Jane.Doe@example.test" });
    await add(tenant.id, 0, "session.sign_in");
    await add(tenant.id, 1, "user.deactivate", { targetId: jane.id });
    await add(tenant.id, 2, "user.reactivate", { targetId: jane.id, actorName: "Bob Helper", actorId: "admin-2" });
    await add(tenant.id, 3, "token.created", { targetId: "tok-1" });
    await add(tenant.id, 4, "user.deactivate.undo", { targetId: jane.id });
    await add(tenant.id, 5, "username.changed"); // shares the text "user" but is not a user.* action
    await add(other.id, 2, "user.deactivate", { targetId: jane.id, actorName: "Alice Admin" });
  });

  const actions = async (filters: AuditLogFilters) =>
    (await listAuditEvents(db, { tenantId: tenant.id, filters, page: 1, size: 100, countCap: 1_000 })).events.map((e) => e.action);
  const chunksOf = async (input: Parameters<typeof auditEventChunks>[1]) => {
    const chunks = [];
    for await (const chunk of auditEventChunks(db, input)) chunks.push(chunk);
    return chunks;
  };

  it("lists the tenant's events newest first and never another tenant's", async () => {
    const page = await listAuditEvents(db, { tenantId: tenant.id, filters: {}, page: 1, size: 100, countCap: 1_000 });
    expect(page.total).toBe(6);
    expect(page.events.map((e) => e.createdAt)).toEqual([5, 4, 3, 2, 1, 0].map((m) => T0 + m * MIN));
    expect(page.events.every((e) => e.tenantId === tenant.id)).toBe(true);
  });

  it("filters by actor name or id, case-insensitively, as 'contains'", async () => {
    expect(await actions({ actor: "bob" })).toEqual(["user.reactivate"]);
    expect(await actions({ actor: "ADMIN-2" })).toEqual(["user.reactivate"]);
    expect(await actions({ actor: "alice" })).toHaveLength(5);
    expect(await actions({ actor: "%" })).toEqual([]); // LIKE wildcards are literal
  });

  it("filters by exact action (with its sub-actions) or by prefix", async () => {
    expect(await actions({ action: "user.deactivate" })).toEqual(["user.deactivate.undo", "user.deactivate"]);
    expect(await actions({ action: "user." })).toEqual(["user.deactivate.undo", "user.reactivate", "user.deactivate"]);
    expect(await actions({ action: "user" })).toEqual(["user.deactivate.undo", "user.reactivate", "user.deactivate"]);
    expect(await actions({ action: "user*" })).toEqual(["username.changed", "user.deactivate.undo", "user.reactivate", "user.deactivate"]);
    expect(await actions({ action: "session.sign_in" })).toEqual(["session.sign_in"]);
    expect(await actions({ action: "nothing" })).toEqual([]);
  });

  it("filters by target id, or by a user's email resolved to its id", async () => {
    expect(await auditTargetIds(db, tenant.id, " jane.doe@EXAMPLE.test ", normalizeEmail(" jane.doe@EXAMPLE.test "))).toContain(jane.id);
    expect(await auditTargetIds(db, other.id, "jane.doe@example.test", normalizeEmail("jane.doe@example.test"))).not.toContain(jane.id);
    expect(await actions({ targetIds: await auditTargetIds(db, tenant.id, "jane.doe@example.test", normalizeEmail("jane.doe@example.test")) })).toEqual([
      "user.deactivate.undo",
      "user.reactivate",
      "user.deactivate",
    ]);
    expect(await actions({ targetIds: await auditTargetIds(db, tenant.id, "tok-1", null) })).toEqual(["token.created"]);
    expect(await actions({ targetIds: [] })).toEqual([]);
  });

  it("filters by a time range, both ends inclusive, combined with other filters", async () => {
    expect(await actions({ from: T0 + 2 * MIN, to: T0 + 3 * MIN })).toEqual(["token.created", "user.reactivate"]);
    expect(await actions({ from: T0 + 4 * MIN })).toEqual(["username.changed", "user.deactivate.undo"]);
    expect(await actions({ to: T0 })).toEqual(["session.sign_in"]);
    expect(await actions({ action: "user.", from: T0 + 2 * MIN, actor: "alice" })).toEqual(["user.deactivate.undo"]);
  });

  it("pages with a total", async () => {
    const second = await listAuditEvents(db, { tenantId: tenant.id, filters: {}, page: 2, size: 4, countCap: 1_000 });
    expect(second).toMatchObject({ total: 6, totalKind: "exact" });
    expect(second.events.map((e) => e.action)).toEqual(["user.deactivate", "session.sign_in"]);
    expect(await countAuditEvents(db, tenant.id, { action: "user." }, 1_000)).toEqual({ total: 3, totalKind: "exact" });
  });

  it("counts no further than the cap, and a page that is not full needs no count", async () => {
    const page = (number: number, size: number, countCap: number) => listAuditEvents(db, { tenantId: tenant.id, filters: {}, page: number, size, countCap });
    expect(await page(1, 2, 3)).toMatchObject({ total: 3, totalKind: "atLeast" });
    expect(await page(1, 2, 5)).toMatchObject({ total: 5, totalKind: "atLeast" });
    expect(await page(1, 2, 6)).toMatchObject({ total: 6, totalKind: "exact" });
    // The last page (not full) gives the exact total, whatever the cap: no count was read.
    expect(await page(2, 4, 3)).toMatchObject({ total: 6, totalKind: "exact" });
    expect(await page(1, 100, 3)).toMatchObject({ total: 6, totalKind: "exact" });
    // A page past the end is empty and counts.
    expect(await page(3, 4, 3)).toMatchObject({ total: 3, totalKind: "atLeast", events: [] });
    expect(await countAuditEvents(db, tenant.id, { actor: "alice" }, 2)).toEqual({ total: 2, totalKind: "atLeast" });
    expect(await countAuditEvents(db, tenant.id, { actor: "nobody" }, 2)).toEqual({ total: 0, totalKind: "exact" });
  });

  it("reads an export in keyset chunks without repeats, up to the limit", async () => {
    const many = await makeTenant(db);
    // Several events share a timestamp, so the chunks must break ties by id.
    for (let i = 0; i < 25; i++) await add(many.id, Math.floor(i / 4), "user.deactivate");
    const chunks = await chunksOf({ tenantId: many.id, filters: {}, limit: 1_000, chunkSize: 7 });
    expect(chunks.map((c) => c.length)).toEqual([7, 7, 7, 4]);
    const ids = chunks.flat().map((e) => e.id);
    expect(new Set(ids).size).toBe(25);
    const times = chunks.flat().map((e) => e.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(chunks.flat()).toEqual((await listAuditEvents(db, { tenantId: many.id, filters: {}, page: 1, size: 100, countCap: 1_000 })).events);
    expect((await chunksOf({ tenantId: many.id, filters: {}, limit: 10, chunkSize: 7 })).map((c) => c.length)).toEqual([7, 3]);
  });

  it("labels targets by the user's email, the admin's email and the token's name, of the tenant only", async () => {
    const { admin, user, tokenId } = await makeAdminWithToken(db, tenant.id);
    const stranger = await makeUser(db, other.id);
    const events = [
      { targetType: "user", targetId: jane.id },
      { targetType: "admin", targetId: admin.id },
      { targetType: "token", targetId: tokenId },
      { targetType: "user", targetId: stranger.id },
      { targetType: "user", targetId: null },
    ];
    expect(Object.fromEntries(await auditTargetLabels(db, tenant.id, events))).toEqual({
      [jane.id]: jane.email,
      [admin.id]: user.email,
      [tokenId]: "test",
    });
  });

  it.runIf(TEST_DIALECT === "sqlite")("finds the labels by the targets' ids, never by walking the tenant (SQLite)", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `id-${i}`);
    const byId = /^SEARCH (\w+) USING INDEX sqlite_autoindex_\w+_1 \(id=\?\)$/;
    expect(sqlitePlan(db, auditTargetLabelQuery(db, "user", tenant.id, ids))).toMatch(byId);
    expect(sqlitePlan(db, auditTargetLabelQuery(db, "token", tenant.id, ids))).toMatch(byId);
    const [admins, users] = sqlitePlan(db, auditTargetLabelQuery(db, "admin", tenant.id, ids)).split(" | ");
    expect(admins).toMatch(byId);
    expect(users).toMatch(byId);
  });

  it.runIf(TEST_DIALECT === "sqlite")("reads a common action back in time, a rare one through its index, the same page either way (SQLite)", async () => {
    const busy = await makeTenant(db);
    const event = (action: string, minute: number) => ({
      tenantId: busy.id,
      actorType: "system" as const,
      action,
      outcome: "ok",
      createdAt: T0 + minute * MIN,
    });
    await recordAuditEvents(db, [
      ...Array.from({ length: 10_001 }, (_, n) => event(n % 3 ? "user.deactivate" : "user.reactivate", n)),
      event("token.created", 7),
    ]);
    const inTime = { actorChecked: false, actionChecked: true, sortAfterLookup: false };
    const byAction = { ...inTime, actionChecked: false };
    expect(await auditReadPlan(db, busy.id, { action: "user." })).toEqual(inTime);
    expect(await auditReadPlan(db, busy.id, { action: "user.reactivate" })).toEqual(byAction);
    expect(await auditReadPlan(db, busy.id, { action: "token." })).toEqual(byAction);
    expect(await auditReadPlan(db, busy.id, { action: "user.", targetIds: ["x"] })).toEqual({
      actorChecked: true,
      actionChecked: false,
      sortAfterLookup: true,
    });
    const input = (action: string) => ({ tenantId: busy.id, filters: { action }, page: 2, size: 50, countCap: 100_000 });
    expect(sqlitePlan(db, auditPageQuery(db, input("user."), inTime))).toMatch(
      /^SEARCH audit_events USING INDEX audit_events_tenant_created_idx \(tenant_id=\?\)( \| USE TEMP B-TREE FOR (RIGHT PART|LAST TERM) OF ORDER BY)?$/,
    );
    expect(sqlitePlan(db, auditPageQuery(db, input("token."), byAction))).toMatch(
      /^SEARCH audit_events USING INDEX audit_events_tenant_action_idx .*TEMP B-TREE FOR ORDER BY$/,
    );
    for (const action of ["user.", "user.reactivate", "token."]) {
      const read = async (checked: boolean) => {
        const query = auditPageQuery(db, input(action), checked ? inTime : byAction);
        return (await prepared<{ id: string }>(db, query.sql).all(...query.args)).map((row) => row.id);
      };
      const inTimeOrder = await read(true);
      expect(inTimeOrder).toEqual(await read(false));
      expect(inTimeOrder).toHaveLength(action === "token." ? 0 : 50);
    }
    expect((await listAuditEvents(db, input("user."))).events.map((e) => e.createdAt)).toEqual(
      Array.from({ length: 50 }, (_, i) => T0 + (10_000 - 50 - i) * MIN),
    );
  });

  it.skipIf(TEST_DIALECT !== "postgres")("reads an action prefix as a range of an index in code point order on PostgreSQL", async () => {
    // A log where the asked actions are rare, its statistics taken: every (tenant_id, …) index
    // would otherwise serve the tenant's few events as well as another.
    const busy = await makeTenant(db);
    const event = (action: string) => ({ tenantId: busy.id, actorType: "system" as const, action, outcome: "ok" });
    await recordAuditEvents(db, [
      ...Array.from({ length: 3_000 }, (_, n) => event(`session.sign_in.${n % 7}`)),
      event("user.deactivate"),
      event("user.reactivate"),
    ]);
    await db.exec("analyze audit_events");
    const query = auditCountQuery(db, busy.id, { action: "user." }, 1_000);
    expect((await postgresPlan(db, query, { indexesOnly: true })).join(" | ")).toMatch(
      /^Aggregate \| Limit \| Index Only Scan audit_events_tenant_action_c_idx$/,
    );
    // An exact action too: the index in the database's collation is gone (every audit event paid for both).
    const exact = (await postgresPlan(db, auditCountQuery(db, busy.id, { action: "user.deactivate" }, 1_000), { indexesOnly: true })).join(" | ");
    expect(exact).toMatch(
      /^Aggregate \| Limit \| (Index Only Scan|Bitmap Heap Scan audit_events \| BitmapOr \| Bitmap Index Scan) audit_events_tenant_action_c_idx/,
    );
    expect(exact).not.toMatch(/Seq Scan|Sort/);
  });
});
