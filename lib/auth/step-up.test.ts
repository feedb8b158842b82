import { randomUUID } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { saveSsoSettings } from "@/db/queries/sso-configs";
import { SSO_CALLBACK_PATH, STEP_UP_DONE_PATH } from "@/lib/contracts/sso";
import { adminUserFields } from "@/lib/domain/user-fields";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { bindSsoAccount } from "@/db/queries/admin-sso-subjects";
import { settingsThrough, signInAtProvider, startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { createSecondFactorThrottle, SECOND_FACTOR_LIMIT } from "./mfa/second-factor-throttle";
import { confirmTotpEnrolment, startTotpEnrolment } from "./mfa/totp-enrolment";
import { beginOidcSignIn, completeOidcSignIn } from "./oidc-sign-in";
import { hashPassword, NO_PASSWORD_HASH } from "./password";
import { openSession, readSession } from "./session";
import { createSignInThrottle, SIGN_IN_LIMITS } from "./sign-in-throttle";
import { stepUpMethods, stepUpWithPassword, stepUpWithRecoveryCode, stepUpWithTotp, type StepUpSession } from "./step-up";
import { isStale } from "./step-up-gate";

// Step-up (docs/decisions/0023) on whichever database the suite runs: each method, the session's
// rotation, the audit trail, and the limiters wrong answers count against.

const db = createTestDb();
const PASSWORD = "the right password";
const ORIGIN = "http://127.0.0.1:3998";
let passwordHash: string;
let provider: TestOidcProvider;
beforeAll(async () => {
  passwordHash = await hashPassword(PASSWORD);
  provider = await startOidcProvider({ redirectUris: [`${ORIGIN}${SSO_CALLBACK_PATH}`] });
});
afterAll(() => provider?.close());

const freshCtx = (points: number = SECOND_FACTOR_LIMIT.points) => ({
  clientAddress: "198.51.100.9",
  throttle: createSecondFactorThrottle(db, { ...SECOND_FACTOR_LIMIT, points, keyPrefix: randomUUID() }),
  signInThrottle: createSignInThrottle(db, {
    address: { ...SIGN_IN_LIMITS.address, keyPrefix: randomUUID() },
    emailAndAddress: { ...SIGN_IN_LIMITS.emailAndAddress, keyPrefix: randomUUID() },
  }),
});

async function makeAdmin(options: { requireMfa?: boolean; email?: string; tenantId?: string; hash?: string } = {}) {
  const tenantId = options.tenantId ?? (await makeTenant(db, undefined, { requireMfa: options.requireMfa ?? false })).id;
  const email = options.email ?? `admin-${randomUUID().slice(0, 8)}@example.test`;
  const { admin, user } = await createAdmin(db, { tenantId, ...adminUserFields(email), role: "admin", passwordHash: options.hash ?? passwordHash });
  return { tenantId, adminId: admin.id, userName: user.name, email };
}

/** A session opened `ageMs` ago, as the step-up endpoints see it. */
async function sessionOf(admin: Awaited<ReturnType<typeof makeAdmin>>, ageMs = 600_000, method: "password" | "oidc" = "password"): Promise<StepUpSession> {
  const opened = await openSession(db, admin, undefined, Date.now() - ageMs, method);
  const row = await prepared<{ id: string }>(db, "select id from sessions where admin_id = ? order by created_at desc limit 1").get(admin.adminId);
  return { sessionId: row!.id, tenantId: admin.tenantId, adminId: admin.adminId, userName: admin.userName, cookieValue: opened.cookieValue };
}

async function enrolTotp(admin: { tenantId: string; adminId: string; userName: string }) {
  const now = Date.now() - 120_000;
  const { secret } = await startTotpEnrolment(db, admin, now);
  const app = new TOTP({ secret: Secret.fromBase32(secret) });
  const enrolled = await confirmTotpEnrolment(
    db,
    admin,
    { code: app.generate({ timestamp: now }), label: "Phone" },
    { type: "admin", name: admin.userName },
    now,
  );
  if (!enrolled.ok) throw new Error("enrolment failed");
  return { app, recoveryCodes: enrolled.recoveryCodes! };
}

const stepUps = (adminId: string) =>
  prepared<{ outcome: string; details: string }>(
    db,
    "select outcome, details from audit_events where target_id = ? and action = 'session.stepped_up' order by created_at",
  ).all(adminId);
const summary = async (adminId: string) =>
  (await stepUps(adminId)).map((e) => {
    const details = JSON.parse(e.details) as { method: string; reason?: string };
    return [e.outcome, details.method, details.reason ?? null];
  });

describe("the step-up gate", () => {
  it("counts an authentication exactly the max age old as recent, one millisecond older (or none) as stale", () => {
    const now = 1_800_000_000_000;
    expect(isStale(now - 300_000, now, 300)).toBe(false);
    expect(isStale(now - 300_001, now, 300)).toBe(true);
    expect(isStale(now, now, 300)).toBe(false);
    expect(isStale(null, now, 300)).toBe(true);
  });
});

describe("step-up methods", () => {
  it("are the account's factors; the password only without a factor where none is required; SSO where the tenant's lets the domain in", async () => {
    const plain = await makeAdmin();
    expect(await stepUpMethods(db, plain)).toEqual(["password"]);
    expect(await stepUpMethods(db, await makeAdmin({ requireMfa: true }))).toEqual([]);
    const withApp = await makeAdmin();
    await enrolTotp(withApp);
    expect(await stepUpMethods(db, withApp)).toEqual(["totp", "recovery_code"]);

    const tenant = await makeTenant(db);
    const domain = `${tenant.name}.example`;
    await ssoFor(tenant.id, domain);
    expect(await stepUpMethods(db, await makeAdmin({ tenantId: tenant.id, email: `sso@${domain}`, hash: NO_PASSWORD_HASH }))).toEqual(["oidc"]);
    expect(await stepUpMethods(db, await makeAdmin({ tenantId: tenant.id, email: `local@${domain}` }))).toEqual(["oidc", "password"]);
    expect(await stepUpMethods(db, await makeAdmin({ tenantId: tenant.id, email: `other@elsewhere.example` }))).toEqual(["password"]);
  });
});

describe("a TOTP step-up", () => {
  it("refuses a wrong code (audited, counted), then rotates the session: the old cookie opens nothing, the new one is authenticated now by totp", async () => {
    const admin = await makeAdmin();
    const { app } = await enrolTotp(admin);
    const session = await sessionOf(admin);
    const ctx = freshCtx();
    expect(await stepUpWithTotp(db, session, "000000", ctx)).toEqual({ ok: false, reason: "invalid" });
    expect(await readSession(db, session.cookieValue)).not.toBeNull();

    const before = Date.now();
    const outcome = await stepUpWithTotp(db, session, app.generate(), ctx);
    if (!outcome.ok) throw new Error(`step-up refused: ${outcome.reason}`);
    expect(outcome.cookieValue).not.toBe(session.cookieValue);
    expect(await readSession(db, session.cookieValue)).toBeNull();
    const stepped = await readSession(db, outcome.cookieValue);
    expect(stepped).toMatchObject({ sessionId: session.sessionId, csrfToken: outcome.csrfToken, authMethod: "totp" });
    expect(Number(stepped!.authenticatedAt)).toBeGreaterThanOrEqual(before);
    expect(isStale(Number(stepped!.authenticatedAt), Date.now())).toBe(false);
    // The same code again is a replay, whatever session presents it.
    expect(await stepUpWithTotp(db, { ...session, cookieValue: outcome.cookieValue }, app.generate(), ctx)).toEqual({ ok: false, reason: "replayed" });
    expect(await summary(admin.adminId)).toEqual([
      ["failed", "totp", "invalid"],
      ["success", "totp", null],
      ["failed", "totp", "replayed"],
    ]);
  });

  it("counts wrong codes against the account's second-factor limiter: once it blocks, even the right code waits", async () => {
    const admin = await makeAdmin();
    const { app } = await enrolTotp(admin);
    const session = await sessionOf(admin);
    const ctx = freshCtx(2);
    for (let i = 0; i < 2; i++) expect(await stepUpWithTotp(db, session, "000000", ctx)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await stepUpWithTotp(db, session, app.generate(), ctx)).toMatchObject({ ok: false, reason: "throttled" });
    expect(await readSession(db, session.cookieValue)).not.toBeNull();
    expect((await summary(admin.adminId)).at(-1)).toEqual(["throttled", "totp", null]);
  });

  it("checks no more wrong codes sent at once than the limiter allows: it counts each before checking it", async () => {
    const admin = await makeAdmin();
    const { app } = await enrolTotp(admin);
    const session = await sessionOf(admin);
    const ctx = freshCtx(3);
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => stepUpWithTotp(db, session, "000000", ctx)));
    expect(outcomes.filter((o) => !o.ok && o.reason === "invalid")).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok && o.reason === "throttled")).toHaveLength(9);
    expect((await summary(admin.adminId)).filter(([outcome]) => outcome === "failed")).toHaveLength(3);
    expect(await stepUpWithTotp(db, session, app.generate(), ctx)).toMatchObject({ ok: false, reason: "throttled" });
    expect(await readSession(db, session.cookieValue)).not.toBeNull();
  });

  it("takes the right code after a few wrong ones, and the account's count starts again", async () => {
    const admin = await makeAdmin();
    const { app } = await enrolTotp(admin);
    const session = await sessionOf(admin);
    const ctx = freshCtx(3);
    for (let i = 0; i < 2; i++) expect(await stepUpWithTotp(db, session, "000000", ctx)).toEqual({ ok: false, reason: "invalid" });
    const outcome = await stepUpWithTotp(db, session, app.generate(), ctx);
    if (!outcome.ok) throw new Error(`step-up refused: ${outcome.reason}`);
    const stepped = { ...session, cookieValue: outcome.cookieValue };
    for (let i = 0; i < 3; i++) expect(await stepUpWithTotp(db, stepped, "000000", ctx)).toEqual({ ok: false, reason: "invalid" });
    expect(await stepUpWithTotp(db, stepped, "000000", ctx)).toMatchObject({ ok: false, reason: "throttled" });
  });
});

