import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { bindSsoAccount, findSsoAccountOfAdmin, forgetSsoAccount } from "@/db/queries/admin-sso-subjects";
import { createAdmin } from "@/db/queries/admins";
import { createScimUser, updateScimUser } from "@/db/queries/scim-users";
import { adminUserFields } from "@/lib/domain/user-fields";
import { createTestDb } from "@/test/db";
import { startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { oidcSignInHarness } from "@/test/oidc-sign-in";
import { scimProvider, scimWrite, written } from "@/test/scim-users";
import { until } from "@/test/until";
import { hashPassword } from "./password";
import { readSession } from "./session";

// Which admin a provider account signs in as (docs/decisions/0021): the one its issuer and subject
// are bound to, so that an address that changes hands (at the provider, or through SCIM) does not
// carry an admin's access to its new holder.

const db = createTestDb();
let provider: TestOidcProvider;
const { redirectUri, ssoTenant, account, signInThrough, auditEvents, refusals } = oidcSignInHarness(db, () => provider, "http://127.0.0.1:3997");
const SYSTEM = { type: "system", name: "test" } as const;

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [redirectUri] });
});
afterAll(() => provider?.close());

const cookieOf = (result: { ok: boolean }) => (result as { cookieValue?: string }).cookieValue;
const sessionOf = (result: { ok: boolean }) => readSession(db, cookieOf(result));
const boundTo = (tenantId: string, adminId: string) => findSsoAccountOfAdmin(db, { tenantId, adminId });

