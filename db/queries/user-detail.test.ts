import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { sqlitePlan } from "@/test/search";
import { prepared } from "../prepared";
import { bindSsoAccount } from "./admin-sso-subjects";
import type { Tenant } from "../schema";
import { recordAuditEvent } from "./audit";
import { deactivateUser } from "./user-status";
import { AUDIT_HISTORY, getUserDetail } from "./user-detail";

/** The idle timeout the console reads sessions with (SESSION_IDLE_TIMEOUT_SECONDS), long enough to leave these sessions open. */
const IDLE = 30 * 60 * 1000;

describe("getUserDetail", () => {
  const db = createTestDb();
  let tenant: Tenant;
  const now = Date.now();
  beforeAll(async () => {
    tenant = await makeTenant(db);
  });

  async function addContacts(userId: string, tenantId = tenant.id) {
    const email = prepared(
      db,
      "insert into user_emails (id, tenant_id, user_id, email, email_normalized, label, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    await email.run(randomUUID(), tenantId, userId, "Home@Example.test", "home@example.test", "home", 1, 1);
    await email.run(randomUUID(), tenantId, userId, "alias@example.test", "alias@example.test", "alias", 2, 2);
    await prepared(
      db,
      "insert into user_mobiles (tenant_id, user_id, kind, country_code, number, created_at, updated_at) values (?, ?, 'primary', '+44', '7700900123', 1, 1)",
    ).run(tenantId, userId);
  }

  async function addIdentity(userId: string, providerId: string, linkedBy: "auto" | "manual" | "scim", lastSyncedAt: number | null, createdAt: number) {
    await prepared(
      db,
      "insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, linked_by, last_synced_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(randomUUID(), tenant.id, userId, providerId, `ext-${randomUUID()}`, linkedBy, lastSyncedAt, createdAt, createdAt);
  }

  it("returns the user with contacts, identities and the latest audit events, newest first", async () => {
    const user = await makeUser(db, tenant.id, { email: "jane@example.test" });
    await addContacts(user.id);
    const providerId = randomUUID();
    await prepared(db, "insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, ?, 'scim', 1, 1)").run(
      providerId,
      tenant.id,
      `SCIM ${providerId}`,
    );
    await addIdentity(user.id, providerId, "scim", 1_000, 10);
    await addIdentity(user.id, providerId, "manual", null, 20);
    for (let i = 0; i < 3; i++) {
      await recordAuditEvent(db, {
        tenantId: tenant.id,
        actorType: "system",
        action: `test.${i}`,
        targetType: "user",
        targetId: user.id,
        outcome: "ok",
        createdAt: 5_000,
      });
    }
    await recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: "test.other", targetType: "user", targetId: randomUUID(), outcome: "ok" });

    const detail = (await getUserDetail(db, { tenantId: tenant.id, userId: user.id, includeAudit: true, sessionIdleMs: IDLE }))!;
    expect(detail.user).toMatchObject({ id: user.id, email: "jane@example.test", active: true });
    expect(detail.user).toEqual(user);
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
    expect(detail.access).toEqual({ adminRole: null, liveTokens: 0, liveSessions: 0, ssoAccount: null });
  });

  it("keeps only the latest events up to the limit", async () => {
    const user = await makeUser(db, tenant.id);
    for (let i = 0; i < 5; i++) {
      await recordAuditEvent(db, { tenantId: tenant.id, actorType: "system", action: `step.${i}`, targetId: user.id, outcome: "ok", createdAt: 1_000 + i });
    }
    const detail = (await getUserDetail(db, { tenantId: tenant.id, userId: user.id, includeAudit: true, auditLimit: 2, sessionIdleMs: IDLE }))!;
    expect(detail.audit?.map((e) => e.action)).toEqual(["step.4", "step.3"]);
  });

  it("leaves the audit history out when the caller may not read it", async () => {
    const user = await makeUser(db, tenant.id);
    expect((await getUserDetail(db, { tenantId: tenant.id, userId: user.id, includeAudit: false, sessionIdleMs: IDLE }))?.audit).toBeNull();
  });

  it("counts the tokens and sessions a deactivation would revoke", async () => {
    const admin = await makeAdminWithToken(db, tenant.id, { role: "helpdesk" });
    await makeAdminWithToken(db, tenant.id); // someone else's token does not count
    await prepared(
      db,
      "insert into personal_access_tokens (id, tenant_id, admin_id, name, secret_hash, scopes, expires_at, created_at, updated_at) values (?, ?, ?, 'old', 'x', '[]', ?, 1, 1)",
    ).run(randomUUID(), tenant.id, admin.admin.id, now - 1);
    expect((await getUserDetail(db, { tenantId: tenant.id, userId: admin.user.id, includeAudit: false, sessionIdleMs: IDLE }, now))?.access).toEqual({
      adminRole: "helpdesk",
      liveTokens: 1,
      liveSessions: 1,
      ssoAccount: null,
    });
    const actor = { type: "admin" as const, id: "a", name: "Ops", userId: "u" };
    await deactivateUser(db, { tenantId: tenant.id, userId: admin.user.id, actor });
    expect((await getUserDetail(db, { tenantId: tenant.id, userId: admin.user.id, includeAudit: false, sessionIdleMs: IDLE }))?.access).toEqual({
      adminRole: "helpdesk",
      liveTokens: 0,
      liveSessions: 0,
      ssoAccount: null,
    });
    const account = { issuer: "https://login.example.com", subject: "00u-helpdesk" };
    await bindSsoAccount(db, { tenantId: tenant.id, adminId: admin.admin.id }, account, { type: "system", name: "test" }, now);
    expect((await getUserDetail(db, { tenantId: tenant.id, userId: admin.user.id, includeAudit: false, sessionIdleMs: IDLE }))?.access.ssoAccount).toEqual({
      ...account,
      linkedAt: now,
    });
  });

  it("does not see another tenant's user, nor leak its contacts", async () => {
    const other = await makeTenant(db);
    const stranger = await makeUser(db, other.id);
    await addContacts(stranger.id, other.id);
    expect(await getUserDetail(db, { tenantId: tenant.id, userId: stranger.id, includeAudit: true, sessionIdleMs: IDLE })).toBeUndefined();
    expect(await getUserDetail(db, { tenantId: tenant.id, userId: randomUUID(), includeAudit: true, sessionIdleMs: IDLE })).toBeUndefined();
    expect((await getUserDetail(db, { tenantId: other.id, userId: stranger.id, includeAudit: true, sessionIdleMs: IDLE }))?.contacts.otherEmails).toHaveLength(
      2,
    );
    expect(await prepared(db, "select id from user_emails where user_id = ?").all(stranger.id)).toHaveLength(2);
  });

  it.runIf(TEST_DIALECT === "sqlite")("finds a user's events by the target index, never by walking the tenant's log in time order (SQLite)", () => {
    const plan = sqlitePlan(db, { sql: AUDIT_HISTORY.sqlite, args: [tenant.id, randomUUID(), 20] });
    expect(plan).toBe("SEARCH audit_events USING INDEX audit_events_tenant_target_idx (tenant_id=? AND target_id=?) | USE TEMP B-TREE FOR ORDER BY");
  });
});
