import { randomUUID } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { routeRequest, serveRouted, ENDPOINTS } from "@/lib/api/registry";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/mfa/totp-enrolment";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { STEP_UP_PROBLEM_TYPE } from "@/lib/contracts/step-up";
import { adminUserFields } from "@/lib/domain/user-fields";
import { fromWebRequest } from "@/lib/http/web";
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

async function adminWithSession(ageMs: number, role: "admin" | "auditor" = "admin") {
  const tenant = await makeTenant(db);
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
        "consoleCreateToken",
        "consoleCreateProvisioningToken",
        "consoleCreateWebhook",
        "consoleRotateWebhookSecret",
        "consoleSaveSignInSettings",
        "consoleMfaSetPolicy",
      ].sort(),
    );
  });
});