describe("a recovery-code step-up", () => {
  it("spends the code: it steps up once, never again", async () => {
    const admin = await makeAdmin();
    const { recoveryCodes } = await enrolTotp(admin);
    const session = await sessionOf(admin);
    const first = await stepUpWithRecoveryCode(db, session, recoveryCodes[0]!.toUpperCase(), freshCtx());
    expect(first).toMatchObject({ ok: true });
    const again = await stepUpWithRecoveryCode(db, { ...session, cookieValue: first.ok ? first.cookieValue : "" }, recoveryCodes[0]!, freshCtx());
    expect(again).toEqual({ ok: false, reason: "invalid" });
    expect(await summary(admin.adminId)).toEqual([
      ["success", "recovery_code", null],
      ["failed", "recovery_code", "invalid"],
    ]);
  });
});

describe("a password step-up", () => {
  it("takes the password of an account with no factor, through the sign-in throttle; never one a factor or the MFA policy rules out", async () => {
    const admin = await makeAdmin();
    const session = await sessionOf(admin);
    const ctx = freshCtx();
    expect(await stepUpWithPassword(db, session, "wrong", ctx)).toEqual({ ok: false, reason: "invalid" });
    const outcome = await stepUpWithPassword(db, session, PASSWORD, ctx);
    expect(outcome).toMatchObject({ ok: true });
    expect(await readSession(db, outcome.ok ? outcome.cookieValue : "")).toMatchObject({ authMethod: "password" });
    expect(await summary(admin.adminId)).toEqual([
      ["failed", "password", "invalid"],
      ["success", "password", null],
    ]);

    const withApp = await makeAdmin();
    await enrolTotp(withApp);
    expect(await stepUpWithPassword(db, await sessionOf(withApp), PASSWORD, ctx)).toEqual({ ok: false, reason: "not_available" });
    const underPolicy = await makeAdmin({ requireMfa: true });
    expect(await stepUpWithPassword(db, await sessionOf(underPolicy), PASSWORD, ctx)).toEqual({ ok: false, reason: "not_available" });
  });

  it("is refused once the sign-in throttle blocks the email from the address", async () => {
    const admin = await makeAdmin();
    const session = await sessionOf(admin);
    const ctx = {
      ...freshCtx(),
      signInThrottle: createSignInThrottle(db, { emailAndAddress: { ...SIGN_IN_LIMITS.emailAndAddress, points: 1, keyPrefix: randomUUID() } }),
    };
    expect(await stepUpWithPassword(db, session, "wrong", ctx)).toEqual({ ok: false, reason: "invalid" });
    expect(await stepUpWithPassword(db, session, PASSWORD, ctx)).toMatchObject({ ok: false, reason: "throttled" });
  });
});

