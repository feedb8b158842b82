import { expect, test } from "@playwright/test";
import { tokensOfAdmin, userRow } from "../fixtures/rows";
import {
  addAdminUser,
  adminAccess,
  auditOfUser,
  createScimSetup,
  createUser,
  patchAndRead,
  patchOp,
  scimClient,
  scimResource,
  userBody,
  usersPath,
} from "../fixtures/scim";

// Issue 10: active:false from the identity provider is Roster's one deactivation — the person's
// admin tokens and console sessions stop working at once, with exactly one audit event naming the
// provider; active:true switches the person back on (tokens stay revoked, as after any deactivation).

async function provisionedAdmin(request: Parameters<typeof scimClient>[0], label: string) {
  const setup = await createScimSetup(label);
  const scim = scimClient(request, setup);
  const admin = await addAdminUser(setup.tenant, `leaver-${label}@${setup.tenant.tenantName}.example`, "Lea Ver");
  const data = userBody(setup, { userName: admin.email, name: { givenName: "Lea", familyName: "Ver" } });
  const user = await createUser(scim, data);
  expect(user.id).toBe(admin.userId);
  expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 200, session: 200 });
  return { setup, scim, admin, data, path: usersPath(user.id) };
}

function expectOneDeactivation(events: Awaited<ReturnType<typeof auditOfUser>>, setup: { providerId: string; providerName: string }) {
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    actorType: "provider",
    actorId: setup.providerId,
    actorName: setup.providerName,
    outcome: "deactivated",
    targetType: "user",
  });
  expect(events[0]!.details).toMatchObject({ tokensRevoked: 1, sessionsRevoked: 1 });
}

test.describe("SCIM deactivation", () => {
  test("PATCH active:false revokes the admin's tokens and sessions at once, audited once; a repeat changes nothing", async ({ request }) => {
    const { setup, scim, admin, path } = await provisionedAdmin(request, "patch");

    const off = await patchAndRead(scim, path, patchOp({ op: "replace", path: "active", value: false }));

    expect(off.active).toBe(false);
    expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 401, session: 401 });
    expect(await userRow(admin.userId)).toMatchObject({ active: false, state: "inactive:deactivated", deactivatedBy: { id: setup.providerId } });
    for (const token of await tokensOfAdmin(admin.adminId)) expect(token.revokedAt).not.toBeNull();
    expectOneDeactivation(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate"), setup);

    // The provider repeats itself (Entra re-sends state every cycle): no second event, same version.
    const again = await patchAndRead(scim, path, patchOp({ op: "replace", path: "active", value: false }));
    expect(again.meta.version).toBe(off.meta.version);
    expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate")).toHaveLength(1);
    expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.updated")).toEqual([]);
  });

  test("PUT with active:false deactivates the same way; PUT with active:true reactivates, tokens stay revoked", async ({ request }) => {
    const { setup, scim, admin, data, path } = await provisionedAdmin(request, "put");

    const off = await scimResource(await scim.put(path, { ...data, active: false }));
    expect(off.active).toBe(false);
    expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 401, session: 401 });
    expectOneDeactivation(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate"), setup);

    const on = await scimResource(await scim.put(path, { ...data, active: true }));
    expect(on.active).toBe(true);
    expect(await userRow(admin.userId)).toMatchObject({ active: true, deactivatedAt: null });
    expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.reactivate")).toEqual([
      expect.objectContaining({ actorType: "provider", actorId: setup.providerId, actorName: setup.providerName, outcome: "reactivated" }),
    ]);
    expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 401, session: 401 });
    expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate")).toHaveLength(1);
  });

  test("a deactivation that comes with other changes applies both, with one deactivation event and one update event", async ({ request }) => {
    const { setup, scim, admin, path } = await provisionedAdmin(request, "mixed");
    const patched = await patchAndRead(scim, path, patchOp({ op: "replace", path: "title", value: "Former" }, { op: "replace", path: "active", value: false }));
    expect(patched).toMatchObject({ active: false, title: "Former" });
    expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 401, session: 401 });
    expectOneDeactivation(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate"), setup);
    expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.updated")).toHaveLength(1);
  });

  test("a user created with active:false is created inactive, with no deactivation event", async ({ request }) => {
    const setup = await createScimSetup("created-off");
    const scim = scimClient(request, setup);
    const user = await createUser(scim, userBody(setup, { active: false }));
    expect(user.active).toBe(false);
    expect(await userRow(user.id)).toMatchObject({ active: false });
    expect(await auditOfUser(setup.tenant.tenantId, user.id, "user.deactivate")).toEqual([]);
    expect(await auditOfUser(setup.tenant.tenantId, user.id, "user.created")).toHaveLength(1);
  });
});
