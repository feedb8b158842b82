import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { createToken } from "@/db/queries/tokens";
import { adminUserFields } from "@/lib/domain/user-fields";
import { createTestDb } from "@/test/db";
import { makeUser } from "@/test/factories";
import { signInAtProvider, startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { CLIENT, oidcSignInHarness } from "@/test/oidc-sign-in";
import { checkToken } from "./authenticate-token";
import { checkDiscovery, oidcConfiguration } from "./oidc-client";
import { beginOidcSignIn, completeOidcSignIn, OIDC_LOGIN_TTL_MS } from "./oidc-sign-in";
import { hashPassword } from "./password";
import { openSession, readSession } from "./session";
import { issueToken } from "./tokens";

// start → a real OpenID Connect provider (oidc-provider on loopback) → callback, by fetch with the
// redirects followed by hand; and what an attacker would try at each step.

const db = createTestDb();
const ORIGIN = "http://127.0.0.1:3999";
let provider: TestOidcProvider;
const { redirectUri: REDIRECT_URI, ssoTenant, account, begin, signInThrough, auditEvents, refusals } = oidcSignInHarness(db, () => provider, ORIGIN);

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [REDIRECT_URI] });
});
afterAll(() => provider?.close());

describe("OIDC sign-in", () => {
  it("sends the browser to the provider with PKCE S256, state, nonce and the login hint", async () => {
    const { domain } = await ssoTenant();
    const started = await begin(`pat@${domain}`);
    const url = new URL(started.location);
    expect(url.origin).toBe(provider.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: provider.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
      code_challenge_method: "S256",
      login_hint: `pat@${domain}`,
      scope: "openid email profile groups",
    });
    for (const name of ["state", "nonce", "code_challenge"]) expect(url.searchParams.get(name)?.length).toBeGreaterThanOrEqual(43);
    const row = await prepared<{ browserHash: string }>(db, `select browser_hash as "browserHash" from oidc_logins where state = ?`).get(
      url.searchParams.get("state"),
    );
    expect(row!.browserHash).not.toBe(started.cookieValue);
  });

  it("creates an admin with the role the groups claim maps (the highest of several) and opens a session at `next`", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `new.admin@${domain}`;
    const { result } = await signInThrough(email, account(email, ["everyone", "roster-auditors", "roster-helpdesk"]));
    expect(result).toMatchObject({ ok: true, nextPath: "/users/abc?tab=audit" });
    const session = await readSession(db, (result as { cookieValue: string }).cookieValue);
    expect(session).toMatchObject({ tenantId, role: "helpdesk", userEmail: email, userName: "Pat Example" });
    const events = await auditEvents(tenantId);
    expect(events.find((e) => e.action === "admin.created")).toMatchObject({ actorName: "single sign-on", details: { role: "helpdesk", createdUser: true } });
    expect(events.find((e) => e.action === "session.sign_in")).toMatchObject({ outcome: "success", details: { method: "oidc", role: "helpdesk" } });
  });

  it("signs an existing admin in by verified email (any case), the role following the mapping", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `Existing@${domain}`;
    const { admin } = await createAdmin(db, { tenantId, ...adminUserFields(email), role: "auditor", passwordHash: await hashPassword("long password 1") });
    const { result } = await signInThrough(email.toLowerCase(), account(email.toUpperCase(), ["roster-admins"]));
    expect(result.ok).toBe(true);
    const session = await readSession(db, (result as { cookieValue: string }).cookieValue);
    expect(session).toMatchObject({ adminId: admin.id, role: "admin" });
    const changed = (await auditEvents(tenantId, { action: "admin.role_changed" }))[0];
    expect(changed).toMatchObject({ targetId: admin.id, details: { from: "auditor", to: "admin" } });
  });

  it("refuses an admin the role map no longer admits, ending their sessions and tokens; with no role map, roles stay Roster's and only admins get in", async () => {
    const mapped = await ssoTenant();
    const removed = `removed@${mapped.domain}`;
    const { admin } = await createAdmin(db, { tenantId: mapped.tenantId, ...adminUserFields(removed), role: "admin", passwordHash: "x" });
    const owner = { tenantId: mapped.tenantId, adminId: admin.id };
    const session = await openSession(db, owner);
    const pat = issueToken();
    await createToken(db, { ...owner, ...pat, name: "ci", scopes: [], expiresAt: null, actor: { type: "system", name: "test" } });
    expect((await signInThrough(removed, account(removed, ["everyone"]))).result).toEqual({ ok: false, code: "no_mapped_role" });
    expect(await readSession(db, session.cookieValue)).toBeNull();
    expect(await checkToken(db, pat.token)).toEqual({ ok: false, reason: "revoked" });
    const [revoked] = await auditEvents(mapped.tenantId, { action: "admin.access_revoked" });
    expect(revoked).toMatchObject({ targetId: admin.id, details: { reason: "no_mapped_role", sessionsRevoked: 1, tokensRevoked: 1 } });

    const unmapped = await ssoTenant({});
    const kept = `kept@${unmapped.domain}`;
    await createAdmin(db, { tenantId: unmapped.tenantId, ...adminUserFields(kept), role: "auditor", passwordHash: await hashPassword("long password 3") });
    const { result } = await signInThrough(kept, account(kept, ["roster-admins"]));
    expect(await readSession(db, (result as { cookieValue: string }).cookieValue)).toMatchObject({ role: "auditor" });
    const stranger = `stranger@${unmapped.domain}`;
    expect((await signInThrough(stranger, account(stranger, ["roster-admins"]))).result).toEqual({ ok: false, code: "no_mapped_role" });
  });

  it("refuses a callback whose state differs, and the login cannot be retried with the right one", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const started = await begin(email);
    const callbackUrl = await signInAtProvider(started.location, account(email, ["roster-admins"]), REDIRECT_URI);
    const forged = new URL(callbackUrl);
    forged.searchParams.set("state", "forged-state-value");
    expect(await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl: forged, ...CLIENT })).toEqual({ ok: false, code: "state_mismatch" });
    expect(await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl, ...CLIENT })).toEqual({ ok: false, code: "no_sign_in_in_progress" });
    expect(await refusals(tenantId)).toEqual(["state_mismatch"]);
  });

  it("takes a login once: a replayed callback is refused", async () => {
    const { domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const { started, callbackUrl, result } = await signInThrough(email, account(email, ["roster-admins"]));
    expect(result.ok).toBe(true);
    expect(await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl, ...CLIENT })).toEqual({ ok: false, code: "no_sign_in_in_progress" });
  });

  it("refuses a callback from another browser (no cookie, or a cookie of its own)", async () => {
    const { domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const victim = await begin(email);
    const callbackUrl = await signInAtProvider(victim.location, account(email, ["roster-admins"]), REDIRECT_URI);
    const attacker = await begin(email);
    expect(await completeOidcSignIn(db, { cookieValue: undefined, callbackUrl, ...CLIENT })).toEqual({ ok: false, code: "no_sign_in_in_progress" });
    expect(await completeOidcSignIn(db, { cookieValue: attacker.cookieValue, callbackUrl, ...CLIENT })).toEqual({ ok: false, code: "state_mismatch" });
  });

  it("refuses a login older than its ten minutes", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const { result } = await signInThrough(email, account(email, ["roster-admins"]), { now: Date.now() + OIDC_LOGIN_TTL_MS + 1000 });
    expect(result).toEqual({ ok: false, code: "expired" });
    expect(await refusals(tenantId)).toEqual(["expired"]);
  });

  it("refuses an ID token whose nonce is not the login's (openid-client checks it)", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const started = await begin(email);
    const callbackUrl = await signInAtProvider(started.location, account(email, ["roster-admins"]), REDIRECT_URI);
    await prepared(db, "update oidc_logins set nonce = ? where state = ?").run(
      "another-nonce-for-this-login-0123456789abc",
      callbackUrl.searchParams.get("state"),
    );
    expect(await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl, ...CLIENT })).toEqual({ ok: false, code: "token_rejected" });
    const event = (await auditEvents(tenantId, { action: "session.sign_in" }))[0];
    expect(event).toMatchObject({ outcome: "failed", details: { method: "oidc", reason: "token_rejected" } });
    expect(String(event!.details!.problem)).toMatch(/nonce/);
  });

  // What a hostile or broken provider answers at its token endpoint (test/oidc-provider.ts spoils it on the way out).
  it.each([
    ["for another client (aud)", { claims: (c: Record<string, unknown>) => ({ ...c, aud: "someone-else" }) }, /aud/],
    [
      "expired",
      { claims: (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 1800 }) },
      /exp/,
    ],
    ["unsigned (alg none)", { signing: "none" as const }, /alg|signature|none/i],
    ["signed by a key the provider does not publish", { signing: "foreign" as const }, /signature/i],
  ])("refuses an ID token %s, opening no session", async (_what, tamper, problem) => {
    const { tenantId, domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const started = await begin(email);
    const callbackUrl = await signInAtProvider(started.location, account(email, ["roster-admins"]), REDIRECT_URI);
    provider.tamper = tamper;
    try {
      expect(await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl, ...CLIENT })).toEqual({ ok: false, code: "token_rejected" });
    } finally {
      provider.tamper = null;
    }
    const event = (await auditEvents(tenantId, { action: "session.sign_in" }))[0];
    expect(event).toMatchObject({ outcome: "failed", details: { method: "oidc", reason: "token_rejected" } });
    expect(String(event!.details!.problem)).toMatch(problem);
  });

  it("takes the same ID token, spoilt by nothing but signed again by the provider's key, as a sign-in (the tampering harness changes only what it is told)", async () => {
    const { domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const started = await begin(email);
    const callbackUrl = await signInAtProvider(started.location, account(email, ["roster-admins"]), REDIRECT_URI);
    provider.tamper = { signing: "provider" };
    try {
      expect(await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl, ...CLIENT })).toMatchObject({ ok: true });
    } finally {
      provider.tamper = null;
    }
  });

  it("refuses an email the provider has not verified, and an address outside the tenant's domains", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `pat@${domain}`;
    expect((await signInThrough(email, account(email, ["roster-admins"], { emailVerified: false }))).result).toEqual({ ok: false, code: "email_unverified" });
    const outsider = "mallory@elsewhere.example";
    expect((await signInThrough(email, account(outsider, ["roster-admins"]))).result).toEqual({ ok: false, code: "domain_not_allowed" });
    expect(await refusals(tenantId)).toEqual(expect.arrayContaining(["email_unverified", "domain_not_allowed"]));
    expect(await prepared(db, "select id from users where email = ?").get(outsider)).toBeUndefined();
  });

  it("refuses someone who is not an admin when no group maps to a role, creating nobody", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `nobody@${domain}`;
    expect((await signInThrough(email, account(email, ["everyone"]))).result).toEqual({ ok: false, code: "no_mapped_role" });
    expect(await prepared(db, "select id from users where tenant_id = ? and email = ?").get(tenantId, email)).toBeUndefined();
  });

  it("refuses a deactivated user, admin or not", async () => {
    const { tenantId, domain } = await ssoTenant();
    const email = `leaver@${domain}`;
    await makeUser(db, tenantId, { email, active: false });
    expect((await signInThrough(email, account(email, ["roster-admins"]))).result).toEqual({ ok: false, code: "user_inactive" });
  });

  it("lands on /users, never on another site, when `next` leaves Roster's origin", async () => {
    const { domain } = await ssoTenant();
    const email = `pat@${domain}`;
    const login = account(email, ["roster-auditors"]);
    for (const next of ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]) {
      const started = await begin(email, next);
      const callbackUrl = await signInAtProvider(started.location, login, REDIRECT_URI);
      const result = await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl, ...CLIENT });
      expect(result, next).toMatchObject({ ok: true, nextPath: "/users" });
    }
  });

  it("does not start for a domain no tenant lets in", async () => {
    expect(await beginOidcSignIn(db, { email: "pat@no-sso.example", next: "/users", origin: ORIGIN })).toEqual({ ok: false, code: "unknown_domain" });
  });

  it("discovers once per setting for a few minutes; a changed setting or a failure is discovered again", async () => {
    const settings = { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret };
    const tenantId = randomUUID();
    const first = oidcConfiguration(tenantId, settings);
    expect(oidcConfiguration(tenantId, { ...settings })).toBe(first);
    expect(oidcConfiguration(tenantId, { ...settings, clientSecret: "rotated" })).not.toBe(first);
    const later = oidcConfiguration(tenantId, settings, Date.now() + 10 * 60 * 1000);
    expect(later).not.toBe(first);
    await Promise.all([first, later]);

    const unreachable = { ...settings, issuer: "http://127.0.0.1:9" };
    const failed = oidcConfiguration(tenantId, unreachable);
    await expect(failed).rejects.toThrow();
    expect(oidcConfiguration(tenantId, unreachable)).not.toBe(failed);
    await expect(oidcConfiguration(tenantId, unreachable)).rejects.toThrow();
  });

  it("reports what discovery found, or why it failed, in words", async () => {
    expect(await checkDiscovery(provider.issuer)).toMatchObject({
      ok: true,
      issuer: provider.issuer,
      scopesSupported: expect.arrayContaining(["openid", "groups"]),
    });
    const failed = await checkDiscovery("http://127.0.0.1:9");
    expect(failed.ok).toBe(false);
    expect(failed.detail.length).toBeGreaterThan(0);
    expect(failed.detail).not.toMatch(/\n\s+at /);
  });
});
