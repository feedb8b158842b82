import { describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { twoProcessDatabases } from "@/test/two-processes";
import { prepareDatabase } from "@/lib/setup/database";
import type { Db } from "../client";
import { prepared } from "../prepared";
import { recordAuditEvent, recordAuditEvents } from "./audit";
import { chainHash, GENESIS_HASH } from "./audit-chain";
import { chainUnchainedEvents, walkAuditChain } from "./audit-chain-walk";
import { readMaintenanceMark } from "./maintenance-marks";

const event = (tenantId: string, n: number) => ({ tenantId, actorType: "system" as const, action: `test.chain.${n}`, outcome: "ok", details: { n } });

/** An event written around the chain: straight into the table, as someone with the database (or a version before the chain) would. */
const insertUnchained = (db: Db, tenantId: string, id: string, createdAt: number) =>
  prepared(db, `insert into audit_events (id, tenant_id, actor_type, action, outcome, created_at) values (?, ?, 'system', 'test.unchained', 'ok', ?)`).run(
    id,
    tenantId,
    createdAt,
  );
const seqOf = async (db: Db, id: string) => {
  const seq = (await prepared<{ seq: number | null }>(db, "select chain_seq as seq from audit_events where id = ?").get(id))!.seq;
  return seq === null ? null : Number(seq);
};

async function tenantWithEvents(db: Db, count: number) {
  const tenant = await makeTenant(db);
  const events = await recordAuditEvents(
    db,
    Array.from({ length: count }, (_, n) => event(tenant.id, n)),
  );
  return { tenant, events };
}

// Every chain already written was hashed this way: a change to chainContent or chainHash that
// alters a single byte (key order, escaping, the digest's form) fails here before it breaks them all.
it("hashes a fixed event to the value chains were written with", () => {
  const fixed = {
    id: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    tenantId: "t-1",
    actorType: "admin" as const,
    actorId: "a-1",
    actorName: "Zoë Ünal",
    action: "user.deactivate",
    targetType: "user",
    targetId: "u-1",
    outcome: "deactivated",
    requestId: "req-1",
    details: { ticket: "HR-1", email: "zoe@example.com", tokensRevoked: 2, n: [1, "ü", null, true] },
    createdAt: 1765000000000,
  };
  expect(chainHash(GENESIS_HASH, 1, fixed)).toBe("fdfbf7dc076386ea1d20a82e73605407b20dbe84da2893cfc0e2d652a7b2db0c");
});

describe("the audit chain", () => {
  const db = createTestDb();

  it("links each tenant's events in order, from the genesis hash, one chain per tenant", async () => {
    const { tenant, events } = await tenantWithEvents(db, 5);
    const other = await makeTenant(db);
    const single = await recordAuditEvent(db, event(other.id, 0));
    expect(events.map((e) => e.chainSeq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(events[2]!.hash).toBe(chainHash(events[1]!.hash!, 3, events[2]!));
    expect(single).toMatchObject({ chainSeq: 1, prevHash: GENESIS_HASH });
    expect(await walkAuditChain(db, tenant.id, [])).toEqual({ events: 5, headSeq: 5, checkpointsMatched: 0, firstBreak: null });
  });

  it("stores and hashes text that does not round-trip (a lone surrogate) as the well-formed text it reads back: no false break", async () => {
    const tenant = await makeTenant(db);
    const recorded = await recordAuditEvent(db, {
      tenantId: tenant.id,
      actorType: "admin",
      actorName: "Eve \ud800",
      action: "test.surrogates",
      outcome: "ok",
      details: { note: "a\udc00b", list: ["\ud83d"], nested: { "k\ud800": "fine 😀" } },
    });
    expect(recorded.actorName).toBe("Eve \ufffd");
    expect(recorded.details).toEqual({ note: "a\ufffdb", list: ["\ufffd"], nested: { "k\ufffd": "fine 😀" } });
    const stored = await prepared<{ actorName: string; details: string }>(db, `select actor_name as "actorName", details from audit_events where id = ?`).get(
      recorded.id,
    );
    expect(stored!.actorName).toBe("Eve \ufffd");
    expect(JSON.parse(stored!.details)).toEqual(recorded.details);
    expect((await walkAuditChain(db, tenant.id, [])).firstBreak).toBeNull();
  });

  it("names an event edited in the database", async () => {
    const { tenant, events } = await tenantWithEvents(db, 4);
    await prepared(db, "update audit_events set actor_name = 'someone else' where id = ?").run(events[2]!.id);
    expect((await walkAuditChain(db, tenant.id, [])).firstBreak).toMatchObject({ kind: "changed", seq: 3, eventId: events[2]!.id });
  });

  it("names a deleted event's place, and a deleted newest event", async () => {
    const { tenant, events } = await tenantWithEvents(db, 4);
    await prepared(db, "delete from audit_events where id = ?").run(events[1]!.id);
    const walk = await walkAuditChain(db, tenant.id, []);
    expect(walk.firstBreak).toMatchObject({ kind: "missing", seq: 2, eventId: events[2]!.id });
    expect(walk.firstBreak!.message).toMatch(/#2 is missing/);
    const newest = await tenantWithEvents(db, 3);
    await prepared(db, "delete from audit_events where id = ?").run(newest.events[2]!.id);
    expect((await walkAuditChain(db, newest.tenant.id, [])).firstBreak).toMatchObject({ kind: "truncated", seq: 3 });
  });

  it("finds a chain rewritten consistently after a signed checkpoint", async () => {
    const { tenant, events } = await tenantWithEvents(db, 3);
    const checkpoint = { tenantId: tenant.id, seq: 2, hash: events[1]!.hash!, keyId: "k", signature: "s", createdAt: 1 };
    expect((await walkAuditChain(db, tenant.id, [checkpoint])).checkpointsMatched).toBe(1);
    // Rewrite event 2 and every hash after it, as someone with the database but not the key could.
    let prevHash = events[0]!.hash!;
    for (const [i, original] of events.slice(1).entries()) {
      const edited = { ...original, actorName: i === 0 ? "forged" : original.actorName };
      const hash = chainHash(prevHash, i + 2, edited);
      await prepared(db, "update audit_events set actor_name = ?, prev_hash = ?, hash = ? where id = ?").run(edited.actorName, prevHash, hash, original.id);
      prevHash = hash;
    }
    await prepared(db, "update audit_chain_heads set hash = ? where tenant_id = ?").run(prevHash, tenant.id);
    expect((await walkAuditChain(db, tenant.id, [])).firstBreak).toBeNull();
    expect((await walkAuditChain(db, tenant.id, [checkpoint])).firstBreak).toMatchObject({ kind: "checkpoint", seq: 2 });
  });

  it("chains events outside the chain, oldest first, after those already chained (the one-time catch-up's step)", async () => {
    const { tenant, events } = await tenantWithEvents(db, 2);
    for (const [id, createdAt] of [
      ["late-b", 20],
      ["late-a", 10],
    ] as const)
      await insertUnchained(db, tenant.id, id, createdAt);
    expect((await walkAuditChain(db, tenant.id, [])).firstBreak).toMatchObject({ kind: "unchained", eventId: "late-a" });
    expect(await chainUnchainedEvents(db, 1)).toContainEqual({ tenantId: tenant.id, chained: 2 });
    expect(await walkAuditChain(db, tenant.id, [])).toMatchObject({ events: 4, firstBreak: null });
    expect([await seqOf(db, events[1]!.id), await seqOf(db, "late-a"), await seqOf(db, "late-b")]).toEqual([2, 3, 4]);
  });

  it("leaves an event inserted around the chain outside it when the database is prepared again (a start)", async () => {
    const { tenant } = await tenantWithEvents(db, 2);
    await insertUnchained(db, tenant.id, `forged-${tenant.id}`, Date.now() - 86_400_000);
    await prepareDatabase(db);
    expect(await seqOf(db, `forged-${tenant.id}`)).toBeNull();
    expect((await walkAuditChain(db, tenant.id, [])).firstBreak).toMatchObject({ kind: "unchained", eventId: `forged-${tenant.id}` });
  });
});

// A database of its own each: whether a chain has begun is the whole database's state.
describe("the one-time catch-up of events written before the chain", () => {
  const fresh = createTestDb();
  const served = createTestDb();
  const forgetCatchUp = (db: Db) => prepared(db, "delete from maintenance_marks where name = 'audit-chain-catch-up'").run();

  it("chains them at the first start, audits it with the count, and then never again", async () => {
    const tenant = await makeTenant(fresh);
    await insertUnchained(fresh, tenant.id, "before-b", 20);
    await insertUnchained(fresh, tenant.id, "before-a", 10);
    await forgetCatchUp(fresh); // as in a database last served by a version before the chain
    await prepareDatabase(fresh);
    expect([await seqOf(fresh, "before-a"), await seqOf(fresh, "before-b")]).toEqual([1, 2]);
    const audited = await prepared<{ seq: number; details: string }>(
      fresh,
      "select chain_seq as seq, details from audit_events where tenant_id = ? and action = 'audit.chain_caught_up'",
    ).all(tenant.id);
    expect(audited.map((row) => ({ seq: Number(row.seq), details: JSON.parse(row.details) as unknown }))).toEqual([{ seq: 3, details: { chained: 2 } }]);
    expect(await readMaintenanceMark(fresh, "audit-chain-catch-up")).toBe("done");
    await insertUnchained(fresh, tenant.id, "after", Date.now());
    await prepareDatabase(fresh);
    expect(await seqOf(fresh, "after")).toBeNull();
    expect((await walkAuditChain(fresh, tenant.id, [])).firstBreak).toMatchObject({ kind: "unchained", eventId: "after" });
  });

  it("chains nothing in a database whose chain had begun before the mark existed (served by the version before this rule)", async () => {
    const tenant = await makeTenant(served);
    await recordAuditEvent(served, event(tenant.id, 1));
    await insertUnchained(served, tenant.id, "forged", 5);
    await forgetCatchUp(served);
    await prepareDatabase(served);
    expect(await seqOf(served, "forged")).toBeNull();
    expect(await readMaintenanceMark(served, "audit-chain-catch-up")).toBe("done");
  });
});

// Two connections in one process: on SQLite one's transaction would wait out the busy timeout
// while holding the thread the other needs to commit, so SQLite's appends share one connection
// (which is how one SQLite process writes); PostgreSQL's come through two pools.
describe(`the audit chain under concurrent appends (${TEST_DIALECT})`, () => {
  const [one, two] =
    TEST_DIALECT === "postgres"
      ? twoProcessDatabases("audit_chain")
      : (() => {
          const db = createTestDb();
          return [db, db];
        })();

  it("stays one unbroken chain when appends to one tenant come at once", async () => {
    const tenant = await makeTenant(one);
    await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        n % 4 === 0
          ? (n % 8 === 0 ? one : two).transaction(
              () => recordAuditEvents(n % 8 === 0 ? one : two, [event(tenant.id, n), event(tenant.id, n + 100)]),
              "immediate",
            )
          : recordAuditEvent(n % 2 === 0 ? one : two, event(tenant.id, n)),
      ),
    );
    expect(await walkAuditChain(one, tenant.id, [])).toEqual({ events: 50, headSeq: 50, checkpointsMatched: 0, firstBreak: null });
  });
});
