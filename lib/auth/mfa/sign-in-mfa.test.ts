import { randomUUID } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { listFactors, removeFactor } from "@/db/queries/mfa-factors";
import { setTenantRequireMfa } from "@/db/queries/tenants";
import { adminUserFields } from "@/lib/domain/user-fields";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { hashPassword } from "../password";
import { signIn } from "../session";
import { createSignInThrottle, SIGN_IN_LIMITS } from "../sign-in-throttle";
import { readPendingSignIn, PENDING_SIGN_IN_MAX_ATTEMPTS } from "./pending-sign-in";
import { signInWithRecoveryCode, signInWithTotp } from "./second-factor";
import { createSecondFactorThrottle, SECOND_FACTOR_LIMIT } from "./second-factor-throttle";
import { confirmTotpEnrolment, startTotpEnrolment } from "./totp-enrolment";

// The sign-in under the MFA policy, on whichever database the suite runs (docs/decisions/0022).
const db = createTestDb();
const PASSWORD = "the right password";
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(PASSWORD);
});

const origin = { clientAddress: "203.0.113.40", userAgent: "vitest" };
const freshThrottles = () => ({
  sign: createSignInThrottle(db, {
    address: { ...SIGN_IN_LIMITS.address, keyPrefix: randomUUID() },
    emailAndAddress: { ...SIGN_IN_LIMITS.emailAndAddress, keyPrefix: randomUUID() },
  }),
  second: createSecondFactorThrottle(db, { ...SECOND_FACTOR_LIMIT, keyPrefix: randomUUID() }),
});
/** A second step's context with an account limit of its own (`points` wrong codes). */
const codeCtx = (points: number = SECOND_FACTOR_LIMIT.points) => ({
  origin,
  throttle: createSecondFactorThrottle(db, { ...SECOND_FACTOR_LIMIT, points, keyPrefix: randomUUID() }),
});

async function makeAdmin(requireMfa: boolean) {
  const tenant = await makeTenant(db, undefined, { requireMfa });
  const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
  const { admin, user } = await createAdmin(db, { tenantId: tenant.id, ...adminUserFields(email), role: "admin", passwordHash });
  return { email, adminId: admin.id, tenantId: tenant.id, name: user.name, actor: { type: "admin" as const, id: admin.id, name: user.name } };
}

const throttles = freshThrottles();
const password = (email: string, now?: number) => signIn(db, { email, password: PASSWORD, ...origin }, { throttle: throttles.sign, now });
const sessionCount = async (adminId: string) => (await prepared<{ n: number }>(db, "select count(*) as n from sessions where admin_id = ?").get(adminId))!.n;
const events = (adminId: string) =>
  prepared<{ action: string; outcome: string; details: string }>(
    db,
    "select action, outcome, details from audit_events where target_id = ? order by created_at, action",
  ).all(adminId);

/** Signs in by password and returns the pending sign-in its cookie holds. */
async function pendingFor(email: string, now = Date.now()) {
  const result = await password(email, now);
  if (!result.ok || !("secondFactor" in result)) throw new Error(`expected a second-factor step, got ${JSON.stringify(result)}`);
  return { start: result.secondFactor, pending: (await readPendingSignIn(db, result.secondFactor.cookieValue, now))! };
}

async function enrolTotp(admin: Awaited<ReturnType<typeof makeAdmin>>, now: number) {
  const { secret } = await startTotpEnrolment(db, admin, now);
  const app = new TOTP({ secret: Secret.fromBase32(secret) });
  const enrolled = await confirmTotpEnrolment(db, admin, { code: app.generate({ timestamp: now }), label: "Phone" }, admin.actor, now);
  if (!enrolled.ok) throw new Error("enrolment failed");
  return { app, recoveryCodes: enrolled.recoveryCodes! };
}

