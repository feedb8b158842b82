import { expect, test } from "@playwright/test";
import { userRow } from "../fixtures/rows";
import {
  auditOfUser,
  createScimSetup,
  createUser,
  expectNoContent,
  expectScimError,
  identitiesOfProvider,
  patchAndRead,
  patchOp,
  scimClient,
  scimJson,
  scimResource,
  userBody,
  usersPath,
  WEAK_ETAG,
  type ListResponse,
} from "../fixtures/scim";

// RFC 7644 §3.14 with RFC 7232: a weak ETag on every resource answer equal to meta.version,
// If-None-Match → 304, If-Match that no longer matches → 412 on PUT, PATCH and DELETE.

async function versioned(request: Parameters<typeof scimClient>[0], label: string) {
  const setup = await createScimSetup(label);
  const scim = scimClient(request, setup);
  const data = userBody(setup, { displayName: "E Tag", title: "Versioned" });
  const user = await createUser(scim, data);
  return { setup, scim, data, user, path: usersPath(user.id) };
}

test.describe("SCIM ETags", () => {
  test("meta.version equals the ETag on POST, GET and PUT and in lists; it moves only when the resource does, PATCH included", async ({ request }) => {
    const { setup, scim, data, user, path } = await versioned(request, "etag-version");
    expect(user.meta.version).toMatch(WEAK_ETAG);

    const fetched = await scimResource(await scim.get(path));
    expect(fetched.meta.version).toBe(user.meta.version);
    const listed = await scimJson<ListResponse>(await scim.get(usersPath(), { params: { filter: `userName eq "${data.userName}"` } }), 200);
    expect(listed.Resources![0]!.meta.version).toBe(user.meta.version);

    // The same content again changes nothing, so the version stays; only the identity's last sync moves.
    const [identityBefore] = await identitiesOfProvider(setup.providerId);
    const rowBefore = await userRow(user.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const unchanged = await scimResource(await scim.put(path, data));
    expect(unchanged.meta).toEqual(user.meta);
    expect((await userRow(user.id))!.updatedAt).toBe(rowBefore!.updatedAt);
    expect((await identitiesOfProvider(setup.providerId))[0]!.lastSyncedAt).toBeGreaterThan(identityBefore!.lastSyncedAt!);
    expect(await auditOfUser(setup.tenant.tenantId, user.id, "user.updated")).toEqual([]);

    const retitled = await scimResource(await scim.put(path, { ...data, title: "Re-titled" }));
    expect(retitled.meta.version).not.toBe(user.meta.version);
    const patched = await patchAndRead(scim, path, patchOp({ op: "replace", path: "nickName", value: "Et" }));
    expect(patched.meta.version).not.toBe(retitled.meta.version);
    const deactivated = await patchAndRead(scim, path, patchOp({ op: "replace", path: "active", value: false }));
    expect(deactivated.meta.version).not.toBe(patched.meta.version);
    expect((await scimResource(await scim.get(path))).meta.version).toBe(deactivated.meta.version);
  });

  test("If-None-Match: the current version (or *) → 304 without a body; another → 200", async ({ request }) => {
    const { scim, user, path } = await versioned(request, "etag-none-match");
    for (const tag of [user.meta.version, "*", `"other", ${user.meta.version}`]) {
      const response = await scim.get(path, { headers: { "if-none-match": tag } });
      expect(response.status(), tag).toBe(304);
      expect(await response.text()).toBe("");
      expect(response.headers()["etag"]).toBe(user.meta.version);
    }
    const stale = await scim.get(path, { headers: { "if-none-match": 'W/"not-the-version"' } });
    expect((await scimResource(stale)).id).toBe(user.id);
  });

  test("If-Match that no longer matches → 412 on PUT, PATCH and DELETE, and nothing changes", async ({ request }) => {
    const { scim, data, user, path } = await versioned(request, "etag-if-match");
    const moved = await patchAndRead(scim, path, patchOp({ op: "replace", path: "title", value: "Moved on" }));
    const stale = { "if-match": user.meta.version };

    await expectScimError(await scim.put(path, { ...data, title: "Lost update" }, { headers: stale }), 412);
    await expectScimError(await scim.patch(path, patchOp({ op: "replace", path: "title", value: "Lost update" }), { headers: stale }), 412);
    await expectScimError(await scim.patch(path, patchOp({ op: "replace", path: "active", value: false }), { headers: stale }), 412);
    await expectScimError(await scim.delete(path, { headers: stale }), 412);

    expect(await scimResource(await scim.get(path))).toEqual(moved);
    expect(await userRow(user.id)).toMatchObject({ active: true });
  });

  test("If-Match with the current version (or *) lets PUT, PATCH and DELETE through", async ({ request }) => {
    const { scim, data, path } = await versioned(request, "etag-if-match-ok");
    const current = await scimResource(await scim.get(path));

    const put = await scimResource(await scim.put(path, { ...data, title: "Matched" }, { headers: { "if-match": current.meta.version } }));
    expect(put.title).toBe("Matched");
    const patch = await patchAndRead(scim, path, patchOp({ op: "replace", path: "title", value: "Matched again" }), {
      headers: { "if-match": put.meta.version },
    });
    expect(patch.title).toBe("Matched again");
    const star = await patchAndRead(scim, path, patchOp({ op: "replace", path: "title", value: "Any" }), { headers: { "if-match": "*" } });
    expect(star.title).toBe("Any");
    const deleted = await scim.delete(path, { headers: { "if-match": star.meta.version } });
    await expectNoContent(deleted);
    await expectScimError(await scim.get(path), 404);
  });
});