describe("the provider account an admin signs in with", () => {
  it("is bound at the admin's first SSO sign-in, audited once, and signs them in from then on", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `first@${domain}`;
    const login = account(email, ["roster-admins"]);
    const first = (await signInThrough(email, login)).result;
    const session = await sessionOf(first);
    expect(await boundTo(tenantId, session!.adminId)).toMatchObject({ issuer: provider.issuer, subject: login });
    expect((await signInThrough(email, login)).result.ok).toBe(true);
    const bound = await auditEvents(tenantId, { action: "admin.sso_account_bound" });
    expect(bound).toHaveLength(1);
    expect(bound[0]).toMatchObject({ targetId: session!.adminId, actorName: "single sign-on", details: { issuer: provider.issuer, subject: login } });
  });

  it("refuses another account that comes to hold a bound admin's address, and leaves the admin's sessions alone", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `held@${domain}`;
    const cookie = cookieOf((await signInThrough(email, account(email, ["roster-admins"]))).result);
    const session = await readSession(db, cookie);
    // The provider gave the address to someone else: with no Roster group, the old rule would have
    // ended the admin's sessions; with one, it would have signed the newcomer in as the admin.
    expect((await signInThrough(email, account(email, ["everyone"]))).result).toEqual({ ok: false, code: "other_account" });
    expect((await signInThrough(email, account(email, ["roster-admins"]))).result).toEqual({ ok: false, code: "other_account" });
    expect(await readSession(db, cookie)).toMatchObject({ adminId: session!.adminId });
    expect(await auditEvents(tenantId, { action: "admin.access_revoked" })).toEqual([]);
    expect(await refusals(tenantId)).toEqual(["other_account", "other_account"]);
  });

  describe("when SCIM changes a bound admin's address", () => {
    let tenant: { tenantId: string; domain: string };
    beforeAll(async () => {
      tenant = await ssoTenant({});
    });
    const scope = scimProvider(db, "Okta", () => tenant.tenantId);

    it("follows the account, not the address: the admin still signs in with theirs, the address's new holder is refused", async () => {
      const email = `alice@${tenant.domain}`;
      const { admin } = await createAdmin(db, {
        tenantId: tenant.tenantId,
        ...adminUserFields(email),
        role: "admin",
        passwordHash: await hashPassword("long password 9"),
      });
      const alice = account(email, []);
      expect((await sessionOf((await signInThrough(email, alice)).result))?.adminId).toBe(admin.id);

      // The provisioning client renames the admin's user to an address another person holds there.
      const eve = `eve@${tenant.domain}`;
      const record = written(await createScimUser(db, scope, scimWrite({ email, userName: email })));
      expect(record.user.id).toBe(admin.userId);
      expect((await updateScimUser(db, scope, record.user.id, () => scimWrite({ email: eve, userName: email }))).status).toBe("updated");

      expect((await signInThrough(eve, account(eve, []))).result).toEqual({ ok: false, code: "other_account" });
      const stillAlice = await sessionOf((await signInThrough(email, alice)).result);
      expect(stillAlice).toMatchObject({ adminId: admin.id, userEmail: eve });
    });
  });

  it("is matched by address once more after `forgetSsoAccount`, or when the tenant moved to another provider", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `remade@${domain}`;
    const { admin } = await createAdmin(db, { tenantId, ...adminUserFields(email), role: "admin", passwordHash: "x" });
    const ref = { tenantId, adminId: admin.id };
    expect(await bindSsoAccount(db, ref, { issuer: "https://old-provider.example", subject: "00u-old" }, SYSTEM)).toBe("bound");
    const moved = account(email, ["roster-admins"]);
    expect((await sessionOf((await signInThrough(email, moved)).result))?.adminId).toBe(admin.id);
    const [, rebound] = await auditEvents(tenantId, { action: "admin.sso_account_bound" });
    expect(rebound!.details).toEqual({ issuer: provider.issuer, subject: moved, replacedIssuer: "https://old-provider.example", replacedSubject: "00u-old" });

    const remade = account(email, ["roster-admins"]);
    expect((await signInThrough(email, remade)).result).toEqual({ ok: false, code: "other_account" });
    expect(await forgetSsoAccount(db, ref, SYSTEM)).toBe(true);
    expect(await forgetSsoAccount(db, ref, SYSTEM)).toBe(false);
    expect((await sessionOf((await signInThrough(email, remade)).result))?.adminId).toBe(admin.id);
    expect(await boundTo(tenantId, admin.id)).toMatchObject({ subject: remade });
    const forgotten = await auditEvents(tenantId, { action: "admin.sso_account_forgotten" });
    expect(forgotten.map((event) => event.details)).toEqual([{ issuer: provider.issuer, subject: moved }]);
  });

  it("binds one account to one admin: a subject bound elsewhere in the tenant cannot be bound again", async () => {
    const { tenantId, domain } = await ssoTenant();
    const make = (local: string) => createAdmin(db, { tenantId, ...adminUserFields(`${local}@${domain}`), role: "auditor", passwordHash: "x" });
    const [one, two] = [(await make("one")).admin, (await make("two")).admin];
    const shared = { issuer: provider.issuer, subject: "00u-shared" };
    await bindSsoAccount(db, { tenantId, adminId: one.id }, shared, SYSTEM);
    await expect(bindSsoAccount(db, { tenantId, adminId: two.id }, shared, SYSTEM)).rejects.toThrow();
    const rows = await prepared<{ adminId: string }>(db, `select admin_id as "adminId" from admin_sso_subjects where tenant_id = ?`).all(tenantId);
    expect(rows).toEqual([{ adminId: one.id }]);
  });

  it("binds one of two first sign-ins that race for an admin; the other is told the subject that won", async () => {
    const { tenantId, domain } = await ssoTenant();
    const { admin } = await createAdmin(db, { tenantId, ...adminUserFields(`raced@${domain}`), role: "admin", passwordHash: "x" });
    const ref = { tenantId, adminId: admin.id };
    const bind = (subject: string) => bindSsoAccount(db, ref, { issuer: provider.issuer, subject }, SYSTEM);
    // The first binds and holds its transaction open while the second starts: on PostgreSQL the
    // second reads no account yet and its insert waits for the first's row; SQLite's waits its turn.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstBound = false;
    const first = db.transaction(async () => {
      const outcome = await bind("00u-first");
      firstBound = true;
      await held;
      return outcome;
    }, "immediate");
    await until(async () => firstBound);
    const second = bind("00u-second");
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    expect([await first, await second]).toEqual(["bound", { otherSubject: "00u-first" }]);
    expect(await boundTo(tenantId, admin.id)).toMatchObject({ subject: "00u-first" });
    expect(await auditEvents(tenantId, { action: "admin.sso_account_bound" })).toHaveLength(1);
  });
});