describe("password sign-in under the MFA policy", () => {
  it("gives a pending enrolment step, never a session, to an admin without a factor; a first TOTP then opens the session", async () => {
    const admin = await makeAdmin(true);
    const T = Date.now();
    const { start, pending } = await pendingFor(admin.email, T);
    expect(start).toMatchObject({ step: "enrol", methods: [] });
    expect(await sessionCount(admin.adminId)).toBe(0);

    const { secret } = await startTotpEnrolment(db, pending, T);
    const app = new TOTP({ secret: Secret.fromBase32(secret) });
    expect(await confirmTotpEnrolment(db, pending, { code: "000000", label: "" }, admin.actor, T)).toEqual({ ok: false, reason: "invalid" });
    const enrolled = await confirmTotpEnrolment(db, pending, { code: app.generate({ timestamp: T }), label: "Phone" }, admin.actor, T);
    expect(enrolled).toMatchObject({ ok: true, factor: { kind: "totp", label: "Phone" } });
    expect(enrolled.ok && enrolled.recoveryCodes).toHaveLength(10);

    const outcomes = (await events(admin.adminId)).map((e) => `${e.action} ${e.outcome}`);
    expect(outcomes).toEqual(
      expect.arrayContaining(["session.sign_in second_factor_required", "mfa.factor_enrolled success", "mfa.recovery_codes_generated success"]),
    );
  });

  it("opens a session with the password alone when the policy is off and no factor is enrolled", async () => {
    const admin = await makeAdmin(false);
    const result = await password(admin.email);
    expect(result.ok && "cookieValue" in result).toBe(true);
    expect(await sessionCount(admin.adminId)).toBe(1);
  });

  it("challenges an admin who enrolled a factor, even with the policy off", async () => {
    const admin = await makeAdmin(false);
    await enrolTotp(admin, Date.now());
    const { start } = await pendingFor(admin.email);
    expect(start).toMatchObject({ step: "challenge", methods: ["totp", "recovery_code"] });
  });
});

describe("the second factor", () => {
  it("takes a TOTP code once: the enrolment's code and a replay are refused, the next step's code opens one session", async () => {
    const admin = await makeAdmin(true);
    const T = Date.now();
    const { app } = await enrolTotp(admin, T);
    const ctx = { origin, throttle: throttles.second, now: T };

    const first = await pendingFor(admin.email, T);
    expect(await signInWithTotp(db, first.pending, app.generate({ timestamp: T }), ctx)).toEqual({ ok: false, reason: "replayed" });
    const next = app.generate({ timestamp: T + 30_000 });
    const opened = await signInWithTotp(db, first.pending, next, ctx);
    expect(opened).toMatchObject({ ok: true, cookieValue: expect.any(String) });
    expect(await sessionCount(admin.adminId)).toBe(1);

    // The pending sign-in is used up, and the same code does not open another.
    const later = { ...ctx, now: T + 30_000 };
    expect(await signInWithTotp(db, first.pending, app.generate({ timestamp: T + 60_000 }), later)).toEqual({ ok: false, reason: "expired" });
    const second = await pendingFor(admin.email, T);
    expect(await signInWithTotp(db, second.pending, next, ctx)).toEqual({ ok: false, reason: "replayed" });

    const signIns = (await events(admin.adminId)).filter((e) => e.action === "session.sign_in").map((e) => ({ outcome: e.outcome, ...JSON.parse(e.details) }));
    expect(signIns).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcome: "success", method: "totp" }),
        expect.objectContaining({ outcome: "failed", method: "totp", reason: "replayed" }),
      ]),
    );
  });

  it("takes each recovery code once", async () => {
    const admin = await makeAdmin(true);
    const { recoveryCodes } = await enrolTotp(admin, Date.now());
    const ctx = { origin, throttle: throttles.second };
    const code = recoveryCodes[3]!;
    expect(await signInWithRecoveryCode(db, (await pendingFor(admin.email)).pending, code.toUpperCase(), ctx)).toMatchObject({ ok: true });
    expect(await signInWithRecoveryCode(db, (await pendingFor(admin.email)).pending, code, ctx)).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithRecoveryCode(db, (await pendingFor(admin.email)).pending, recoveryCodes[4]!, ctx)).toMatchObject({ ok: true });
  });

  it(`allows ${PENDING_SIGN_IN_MAX_ATTEMPTS} wrong codes per pending sign-in, then the password must come again`, async () => {
    const admin = await makeAdmin(true);
    const { app } = await enrolTotp(admin, Date.now());
    const { start, pending } = await pendingFor(admin.email);
    const ctx = codeCtx();
    for (let i = 0; i < PENDING_SIGN_IN_MAX_ATTEMPTS; i++) expect((await signInWithTotp(db, pending, "000000", ctx)).ok).toBe(false);
    expect(await readPendingSignIn(db, start.cookieValue)).toBeNull();
    expect(await signInWithTotp(db, pending, app.generate({ timestamp: Date.now() + 30_000 }), ctx)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses the account's second factor for a while after too many wrong codes, across pending sign-ins", async () => {
    const admin = await makeAdmin(true);
    const { app } = await enrolTotp(admin, Date.now());
    const ctx = codeCtx(3);
    for (let i = 0; i < 3; i++)
      expect(await signInWithTotp(db, (await pendingFor(admin.email)).pending, "000000", ctx)).toEqual({ ok: false, reason: "invalid" });
    const good = app.generate({ timestamp: Date.now() + 30_000 });
    expect(await signInWithTotp(db, (await pendingFor(admin.email)).pending, good, ctx)).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: 900 });
    expect(await sessionCount(admin.adminId)).toBe(0);
  });

  it("checks no more wrong codes sent at once from many pending sign-ins than the account's limit allows", async () => {
    const admin = await makeAdmin(true);
    const { app } = await enrolTotp(admin, Date.now());
    const ctx = codeCtx(3);
    const pendings: Awaited<ReturnType<typeof pendingFor>>["pending"][] = [];
    for (let i = 0; i < 12; i++) pendings.push((await pendingFor(admin.email)).pending);
    const outcomes = await Promise.all(pendings.map((pending) => signInWithTotp(db, pending, "000000", ctx)));
    expect(outcomes.filter((o) => !o.ok && o.reason === "invalid")).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok && o.reason === "throttled")).toHaveLength(9);
    const good = app.generate({ timestamp: Date.now() + 30_000 });
    expect(await signInWithTotp(db, (await pendingFor(admin.email)).pending, good, ctx)).toMatchObject({ ok: false, reason: "throttled" });
    expect(await sessionCount(admin.adminId)).toBe(0);
  });

  it("opens a session for the right code after a few wrong ones, and the account's count starts again", async () => {
    const admin = await makeAdmin(true);
    const { app } = await enrolTotp(admin, Date.now());
    const ctx = codeCtx(3);
    for (let i = 0; i < 2; i++)
      expect(await signInWithTotp(db, (await pendingFor(admin.email)).pending, "000000", ctx)).toEqual({ ok: false, reason: "invalid" });
    const good = app.generate({ timestamp: Date.now() + 30_000 });
    expect(await signInWithTotp(db, (await pendingFor(admin.email)).pending, good, ctx)).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++)
      expect(await signInWithTotp(db, (await pendingFor(admin.email)).pending, "000000", ctx)).toEqual({ ok: false, reason: "invalid" });
    expect(await sessionCount(admin.adminId)).toBe(1);
  });

  it("ignores a cookie that is not a live pending sign-in", async () => {
    expect(await readPendingSignIn(db, "made-up")).toBeNull();
    expect(await readPendingSignIn(db, undefined)).toBeNull();
    const admin = await makeAdmin(true);
    const T = Date.now();
    const { start } = await pendingFor(admin.email, T);
    expect(await readPendingSignIn(db, start.cookieValue, T + 5 * 60_000 + 1)).toBeNull();
  });
});

