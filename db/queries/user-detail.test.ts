import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { identities, identityProviders, personalAccessTokens, userEmails, userMobiles } from "../schema";
import { recordAuditEvent } from "./audit";
import { deactivateUser } from "./user-status";
import { getUserDetail } from "./user-detail";

describe("getUserDetail", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);
  const now = Date.now();

  function addContacts(userId: string, tenantId = tenant.id) {
    db.insert(userEmails)
      .values([
        { id: randomUUID(), tenantId, userId, email: "Home@Example.test", emailNormalized: "home@example.test", label: "home", createdAt: 1, updatedAt: 1 },
        { id: randomUUID(), tenantId, userId, email: "alias@example.test", emailNormalized: "alias@example.test", label: "alias", createdAt: 2, updatedAt: 2 },
      ])
      .run();
    db.insert(userMobiles).values({ tenantId, userId, kind: "primary", countryCode: "+44", number: "7700900123", createdAt: 1, updatedAt: 1 }).run();
  }

  function addIdentity(userId: string, providerId: string, linkedBy: "auto" | "manual" | "scim", lastSyncedAt: number | null, createdAt: number) {
    db.insert(identities)
      .values({
        id: randomUUID(),
        tenantId: tenant.id,
        userId,
        identityProviderId: providerId,
        externalId: `ext-${randomUUID()}`,
        linkedBy,
        lastSyncedAt,
        createdAt,
        updatedAt: createdAt,
      })
      .run();
  }

  it("returns the user with contacts, identities and the latest audit events, newest first", () => {
    const user = makeUser(db, tenant.id, { email: "jane@example.test" });
    addContacts(user.id);
    const providerId = randomUUID();
    db.insert(identityProviders)
      .values({ id: providerId, tenantId: tenant.id, name: `SCIM ${providerId}`, type: "scim", createdAt: 1, updatedAt: 1 })
      .run();
    addIdentity(user.id, providerId, "scim", 1_000, 10);
    addIdentity(user.id, providerId, "manual", null, 20);
    for (let i = 0; i < 3; i++) {
      recordAuditEvent(db, {
        tenantId: tenant.id,
        actorType: "system",
        action: `test.${i}`,
        targetType: "user",
        targetId: user.id,
        outcome: "ok",
        createdAt: 5_000,
      });
    }
    recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: "test.other", targetType: "user", targetId: randomUUID(), outcome: "ok" });

    const detail = getUserDetail(db, { tenantId: tenant.id, userId: user.id, includeAudit: true })!;
    expect(detail.user).toMatchObject({ id: user.id, email: "jane@example.test", active: true });
    expect(detail.contacts).toEqual({
      primaryEmail: "jane@example.test",
      otherEmails: [
        { email: "Home@Example.test", label: "home" },
        { email: "alias@example.test", label: "alias" },
      ],
      primaryMobile: { countryCode: "+44", number: "7700900123" },
      secondaryMobile: null,
    });
    expect(detail.identities.map((i) => [i.linkedBy, i.lastSyncedAt, i.providerType])).toEqual([
      ["scim", 1_000, "scim"],
      ["manual", null, "scim"],
    ]);
    // Same millisecond: insertion order decides, newest first.
    expect(detail.audit?.map((e) => e.action)).toEqual(["test.2", "test.1", "test.0"]);
    expect(detail.access).toEqual({ adminRole: null, liveTokens: 0, liveSessions: 0 });
  });

  it("keeps only the latest events up to the limit", () => {
    const user = makeUser(db, tenant.id);
    for (let i = 0; i < 5; i++) {
      recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: `step.${i}`, targetId: user.id, outcome: "ok", createdAt: 1_000 + i });
    }
    const detail = getUserDetail(db, { tenantId: tenant.id, userId: user.id, includeAudit: true, auditLimit: 2 })!;
    expect(detail.audit?.map((e) => e.action)).toEqual(["step.4", "step.3"]);
  });

  it("leaves the audit history out when the caller may not read it", () => {
    const user = makeUser(db, tenant.id);
    expect(getUserDetail(db, { tenantId: tenant.id, userId: user.id, includeAudit: false })?.audit).toBeNull();
  });

  it("counts the tokens and sessions a deactivation would revoke", () => {
    const admin = makeAdminWithToken(db, tenant.id, { role: "helpdesk" });
    makeAdminWithToken(db, tenant.id); // someone else's token does not count
    db.insert(personalAccessTokens)
      .values({
        id: randomUUID(),
        tenantId: tenant.id,
        adminId: admin.admin.id,
        name: "old",
        secretHash: "x",
        scopes: [],
        expiresAt: now - 1,
        createdAt: 1,
        updatedAt: 1,
      })
      .run();
    expect(getUserDetail(db, { tenantId: tenant.id, userId: admin.user.id, includeAudit: false }, now)?.access).toEqual({
      adminRole: "helpdesk",
      liveTokens: 1,
      liveSessions: 1,
    });
    const actor = { type: "admin" as const, id: "a", name: "Ops", userId: "u" };
    deactivateUser(db, { tenantId: tenant.id, userId: admin.user.id, actor });
    expect(getUserDetail(db, { tenantId: tenant.id, userId: admin.user.id, includeAudit: false })?.access).toEqual({
      adminRole: "helpdesk",
      liveTokens: 0,
      liveSessions: 0,
    });
  });

  it("does not see another tenant's user, nor leak its contacts", () => {
    const other = makeTenant(db);
    const stranger = makeUser(db, other.id);
    addContacts(stranger.id, other.id);
    expect(getUserDetail(db, { tenantId: tenant.id, userId: stranger.id, includeAudit: true })).toBeUndefined();
    expect(getUserDetail(db, { tenantId: tenant.id, userId: randomUUID(), includeAudit: true })).toBeUndefined();
    expect(getUserDetail(db, { tenantId: other.id, userId: stranger.id, includeAudit: true })?.contacts.otherEmails).toHaveLength(2);
    expect(db.select().from(userEmails).where(eq(userEmails.userId, stranger.id)).all()).toHaveLength(2);
  });
});
