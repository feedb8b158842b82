import { expect, test } from "@playwright/test";
import { userRow } from "../fixtures/rows";
import type { TestReceiver } from "@/lib/webhooks/test-receiver";
import { subscribedReceiver } from "../fixtures/webhook-receiver";
import {
  addAdminUser,
  adminAccess,
  auditOfUser,
  createScimSetup,
  expectScimError,
  identitiesOfProvider,
  patchAndRead,
  SCIM,
  scimClient,
  scimJson,
  scimResource,
  usersPath,
  type ListResponse,
} from "../fixtures/scim";

// Okta's provisioning sequence, replayed with the bodies of Okta's "SCIM 2.0 Protocol Reference"
// (https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20, source:
// okta/okta-developer-docs packages/@okta/vuepress-site/docs/reference/scim/scim-20/index.md).
// Roster's answers are checked field by field against the answers that page shows. Where the page's
// answers carry what Roster does not keep (`groups`, emails' `display`), the comment says so.

const OKTA_USER_NAME = "test.user@okta.local";
const OKTA_HEADERS = { "user-agent": "Okta SCIM Client 1.0.0" };

// "Create the User" request body, as documented.
const OKTA_CREATE = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: "test.user@okta.local",
  name: { givenName: "Test", familyName: "User" },
  emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
  displayName: "Test User",
  locale: "en-US",
  externalId: "00ujl29u0le5T6Aj10h7",
  groups: [],
  password: "1mz050nq",
  active: true,
};

// "Update the User" (PUT) body, as documented; its id is the one Roster gave (the page's is Okta's example id).
const oktaPut = (id: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id,
  userName: "test.user@okta.local",
  name: { givenName: "Another", middleName: "Excited", familyName: "User" },
  emails: [{ primary: true, value: "test.user@okta.local", type: "work", display: "test.user@okta.local" }],
  active: true,
  groups: [],
  meta: { resourceType: "User" },
});

// "Update a specific User (PATCH)": how Okta deactivates; reactivation is the same with true.
const oktaActive = (active: boolean) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", value: { active } }] });

// The downstream system's receiver, stopped however the spec ends.
let receiver: TestReceiver | undefined;
test.afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

