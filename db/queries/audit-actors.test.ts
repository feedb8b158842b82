import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import type { Tenant } from "../schema";
import { ACTOR_STEPS, auditActorKeys, MAX_ACTORS_MATCHED, MAX_ACTORS_READ } from "./audit-actors";
import { auditCountQuery, auditEventChunks, auditPageQuery, auditReadPlan, listAuditEvents, type AuditLogFilters } from "./audit-log";
import { recordAuditEvents, type NewAuditEvent } from "./audit";

const T0 = Date.UTC(2025, 0, 1);

describe("audit log actors", () => {
  const db = createTestDb();
  let tenant: Tenant;
  let minute = 0;
  const event = (tenantId: string, actorId: string | null, actorName: string | null, action = "user.deactivate"): NewAuditEvent => ({
    tenantId,
    actorType: "admin",
    actorId,
    actorName,
    action,
    outcome: "success",
    createdAt: T0 + minute++ * 60_000,
  });

  beforeAll(async () => {
    tenant = await makeTenant(db);
    const other = await makeTenant(db);
    await recordAuditEvents(db, [
      event(tenant.id, "admin-1", "Alice Admin"),
      event(tenant.id, "admin-2", "Bob Helper", "user.reactivate"),
      event(tenant.id, "admin-1", "Alice Admin", "token.created"),
      event(tenant.id, null, "single sign-on", "session.sign_in"),
      event(tenant.id, "admin-1", "Alice Renamed"), // the admin's name changed: events keep the name they had
      event(tenant.id, "tok-9", null),
      event(tenant.id, null, null),
      event(other.id, "admin-1", "Alice Elsewhere"),
    ]);
  });

  const keys = (text: string) => auditActorKeys(db, tenant.id, text);

  it("finds the actors whose id or name contains the text, in any case, with every name an id had", async () => {
    expect(await keys("alice")).toEqual([
      { id: "admin-1", name: "Alice Admin" },
      { id: "admin-1", name: "Alice Renamed" },
    ]);
    expect(await keys(" ADMIN-1 ")).toEqual([
      { id: "admin-1", name: "Alice Admin" },
      { id: "admin-1", name: "Alice Renamed" },
    ]);
    expect(await keys("Sign-On")).toEqual([{ id: "", name: "single sign-on" }]);
    expect(await keys("tok-9")).toEqual([{ id: "tok-9", name: "" }]);
    expect(await keys("%")).toEqual([]);
    expect(await keys("elsewhere")).toEqual([]); // another tenant's
  });

  it("finds through the keys exactly the events the text finds on each event, pages, totals and export alike", async () => {
    const ids = async (filters: AuditLogFilters, page = 1) => {
      const listed = await listAuditEvents(db, { tenantId: tenant.id, filters, page, size: 2, countCap: 1_000 });
      return { total: listed.total, ids: listed.events.map((e) => e.id) };
    };
    const exported = async (filters: AuditLogFilters) => {
      const all = [];
      for await (const chunk of auditEventChunks(db, { tenantId: tenant.id, filters, limit: 100, chunkSize: 2 })) all.push(...chunk.map((e) => e.id));
      return all;
    };
    for (const text of ["alice", "ADMIN", "bob", "sign", "tok-9", "nobody", "e"]) {
      const actorKeys = (await keys(text))!;
      for (const action of [undefined, "user.deactivate"]) {
        for (const page of [1, 2])
          expect(await ids({ actorKeys, action }, page), `${text} ${action} ${page}`).toEqual(await ids({ actor: text, action }, page));
        expect(await exported({ actorKeys, action })).toEqual(await exported({ actor: text, action }));
      }
    }
    expect((await ids({ actorKeys: (await keys("alice"))! })).total).toBe(3);
    expect((await ids({ actorKeys: [] })).total).toBe(0);
  });

  it("gives up (null) past the actors it reads or matches, and the text is then tested on each event", async () => {
    const crowded = await makeTenant(db);
    await recordAuditEvents(
      db,
      Array.from({ length: MAX_ACTORS_MATCHED + 1 }, (_, n) => event(crowded.id, `bot-${n}`, `Bot ${n}`)),
    );
    expect(await auditActorKeys(db, crowded.id, "bot-1")).toHaveLength(11); // bot-1, bot-10 … bot-19
    expect(await auditActorKeys(db, crowded.id, "bot")).toBeNull();
    await recordAuditEvents(
      db,
      Array.from({ length: MAX_ACTORS_READ }, (_, n) => event(crowded.id, `svc-${n}`, null)),
    );
    expect(await auditActorKeys(db, crowded.id, "bot-1")).toBeNull();
  });

  it("skips through the actor index one lookup per actor, never through the events", async () => {
    const steps = [
      { sql: ACTOR_STEPS.firstId, args: [tenant.id] },
      { sql: ACTOR_STEPS.nextId, args: [tenant.id, "admin-1"] },
      { sql: ACTOR_STEPS.firstName, args: [tenant.id, "admin-1"] },
      { sql: ACTOR_STEPS.nextName, args: [tenant.id, "admin-1", "Alice Admin"] },
    ];
    for (const step of steps) {
      if (TEST_DIALECT === "sqlite") {
        expect(sqlitePlan(db, step)).toMatch(
          /^SEARCH audit_events USING COVERING INDEX audit_events_tenant_actor_idx \(tenant_id=\?( AND <expr>[=>]\?){0,2}\)$/,
        );
      } else {
        expect((await postgresPlan(db, step, { indexesOnly: true })).join(" | ")).toMatch(/^Limit \| Index (Only )?Scan audit_events_tenant_actor_idx$/);
      }
    }
  });

  it.runIf(TEST_DIALECT === "sqlite")("looks up an actor who acted a few times, walks back in time for one who acted often (SQLite)", async () => {
    const busy = await makeTenant(db);
    await recordAuditEvents(db, [
      ...Array.from({ length: 10_001 }, (_, n) => event(busy.id, "job-runner", "leaver job", n % 2 ? "user.deactivate" : "user.reactivate")),
      event(busy.id, "admin-7", "Rare Admin"),
      event(busy.id, "admin-7", "Rare Admin", "token.created"),
    ]);
    const rare = { actorKeys: (await auditActorKeys(db, busy.id, "rare"))! };
    const common = { actorKeys: (await auditActorKeys(db, busy.id, "job"))! };
    const byActor = { actorChecked: false, actionChecked: true, sortAfterLookup: true };
    expect(await auditReadPlan(db, busy.id, rare)).toEqual(byActor);
    expect(await auditReadPlan(db, busy.id, { ...rare, action: "user." })).toEqual(byActor);
    expect(await auditReadPlan(db, busy.id, common)).toEqual({ actorChecked: true, actionChecked: true, sortAfterLookup: false });
    expect(await auditReadPlan(db, busy.id, { ...common, action: "token." })).toEqual({ actorChecked: true, actionChecked: false, sortAfterLookup: false });

    const input = (filters: AuditLogFilters) => ({ tenantId: busy.id, filters, page: 1, size: 50, countCap: 100_000 });
    const plan = async (filters: AuditLogFilters) => sqlitePlan(db, auditPageQuery(db, input(filters), await auditReadPlan(db, busy.id, filters)));
    expect(await plan(rare)).toMatch(
      /^SEARCH audit_events USING INDEX audit_events_tenant_actor_idx \(tenant_id=\? AND <expr>=\? AND <expr>=\?\) \| USE TEMP B-TREE FOR ORDER BY$/,
    );
    expect(await plan({ ...rare, action: "user." })).toMatch(/^SEARCH audit_events USING INDEX audit_events_tenant_actor_idx /);
    expect(await plan(common)).toMatch(/^SEARCH audit_events USING INDEX audit_events_tenant_created_idx \(tenant_id=\?\)/);
    expect(await plan({ ...common, action: "token." })).toMatch(/^SEARCH audit_events USING INDEX audit_events_tenant_action_idx /);
    expect(sqlitePlan(db, auditCountQuery(db, busy.id, rare, 10_000))).toMatch(
      /SEARCH audit_events USING COVERING INDEX audit_events_tenant_actor_idx \(tenant_id=\? AND <expr>=\? AND <expr>=\?\)/,
    );

    expect((await listAuditEvents(db, input(rare))).events.map((e) => e.action)).toEqual(["token.created", "user.deactivate"]);
    const page = await listAuditEvents(db, input({ ...common, action: "user.reactivate" }));
    expect(page.events).toHaveLength(50);
    expect(page.events.every((e) => e.actorId === "job-runner" && e.action === "user.reactivate")).toBe(true);
  });

  it.skipIf(TEST_DIALECT !== "postgres")("counts and pages an actor's events through the actor index on PostgreSQL", async () => {
    const busy = await makeTenant(db);
    await recordAuditEvents(db, [
      ...Array.from({ length: 3_000 }, (_, n) => event(busy.id, `admin-${n % 5}`, `Admin ${n % 5}`)),
      event(busy.id, "admin-rare", "Rare Admin"),
    ]);
    await db.exec("analyze audit_events");
    const rare = { actorKeys: (await auditActorKeys(db, busy.id, "rare"))! };
    const count = (await postgresPlan(db, auditCountQuery(db, busy.id, rare, 1_000), { indexesOnly: true })).join(" | ");
    expect(count).toMatch(/audit_events_tenant_actor_idx/);
    expect(count).not.toMatch(/Seq Scan/);
    const page = (await postgresPlan(db, auditPageQuery(db, { tenantId: busy.id, filters: rare, page: 1, size: 50, countCap: 1_000 }))).join(" | ");
    expect(page).toMatch(/audit_events_tenant_actor_idx/);
  });
});
