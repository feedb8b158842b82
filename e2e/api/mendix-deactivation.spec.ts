import { createHash, randomBytes, randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createToken } from "@/db/queries/tokens";
import { prepared } from "@/db/prepared";
import { SCOPES } from "@/lib/auth/scopes";
import { issueToken } from "@/lib/auth/tokens";
import { createTestTenant, e2eDb } from "../fixtures/db";
import { auditEventsOf, sessionRow, tokenRow, tokensOfAdmin, userRow } from "../fixtures/rows";
import { callDeactivation, callIdentifiers, deactivationError, identifiersError } from "../fixtures/mendix-specs";

// Mendix User Deactivation API, product.md §2: what a deactivation does. Every response is
// checked against user-deactivation-api.yaml by callDeactivation.
const DEACTIVATE = { active: false };

async function deactivationEvents(tenantId: string, userId: string) {
  return (await auditEventsOf(tenantId, "user.deactivate")).filter((event) => event.targetId === userId);
}

/** One more token for an existing admin (addToken always creates a new admin). */
async function addTokenFor(tenantId: string, adminId: string): Promise<string> {
  const issued = issueToken();
  await createToken(e2eDb(), {
    id: issued.id,
    tenantId,
    adminId,
    name: "second spec token",
    secretHash: issued.secretHash,
    scopes: [...SCOPES],
    expiresAt: null,
    actor: { type: "system", name: "e2e" },
  });
  return issued.token;
}

/** A live console session for an admin, as signing in would leave behind. */
async function addSession(tenantId: string, adminId: string): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await prepared(
    e2eDb(),
    `insert into sessions (id, tenant_id, admin_id, token_hash, csrf_token, expires_at, revoked_at, last_seen_at, created_at, updated_at)
      values (?, ?, ?, ?, ?, ?, null, ?, ?, ?)`,
  ).run(id, tenantId, adminId, createHash("sha256").update(randomBytes(32)).digest("base64url"), randomUUID(), now + 3_600_000, now, now, now);
  return id;
}