async function ssoFor(tenantId: string, domain: string) {
  expect((await saveSsoSettings(db, settingsThrough(provider, tenantId, domain))).ok).toBe(true);
}

describe("a single sign-on step-up", () => {
  async function ssoAdmin() {
    const tenant = await makeTenant(db);
    const domain = `${tenant.name}.example`;
    await ssoFor(tenant.id, domain);
    const admin = await makeAdmin({ tenantId: tenant.id, email: `pat-${randomUUID().slice(0, 6)}@${domain}`, hash: NO_PASSWORD_HASH });
    return { admin, session: await sessionOf(admin, 600_000, "oidc") };
  }

  /** Signs in at the provider as `login` (a new account unless given) holding `email`. */
  async function stepUpAs(session: StepUpSession, email: string, login = `acct-${randomUUID()}`) {
    const started = await beginOidcSignIn(db, {
      email,
      next: STEP_UP_DONE_PATH,
      origin: ORIGIN,
      stepUp: { sessionId: session.sessionId, tenantId: session.tenantId, maxAgeSeconds: 300 },
    });
    if (!started.ok) throw new Error(started.code);
    const location = new URL(started.location);
    expect(location.searchParams.get("prompt")).toBe("login");
    expect(location.searchParams.get("max_age")).toBe("300");
    provider.accounts.set(login, { email, groups: [] });
    const callbackUrl = await signInAtProvider(started.location, login, `${ORIGIN}${SSO_CALLBACK_PATH}`);
    return completeOidcSignIn(db, {
      cookieValue: started.cookieValue,
      callbackUrl,
      origin: { userAgent: "vitest", clientAddress: "198.51.100.9" },
      sessionCookieValue: session.cookieValue,
      stepUpMaxAgeSeconds: 300,
    });
  }

  it("re-authenticates the same person at the provider and rotates the session that asked", async () => {
    const { admin, session } = await ssoAdmin();
    const result = await stepUpAs(session, admin.email);
    expect(result).toMatchObject({ ok: true, stepUp: true, nextPath: STEP_UP_DONE_PATH });
    expect(await readSession(db, session.cookieValue)).toBeNull();
    expect(await readSession(db, result.ok ? result.cookieValue : "")).toMatchObject({ sessionId: session.sessionId, authMethod: "oidc" });
    expect(await summary(admin.adminId)).toEqual([["success", "oidc", null]]);
  });

  it("refuses someone else signing in at the provider, and leaves the session as it was", async () => {
    const { admin, session } = await ssoAdmin();
    const result = await stepUpAs(session, `someone-else@${admin.email.split("@")[1]}`);
    expect(result).toEqual({ ok: false, code: "step_up_other_person", stepUp: true });
    expect(await readSession(db, session.cookieValue)).toMatchObject({ authMethod: "oidc" });
    expect(await summary(admin.adminId)).toEqual([["failed", "oidc", "other_person"]]);
  });

  it("holds an admin bound to a provider account to that account, whatever address either holds now", async () => {
    const { admin, session } = await ssoAdmin();
    const ref = { tenantId: admin.tenantId, adminId: admin.adminId };
    await bindSsoAccount(db, ref, { issuer: provider.issuer, subject: "acct-bound" }, { type: "system", name: "test" });
    expect(await stepUpAs(session, admin.email)).toEqual({ ok: false, code: "step_up_other_person", stepUp: true });
    const renamed = `renamed-${randomUUID().slice(0, 6)}@${admin.email.split("@")[1]}`;
    expect(await stepUpAs(session, renamed, "acct-bound")).toMatchObject({ ok: true, stepUp: true });
    expect(await summary(admin.adminId)).toEqual([
      ["failed", "oidc", "other_person"],
      ["success", "oidc", null],
    ]);
  });
});
