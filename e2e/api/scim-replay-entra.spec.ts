import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { userRow } from "../fixtures/rows";
import type { TestReceiver } from "@/lib/webhooks/test-receiver";
import { subscribedReceiver } from "../fixtures/webhook-receiver";
import {
  addAdminUser,
  adminAccess,
  auditOfUser,
  createScimSetup,
  expectNoContent,
  expectScimError,
  identitiesOfProvider,
  patchAndRead,
  SCIM,
  scimClient,
  scimJson,
  scimResource,
  usersPath,
  type ListResponse,
  type ScimClient,
} from "../fixtures/scim";

// Microsoft Entra's provisioning sequence, replayed with the bodies of "Tutorial: Develop and plan
// provisioning for a SCIM endpoint in Microsoft Entra ID"
// (https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups,
// source: MicrosoftDocs/entra-docs docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md)
// and of "Known issues … SCIM 2.0 protocol compliance" (…/application-provisioning-config-problem-scim-compatibility,
// source: docs/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility.md),
// which shows what Entra sends without the aadOptscim062020 flag: "Replace"/"Add" and the string "False".

const ENTRA_USER_NAME = "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee";
const ENTRA_EMAIL = "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com";
const PATCH_OP = ["urn:ietf:params:scim:api:messages:2.0:PatchOp"];

// "Create User" request, as documented, with the enterprise extension's values added (the page lists
// the extension's schema but shows no values; Entra maps employeeId and department into it).
const ENTRA_CREATE = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
  userName: ENTRA_USER_NAME,
  active: true,
  emails: [{ primary: true, type: "work", value: ENTRA_EMAIL }],
  meta: { resourceType: "User" },
  name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
  roles: [],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { employeeNumber: "E-1001", department: "Provisioning" },
};

// The tutorial shows 200 with the User; Entra takes the 204 that Roster answers (ADR 0017), and the User read after it is the tutorial's.
const patch = (scim: ScimClient, id: string, Operations: Record<string, unknown>[]) => patchAndRead(scim, usersPath(id), { schemas: PATCH_OP, Operations });

// The downstream system's receiver, stopped however the spec ends.
let receiver: TestReceiver | undefined;
test.afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