test("Okta: look up, create (linking the existing admin), read, import, update by PUT, deactivate and reactivate by PATCH", async ({ request }) => {
  const setup = await createScimSetup("okta", { providerName: "Okta" });
  const scim = scimClient(request, { headers: { ...setup.headers, ...OKTA_HEADERS } });
  // The person Okta is assigned already works in Roster: an admin with a token and a console session.
  const admin = await addAdminUser(setup.tenant, OKTA_USER_NAME, "Test User");
  expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 200, session: 200 });
  // A downstream system (HR, ticketing) that hears of leavers through a webhook endpoint.
  receiver = await subscribedReceiver(setup.tenant.tenantId, { events: ["user.deactivated"] });

  // 1. "Determine if the User already exists": GET /Users?filter=userName eq "…"&startIndex=1&count=100 → the empty list.
  const lookup = `/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100`;
  expect(await scimJson<ListResponse>(await scim.get(lookup), 200)).toEqual({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    totalResults: 0,
    startIndex: 1,
    itemsPerPage: 0,
    Resources: [],
  });

  // 2. "Create the User": 201 with the created User object (the password is never echoed or kept).
  const created = await scimResource(await scim.post(usersPath(), OKTA_CREATE), 201);
  expect(created.id).toBe(admin.userId);
  expect(created.schemas).toContain(SCIM.user);
  expect(created).toMatchObject({
    userName: "test.user@okta.local",
    name: { givenName: "Test", familyName: "User" },
    emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
    displayName: "Test User",
    locale: "en-US",
    externalId: "00ujl29u0le5T6Aj10h7",
    active: true,
    meta: { resourceType: "User" },
  });
  expect(created).not.toHaveProperty("password");
  expect(JSON.stringify(await identitiesOfProvider(setup.providerId))).not.toContain("1mz050nq");
  expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "identity.linked")).toHaveLength(1);

  // The same lookup now finds the user; a second create of it is 409 (Okta stops the job on it).
  const found = await scimJson<ListResponse>(await scim.get(lookup), 200);
  expect(found).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
  expect(found.Resources![0]).toEqual(created);
  await expectScimError(await scim.post(usersPath(), OKTA_CREATE), 409, "uniqueness");

  // 3. "Retrieve Users": GET /Users?startIndex=1&count=100, integers for the paging values.
  const imported = await scimJson<ListResponse>(await scim.get("/scim/v2/Users?startIndex=1&count=100"), 200);
  expect(imported).toMatchObject({ schemas: [SCIM.listResponse], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
  expect(imported.Resources!.map((user) => user.id)).toEqual([created.id]);

  // 4. "Retrieve a specific User" (also step one of Okta's update).
  const retrieved = await scimResource(await scim.get(usersPath(created.id)));
  expect(retrieved).toEqual(created);

  // 5. "Update the User" by PUT: Okta sends the whole profile; what it leaves out (locale, externalId)
  // is cleared, as the page's answer shows it absent. displayName is Roster's name of the person
  // (ADR 0017), derived from the name parts when a body has none.
  const updated = await scimResource(await scim.put(usersPath(created.id), oktaPut(created.id)));
  expect(updated).toMatchObject({
    id: created.id,
    userName: "test.user@okta.local",
    name: { givenName: "Another", middleName: "Excited", familyName: "User" },
    emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
    active: true,
    meta: { resourceType: "User" },
  });
  for (const cleared of ["locale", "externalId", "password"]) expect(updated, cleared).not.toHaveProperty(cleared);
  expect(updated.displayName).toBe("Another User");
  expect(await userRow(created.id)).toMatchObject({ name: "Another User", email: "test.user@okta.local", active: true });
  expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 200, session: 200 });

  // 6. Deactivation: PATCH {"op":"replace","value":{"active":false}}. The page shows a 200 with the updated
  // User and says the answer "can also be a HTTP 204 response, with no body returned": Roster's is the
  // 204 (ADR 0017), and the User read after it is the page's.
  const deactivated = await patchAndRead(scim, usersPath(created.id), oktaActive(false));
  expect(deactivated).toMatchObject({
    id: created.id,
    userName: "test.user@okta.local",
    name: { givenName: "Another", middleName: "Excited", familyName: "User" },
    emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
    active: false,
    meta: { resourceType: "User" },
  });
  // Issue 10's "done when": the person's token and console session die at once.
  expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 401, session: 401 });
  const deactivations = await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate");
  expect(deactivations).toEqual([expect.objectContaining({ actorType: "provider", actorId: setup.providerId, actorName: "Okta", outcome: "deactivated" })]);
  // ... and the configured webhook receives the signed event, naming Okta as the actor.
  await expect.poll(() => receiver!.delivered().length, { timeout: 15_000 }).toBe(1);
  expect(receiver.delivered()[0]).toMatchObject({
    type: "user.deactivated",
    signatureValid: true,
    data: { id: admin.userId, email: OKTA_USER_NAME, auditEventId: deactivations[0]!.id, actor: { type: "provider", id: setup.providerId, name: "Okta" } },
  });

  // 7. Reactivation: the same PATCH with true.
  const reactivated = await patchAndRead(scim, usersPath(created.id), oktaActive(true));
  expect(reactivated.active).toBe(true);
  expect(await userRow(created.id)).toMatchObject({ active: true });
  expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.reactivate")).toEqual([
    expect.objectContaining({ actorType: "provider", actorName: "Okta", outcome: "reactivated" }),
  ]);
  expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate")).toHaveLength(1);
  expect(await scimResource(await scim.get(usersPath(created.id)))).toEqual(reactivated);
});

test("Okta: a user Roster does not know yet is created, and Okta's deactivation switches it off", async ({ request }) => {
  const setup = await createScimSetup("okta-new", { providerName: "Okta" });
  const scim = scimClient(request, { headers: { ...setup.headers, ...OKTA_HEADERS } });
  const created = await scimResource(await scim.post(usersPath(), OKTA_CREATE), 201);
  expect(await userRow(created.id)).toMatchObject({ email: "test.user@okta.local", name: "Test User", active: true, tenantId: setup.tenant.tenantId });
  expect(await auditOfUser(setup.tenant.tenantId, created.id, "user.created")).toHaveLength(1);
  const off = await patchAndRead(scim, usersPath(created.id), oktaActive(false));
  expect(off.active).toBe(false);
  expect(await userRow(created.id)).toMatchObject({ active: false });
});