describe("factors and the policy", () => {
  it("keeps the last factor while the policy applies, and audits policy changes with from and to", async () => {
    const admin = await makeAdmin(true);
    await enrolTotp(admin, Date.now());
    const [factor] = await listFactors(db, admin.adminId);
    const target = { tenantId: admin.tenantId, adminId: admin.adminId, factorId: factor!.id };
    expect(await removeFactor(db, { ...target, keepOne: true }, admin.actor)).toEqual({ status: "last-factor" });

    expect(await setTenantRequireMfa(db, admin.tenantId, false, { type: "system", name: "test" })).toMatchObject({ changed: true });
    expect(await setTenantRequireMfa(db, admin.tenantId, false, { type: "system", name: "test" })).toMatchObject({ changed: false });
    expect(await removeFactor(db, { ...target, keepOne: false }, admin.actor)).toMatchObject({ status: "removed" });
    const codes = await prepared<{ n: number }>(db, "select count(*) as n from mfa_recovery_codes where admin_id = ?").get(admin.adminId);
    expect(codes!.n).toBe(0);

    const policy = await prepared<{ details: string; actorName: string }>(
      db,
      `select details, actor_name as "actorName" from audit_events where action = 'tenant.mfa_policy_changed' and tenant_id = ?`,
    ).all(admin.tenantId);
    expect(policy.map((e) => ({ ...JSON.parse(e.details), by: e.actorName }))).toEqual([{ from: true, to: false, by: "test" }]);
    expect((await events(admin.adminId)).map((e) => e.action)).toContain("mfa.factor_removed");
  });
});
