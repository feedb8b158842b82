import { expect, test } from "@playwright/test";
import { userRow } from "../fixtures/rows";
import {
  auditOfUser,
  createScimSetup,
  createUser,
  expectNoContent,
  expectScimError,
  identitiesOfProvider,
  otherEmailsOf,
  patchAndRead,
  patchOp,
  SCIM,
  scimClient,
  scimJson,
  scimResource,
  userBody,
  usersPath,
  WEAK_ETAG,
} from "../fixtures/scim";
import { auditEventsOf } from "../fixtures/rows";

// RFC 7644 §3.5.2: add, replace and remove, with and without a path, value-filter paths, several
// operations applied together or not at all; the client dialects ADR 0017 names (Entra's "Replace"
// and "False", Okta's path-less {"active": false}); errors noTarget, mutability, invalidSyntax.

async function oneUser(request: Parameters<typeof scimClient>[0], label: string, fields: Record<string, unknown> = {}) {
  const setup = await createScimSetup(label);
  const scim = scimClient(request, setup);
  const domain = `${setup.tenant.tenantName}.example`;
  const user = await createUser(
    scim,
    userBody(setup, {
      schemas: [SCIM.user, SCIM.enterprise],
      displayName: "Pat Ching",
      nickName: "Pat",
      name: { givenName: "Pat", familyName: "Ching" },
      emails: [
        { value: `pat.ching@${domain}`, type: "work", primary: true },
        { value: `pat@home-${domain}`, type: "home" },
      ],
      [SCIM.enterprise]: { department: "Ops" },
      ...fields,
    }),
  );
  return { setup, scim, domain, user, path: usersPath(user.id) };
}

