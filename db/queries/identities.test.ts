import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { createTestDb } from "@/test/db";
import { makeTenant, makeUser } from "@/test/factories";
import { linkIdentity, listIdentitiesOfUser, userExistsInTenant, type LinkIdentityInput } from "./identities";

describe("identities", () => {
  const db = createTestDb();
  let tenantId: string;
  let otherTenantId: string;
  let providerId: string;
  const actor = { type: "token", id: "t", name: "test" } as const;

  beforeAll(async () => {
    tenantId = (await makeTenant(db)).id;
    otherTenantId = (await makeTenant(db)).id;
    providerId = randomUUID();
    await prepared(db, `insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, 'Okta', 'oidc', 1, 1)`).run(
      providerId,
      tenantId,
    );
  });

  const link = (input: Partial<LinkIdentityInput> & { userId: string }, now?: number) =>
    linkIdentity(db, { tenantId, identityProviderId: providerId, externalId: randomUUID(), actor, ...input }, now);

  it("links an account to a user, audited, and lists the user's identities oldest first", async () => {
    const user = await makeUser(db, tenantId);
    const second = await link({ userId: user.id, externalId: "second", externalEmail: "b@example.test" }, 2_000);
    const first = await link({ userId: user.id, externalId: "first" }, 1_000);
    expect(first).toMatchObject({ status: "linked", identity: { providerName: "Okta", providerType: "oidc", linkedBy: "manual", createdAt: 1_000 } });
    expect(second).toMatchObject({ status: "linked", identity: { externalId: "second", externalEmail: "b@example.test", lastSyncedAt: null } });
    const listed = await listIdentitiesOfUser(db, tenantId, user.id);
    expect(listed.map((identity) => identity.externalId)).toEqual(["first", "second"]);
    expect(listed[0]).toEqual(first.status === "linked" && first.identity);
    expect(await listIdentitiesOfUser(db, otherTenantId, user.id)).toEqual([]);
    const audited = await prepared<{ n: number }>(db, `select count(*) as n from audit_events where action = 'identity.link' and target_id = ?`).get(user.id);
    expect(audited?.n).toBe(2);
  });

  it("tells an account already linked, another tenant's user or provider, from a link", async () => {
    const user = await makeUser(db, tenantId);
    const outsider = await makeUser(db, otherTenantId);
    const linked = await link({ userId: user.id, externalId: "taken" });
    expect(await link({ userId: user.id, externalId: "taken" })).toEqual({
      status: "already-linked",
      identityId: linked.status === "linked" && linked.identity.id,
    });
    expect(await link({ userId: outsider.id })).toEqual({ status: "user-not-found" });
    expect(await link({ userId: user.id, identityProviderId: randomUUID() })).toEqual({ status: "provider-not-found" });
    expect(await userExistsInTenant(db, tenantId, user.id)).toBe(true);
    expect(await userExistsInTenant(db, tenantId, outsider.id)).toBe(false);
  });

  it("links an account once when two links race", async () => {
    const user = await makeUser(db, tenantId);
    const results = await Promise.all([1, 2, 3].map(() => link({ userId: user.id, externalId: "raced" })));
    expect(results.map((result) => result.status).sort()).toEqual(["already-linked", "already-linked", "linked"]);
  });
});
