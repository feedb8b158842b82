import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeUser } from "@/test/factories";
import { count, identityRow, scimProvider, scimWrite, T0, tenantEvents, written } from "@/test/scim-users";
import { createScimUser, detachScimUser, getScimUser, updateScimUser, type ScimUserRecord } from "./scim-users";
import { findUserByRef } from "./user-directory";
import { eventsOf, revokedAt, userRow } from "./user-status-reads";

describe("createScimUser", () => {
  const db = createTestDb();
  const scope = scimProvider(db);
  const storedUser = (id: string) => findUserByRef(db, scope.tenantId, { kind: "id", id });
  const sibling = scimProvider(db, "Entra", () => scope.tenantId);

  it("creates the user and its identity in one go, audited once with the provider as the actor", async () => {
    const write = scimWrite({
      userName: "Ada.Lovelace",
      email: "Ada@Example.test",
      name: "Ada Lovelace",
      otherEmails: [{ email: "ada@home.test", label: "home" }],
      mobiles: [{ kind: "primary", countryCode: "+44", number: "7700900123" }],
      employeeNumber: "E-1",
      department: "Engineering",
      attributes: { name: { givenName: "Ada", familyName: "Lovelace" }, title: "Analyst" },
    });
    const result = await createScimUser(db, scope, write, T0, "req-1");
    expect(result.status).toBe("created");
    const record = written(result);
    expect(record.user).toEqual({
      id: expect.any(String),
      email: "Ada@Example.test",
      name: "Ada Lovelace",
      uniqueCode: "E-1",
      department: "Engineering",
      active: true,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(await storedUser(record.user.id)).toMatchObject({
      emailNormalized: "ada@example.test",
      createdBy: { id: scope.providerId, name: "Okta" },
      properties: expect.objectContaining({ department: "Engineering", userType: "employee" }),
    });
    expect(record.identity).toEqual({
      id: expect.any(String),
      externalId: null,
      userName: "Ada.Lovelace",
      attributes: { name: { givenName: "Ada", familyName: "Lovelace" }, title: "Analyst" },
      lastSyncedAt: T0,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(record.otherEmails).toEqual([{ email: "ada@home.test", label: "home" }]);
    expect(record.mobiles).toEqual([{ kind: "primary", countryCode: "+44", number: "7700900123" }]);
    // No externalId: the column holds the identity's own id.
    expect(await identityRow(db, record.identity.id)).toMatchObject({
      userId: record.user.id,
      externalId: record.identity.id,
      externalUsername: "Ada.Lovelace",
      usernameKey: "ada.lovelace",
      externalEmail: "Ada@Example.test",
      externalDisplayName: "Ada Lovelace",
      linkedBy: "scim",
    });
    expect(await eventsOf(db, record.user.id)).toEqual([
      expect.objectContaining({
        action: "user.created",
        outcome: "created",
        actorType: "provider",
        actorId: scope.providerId,
        actorName: "Okta",
        requestId: "req-1",
        details: { email: "Ada@Example.test", userName: "Ada.Lovelace" },
      }),
    ]);
    expect(await getScimUser(db, scope, record.user.id)).toEqual(record);
  });

  it("creates a user sent inactive as inactive, with no deactivation", async () => {
    const record = written(await createScimUser(db, scope, scimWrite({ externalId: "ext-inactive", active: false }), T0));
    expect(record.user.active).toBe(false);
    expect(await storedUser(record.user.id)).toMatchObject({ active: false, state: "inactive:deactivated" });
    expect(record.identity.externalId).toBe("ext-inactive");
    expect((await eventsOf(db, record.user.id)).map((event) => event.action)).toEqual(["user.created"]);
  });

  it("links the tenant's user with the primary address, keeping its unique code unless the provider sent one", async () => {
    const existing = await makeUser(db, scope.tenantId, { email: "grace@example.test" });
    const write = scimWrite({ userName: "grace", email: "Grace@Example.test", name: "Grace Hopper", employeeNumber: null });
    const record = written(await createScimUser(db, scope, { ...write, uniqueCode: { value: "GENERATED", folded: write.nameFolded } }, T0 + 5));
    expect(record.user).toMatchObject({
      id: existing.id,
      uniqueCode: existing.uniqueCode,
      name: "Grace Hopper",
      email: "Grace@Example.test",
      updatedAt: T0 + 5,
    });
    const events = await eventsOf(db, existing.id);
    expect(events.map((event) => [event.action, event.outcome, event.actorType]).sort()).toEqual([
      ["identity.linked", "linked", "provider"],
      ["user.updated", "updated", "provider"],
    ]);
    expect(events.find((event) => event.action === "identity.linked")?.details).toEqual({ userName: "grace", email: "Grace@Example.test" });
    expect(events.find((event) => event.action === "user.updated")?.details).toEqual({ fields: ["email", "name"] });

    const other = await makeUser(db, scope.tenantId);
    const given = written(await createScimUser(db, scope, scimWrite({ email: other.email, name: "Test User", employeeNumber: "E-LINKED" }), T0));
    expect(given.user).toMatchObject({ id: other.id, uniqueCode: "E-LINKED" });

    // A body that names no one (its name made from the userName) leaves the user's own name.
    const named = await makeUser(db, scope.tenantId);
    const unnamed = { ...scimWrite({ userName: "ada@example.test", email: named.email, name: "ada@example.test" }), nameGiven: false };
    expect(written(await createScimUser(db, scope, unnamed, T0)).user).toMatchObject({ id: named.id, name: "Test User" });
    expect(await storedUser(named.id)).toMatchObject({ nameFolded: named.nameFolded });
  });

  it("answers each conflict, writing nothing", async () => {
    const first = written(await createScimUser(db, scope, scimWrite({ userName: "taken", externalId: "ext-taken", employeeNumber: "E-TAKEN" }), T0));
    const unlinked = await makeUser(db, scope.tenantId);
    const users = await count(db, "from users where tenant_id = ?", scope.tenantId);
    const events = (await tenantEvents(db, scope.tenantId)).length;
    const cases = [
      [scimWrite({ userName: " TAKEN " }), "userName"],
      [scimWrite({ externalId: "ext-taken" }), "externalId"],
      [scimWrite({ employeeNumber: "E-TAKEN" }), "employeeNumber"],
      [scimWrite({ userName: "another-name", email: first.user.email }), "alreadyLinked"],
      // Linking writes a given employeeNumber, so it may be another user's.
      [scimWrite({ email: unlinked.email, employeeNumber: "E-TAKEN" }), "employeeNumber"],
    ] as const;
    for (const [write, field] of cases) {
      expect(await createScimUser(db, scope, write, T0)).toEqual({ status: "conflict", field, detail: expect.any(String) });
    }
    expect(await count(db, "from users where tenant_id = ?", scope.tenantId)).toBe(users);
    expect(await tenantEvents(db, scope.tenantId)).toHaveLength(events);
    // Another provider of the tenant has userNames and externalIds of its own, and links the same person.
    expect(await createScimUser(db, sibling, scimWrite({ userName: "taken", externalId: "ext-taken", employeeNumber: null }), T0)).toMatchObject({
      status: "linked",
      record: { user: { id: first.user.id }, identity: { userName: "taken", externalId: "ext-taken" } },
    });
  });

  it("attaches a detached identity again: by externalId, else by userName", async () => {
    const byExternal = written(await createScimUser(db, scope, scimWrite({ userName: "returner", externalId: "ext-back" }), T0));
    await detachScimUser(db, scope, byExternal.user.id, undefined, T0 + 1);
    const again = written(
      await createScimUser(db, scope, scimWrite({ userName: "returner-renamed", externalId: "ext-back", email: byExternal.user.email }), T0 + 2),
    );
    expect(again.user.id).toBe(byExternal.user.id);
    expect(again.identity).toMatchObject({ id: byExternal.identity.id, externalId: "ext-back", userName: "returner-renamed", lastSyncedAt: T0 + 2 });

    const byName = written(await createScimUser(db, scope, scimWrite({ userName: "Nameless" }), T0));
    await detachScimUser(db, scope, byName.user.id, undefined, T0 + 1);
    const newcomer = written(
      await createScimUser(db, scope, scimWrite({ userName: "nameless", email: "newcomer@example.test", externalId: "now-given" }), T0 + 2),
    );
    expect(newcomer.user.id).not.toBe(byName.user.id);
    expect(newcomer.identity).toMatchObject({ id: byName.identity.id, externalId: "now-given", userName: "nameless" });
    expect(await identityRow(db, byName.identity.id)).toMatchObject({ userId: newcomer.user.id, usernameKey: "nameless", linkedBy: "scim" });
  });
});

describe("updateScimUser", () => {
  const db = createTestDb();
  const scope = scimProvider(db);
  const other = scimProvider(db, "Entra");
  const make = async (input: Parameters<typeof scimWrite>[0] = {}) => written(await createScimUser(db, scope, scimWrite(input), T0));

  it("writes the difference, moving updated_at only for the user's own columns, addresses and mobiles", async () => {
    const record = await make({
      userName: "mover",
      otherEmails: [
        { email: "a@x.test", label: "home" },
        { email: "b@x.test", label: "other" },
      ],
    });
    const write = scimWrite({
      userName: "Mover",
      email: "Mover.New@example.test",
      name: "Mover Renamed",
      employeeNumber: null,
      department: "Sales",
      otherEmails: [
        { email: "b@x.test", label: "other" },
        { email: "c@x.test", label: "home" },
      ],
      mobiles: [{ kind: "primary", countryCode: "+1", number: "5550100" }],
      attributes: { title: "Lead" },
    });
    const result = await updateScimUser(db, scope, record.user.id, () => write, T0 + 10, "req-u");
    expect(result.status).toBe("updated");
    const updated = result.status === "updated" ? result.record : undefined;
    expect(updated?.user).toMatchObject({
      email: "Mover.New@example.test",
      name: "Mover Renamed",
      uniqueCode: record.user.uniqueCode,
      department: "Sales",
      updatedAt: T0 + 10,
    });
    const stored = await findUserByRef(db, scope.tenantId, { kind: "id", id: record.user.id });
    expect(stored).toMatchObject({ emailNormalized: "mover.new@example.test", updatedBy: { id: scope.providerId, name: "Okta" } });
    expect(stored?.properties).toMatchObject({ department: "Sales", userType: "employee" });
    expect(updated?.identity).toMatchObject({ userName: "Mover", attributes: { title: "Lead" }, lastSyncedAt: T0 + 10, updatedAt: T0 + 10 });
    // b@x.test kept its row (and age): it comes first.
    expect(updated?.otherEmails).toEqual([
      { email: "b@x.test", label: "other" },
      { email: "c@x.test", label: "home" },
    ]);
    expect(updated?.mobiles).toEqual([{ kind: "primary", countryCode: "+1", number: "5550100" }]);
    const events = await eventsOf(db, record.user.id, "user.updated");
    expect(events).toEqual([expect.objectContaining({ outcome: "updated", actorType: "provider", requestId: "req-u" })]);
    expect((events[0]!.details as { fields: string[] }).fields.sort()).toEqual([
      "attributes",
      "department",
      "email",
      "mobiles",
      "name",
      "otherEmails",
      "userName",
    ]);
  });

  it("writes nothing but the last sync when nothing changed (key order and address order aside)", async () => {
    const write = scimWrite({
      otherEmails: [
        { email: "p@x.test", label: "home" },
        { email: "q@x.test", label: "home" },
      ],
      attributes: { a: 1, b: { c: [1, 2] } },
    });
    const record = written(await createScimUser(db, scope, write, T0));
    const same = { ...write, uniqueCode: null, otherEmails: [...write.otherEmails].reverse(), attributes: { b: { c: [1, 2] }, a: 1 } };
    const result = await updateScimUser(db, scope, record.user.id, () => same, T0 + 20);
    expect(result).toMatchObject({ status: "unchanged", record: { user: { updatedAt: T0 }, identity: { updatedAt: T0, lastSyncedAt: T0 + 20 } } });
    expect((await tenantEvents(db, scope.tenantId)).filter((event) => event.targetId === record.user.id).map((event) => event.action)).toEqual([
      "user.created",
    ]);
    // Undefined from decide writes nothing at all.
    expect(await updateScimUser(db, scope, record.user.id, () => undefined, T0 + 30)).toMatchObject({
      status: "unchanged",
      record: { identity: { lastSyncedAt: T0 + 20 } },
    });
  });

  it("deactivates through applyDeactivation: tokens and sessions revoked, one event, none for a repeat", async () => {
    const admin = await makeAdminWithToken(db, scope.tenantId);
    const record = written(await createScimUser(db, scope, scimWrite({ email: admin.user.email, name: admin.user.name }), T0));
    const off = (current: ScimUserRecord) =>
      scimWrite({ userName: current.identity.userName, email: current.user.email, name: current.user.name, employeeNumber: null, active: false });
    expect(await updateScimUser(db, scope, record.user.id, off, T0 + 40)).toMatchObject({ status: "updated", record: { user: { active: false } } });
    expect(await revokedAt(db, "personal_access_tokens", admin.admin.id)).toBe(T0 + 40);
    expect(await revokedAt(db, "sessions", admin.admin.id)).toBe(T0 + 40);
    expect(await updateScimUser(db, scope, record.user.id, off, T0 + 50)).toMatchObject({ status: "unchanged" });
    expect(await eventsOf(db, admin.user.id, "user.deactivate")).toEqual([
      expect.objectContaining({ outcome: "deactivated", actorType: "provider", actorId: scope.providerId, createdAt: T0 + 40 }),
    ]);
    expect(await userRow(db, admin.user.id)).toMatchObject({ active: 0, deactivatedBy: { id: scope.providerId, name: "Okta" } });
    const on = (current: ScimUserRecord) => ({ ...off(current), active: true });
    expect(await updateScimUser(db, scope, record.user.id, on, T0 + 60)).toMatchObject({ status: "updated", record: { user: { active: true } } });
    expect((await eventsOf(db, admin.user.id, "user.reactivate")).map((event) => event.actorType)).toEqual(["provider"]);
    expect(await eventsOf(db, admin.user.id, "user.updated")).toEqual([]);
  });

  it("rolls everything back when decide throws, and passes its error on unchanged", async () => {
    const record = await make();
    // Even an error shaped like a unique violation is decide's, not a conflict.
    const thrown = Object.assign(new Error("If-Match failed"), { code: "SQLITE_CONSTRAINT_UNIQUE", constraint: "users_tenant_email_unique" });
    const events = (await tenantEvents(db, scope.tenantId)).length;
    await expect(updateScimUser(db, scope, record.user.id, () => Promise.reject(thrown), T0 + 70)).rejects.toBe(thrown);
    expect(await getScimUser(db, scope, record.user.id)).toEqual(record);
    expect(await tenantEvents(db, scope.tenantId)).toHaveLength(events);
  });

  it("answers each conflict, writing nothing", async () => {
    const holder = await make({ userName: "holder", externalId: "ext-holder", employeeNumber: "E-HOLDER" });
    const detached = await make({ externalId: "ext-detached" });
    await detachScimUser(db, scope, detached.user.id, undefined, T0);
    const record = await make();
    const base = { userName: record.identity.userName, email: record.user.email, employeeNumber: null };
    const cases = [
      [scimWrite({ ...base, userName: "HOLDER" }), "userName"],
      [scimWrite({ ...base, externalId: "ext-holder" }), "externalId"],
      [scimWrite({ ...base, externalId: "ext-detached" }), "externalId"],
      [scimWrite({ ...base, email: holder.user.email.toUpperCase() }), "email"],
      [scimWrite({ ...base, employeeNumber: "E-HOLDER" }), "employeeNumber"],
    ] as const;
    for (const [write, field] of cases) {
      expect(await updateScimUser(db, scope, record.user.id, () => write, T0 + 80)).toEqual({ status: "conflict", field, detail: expect.any(String) });
    }
    expect(await getScimUser(db, scope, record.user.id)).toEqual(record);
  });

  it("does not find users of another provider, another tenant, or none", async () => {
    const record = await make();
    const never = () => {
      throw new Error("decide must not run");
    };
    expect(await updateScimUser(db, other, record.user.id, never)).toEqual({ status: "not-found" });
    expect(await updateScimUser(db, { ...scope, tenantId: other.tenantId }, record.user.id, never)).toEqual({ status: "not-found" });
    expect(await updateScimUser(db, scope, "no-such-user", never)).toEqual({ status: "not-found" });
  });
});
