import { describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { prepared } from "@/db/prepared";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { identityRow, scimProvider, scimWrite, T0, tenantEvents, written } from "@/test/scim-users";
import { twoProcessDatabases } from "@/test/two-processes";
import { createScimUser, getScimUser, setScimUserActive, updateScimUser } from "./scim-users";
import { eventsOf, revokedAt } from "./user-status-reads";

// A PATCH of `active` alone takes setScimUserActive: it must write what updateScimUser writes for it.

describe("setScimUserActive", () => {
  const db = createTestDb();
  const scope = scimProvider(db);
  const other = scimProvider(db, "Entra");
  const sibling = scimProvider(db, "OneLogin", () => scope.tenantId);

  it("deactivates as updateScimUser does: tokens and sessions revoked, one event by the provider, the last sync moved", async () => {
    const admin = await makeAdminWithToken(db, scope.tenantId);
    const record = written(await createScimUser(db, scope, scimWrite({ email: admin.user.email, name: admin.user.name }), T0));
    expect(await setScimUserActive(db, scope, record.user.id, false, T0 + 40)).toEqual({ status: "updated" });
    expect(await getScimUser(db, scope, record.user.id)).toMatchObject({ user: { active: false, updatedAt: T0 + 40 }, identity: { lastSyncedAt: T0 + 40 } });
    expect(await revokedAt(db, "personal_access_tokens", admin.admin.id)).toBe(T0 + 40);
    expect(await revokedAt(db, "sessions", admin.admin.id)).toBe(T0 + 40);
    expect(await eventsOf(db, admin.user.id, "user.deactivate")).toEqual([
      expect.objectContaining({ outcome: "deactivated", actorType: "provider", actorId: scope.providerId, createdAt: T0 + 40 }),
    ]);

    expect(await setScimUserActive(db, scope, record.user.id, false, T0 + 50)).toEqual({ status: "unchanged" });
    expect((await identityRow(db, record.identity.id))?.lastSyncedAt).toBe(T0 + 50);
    expect(await eventsOf(db, admin.user.id, "user.deactivate")).toHaveLength(1);

    expect(await setScimUserActive(db, scope, record.user.id, true, T0 + 60)).toEqual({ status: "updated" });
    expect((await getScimUser(db, scope, record.user.id))?.user.active).toBe(true);
    expect((await eventsOf(db, admin.user.id, "user.reactivate")).map((event) => event.actorType)).toEqual(["provider"]);
    expect(await eventsOf(db, admin.user.id, "user.updated")).toEqual([]);
  });

  it("leaves the same user as the whole PATCH path does", async () => {
    const make = async (userName: string) =>
      written(
        await createScimUser(db, scope, scimWrite({ userName, name: "Pat Doe", mobiles: [{ kind: "primary", countryCode: "+44", number: "7700900001" }] }), T0),
      );
    const [fast, whole] = [await make("fast"), await make("whole")];
    await setScimUserActive(db, scope, fast.user.id, false, T0 + 10);
    await updateScimUser(
      db,
      scope,
      whole.user.id,
      () => scimWrite({ userName: "whole", name: "Pat Doe", email: whole.user.email, mobiles: whole.mobiles, employeeNumber: null, active: false }),
      T0 + 10,
    );
    const strip = (record: typeof fast | undefined) => ({
      ...record!,
      user: { ...record!.user, id: "", email: "", emailNormalized: "", uniqueCode: "", uniqueCodeFolded: "" },
      identity: { ...record!.identity, id: "", userName: "" },
    });
    expect(strip(await getScimUser(db, scope, fast.user.id))).toEqual(strip(await getScimUser(db, scope, whole.user.id)));
  });

  it("does not find users of another provider, another tenant, or none", async () => {
    const record = written(await createScimUser(db, scope, scimWrite(), T0));
    expect(await setScimUserActive(db, other, record.user.id, false)).toEqual({ status: "not-found" });
    expect(await setScimUserActive(db, { ...scope, tenantId: other.tenantId }, record.user.id, false)).toEqual({ status: "not-found" });
    expect(await setScimUserActive(db, scope, "no-such-user", false)).toEqual({ status: "not-found" });
    expect((await getScimUser(db, scope, record.user.id))?.user.active).toBe(true);
  });

  it("leaves a user of the tenant alone, events and all, when another of its providers asks", async () => {
    const record = written(await createScimUser(db, scope, scimWrite({ userName: "not-theirs" }), T0));
    const before = await tenantEvents(db, scope.tenantId);

    expect(await setScimUserActive(db, sibling, record.user.id, false, T0 + 60)).toEqual({ status: "not-found" });
    expect((await getScimUser(db, scope, record.user.id))?.user.active).toBe(true);
    expect((await identityRow(db, record.identity.id))?.lastSyncedAt).toBe(T0);
    expect(await tenantEvents(db, scope.tenantId)).toEqual(before);
  });

  it("writes nothing, not even the last sync, for an identity of the tenant whose user is another tenant's", async () => {
    const stranger = await makeUser(db, (await makeTenant(db)).id);
    const record = written(await createScimUser(db, scope, scimWrite(), T0));
    await prepared(db, "update identities set user_id = ? where id = ?").run(stranger.id, record.identity.id);
    const before = await tenantEvents(db, scope.tenantId);

    expect(await setScimUserActive(db, scope, stranger.id, false, T0 + 70)).toEqual({ status: "not-found" });
    expect((await identityRow(db, record.identity.id))?.lastSyncedAt).toBe(T0);
    expect(await tenantEvents(db, scope.tenantId)).toEqual(before);
    expect(Boolean((await prepared<{ active: unknown }>(db, "select active from users where id = ?").get(stranger.id))?.active)).toBe(true);
  });
});

// Two servers on one PostgreSQL database: the fast path locks the user before its identity, as
// updateScimUser does, so the two never wait on each other crosswise (a deadlock would be a 500).
describe.skipIf(TEST_DIALECT !== "postgres")("setScimUserActive from two servers on one PostgreSQL database", () => {
  const [one, two] = twoProcessDatabases("scim_active_race");
  const scope = scimProvider(one);

  it("deactivates once while PUTs of the same user run beside it, without a deadlock", async () => {
    const record = written(await createScimUser(one, scope, scimWrite({ userName: "raced-leaver" }), T0));
    const put = () => scimWrite({ userName: "raced-leaver", email: record.user.email, name: "Renamed", employeeNumber: null, active: false });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 3 === 0
          ? updateScimUser(i % 2 ? one : two, scope, record.user.id, put, T0 + 10 + i)
          : setScimUserActive(i % 2 ? one : two, scope, record.user.id, false, T0 + 10 + i),
      ),
    );
    expect(results.map((result) => result.status).filter((status) => status !== "updated" && status !== "unchanged")).toEqual([]);
    expect(await eventsOf(one, record.user.id, "user.deactivate")).toHaveLength(1);
  });
});