test.describe("Mendix User Deactivation API: deactivating", () => {
  test("an admin's user: 204, inactive, their tokens and sessions revoked at once, one audit event", async ({ request }) => {
    const tenant = await createTestTenant("mx-deact");
    const actor = await tenant.addToken();
    const leaver = await tenant.addToken();
    const leaverSecondToken = await addTokenFor(tenant.tenantId, leaver.adminId);
    const sessionId = await addSession(tenant.tenantId, leaver.adminId);
    const bystander = await tenant.addUser();
    const lookup = { data: { emailAddresses: [{ emailAddress: bystander.email }] } };
    // The leaver's tokens work until the moment of deactivation.
    for (const token of [leaver.token, leaverSecondToken]) expect((await callIdentifiers(request, { token, ...lookup })).status).toBe(200);
    const startedAt = Date.now();

    const result = await callDeactivation(request, leaver.adminUserId, { token: actor.token, data: DEACTIVATE });

    expect(result.status).toBe(204);
    expect(result.text).toBe("");
    const row = await userRow(leaver.adminUserId);
    expect(row).toMatchObject({ active: false, state: "inactive:deactivated", deactivatedBy: { id: actor.adminUserId, name: expect.any(String) } });
    expect(row?.deactivatedAt).toBeGreaterThanOrEqual(startedAt);
    expect(row?.deactivatedAt).toBeLessThanOrEqual(Date.now());

    const tokens = await tokensOfAdmin(leaver.adminId);
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect(token.revokedAt).not.toBeNull();
    expect((await sessionRow(sessionId))?.revokedAt).not.toBeNull();

    // The very next call with the leaver's token is refused, on either Mendix API.
    const refusedLookup = await callIdentifiers(request, { token: leaver.token, ...lookup });
    expect(refusedLookup.status).toBe(401);
    expect(refusedLookup.body).toEqual(identifiersError(401, "UNAUTHORIZED"));
    const refusedDeactivation = await callDeactivation(request, bystander.id, { token: leaverSecondToken, data: DEACTIVATE });
    expect(refusedDeactivation.status).toBe(401);
    expect(refusedDeactivation.body).toEqual(deactivationError(401));
    expect((await userRow(bystander.id))?.active).toBe(true);

    const events = await deactivationEvents(tenant.tenantId, leaver.adminUserId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "user.deactivate", outcome: "deactivated", actorType: "token", actorId: actor.tokenId, targetType: "user" });

    // The caller and the rest of the tenant are untouched.
    expect((await callIdentifiers(request, { token: actor.token, ...lookup })).status).toBe(200);
    expect((await userRow(actor.adminUserId))?.active).toBe(true);
  });

  test("a plain user: 204, inactive with deactivatedAt/By, one audit event", async ({ request }) => {
    const tenant = await createTestTenant("mx-deact");
    const actor = await tenant.addToken();
    const user = await tenant.addUser();
    const other = await tenant.addUser();

    const result = await callDeactivation(request, user.id, { token: actor.token, data: DEACTIVATE });

    expect(result.status).toBe(204);
    expect(await userRow(user.id)).toMatchObject({
      active: false,
      state: "inactive:deactivated",
      deactivatedAt: expect.any(Number),
      deactivatedBy: { id: actor.adminUserId },
    });
    expect((await deactivationEvents(tenant.tenantId, user.id)).map((event) => event.outcome)).toEqual(["deactivated"]);
    expect(await userRow(other.id)).toMatchObject({ active: true, deactivatedAt: null });
  });

  test("deactivating again is 204 and changes nothing; the audit log says already_inactive", async ({ request }) => {
    const tenant = await createTestTenant("mx-deact");
    const actor = await tenant.addToken();
    const later = await tenant.addToken();
    const user = await tenant.addUser();
    expect((await callDeactivation(request, user.id, { token: actor.token, data: DEACTIVATE })).status).toBe(204);
    const afterFirst = await userRow(user.id);

    const again = await callDeactivation(request, user.id, { token: later.token, data: DEACTIVATE });

    expect(again.status).toBe(204);
    expect(again.text).toBe("");
    expect(await userRow(user.id)).toEqual(afterFirst);
    const events = await deactivationEvents(tenant.tenantId, user.id);
    expect(events.map((event) => event.outcome).sort()).toEqual(["already_inactive", "deactivated"]);
    expect(events.find((event) => event.outcome === "already_inactive")).toMatchObject({ actorId: later.tokenId });
  });

  test("a user who was never active is left as is: 204 and an already_inactive audit event", async ({ request }) => {
    const tenant = await createTestTenant("mx-deact");
    const actor = await tenant.addToken();
    const user = await tenant.addUser({ active: false });
    const before = await userRow(user.id);

    const result = await callDeactivation(request, user.id, { token: actor.token, data: DEACTIVATE });

    expect(result.status).toBe(204);
    expect(await userRow(user.id)).toEqual(before);
    expect((await deactivationEvents(tenant.tenantId, user.id)).map((event) => event.outcome)).toEqual(["already_inactive"]);
  });

  test("50 parallel deactivations of one user: all 204, exactly one deactivated audit event", async ({ request }) => {
    const tenant = await createTestTenant("mx-deact-race");
    const actor = await tenant.addToken();
    const leaver = await tenant.addToken();
    expect((await userRow(leaver.adminUserId))?.active).toBe(true);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => callDeactivation(request, leaver.adminUserId, { token: actor.token, data: DEACTIVATE })),
    );

    expect(results.map((result) => result.status)).toEqual(Array(50).fill(204));
    const events = await deactivationEvents(tenant.tenantId, leaver.adminUserId);
    expect(events.filter((event) => event.outcome === "deactivated")).toHaveLength(1);
    expect(events.filter((event) => event.outcome === "already_inactive")).toHaveLength(49);
    expect(await userRow(leaver.adminUserId)).toMatchObject({ active: false, state: "inactive:deactivated" });
    expect((await tokenRow(leaver.tokenId))?.revokedAt).not.toBeNull();
  });
});
