import { randomUUID } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { listFactors } from "@/db/queries/mfa-factors";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { getScheduledDeactivation, scheduleDeactivation } from "@/db/queries/scheduled-deactivations";
import { createWebhookEndpoint, getWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { routeRequest, serveRouted, ENDPOINTS } from "@/lib/api/registry";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/mfa/totp-enrolment";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { STEP_UP_PROBLEM_TYPE } from "@/lib/contracts/step-up";
import { adminUserFields } from "@/lib/domain/user-fields";
import { fromWebRequest } from "@/lib/http/web";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createTestDb } from "@/test/db";
import { makeTenant, makeUser } from "@/test/factories";

// The step-up gate as a caller meets it: console requests through the registry and the pipeline,
// on the suite's database (the process handle, getDb(), is pointed at it).

const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;
const ORIGIN = "http://roster.test";

async function call(method: string, path: string, session: { cookieValue: string; csrfToken: string }, body?: unknown) {
  const request = new Request(`${ORIGIN}${path}`, {
    method,
    headers: {
      cookie: `${SESSION_COOKIE}=${session.cookieValue}`,
      "x-csrf-token": session.csrfToken,
      "x-roster-client-ip": `203.0.113.${Math.floor(Math.random() * 200)}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const match = routeRequest(method, new URL(request.url).pathname)!;
  const response = await serveRouted(fromWebRequest(request), match);
  return { status: response.status, headers: response.headers, cookies: response.cookies, json: JSON.parse(String(response.body)) as Record<string, unknown> };
}

async function adminWithSession(ageMs: number, role: "admin" | "auditor" = "admin", tenantOptions: { requireMfa?: boolean } = {}) {
  const tenant = await makeTenant(db, undefined, tenantOptions);
  const { admin } = await createAdmin(db, { tenantId: tenant.id, ...adminUserFields(`a-${randomUUID().slice(0, 8)}@example.test`), role, passwordHash: "x" });
  const session = await openSession(db, { tenantId: tenant.id, adminId: admin.id }, undefined, Date.now() - ageMs, "password");
  const user = await makeUser(db, tenant.id);
  return { tenantId: tenant.id, admin, session, user };
}

const active = async (userId: string) => Boolean((await prepared<{ active: unknown }>(db, "select active from users where id = ?").get(userId))!.active);

describe("a step-up endpoint called without the dialog", () => {
  it("is refused with the step-up-required problem when the sign-in is older than the max age, and nothing changes", async () => {
    const { session, user } = await adminWithSession(301_000);
    const answer = await call("POST", `/api/console/users/${user.id}/deactivate`, session, { confirmEmail: user.email });
    expect(answer.status).toBe(403);
    expect(answer.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(answer.json).toMatchObject({ type: STEP_UP_PROBLEM_TYPE, code: "step_up_required", status: 403 });
    expect(await active(user.id)).toBe(true);
  });

  it("goes through on a recent sign-in", async () => {
    const { session, user } = await adminWithSession(299_000);
    const answer = await call("POST", `/api/console/users/${user.id}/deactivate`, session, { confirmEmail: user.email });
    expect(answer.status).toBe(200);
    expect(await active(user.id)).toBe(false);
  });

  it("tells a role the policies refuse that it is refused, not that it should step up", async () => {
    const { session, user } = await adminWithSession(600_000, "auditor");
    const answer = await call("POST", `/api/console/users/${user.id}/deactivate`, session, { confirmEmail: user.email });
    expect(answer.status).toBe(403);
    expect(answer.json.code).toBe("forbidden");
  });

  it("goes through after a step-up, with the new cookie and CSRF token only", async () => {
    const { tenantId, admin, session, user } = await adminWithSession(600_000);
    const now = Date.now() - 60_000;
    const { secret } = await startTotpEnrolment(db, { tenantId, adminId: admin.id }, now);
    const app = new TOTP({ secret: Secret.fromBase32(secret) });
    await confirmTotpEnrolment(db, { tenantId, adminId: admin.id }, { code: app.generate({ timestamp: now }), label: "" }, { type: "system", name: "t" }, now);

    const status = await call("GET", "/api/console/step-up", session);
    expect(status.json.data).toMatchObject({ methods: ["totp", "recovery_code"], fresh: false, maxAgeSeconds: 300, csrfToken: session.csrfToken });
    expect((await call("POST", "/api/console/step-up/totp", session, { code: "000000" })).json).toMatchObject({ status: 400, errors: { code: "Wrong code" } });
    const stepped = await call("POST", "/api/console/step-up/totp", session, { code: app.generate() });
    expect(stepped.status).toBe(200);
    const cookieValue = /roster_session=([^;]+)/.exec(String(stepped.headers["set-cookie"]))![1]!;
    const csrfToken = (stepped.json.data as { csrfToken: string }).csrfToken;
    expect(cookieValue).not.toBe(session.cookieValue);
    expect(csrfToken).not.toBe(session.csrfToken);

    // The old cookie has ended; the new one with the old CSRF token is refused as a forgery.
    expect((await call("POST", `/api/console/users/${user.id}/deactivate`, session, { confirmEmail: user.email })).status).toBe(401);
    expect(
      (await call("POST", `/api/console/users/${user.id}/deactivate`, { cookieValue, csrfToken: session.csrfToken }, { confirmEmail: user.email })).status,
    ).toBe(403);
    expect((await call("POST", `/api/console/users/${user.id}/deactivate`, { cookieValue, csrfToken }, { confirmEmail: user.email })).status).toBe(200);
    expect(await active(user.id)).toBe(false);
  });
});

describe("the registry", () => {
  it("asks for a step-up on exactly the destructive console endpoints", () => {
    const marked = ENDPOINTS.filter((endpoint) => endpoint.stepUp).map((endpoint) => endpoint.operationId);
    expect(marked.sort()).toEqual(
      [
        "consoleDeactivateUser",
        "consoleReactivateUser",
        "consoleConfirmLeaverPreview",
        "consoleUndoLeaverJob",
        "consoleApproveLeaverJob",
        "consoleSetLeaverApprovalThreshold",
        "consoleApproveLeaverApprovalChange",
        "consoleCreateToken",
        "consoleCreateProvisioningToken",
        "consoleCreateWebhook",
        "consoleRotateWebhookSecret",
        "consoleSaveSignInSettings",
        "consoleMfaSetPolicy",
        // Each a way to step up (or to take one away), to redirect the tenant's events, or to undo switching people off.
        "consoleMfaConfirmTotp",
        "consoleMfaConfirmPasskey",
        "consoleMfaRemoveFactor",
        "consoleMfaRegenerateRecoveryCodes",
        "consoleUnlinkSsoAccount",
        "consoleUpdateWebhook",
        "consoleRedeliverFailedWebhookDeliveries",
        "consoleCancelScheduledDeactivation",
        "consoleCancelLeaverJob",
        // Each stops deprovisioning (./step-up-stops.test.ts).
        "consoleDeleteWebhook",
        "consoleRevokeProvisioningToken",
        "consoleRevokeUserSessions",
        "consoleSaveTimeZone",
        "consoleRejectLeaverJob",
      ].sort(),
    );
  });
});

// Ways to step up (a factor, recovery codes), where the tenant's events go, and undoing switching
// people off: each needs a recent authentication too (docs/decisions/0023, amended 2026-12-07). Without
// it, a stale session could mint itself a factor or recovery codes and then step up with them.
describe("factors, recovery codes, webhook changes and cancellations on a stale session", () => {
  const STALE = 301_000;
  const FRESH = 10_000;
  const stepUpRequired = { status: 403, json: expect.objectContaining({ type: STEP_UP_PROBLEM_TYPE, code: "step_up_required" }) as unknown };
  const another = (tenantId: string, adminId: string, ageMs: number) => openSession(db, { tenantId, adminId }, undefined, Date.now() - ageMs, "password");

  async function enrolTotp(tenantId: string, adminId: string) {
    const now = Date.now() - 60_000;
    const { secret } = await startTotpEnrolment(db, { tenantId, adminId }, now);
    const app = new TOTP({ secret: Secret.fromBase32(secret) });
    const done = await confirmTotpEnrolment(
      db,
      { tenantId, adminId },
      { code: app.generate({ timestamp: now }), label: "" },
      { type: "system", name: "t" },
      now,
    );
    if (!done.ok) throw new Error(done.reason);
    return done.factor;
  }
  const codeHashes = async (adminId: string) =>
    (await prepared<{ codeHash: string }>(db, `select code_hash as "codeHash" from mfa_recovery_codes where admin_id = ? order by code_hash`).all(adminId)).map(
      (row) => row.codeHash,
    );
  /** Starts an enrolment through the console (ungated: it keeps a secret for a few minutes) and answers it with the app's code. */
  async function enrolThroughConsole(session: { cookieValue: string; csrfToken: string }) {
    const started = await call("POST", "/api/console/mfa/totp-enrolment", session);
    expect(started.status).toBe(200);
    const app = new TOTP({ secret: Secret.fromBase32((started.json.data as { secret: string }).secret) });
    return call("POST", "/api/console/mfa/totp-enrolment/confirm", session, { code: app.generate(), label: "Phone" });
  }

  it("refuses to save an authenticator app, and the first enrolment right after signing in goes through with its recovery codes", async () => {
    const { tenantId, admin, session } = await adminWithSession(STALE);
    expect(await enrolThroughConsole(session)).toMatchObject(stepUpRequired);
    expect(await listFactors(db, admin.id)).toEqual([]);
    // This account can still step up: its password signs in alone (no factor, no MFA policy).
    expect((await call("GET", "/api/console/step-up", session)).json.data).toMatchObject({ methods: ["password"], fresh: false });

    const signedIn = await another(tenantId, admin.id, FRESH);
    const confirmed = await enrolThroughConsole(signedIn);
    expect(confirmed.status).toBe(201);
    expect((confirmed.json.data as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    expect(await listFactors(db, admin.id)).toHaveLength(1);
  });

  it("an account with no factor in a tenant that requires one cannot step up at all: it enrols after signing in again", async () => {
    const { tenantId, admin, session } = await adminWithSession(STALE, "admin", { requireMfa: true });
    expect((await call("GET", "/api/console/step-up", session)).json.data).toMatchObject({ methods: [], fresh: false });
    expect(await enrolThroughConsole(session)).toMatchObject(stepUpRequired);
    expect((await enrolThroughConsole(await another(tenantId, admin.id, FRESH))).status).toBe(201);
  });

  it("refuses to save a passkey, before looking at it", async () => {
    const { admin, session } = await adminWithSession(STALE);
    expect(await call("POST", "/api/console/mfa/passkey-registration/confirm", session, { response: {}, label: "Key" })).toMatchObject(stepUpRequired);
    expect(await listFactors(db, admin.id)).toEqual([]);
  });

  it("refuses new recovery codes and the removal of a factor; a recent sign-in gets them", async () => {
    const { tenantId, admin, session } = await adminWithSession(STALE);
    const factor = await enrolTotp(tenantId, admin.id);
    const before = await codeHashes(admin.id);
    expect(before).toHaveLength(10);
    expect(await call("POST", "/api/console/mfa/recovery-codes", session)).toMatchObject(stepUpRequired);
    expect(await call("DELETE", `/api/console/mfa/factors/${factor.id}`, session)).toMatchObject(stepUpRequired);
    expect(await codeHashes(admin.id)).toEqual(before);
    expect(await listFactors(db, admin.id)).toHaveLength(1);

    const fresh = await another(tenantId, admin.id, FRESH);
    const regenerated = await call("POST", "/api/console/mfa/recovery-codes", fresh);
    expect(regenerated.status).toBe(200);
    expect((regenerated.json.data as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    expect(await codeHashes(admin.id)).not.toEqual(before);
    expect((await call("DELETE", `/api/console/mfa/factors/${factor.id}`, fresh)).status).toBe(200);
    expect(await listFactors(db, admin.id)).toEqual([]);
  });

  it("refuses a webhook endpoint's update and redelivering its failed deliveries; a recent sign-in goes through", async () => {
    const { tenantId, admin, session } = await adminWithSession(STALE);
    const actor = { type: "admin", id: admin.id, name: "A" } as const;
    const endpoint = await createWebhookEndpoint(db, { tenantId, url: "https://hooks.example.test/roster", secret: newWebhookSecret(), actor });
    const patch = `/api/console/webhooks/${endpoint.id}`;
    expect(await call("PATCH", patch, session, { url: "https://elsewhere.example.test/", enabled: false })).toMatchObject(stepUpRequired);
    expect(await call("POST", `${patch}/redeliver-failed`, session, { since: null })).toMatchObject(stepUpRequired);
    expect(await getWebhookEndpoint(db, tenantId, endpoint.id)).toMatchObject({ url: "https://hooks.example.test/roster", enabled: true });

    const fresh = await another(tenantId, admin.id, FRESH);
    expect((await call("PATCH", patch, fresh, { enabled: false })).status).toBe(200);
    expect(await getWebhookEndpoint(db, tenantId, endpoint.id)).toMatchObject({ enabled: false });
    expect((await call("POST", `${patch}/redeliver-failed`, fresh, { since: null })).status).toBe(200);
  });

  it("refuses to cancel a scheduled deactivation; a recent sign-in cancels it", async () => {
    const { tenantId, admin, session, user } = await adminWithSession(STALE);
    const actor = { type: "admin", id: admin.id, name: "A", userId: admin.userId } as const;
    const scheduled = await scheduleDeactivation(db, {
      tenantId,
      userId: user.id,
      effectiveAt: Date.now() + 86_400_000,
      actor,
      requestId: null,
      source: "console",
    });
    if (scheduled.status !== "scheduled") throw new Error(scheduled.status);
    const cancel = `/api/console/scheduled-deactivations/${scheduled.schedule.id}/cancel`;
    expect(await call("POST", cancel, session)).toMatchObject(stepUpRequired);
    expect(await getScheduledDeactivation(db, tenantId, scheduled.schedule.id)).toMatchObject({ status: "scheduled" });

    expect((await call("POST", cancel, await another(tenantId, admin.id, FRESH))).status).toBe(200);
    expect(await getScheduledDeactivation(db, tenantId, scheduled.schedule.id)).toMatchObject({ status: "cancelled" });
  });

  it("refuses to cancel a leaver job in the console; a recent sign-in cancels it", async () => {
    const { tenantId, admin, session, user } = await adminWithSession(STALE);
    const actor = { type: "admin", id: admin.id, name: "A", userId: admin.userId } as const;
    const bytes = new TextEncoder().encode(`email\n${user.email}\n`);
    const { preview } = await previewLeaverFile(db, { tenantId, actor, fileName: "leavers.csv", bytes });
    const confirmed = await confirmLeaverPreview(db, { tenantId, previewId: preview.id, actor, requestId: null });
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    const jobStatus = async () => (await prepared<{ status: string }>(db, "select status from leaver_jobs where id = ?").get(confirmed.job.id))!.status;
    const cancel = `/api/console/leaver-jobs/${confirmed.job.id}/cancel`;
    expect(await call("POST", cancel, session)).toMatchObject(stepUpRequired);
    expect(await jobStatus()).toBe(confirmed.job.status);

    expect((await call("POST", cancel, await another(tenantId, admin.id, FRESH))).status).toBe(200);
    expect(await jobStatus()).toBe("cancelled");
    expect(await active(user.id)).toBe(true);
  });
});