test.describe("SCIM PATCH", () => {
  test("add and replace without a path (value object, any attribute case); add, replace and remove with a path", async ({ request }) => {
    const { setup, scim, user, path } = await oneUser(request, "patch-basic");

    const added = await patchAndRead(scim, path, patchOp({ op: "add", value: { title: "Lead", DisplayName: "Pat C." } }));
    expect(added).toMatchObject({ id: user.id, title: "Lead", displayName: "Pat C.", nickName: "Pat" });
    expect(await userRow(user.id)).toMatchObject({ name: "Pat C." });

    const replaced = await patchAndRead(scim, path, patchOp({ op: "replace", path: "NAME.GIVENNAME", value: "Patricia" }));
    expect(replaced.name).toEqual({ givenName: "Patricia", familyName: "Ching" });

    const removed = await patchAndRead(scim, path, patchOp({ op: "remove", path: "nickName" }));
    expect(removed).not.toHaveProperty("nickName");
    expect(removed).toMatchObject({ title: "Lead", displayName: "Pat C." });

    const department = await patchAndRead(scim, path, patchOp({ op: "replace", path: `${SCIM.enterprise}:department`, value: "Finance" }));
    expect(department[SCIM.enterprise]).toMatchObject({ department: "Finance" });
    expect((await userRow(user.id))!.properties).toMatchObject({ department: "Finance" });

    expect(await scimResource(await scim.get(path))).toEqual(department);
    expect((await auditOfUser(setup.tenant.tenantId, user.id, "user.updated")).length).toBe(4);
  });

  test("multi-valued emails: add, replace and remove through value filters", async ({ request }) => {
    const { scim, domain, user, path } = await oneUser(request, "patch-emails");

    const added = await patchAndRead(scim, path, patchOp({ op: "add", path: "emails", value: [{ value: `pat.other@${domain}`, type: "other" }] }));
    expect(added.emails).toEqual(expect.arrayContaining([expect.objectContaining({ value: `pat.other@${domain}`, type: "other" })]));
    expect(await otherEmailsOf(user.id)).toEqual(expect.arrayContaining([{ email: `pat.other@${domain}`, label: "other" }]));

    const work = await patchAndRead(scim, path, patchOp({ op: "replace", path: 'emails[type eq "work"].value', value: `patricia@${domain}` }));
    expect(work.emails).toEqual(expect.arrayContaining([{ value: `patricia@${domain}`, type: "work", primary: true }]));
    expect(await userRow(user.id)).toMatchObject({ email: `patricia@${domain}` });

    const gone = await patchAndRead(scim, path, patchOp({ op: "remove", path: 'emails[type eq "home"]' }));
    expect((gone.emails as { type: string }[]).map((email) => email.type).sort()).toEqual(["other", "work"]);
    expect(await otherEmailsOf(user.id)).toEqual([{ email: `pat.other@${domain}`, label: "other" }]);
  });

  test("answers 204 without a body; attributes or excludedAttributes ask for the User (200, its ETag), as they do on POST and PUT", async ({ request }) => {
    const { setup, scim, user, path } = await oneUser(request, "patch-answer");

    // Both ways to the write (active alone takes the short one) answer the same 204.
    await expectNoContent(await scim.patch(path, patchOp({ op: "replace", path: "title", value: "Quiet" })));
    await expectNoContent(await scim.patch(path, patchOp({ op: "replace", path: "active", value: false })));
    expect(await scimResource(await scim.get(path))).toMatchObject({ title: "Quiet", active: false });

    // §3.9: asked for, the User less what excludedAttributes leaves out, its ETag the one a GET then reads.
    const whole = await scimResource(
      await scim.patch(path, patchOp({ op: "replace", path: "active", value: true }), { params: { excludedAttributes: "emails" } }),
    );
    expect(whole).toMatchObject({ id: user.id, title: "Quiet", active: true, nickName: "Pat" });
    expect(whole).not.toHaveProperty("emails");
    expect((await scimResource(await scim.get(path))).meta.version).toBe(whole.meta.version);
    const named = await scim.patch(path, patchOp({ op: "replace", path: "nickName", value: "P2" }), { params: { attributes: "nickName" } });
    expect(named.headers()["etag"]).toMatch(WEAK_ETAG);
    expect(Object.keys(await scimJson(named, 200)).sort()).toEqual(["id", "nickName", "schemas"]);

    // The same parameters on POST (201) and PUT (200).
    const posted = await scim.post(usersPath(), userBody(setup), { params: { attributes: "userName" } });
    expect(Object.keys(await scimJson(posted, 201)).sort()).toEqual(["id", "schemas", "userName"]);
    const current = await scimResource(await scim.get(path));
    const put = await scimResource(await scim.put(path, { ...current, title: "Put" }, { params: { excludedAttributes: "name,emails" } }));
    expect(put).toMatchObject({ id: user.id, title: "Put", nickName: "P2" });
    expect(put).not.toHaveProperty("name");
    expect(put).not.toHaveProperty("emails");
    expect(await userRow(user.id)).toMatchObject({ active: true, name: "Pat Ching" });
  });

  test("several operations in one request all apply, with one new version", async ({ request }) => {
    const { scim, user, path } = await oneUser(request, "patch-many");
    const patched = await patchAndRead(
      scim,
      path,
      patchOp(
        { op: "add", path: "title", value: "Manager" },
        { op: "replace", path: "displayName", value: "P. Ching" },
        { op: "remove", path: "nickName" },
        { op: "replace", path: "name.familyName", value: "Chang" },
      ),
    );
    expect(patched).toMatchObject({ title: "Manager", displayName: "P. Ching", name: { givenName: "Pat", familyName: "Chang" } });
    expect(patched).not.toHaveProperty("nickName");
    expect(patched.meta.version).not.toBe(user.meta.version);
  });

  test("all or nothing: a failing second operation leaves the first unapplied (resource, version, database, audit)", async ({ request }) => {
    const { setup, scim, user, path } = await oneUser(request, "patch-atomic");
    const auditBefore = (await auditEventsOf(setup.tenant.tenantId)).length;

    const response = await scim.patch(
      path,
      patchOp(
        { op: "replace", path: "displayName", value: "Half Done" },
        { op: "replace", path: 'emails[type eq "nosuchtype"]', value: { value: "x@y.example" } },
      ),
    );
    await expectScimError(response, 400, "noTarget");

    const after = await scimResource(await scim.get(path));
    expect(after).toEqual(user);
    expect(await userRow(user.id)).toMatchObject({ name: "Pat Ching" });
    expect((await auditEventsOf(setup.tenant.tenantId)).length).toBe(auditBefore);

    // The same with a deactivation first: the user stays active.
    await expectScimError(
      await scim.patch(path, patchOp({ op: "replace", path: "active", value: false }, { op: "replace", path: "id", value: "x" })),
      400,
      "mutability",
    );
    expect(await userRow(user.id)).toMatchObject({ active: true });
    expect((await scimResource(await scim.get(path))).meta.version).toBe(user.meta.version);
  });

  test("client dialects: Entra's Replace/Add/Remove and string booleans, Okta's path-less active", async ({ request }) => {
    const { setup, scim, user, path } = await oneUser(request, "patch-dialects");

    const entraOff = await patchAndRead(scim, path, patchOp({ op: "Replace", path: "active", value: "False" }));
    expect(entraOff.active).toBe(false);
    expect(await userRow(user.id)).toMatchObject({ active: false });
    const entraOn = await patchAndRead(scim, path, patchOp({ op: "Replace", path: "active", value: "True" }));
    expect(entraOn.active).toBe(true);

    const oktaOff = await patchAndRead(scim, path, patchOp({ op: "replace", value: { active: false } }));
    expect(oktaOff.active).toBe(false);
    const oktaOn = await patchAndRead(scim, path, patchOp({ op: "replace", value: { active: true } }));
    expect(oktaOn.active).toBe(true);

    const entraEdit = await patchAndRead(
      scim,
      path,
      patchOp({ op: "Add", path: "title", value: "Entra Title" }, { op: "Remove", path: "name.familyName" }, { op: "REPLACE", path: "nickName", value: "P" }),
    );
    expect(entraEdit).toMatchObject({ title: "Entra Title", nickName: "P", name: { givenName: "Pat" } });
    expect(entraEdit.name).not.toHaveProperty("familyName");

    expect(await auditOfUser(setup.tenant.tenantId, user.id, "user.deactivate")).toHaveLength(2);
    expect(await auditOfUser(setup.tenant.tenantId, user.id, "user.reactivate")).toHaveLength(2);
  });

  test("errors: noTarget, mutability on id/meta, invalidSyntax on a malformed PatchOp; nothing changes", async ({ request }) => {
    const { setup, scim, user, path } = await oneUser(request, "patch-errors");
    // §3.5.2.3: a value filter that selects no record is noTarget (a missing `eq` sub-attribute target is an add, for Entra).
    await expectScimError(await scim.patch(path, patchOp({ op: "replace", path: 'emails[type eq "fax"]', value: { value: "f@x.example" } })), 400, "noTarget");
    await expectScimError(await scim.patch(path, patchOp({ op: "replace", path: 'emails[value co "nomatch"].value', value: "f@x.example" })), 400, "noTarget");
    // §3.5.2.2: "If path is unspecified, the operation fails with … noTarget".
    await expectScimError(await scim.patch(path, patchOp({ op: "remove" })), 400, "noTarget");
    await expectScimError(await scim.patch(path, patchOp({ op: "replace", path: "id", value: "0000" })), 400, "mutability");
    await expectScimError(await scim.patch(path, patchOp({ op: "add", value: { id: "0000" } })), 400, "mutability");
    await expectScimError(await scim.patch(path, patchOp({ op: "replace", path: "meta.created", value: "2001-01-01T00:00:00Z" })), 400, "mutability");
    await expectScimError(await scim.patch(path, patchOp({ op: "frobnicate", path: "title", value: "x" })), 400, "invalidSyntax");
    await expectScimError(await scim.patch(path, patchOp({ path: "title", value: "x" })), 400, "invalidSyntax");
    await expectScimError(await scim.patch(path, patchOp({ op: "replace", path: "emails[type eq", value: "x" })), 400, [
      "invalidPath",
      "invalidSyntax",
      "invalidFilter",
    ]);
    // RFC 7644 §3.5.2: the body MUST be a PatchOp with "Operations"; which of invalidSyntax (structure) or
    // invalidValue (a required value missing) a server names is not settled by the RFC.
    await expectScimError(await scim.patch(path, { Operations: [{ op: "replace", path: "title", value: "x" }] }), 400, ["invalidSyntax", "invalidValue"]);
    await expectScimError(await scim.patch(path, { schemas: [SCIM.patchOp], Operations: [] }), 400, ["invalidSyntax", "invalidValue"]);
    await expectScimError(await scim.patch(path, { schemas: [SCIM.patchOp] }), 400, ["invalidSyntax", "invalidValue"]);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ op: "replace", path: "title", value: `t${i}` }));
    const refused = await scim.patch(path, patchOp(...tooMany));
    expect(refused.status()).toBe(400);
    // A PATCH leaving no userName is read like a PUT without one.
    await expectScimError(await scim.patch(path, patchOp({ op: "remove", path: "userName" })), 400, ["invalidValue", "mutability"]);

    expect(await scimResource(await scim.get(path))).toEqual(user);
    expect(await auditOfUser(setup.tenant.tenantId, user.id, "user.updated")).toEqual([]);
    expect((await identitiesOfProvider(setup.providerId))[0]!.userId).toBe(user.id);
  });
});