test("Entra: test connection, create with the enterprise extension, query, PATCH in Entra's dialect, disable, delete", async ({ request }) => {
  const setup = await createScimSetup("entra", { providerName: "Microsoft Entra ID" });
  const scim = scimClient(request, setup);
  const admin = await addAdminUser(setup.tenant, ENTRA_EMAIL, "givenName familyName");
  const manager = await addAdminUser(setup.tenant, `manager@${setup.tenant.tenantName}.example`, "The Manager");
  // A downstream system (HR, ticketing) that hears of leavers through a webhook endpoint.
  receiver = await subscribedReceiver(setup.tenant.tenantId, { events: ["user.deactivated"] });

  // "Test Connection" queries a random GUID as userName and expects 200 with an empty ListResponse;
  // "Get User by query - Zero results" the same for a name no one has; Entra also matches by the work address.
  for (const filter of [`userName eq "${randomUUID()}"`, 'userName eq "non-existent user"', `emails[type eq "work"].value eq "${ENTRA_EMAIL}"`]) {
    const empty = await scimJson<ListResponse>(await scim.get(usersPath(), { params: { filter } }), 200);
    expect(empty, filter).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: 0, startIndex: 1 });
    expect(empty.Resources ?? []).toEqual([]);
  }

  // "Create User": 201 with the user (the address is a user of the tenant already: it is linked).
  const created = await scimResource(await scim.post(usersPath(), ENTRA_CREATE), 201);
  expect(created.id).toBe(admin.userId);
  expect(created.schemas).toContain("urn:ietf:params:scim:schemas:core:2.0:User");
  expect(created).toMatchObject({
    externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    meta: { resourceType: "User", created: expect.any(String), lastModified: expect.any(String) },
    userName: ENTRA_USER_NAME,
    name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
    active: true,
    emails: [{ value: ENTRA_EMAIL, type: "work", primary: true }],
    [SCIM.enterprise]: { employeeNumber: "E-1001", department: "Provisioning" },
  });
  expect(await userRow(admin.userId)).toMatchObject({
    email: ENTRA_EMAIL,
    uniqueCode: "E-1001",
    properties: expect.objectContaining({ department: "Provisioning" }),
  });

  // "Get User" and "Get User by query".
  expect(await scimResource(await scim.get(usersPath(created.id)))).toEqual(created);
  const byQuery = await scimJson<ListResponse>(await scim.get(usersPath(), { params: { filter: `userName eq "${ENTRA_USER_NAME}"` } }), 200);
  expect(byQuery).toMatchObject({ schemas: [SCIM.listResponse], totalResults: 1, startIndex: 1 });
  expect(byQuery.Resources).toEqual([created]);
  const byWorkMail = await scimJson<ListResponse>(await scim.get(usersPath(), { params: { filter: `emails[type eq "work"].value eq "${ENTRA_EMAIL}"` } }), 200);
  expect(byWorkMail.Resources!.map((user) => user.id)).toEqual([created.id]);
  // "Get User" of an id that is not there: 404 with status "404".
  await expectScimError(await scim.get(usersPath("5171a35d82074e068ce2")), 404);

  // "Update User [Multi-valued properties]".
  const multi = await patch(scim, created.id, [
    { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
    { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
  ]);
  expect(multi).toMatchObject({
    id: created.id,
    userName: ENTRA_USER_NAME,
    name: { familyName: "updatedFamilyName", givenName: "givenName" },
    active: true,
    emails: [{ value: "updatedEmail@microsoft.com", type: "work", primary: true }],
  });
  expect(await userRow(admin.userId)).toMatchObject({ email: "updatedEmail@microsoft.com" });

  // "Update User [Single-valued properties]": a new userName.
  const renamed = await patch(scim, created.id, [{ op: "Replace", path: "userName", value: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" }]);
  expect(renamed.userName).toBe("5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com");
  expect((await identitiesOfProvider(setup.providerId))[0]).toMatchObject({ usernameKey: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" });

  // Known issues page: "Requests made to add a single-value string attribute" (without the flag).
  expect((await patch(scim, created.id, [{ op: "Add", path: "nickName", value: "Babs" }])).nickName).toBe("Babs");

  // Known issues page: "Requests to replace multiple attributes" (without the flag).
  const many = await patch(scim, created.id, [
    { op: "Replace", path: "displayName", value: "Pvlo" },
    { op: "Replace", path: 'emails[type eq "work"].value', value: "TestBcwqnm@test.microsoft.com" },
    { op: "Replace", path: "name.givenName", value: "Gtfd" },
    { op: "Replace", path: "name.familyName", value: "Pkqf" },
    { op: "Replace", path: "externalId", value: "Eqpj" },
    { op: "Replace", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", value: "Eqpj" },
  ]);
  expect(many).toMatchObject({
    displayName: "Pvlo",
    name: { givenName: "Gtfd", familyName: "Pkqf" },
    externalId: "Eqpj",
    emails: [{ value: "TestBcwqnm@test.microsoft.com", type: "work", primary: true }],
    [SCIM.enterprise]: { employeeNumber: "Eqpj" },
  });
  expect(await userRow(admin.userId)).toMatchObject({ name: "Pvlo", email: "TestBcwqnm@test.microsoft.com", uniqueCode: "Eqpj" });

  // The same page, "with feature flag": one path-less replace whose value names sub-attributes with dots.
  const flagged = await patch(scim, created.id, [
    { op: "replace", path: 'emails[type eq "work"].value', value: "TestMhvaes@test.microsoft.com" },
    {
      op: "replace",
      value: {
        displayName: "Bjfe",
        "name.givenName": "Kkom",
        "name.familyName": "Unua",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq",
      },
    },
  ]);
  expect(flagged).toMatchObject({
    displayName: "Bjfe",
    name: { givenName: "Kkom", familyName: "Unua" },
    emails: [{ value: "TestMhvaes@test.microsoft.com", type: "work", primary: true }],
    [SCIM.enterprise]: { employeeNumber: "Aklq" },
  });
  expect(flagged).not.toHaveProperty(["name.givenName"]);

  // Enterprise paths Entra maps department and manager to (the tutorial's attribute table).
  const enterprise = await patch(scim, created.id, [
    { op: "Replace", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", value: "Identity" },
    { op: "Add", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", value: { value: manager.userId } },
  ]);
  expect(enterprise[SCIM.enterprise]).toMatchObject({ department: "Identity", manager: { value: manager.userId } });
  expect(await userRow(admin.userId)).toMatchObject({ properties: expect.objectContaining({ department: "Identity" }) });
  // Entra sends a reference attribute such as manager as the bare id (the tutorial's example manager id).
  const bareManager = await patch(scim, created.id, [
    { op: "Add", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", value: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee" },
  ]);
  expect(bareManager[SCIM.enterprise]).toMatchObject({ manager: { value: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee" } });
  expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 200, session: 200 });

  // The tutorial's "Example 5. … update a user": manager, unqualified, as a list of references. Roster
  // may set the manager or refuse the request, but a success that drops it would leave Entra believing it set it.
  const example5 = await scim.patch(usersPath(created.id), {
    schemas: PATCH_OP,
    Operations: [
      {
        op: "Add",
        path: "manager",
        value: [{ $ref: "http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee", value: "a0a0a0a0-bbbb-cccc-dddd-e1e1e1e1e1e1" }],
      },
    ],
  });
  if (example5.status() === 204) {
    await expectNoContent(example5);
    expect((await scimResource(await scim.get(usersPath(created.id))))[SCIM.enterprise], "a 204 must have set the manager").toMatchObject({
      manager: { value: "a0a0a0a0-bbbb-cccc-dddd-e1e1e1e1e1e1" },
    });
  } else {
    await expectScimError(example5, 400, ["invalidPath", "invalidValue", "noTarget"]);
  }

  // "Disable User" as Entra sends it without the flag: "Replace" with the string "False".
  const disabled = await patch(scim, created.id, [{ op: "Replace", path: "active", value: "False" }]);
  expect(disabled.active).toBe(false);
  // Issue 10's "done when": the person's token and console session die at once, one audit event.
  expect(await adminAccess(request, setup.tenant, admin)).toEqual({ token: 401, session: 401 });
  const deactivations = await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate");
  expect(deactivations).toEqual([
    expect.objectContaining({ actorType: "provider", actorId: setup.providerId, actorName: "Microsoft Entra ID", outcome: "deactivated" }),
  ]);
  // ... and the configured webhook receives the signed event, naming Entra as the actor.
  await expect.poll(() => receiver!.delivered().length, { timeout: 15_000 }).toBe(1);
  expect(receiver.delivered()[0]).toMatchObject({
    type: "user.deactivated",
    signatureValid: true,
    data: { id: admin.userId, auditEventId: deactivations[0]!.id, actor: { type: "provider", id: setup.providerId, name: "Microsoft Entra ID" } },
  });
  // Entra keeps querying disabled users: they are still returned.
  expect((await scimResource(await scim.get(usersPath(created.id)))).active).toBe(false);

  // Restoring ("True"), then the tutorial's compliant form of "Disable User" (boolean false).
  expect((await patch(scim, created.id, [{ op: "Replace", path: "active", value: "True" }])).active).toBe(true);
  expect((await patch(scim, created.id, [{ op: "replace", path: "active", value: false }])).active).toBe(false);
  expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.deactivate")).toHaveLength(2);
  expect(await auditOfUser(setup.tenant.tenantId, admin.userId, "user.reactivate")).toHaveLength(1);

  // "Delete User": 204, then 404; the person stays in Roster, inactive, the identity detached.
  const deleted = await scim.delete(usersPath(created.id));
  await expectNoContent(deleted);
  await expectScimError(await scim.get(usersPath(created.id)), 404);
  expect(await userRow(admin.userId)).toMatchObject({ active: false });
  expect((await identitiesOfProvider(setup.providerId))[0]).toMatchObject({ userId: null });
});
