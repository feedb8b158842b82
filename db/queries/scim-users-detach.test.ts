import { describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeUser } from "@/test/factories";
import { twoProcessDatabases } from "@/test/two-processes";
import { prepared } from "../prepared";
import { conflictOfError } from "./scim-user-changes";
import { identityRow, scimProvider, scimWrite, T0, written } from "@/test/scim-users";
import { createScimUser, detachScimUser, getScimUser } from "./scim-users";
import { eventsOf, revokedAt, userRow } from "./user-status-reads";

describe("detachScimUser", () => {
  const db = createTestDb();
  const scope = scimProvider(db);

  it("deactivates the user and detaches the identity, keeping the row and the user", async () => {
    const admin = await makeAdminWithToken(db, scope.tenantId);
    const record = written(await createScimUser(db, scope, scimWrite({ userName: "leaver", email: admin.user.email, name: admin.user.name }), T0));
    expect(await detachScimUser(db, scope, record.user.id, undefined, T0 + 1, "req-d")).toEqual({ status: "detached" });
    expect(await getScimUser(db, scope, record.user.id)).toBeUndefined();
    expect(await identityRow(db, record.identity.id)).toMatchObject({ userId: null, usernameKey: null, externalUsername: "leaver", lastSyncedAt: T0 + 1 });
    expect(await userRow(db, record.user.id)).toMatchObject({ active: 0 });
    expect(await revokedAt(db, "sessions", admin.admin.id)).toBe(T0 + 1);
    const events = await eventsOf(db, record.user.id);
    expect(events.map((event) => [event.action, event.outcome, event.actorType]).sort()).toEqual([
      ["identity.detached", "detached", "provider"],
      ["identity.linked", "linked", "provider"],
      ["user.deactivate", "deactivated", "provider"],
    ]);
    expect(await detachScimUser(db, scope, record.user.id)).toEqual({ status: "not-found" });
    // The same address posted again links the user again.
    expect(await createScimUser(db, scope, scimWrite({ userName: "leaver", email: admin.user.email }), T0 + 2)).toMatchObject({ status: "linked" });
  });

  it("writes nothing when check throws, and does not audit a no-op deactivation", async () => {
    const record = written(await createScimUser(db, scope, scimWrite({ active: false }), T0));
    const refused = new Error("precondition failed");
    await expect(
      detachScimUser(db, scope, record.user.id, () => {
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(await getScimUser(db, scope, record.user.id)).toEqual(record);
    expect(await detachScimUser(db, scope, record.user.id, (current) => expect(current).toEqual(record), T0 + 3)).toEqual({ status: "detached" });
    expect((await eventsOf(db, record.user.id)).map((event) => event.action).sort()).toEqual(["identity.detached", "user.created"]);
  });
});

describe("conflictOfError", () => {
  const db = createTestDb();
  const scope = scimProvider(db);

  it("tells which unique index the database refused a write on", async () => {
    const record = written(await createScimUser(db, scope, scimWrite({ externalId: "ext-raw", employeeNumber: "E-RAW" }), T0));
    await makeUser(db, scope.tenantId);
    const refusal = async (sql: string, ...args: string[]) => {
      try {
        await prepared(db, sql).run(...args);
      } catch (error) {
        return conflictOfError(error);
      }
      throw new Error("the write went through");
    };
    const identityInsert = `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, username_key, linked_by, created_at, updated_at)
      values (?, ?, null, ?, ?, ?, 'scim', 0, 0)`;
    expect(await refusal(identityInsert, "x1", scope.tenantId, scope.providerId, "ext-raw", "fresh")).toMatchObject({ field: "externalId" });
    expect(await refusal(identityInsert, "x2", scope.tenantId, scope.providerId, "fresh", record.identity.userName)).toMatchObject({ field: "userName" });
    expect(await refusal("update users set unique_code = ? where id <> ? and tenant_id = ?", "E-RAW", record.user.id, scope.tenantId)).toMatchObject({
      field: "employeeNumber",
    });
    expect(
      await refusal("update users set email_normalized = ? where id <> ? and tenant_id = ?", record.user.email.toLowerCase(), record.user.id, scope.tenantId),
    ).toMatchObject({
      field: "email",
    });
    expect(conflictOfError(new Error("something else"))).toBeUndefined();
  });
});

// Two servers on one PostgreSQL database (READ COMMITTED): both pass the checks before either
// writes, and the unique indexes decide. (Two SQLite handles in one process cannot hold
// transactions at once: the busy wait would block the thread the other one needs.)
describe.skipIf(TEST_DIALECT !== "postgres")("createScimUser from two servers on one PostgreSQL database", () => {
  const [one, two] = twoProcessDatabases("scim_users_race");
  const scope = scimProvider(one);

  it("creates one user of a userName, and answers the others as conflicts", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createScimUser(i % 2 ? one : two, scope, scimWrite({ userName: "raced", email: `raced-${i}@example.test` }))),
    );
    expect(results.filter((result) => result.status === "created")).toHaveLength(1);
    expect(results.filter((result) => result.status === "conflict" && result.field === "userName")).toHaveLength(9);
  });

  it("links a user once when its address is posted from both", async () => {
    const user = await makeUser(one, scope.tenantId);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createScimUser(i % 2 ? one : two, scope, scimWrite({ userName: `linker-${i}`, email: user.email }))),
    );
    expect(results.filter((result) => result.status === "linked")).toHaveLength(1);
    expect(results.filter((result) => result.status === "conflict" && result.field === "alreadyLinked")).toHaveLength(9);
  });

  it("creates one user of a new address, and answers the others as conflicts", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createScimUser(i % 2 ? one : two, scope, scimWrite({ userName: `newcomer-${i}`, email: "newcomer@example.test" }))),
    );
    expect(results.filter((result) => result.status === "created")).toHaveLength(1);
    expect(results.filter((result) => result.status === "conflict")).toHaveLength(9);
  });
});
