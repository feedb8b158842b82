import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { liveSessionsOf, revokeOtherSessionsOf, revokeSessionOf, revokeSessionsOfUser } from "@/db/queries/session-list";
import { adminUserFields } from "@/lib/domain/user-fields";
import { serverEnv } from "@/lib/env";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { openSession, readSession } from "./session";

// A console session ends when revoked, after 8 hours, or after SESSION_IDLE_TIMEOUT_SECONDS unused
// (ASVS 7.3.1); its use is recorded sparingly, and "Your sessions" lists what still opens the console.

const db = createTestDb();
const IDLE_MS = serverEnv().SESSION_IDLE_TIMEOUT_SECONDS * 1000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

async function makeAdmin() {
  const tenant = await makeTenant(db);
  const { admin, user } = await createAdmin(db, {
    tenantId: tenant.id,
    ...adminUserFields(`a-${randomUUID().slice(0, 8)}@example.test`),
    role: "admin",
    passwordHash: "x",
  });
  return { tenantId: tenant.id, adminId: admin.id, userId: user.id };
}

const lastSeen = async (id: string) => (await prepared<{ at: number }>(db, 'select last_seen_at as "at" from sessions where id = ?').get(id))!.at;

describe("a console session's lifetime", () => {
  it("ends after the idle timeout unless used; each use moves it on, recorded at most once a minute", async () => {
    const admin = await makeAdmin();
    const { cookieValue } = await openSession(
      db,
      admin,
      { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36", clientAddress: "192.0.2.7" },
      T0,
    );
    const session = (await readSession(db, cookieValue, T0 + 10_000))!;
    expect(session).toMatchObject({ adminId: admin.adminId, lastSeenAt: T0 });
    expect(await lastSeen(session.sessionId)).toBe(T0);

    expect(await readSession(db, cookieValue, T0 + 61_000)).not.toBeNull();
    expect(await lastSeen(session.sessionId)).toBe(T0 + 61_000);
    expect(await readSession(db, cookieValue, T0 + 61_000 + IDLE_MS - 1)).not.toBeNull();
    expect(await readSession(db, cookieValue, T0 + 61_000 + IDLE_MS - 1 + IDLE_MS)).toBeNull();
    // Ended is ended: the idle session does not come back when read again later.
    expect(await readSession(db, cookieValue, T0 + 61_000 + 2 * IDLE_MS + 5_000)).toBeNull();
  });

  it("lists the admin's live sessions, last used first, and ends one, the others, or all of a user's", async () => {
    const admin = await makeAdmin();
    const other = await makeAdmin();
    const open = (at: number, clientAddress: string) => openSession(db, admin, { userAgent: null, clientAddress }, at);
    const [a, b, c] = [await open(T0, "192.0.2.1"), await open(T0 + 1_000, "192.0.2.2"), await open(T0 + 2_000, "192.0.2.3")];
    await openSession(db, other, undefined, T0);
    const now = T0 + 3_000;
    const ids = async () => (await liveSessionsOf(db, admin, IDLE_MS, now)).map((row) => row.clientAddress);
    expect(await ids()).toEqual(["192.0.2.3", "192.0.2.2", "192.0.2.1"]);
    // An idle one is not listed.
    expect(await liveSessionsOf(db, admin, 1_500, now)).toHaveLength(1);

    const idOf = async (cookie: string) => (await readSession(db, cookie, now))!.sessionId;
    const [idA, idB, idC] = [await idOf(a.cookieValue), await idOf(b.cookieValue), await idOf(c.cookieValue)];
    expect(await revokeSessionOf(db, other, idA, IDLE_MS, now)).toBe(false);
    expect(await revokeSessionOf(db, admin, idA, IDLE_MS, now)).toBe(true);
    expect(await revokeSessionOf(db, admin, idA, IDLE_MS, now)).toBe(false);
    expect(await readSession(db, a.cookieValue, now)).toBeNull();

    expect(await revokeOtherSessionsOf(db, admin, idC, IDLE_MS, now)).toBe(1);
    expect(await readSession(db, b.cookieValue, now)).toBeNull();
    expect(await readSession(db, c.cookieValue, now)).not.toBeNull();
    expect(idB).not.toBe(idC);

    expect(await revokeSessionsOfUser(db, other.tenantId, admin.userId, IDLE_MS, now)).toBe(0);
    // Only the live: with a timeout that left c idle, there is nothing to end.
    expect(await revokeSessionsOfUser(db, admin.tenantId, admin.userId, 500, now)).toBe(0);
    expect(await revokeSessionsOfUser(db, admin.tenantId, admin.userId, IDLE_MS, now)).toBe(1);
    expect(await liveSessionsOf(db, admin, IDLE_MS, now)).toEqual([]);
    expect(await liveSessionsOf(db, other, IDLE_MS, now)).toHaveLength(1);
  });
});
