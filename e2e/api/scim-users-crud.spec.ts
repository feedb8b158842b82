import { expect, test } from "@playwright/test";
import { auditEventsOf, countOf, userRow } from "../fixtures/rows";
import {
  auditOfUser,
  createScimSetup,
  createUser,
  expectNoContent,
  expectScimError,
  identitiesOfProvider,
  ISO_TIMESTAMP,
  mobilesOf,
  otherEmailsOf,
  SCIM,
  scimClient,
  scimResource,
  userBody,
  usersPath,
} from "../fixtures/scim";

// RFC 7644 §3.3 (create), §3.4.1 (retrieve), §3.5.1 (replace), §3.6 (delete), with ADR 0017's mapping:
// what each answer says and what each write leaves in Roster's tables.

test.describe("SCIM /Users CRUD", () => {
  test("POST → 201 with Location, ETag and the resource; the user and its identity are written and audited", async ({ request, baseURL }) => {
    const setup = await createScimSetup("crud-create");
    const scim = scimClient(request, setup);
    const data = userBody(setup, {
      schemas: [SCIM.user, SCIM.enterprise],
      externalId: "ext-Create-1",
      name: { givenName: "Ada", familyName: "Lovelace", middleName: "King" },
      displayName: "Ada Lovelace",
      title: "Analyst",
      locale: "en-GB",
      password: "never-stored-1",
      groups: [{ value: "g1" }],
      [SCIM.enterprise]: { employeeNumber: "EMP-0001", department: "Engines", costCenter: "CC-7", manager: { value: "mgr-1", displayName: "Babbage" } },
    });

    const response = await scim.post(usersPath(), data);
    const created = await scimResource(response, 201);

    const location = response.headers()["location"]!;
    expect(new URL(location, baseURL).pathname).toBe(`/scim/v2/Users/${created.id}`);
    expect(created.meta).toMatchObject({ resourceType: "User", location, created: expect.stringMatching(ISO_TIMESTAMP) });
    expect(created.meta.lastModified).toMatch(ISO_TIMESTAMP);
    expect(created.schemas).toContain(SCIM.user);
    expect(created.schemas).toContain(SCIM.enterprise);
    expect(created).toMatchObject({
      userName: data.userName,
      externalId: "ext-Create-1",
      name: { givenName: "Ada", familyName: "Lovelace", middleName: "King" },
      displayName: "Ada Lovelace",
      title: "Analyst",
      locale: "en-GB",
      active: true,
      emails: [{ value: data.userName, type: "work", primary: true }],
      [SCIM.enterprise]: { employeeNumber: "EMP-0001", department: "Engines", costCenter: "CC-7", manager: { value: "mgr-1" } },
    });
    expect(created).not.toHaveProperty("password");
    expect(JSON.stringify(created)).not.toContain("never-stored-1");

    const user = await userRow(created.id);
    expect(user).toMatchObject({ tenantId: setup.tenant.tenantId, email: data.userName, name: "Ada Lovelace", active: true, uniqueCode: "EMP-0001" });
    expect(user!.properties).toMatchObject({ department: "Engines" });
    const [identity, ...more] = await identitiesOfProvider(setup.providerId);
    expect(more).toEqual([]);
    expect(identity).toMatchObject({
      userId: created.id,
      externalId: "ext-Create-1",
      externalUsername: data.userName,
      usernameKey: data.userName.toLowerCase(),
      linkedBy: "scim",
    });
    expect(identity!.lastSyncedAt).not.toBeNull();
    expect(JSON.stringify(identity!.scimAttributes)).not.toContain("never-stored-1");
    const [event, ...others] = await auditOfUser(setup.tenant.tenantId, created.id, "user.created");
    expect(others).toEqual([]);
    expect(event).toMatchObject({ actorType: "provider", actorId: setup.providerId, actorName: setup.providerName, outcome: "created" });

    // GET answers the same resource, with the same version.
    const fetched = await scimResource(await scim.get(usersPath(created.id)));
    expect(fetched).toEqual(created);
  });

  test("POST without employeeNumber gets a generated unique code; without userName it is 400 invalidValue", async ({ request }) => {
    const setup = await createScimSetup("crud-defaults");
    const scim = scimClient(request, setup);
    const created = await createUser(scim, userBody(setup));
    expect((await userRow(created.id))!.uniqueCode.length).toBeGreaterThan(0);

    const withoutUserName: Record<string, unknown> = { ...userBody(setup) };
    delete withoutUserName.userName;
    await expectScimError(await scim.post(usersPath(), withoutUserName), 400, "invalidValue");
    await expectScimError(await scim.post(usersPath(), userBody(setup, { userName: "" })), 400, "invalidValue");
    expect(await identitiesOfProvider(setup.providerId)).toHaveLength(1);
  });

  test("POST of an address that is already a user of the tenant links that user (201, same id, identity.linked)", async ({ request }) => {
    const setup = await createScimSetup("crud-link");
    const scim = scimClient(request, setup);
    const existing = await setup.tenant.addUser({ email: `Existing.Person@${setup.tenant.tenantName}.example`, name: "Existing Person" });
    const usersBefore = await countOf("select count(*) as n from users where tenant_id = ?", setup.tenant.tenantId);

    const linked = await createUser(scim, userBody(setup, { userName: existing.email.toLowerCase() }));

    expect(linked.id).toBe(existing.id);
    expect(await countOf("select count(*) as n from users where tenant_id = ?", setup.tenant.tenantId)).toBe(usersBefore);
    expect(await auditOfUser(setup.tenant.tenantId, existing.id, "identity.linked")).toEqual([
      expect.objectContaining({ actorType: "provider", actorName: setup.providerName, outcome: "linked" }),
    ]);
    expect(await auditOfUser(setup.tenant.tenantId, existing.id, "user.created")).toEqual([]);
    expect((await identitiesOfProvider(setup.providerId)).map((identity) => identity.userId)).toEqual([existing.id]);
  });

  test("409 uniqueness: a userName the provider holds (in any case), an address linked under another userName", async ({ request }) => {
    const setup = await createScimSetup("crud-unique");
    const scim = scimClient(request, setup);
    const domain = `${setup.tenant.tenantName}.example`;
    await createUser(scim, userBody(setup, { userName: `Alice@${domain.toUpperCase()}`, emails: [{ value: `alice@${domain}`, primary: true }] }));
    const auditBefore = (await auditEventsOf(setup.tenant.tenantId)).length;

    const sameNameOtherCase = userBody(setup, { userName: `alice@${domain}`, emails: [{ value: `alice.other@${domain}`, primary: true }] });
    await expectScimError(await scim.post(usersPath(), sameNameOtherCase), 409, "uniqueness");
    const sameAddressOtherName = userBody(setup, { userName: `alice2@${domain}`, emails: [{ value: `ALICE@${domain}`, primary: true }] });
    await expectScimError(await scim.post(usersPath(), sameAddressOtherName), 409, "uniqueness");

    expect(await identitiesOfProvider(setup.providerId)).toHaveLength(1);
    expect(await countOf("select count(*) as n from users where tenant_id = ?", setup.tenant.tenantId)).toBe(1);
    expect((await auditEventsOf(setup.tenant.tenantId)).length).toBe(auditBefore);
  });

  test("PUT replaces: absent attributes are cleared (emails, phones, title, department…), employeeNumber is kept", async ({ request }) => {
    const setup = await createScimSetup("crud-put");
    const scim = scimClient(request, setup);
    const domain = `${setup.tenant.tenantName}.example`;
    const full = userBody(setup, {
      schemas: [SCIM.user, SCIM.enterprise],
      externalId: "put-ext",
      displayName: "Full Name",
      nickName: "Nick",
      title: "Engineer",
      emails: [
        { value: `put.work@${domain}`, type: "work", primary: true },
        { value: `put.home@${domain}`, type: "home" },
      ],
      phoneNumbers: [
        { value: "+91 98765 43210", type: "mobile" },
        { value: "+31 6 12345678", type: "work" },
      ],
      [SCIM.enterprise]: { employeeNumber: "EMP-PUT", department: "Research", organization: "Org" },
    });
    const created = await createUser(scim, full);
    expect(await otherEmailsOf(created.id)).toEqual([{ email: `put.home@${domain}`, label: "home" }]);
    expect(await mobilesOf(created.id)).toEqual([
      { kind: "primary", countryCode: "+91", number: "9876543210" },
      { kind: "secondary", countryCode: "+31", number: "612345678" },
    ]);

    const replacement = {
      schemas: [SCIM.user],
      userName: full.userName,
      name: { givenName: "New", familyName: "Name" },
      emails: [{ value: `put.work@${domain}`, type: "work", primary: true }],
      active: true,
    };
    const replaced = await scimResource(await scim.put(usersPath(created.id), replacement));

    expect(replaced.id).toBe(created.id);
    expect(replaced.name).toEqual({ givenName: "New", familyName: "Name" });
    for (const cleared of ["externalId", "nickName", "title", "phoneNumbers"]) expect(replaced, cleared).not.toHaveProperty(cleared);
    // ADR 0017: displayName is users.name, derived from the name parts when the body has none (RFC 7644 §3.5.1 allows a default).
    expect(replaced.displayName).toBe("New Name");
    expect(replaced.emails).toEqual([{ value: `put.work@${domain}`, type: "work", primary: true }]);
    const enterprise = (replaced[SCIM.enterprise] ?? {}) as Record<string, unknown>;
    expect(enterprise.employeeNumber).toBe("EMP-PUT");
    expect(enterprise).not.toHaveProperty("department");
    expect(enterprise).not.toHaveProperty("organization");
    expect(replaced.meta.version).not.toBe(created.meta.version);

    const user = await userRow(created.id);
    expect(user).toMatchObject({ name: "New Name", uniqueCode: "EMP-PUT" });
    expect(user!.properties.department ?? "").toBe("");
    expect(await otherEmailsOf(created.id)).toEqual([]);
    expect(await mobilesOf(created.id)).toEqual([]);
    const [identity] = await identitiesOfProvider(setup.providerId);
    expect(identity!.externalId).not.toBe("put-ext");
    expect(await scimResource(await scim.get(usersPath(created.id)))).toEqual(replaced);
  });

  test("PUT with an id other than the path's is 400 mutability and changes nothing", async ({ request }) => {
    const setup = await createScimSetup("crud-put-id");
    const scim = scimClient(request, setup);
    const created = await createUser(scim, userBody(setup));
    const other = await createUser(scim, userBody(setup));
    const asIs: Record<string, unknown> = { ...created };
    delete asIs.meta;

    await expectScimError(await scim.put(usersPath(created.id), { ...asIs, id: other.id, displayName: "Changed" }), 400, "mutability");
    expect(await scimResource(await scim.get(usersPath(created.id)))).toEqual(created);
  });

  test("DELETE → 204; then 404 everywhere, while the person stays in Roster inactive with the identity detached", async ({ request }) => {
    const setup = await createScimSetup("crud-delete");
    const scim = scimClient(request, setup);
    const data = userBody(setup, { externalId: "del-ext" });
    const created = await createUser(scim, data);

    const response = await scim.delete(usersPath(created.id));
    await expectNoContent(response);

    await expectScimError(await scim.get(usersPath(created.id)), 404);
    await expectScimError(await scim.put(usersPath(created.id), data), 404);
    await expectScimError(
      await scim.patch(usersPath(created.id), { schemas: [SCIM.patchOp], Operations: [{ op: "replace", path: "active", value: true }] }),
      404,
    );
    await expectScimError(await scim.delete(usersPath(created.id)), 404);
    const list = await scim.get(usersPath(), { params: { filter: `userName eq "${data.userName}"` } });
    expect(((await list.json()) as { totalResults: number }).totalResults).toBe(0);

    expect(await userRow(created.id)).toMatchObject({ active: false, state: "inactive:deactivated" });
    const [identity] = await identitiesOfProvider(setup.providerId);
    expect(identity).toMatchObject({ userId: null, usernameKey: null, externalId: "del-ext" });
    expect(await auditOfUser(setup.tenant.tenantId, created.id, "user.deactivate")).toEqual([
      expect.objectContaining({ actorType: "provider", actorId: setup.providerId, actorName: setup.providerName, outcome: "deactivated" }),
    ]);
    expect(await auditEventsOf(setup.tenant.tenantId, "identity.detached")).toEqual([
      expect.objectContaining({ actorType: "provider", actorName: setup.providerName, outcome: "detached" }),
    ]);

    // ADR 0017: a later POST of the same address links the same person again.
    const again = await createUser(scim, data);
    expect(again.id).toBe(created.id);
    expect(again.active).toBe(true);
    expect(await userRow(created.id)).toMatchObject({ active: true });
    expect((await identitiesOfProvider(setup.providerId)).filter((row) => row.userId === created.id)).toHaveLength(1);
  });

  test("unknown ids: 404 in the SCIM error shape for GET, PUT, PATCH and DELETE", async ({ request }) => {
    const setup = await createScimSetup("crud-404");
    const scim = scimClient(request, setup);
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "5171a35d82074e068ce2"]) {
      await expectScimError(await scim.get(usersPath(id)), 404);
      await expectScimError(await scim.put(usersPath(id), userBody(setup)), 404);
      await expectScimError(await scim.patch(usersPath(id), { schemas: [SCIM.patchOp], Operations: [{ op: "replace", path: "title", value: "x" }] }), 404);
      await expectScimError(await scim.delete(usersPath(id)), 404);
    }
  });
});
