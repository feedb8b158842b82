import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeUser } from "@/test/factories";
import { providerIdentityCounts, scimProvider, scimWrite, T0, written } from "@/test/scim-users";
import { prepared } from "../prepared";
import { ensureScimProvider } from "./scim-tokens";
import { linkIdentity } from "./identities";
import { createScimUser, detachScimUser, listScimUsers, scimListStatements } from "./scim-users";

// An unfiltered SCIM list's totalResults is identity_providers.attached_identities, kept by the
// identities' triggers (migration 0018_scim_list_total): whatever attaches, detaches, deletes or moves
// an identity, it stays what counting the provider's attached identities would give.

const ACTOR = { type: "admin" as const, id: "admin-1", name: "Ada Admin" };

describe("an unfiltered SCIM list's total", () => {
  const db = createTestDb();
  const scope = scimProvider(db, "Okta");

  /** The kept counts are the counted ones, and every page of the list (keyed or not) is a slice of the whole, in userName order. */
  async function expectTotal(attached: number, keyed = attached) {
    expect(await providerIdentityCounts(db, scope.providerId)).toEqual({ kept: { attached, keyed }, counted: { attached, keyed } });
    const whole = await listScimUsers(db, scope, { offset: 0, limit: 200 });
    expect(whole.total).toBe(attached);
    expect(whole.records).toHaveLength(attached);
    // The general statement's page, whichever statement the list chose.
    const { page } = scimListStatements(db.dialect, scope, { offset: 0, limit: 200 });
    const general = await prepared<{ id: string }>(db, page.sql).all(...page.args);
    expect(whole.records.map((record) => record.identity.id)).toEqual(general.map((row) => row.id));
    // SQLite puts the identities without a key first, PostgreSQL last; the keyed ones in code point order.
    const keyOf = new Map(
      (
        await prepared<{ id: string; key: string }>(
          db,
          "select id, username_key as key from identities where identity_provider_id = ? and username_key is not null",
        ).all(scope.providerId)
      ).map((row) => [row.id, row.key]),
    );
    const keyedKeys = whole.records.flatMap((record) => keyOf.get(record.identity.id) ?? []);
    expect(keyedKeys).toHaveLength(keyed);
    expect(keyedKeys).toEqual([...keyedKeys].sort());
    for (let offset = 1; offset <= attached; offset++) {
      const page = await listScimUsers(db, scope, { offset, limit: 1 });
      expect(page.total).toBe(attached);
      expect(page.records.map((record) => record.identity.id)).toEqual(whole.records.slice(offset, offset + 1).map((record) => record.identity.id));
    }
  }

  it("follows creates, detaches, re-links, manual links, moves and deletes", async () => {
    await expectTotal(0);
    const [first, second] = [written(await createScimUser(db, scope, scimWrite(), T0)), written(await createScimUser(db, scope, scimWrite(), T0))];
    await expectTotal(2);

    // DELETE detaches (user_id null); the same userName posted again attaches the row again.
    expect(await detachScimUser(db, scope, first.user.id, undefined, T0 + 1)).toEqual({ status: "detached" });
    await expectTotal(1);
    expect(await createScimUser(db, scope, scimWrite({ userName: first.identity.userName, email: first.user.email }), T0 + 2)).toMatchObject({
      status: "linked",
    });
    await expectTotal(2);

    // A link made by hand in the console is one of the provider's users too.
    const linked = await makeUser(db, scope.tenantId);
    const link = await linkIdentity(
      db,
      { tenantId: scope.tenantId, userId: linked.id, identityProviderId: scope.providerId, externalId: "by-hand", actor: ACTOR },
      T0,
    );
    expect(link.status).toBe("linked");
    await expectTotal(3, 2);

    // Moved to another provider of the tenant: counted there, no longer here.
    const other = await ensureScimProvider(db, scope.tenantId, "Entra");
    if (!("provider" in other)) throw new Error("Entra is not a SCIM provider");
    const otherScope = { ...scope, providerId: other.provider.id, providerName: "Entra" };
    await prepared(db, "update identities set identity_provider_id = ? where user_id = ?").run(otherScope.providerId, second.user.id);
    await expectTotal(2, 1);
    expect(await providerIdentityCounts(db, otherScope.providerId)).toEqual({ kept: { attached: 1, keyed: 1 }, counted: { attached: 1, keyed: 1 } });

    // A user deleted outright (its identities' user_id set null by the foreign key), and an identity row deleted.
    await prepared(db, "delete from identities where user_id = ?").run(linked.id);
    await expectTotal(1);
    const doomed = await makeUser(db, scope.tenantId);
    await linkIdentity(db, { tenantId: scope.tenantId, userId: doomed.id, identityProviderId: scope.providerId, externalId: "doomed", actor: ACTOR }, T0);
    await expectTotal(2, 1);
    await prepared(db, "delete from users where id = ?").run(doomed.id);
    await expectTotal(1);

    // A key taken away and given back; updates that change neither (a sync, a rename) leave the counts be.
    await prepared(db, "update identities set username_key = null where identity_provider_id = ? and user_id is not null").run(scope.providerId);
    await expectTotal(1, 0);
    await prepared(db, "update identities set username_key = 'back' where identity_provider_id = ? and user_id is not null").run(scope.providerId);
    await expectTotal(1);
    await prepared(db, "update identities set last_synced_at = ?, external_username = 'renamed' where identity_provider_id = ?").run(T0 + 9, scope.providerId);
    await expectTotal(1);
  });
});
