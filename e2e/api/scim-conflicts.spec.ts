import { expect, test } from "@playwright/test";
import { auditEventsOf, countOf, userRow } from "../fixtures/rows";
import {
  createScimSetup,
  createUser,
  expectScimError,
  identitiesOfProvider,
  patchOp,
  SCIM,
  scimClient,
  scimResource,
  userBody,
  usersPath,
} from "../fixtures/scim";

// ADR 0017 and the data layer's conflicts: what another user or identity already holds is 409
// uniqueness on PUT and PATCH too, and two instances racing to create one person end in one 201
// and 409s, never a 500 (the database's unique violations are mapped, not leaked).

test.describe("SCIM conflicts", () => {
  test("PUT and PATCH onto what another holds (address, employeeNumber, userName, externalId) → 409 uniqueness, nothing changes", async ({ request }) => {
    const setup = await createScimSetup("conflicts");
    const scim = scimClient(request, setup);
    const domain = `${setup.tenant.tenantName}.example`;
    const holder = await createUser(
      scim,
      userBody(setup, { schemas: [SCIM.user, SCIM.enterprise], externalId: "held-ext", [SCIM.enterprise]: { employeeNumber: "HELD-1" } }),
    );
    const bystander = await setup.tenant.addUser({ email: `bystander@${domain}` });
    const data = userBody(setup, { schemas: [SCIM.user, SCIM.enterprise], externalId: "own-ext", [SCIM.enterprise]: { employeeNumber: "OWN-1" } });
    const user = await createUser(scim, data);
    const auditBefore = (await auditEventsOf(setup.tenant.tenantId)).length;

    const puts: [string, Record<string, unknown>][] = [
      ["another user's address", { ...data, emails: [{ value: `bystander@${domain}`, type: "work", primary: true }] }],
      ["another provisioned user's address", { ...data, emails: [{ value: holder.userName.toUpperCase(), type: "work", primary: true }] }],
      ["another user's employeeNumber", { ...data, [SCIM.enterprise]: { employeeNumber: "HELD-1" } }],
      ["another identity's userName", { ...data, userName: holder.userName.toUpperCase() }],
      ["another identity's externalId", { ...data, externalId: "held-ext" }],
    ];
    for (const [label, body] of puts) {
      await test.step(`PUT: ${label}`, async () => expectScimError(await scim.put(usersPath(user.id), body), 409, "uniqueness"));
    }
    const patches: [string, Record<string, unknown>][] = [
      ["work address", { op: "replace", path: 'emails[type eq "work"].value', value: `bystander@${domain}` }],
      ["employeeNumber", { op: "replace", path: `${SCIM.enterprise}:employeeNumber`, value: "HELD-1" }],
      ["userName", { op: "replace", path: "userName", value: holder.userName }],
      ["externalId", { op: "replace", path: "externalId", value: "held-ext" }],
    ];
    for (const [label, operation] of patches) {
      await test.step(`PATCH: ${label}`, async () => expectScimError(await scim.patch(usersPath(user.id), patchOp(operation)), 409, "uniqueness"));
    }

    expect(await scimResource(await scim.get(usersPath(user.id)))).toEqual(user);
    expect(await userRow(bystander.id)).toMatchObject({ email: `bystander@${domain}` });
    expect((await auditEventsOf(setup.tenant.tenantId)).length).toBe(auditBefore);
  });

  test("parallel POSTs of one userName: one 201, the rest 409 uniqueness, never 500", async ({ request }) => {
    const setup = await createScimSetup("race-name");
    const scim = scimClient(request, setup);
    const userName = `racer@${setup.tenant.tenantName}.example`;
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        scim.post(usersPath(), userBody(setup, { userName, emails: [{ value: `racer-${i}@${setup.tenant.tenantName}.example`, primary: true }] })),
      ),
    );
    const statuses = responses.map((response) => response.status()).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const response of responses.filter((answer) => answer.status() === 409)) await expectScimError(response, 409, "uniqueness");
    expect((await identitiesOfProvider(setup.providerId)).filter((identity) => identity.userId !== null)).toHaveLength(1);
  });

  test("parallel POSTs of one address under different userNames: one person, one identity, never 500", async ({ request }) => {
    const setup = await createScimSetup("race-email");
    const scim = scimClient(request, setup);
    const email = `one.person@${setup.tenant.tenantName}.example`;
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => scim.post(usersPath(), userBody(setup, { userName: `alias-${i}`, emails: [{ value: email, primary: true }] }))),
    );
    const statuses = responses.map((response) => response.status()).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const response of responses.filter((answer) => answer.status() === 409)) await expectScimError(response, 409, "uniqueness");
    expect(await countOf("select count(*) as n from users where tenant_id = ?", setup.tenant.tenantId)).toBe(1);
    expect((await identitiesOfProvider(setup.providerId)).filter((identity) => identity.userId !== null)).toHaveLength(1);
  });
});
