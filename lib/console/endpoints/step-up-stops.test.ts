import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { createWebhookEndpoint, getWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { routeRequest, serveRouted } from "@/lib/api/registry";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { issueProvisioningToken } from "@/lib/console/provisioning";
import { STEP_UP_PROBLEM_TYPE } from "@/lib/contracts/step-up";
import { adminUserFields } from "@/lib/domain/user-fields";
import { fromWebRequest } from "@/lib/http/web";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createTestDb } from "@/test/db";
import { makeTenant, makeUser } from "@/test/factories";

// Actions that stop deprovisioning need a recent authentication too (docs/decisions/0023, amended
// 2026-12-08): deleting a webhook endpoint, revoking a provisioning token, ending another admin's
// sessions, changing the tenant's time zone, rejecting a bulk job. Each is refused on a stale
// session and changes nothing; a recent sign-in goes through.

const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;
const STALE = 301_000;
const FRESH = 10_000;

type Session = { cookieValue: string; csrfToken: string };

async function call(method: string, path: string, session: Session, body?: unknown) {
  const request = new Request(`http://roster.test${path}`, {
    method,
    headers: {
      cookie: `${SESSION_COOKIE}=${session.cookieValue}`,
      "x-csrf-token": session.csrfToken,
      "x-roster-client-ip": "203.0.113.8",
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await serveRouted(fromWebRequest(request), routeRequest(method, new URL(request.url).pathname)!);
  return { status: response.status, json: JSON.parse(String(response.body)) as Record<string, unknown> };
}

const stepUpRequired = { status: 403, json: expect.objectContaining({ type: STEP_UP_PROBLEM_TYPE, code: "step_up_required" }) as unknown };

async function newAdmin(tenantId: string) {
  const { admin, user } = await createAdmin(db, {
    tenantId,
    ...adminUserFields(`a-${randomUUID().slice(0, 8)}@example.test`),
    role: "admin",
    passwordHash: "x",
  });
  const signedIn = (ageMs: number) => openSession(db, { tenantId, adminId: admin.id }, undefined, Date.now() - ageMs, "password");
  return { admin, user, signedIn };
}

async function setUp(options: { approvalThreshold?: number } = {}) {
  const tenant = await makeTenant(db, undefined, options);
  const me = await newAdmin(tenant.id);
  return { tenantId: tenant.id, me, stale: await me.signedIn(STALE), fresh: () => me.signedIn(FRESH) };
}

/** Refused on the stale session with nothing changed, then done on a recent one. */
async function gated(request: (session: Session) => ReturnType<typeof call>, unchanged: () => Promise<void>, stale: Session, fresh: () => Promise<Session>) {
  expect(await request(stale)).toMatchObject(stepUpRequired);
  await unchanged();
  expect((await request(await fresh())).status).toBe(200);
}

describe("actions that stop deprovisioning, on a stale session", () => {
  it("deleting a webhook endpoint", async () => {
    const { tenantId, me, stale, fresh } = await setUp();
    const actor = { type: "admin", id: me.admin.id, name: "A" } as const;
    const endpoint = await createWebhookEndpoint(db, { tenantId, url: "https://hooks.example.test/roster", secret: newWebhookSecret(), actor });
    const remove = (session: Session) => call("DELETE", `/api/console/webhooks/${endpoint.id}`, session);
    await gated(remove, async () => expect(await getWebhookEndpoint(db, tenantId, endpoint.id)).toBeDefined(), stale, fresh);
    expect(await getWebhookEndpoint(db, tenantId, endpoint.id)).toBeUndefined();
  });

  it("revoking a provisioning token", async () => {
    const { tenantId, me, stale, fresh } = await setUp();
    const issued = await issueProvisioningToken(db, { tenantId, providerName: "Okta", name: "SCIM", actor: { type: "admin", id: me.admin.id, name: "A" } });
    if (!issued.ok) throw new Error("not issued");
    const revokedAt = async () =>
      (await prepared<{ revokedAt: number | null }>(db, `select revoked_at as "revokedAt" from scim_tokens where id = ?`).get(issued.token.id))!.revokedAt;
    const revoke = (session: Session) => call("DELETE", `/api/console/provisioning/tokens/${issued.token.id}`, session);
    await gated(revoke, async () => expect(await revokedAt()).toBeNull(), stale, fresh);
    expect(await revokedAt()).not.toBeNull();
  });

  it("ending another admin's sessions", async () => {
    const { tenantId, stale, fresh } = await setUp();
    const colleague = await newAdmin(tenantId);
    const theirs = await colleague.signedIn(0);
    const liveSessions = async () =>
      (await prepared<{ n: number }>(db, "select count(*) as n from sessions where admin_id = ? and revoked_at is null").get(colleague.admin.id))!.n;
    const end = (session: Session) => call("DELETE", `/api/console/users/${colleague.user.id}/sessions`, session);
    await gated(end, async () => expect(await liveSessions()).toBe(1), stale, fresh);
    expect(await liveSessions()).toBe(0);
    expect((await call("GET", "/api/console/sessions", theirs)).status).toBe(401);
  });

  it("changing the tenant's time zone", async () => {
    const { tenantId, stale, fresh } = await setUp();
    const zone = async () => (await prepared<{ zone: string }>(db, `select time_zone as "zone" from tenants where id = ?`).get(tenantId))!.zone;
    const save = (session: Session) => call("PUT", "/api/console/time-zone", session, { timeZone: "Pacific/Kiritimati" });
    await gated(save, async () => expect(await zone()).toBe("UTC"), stale, fresh);
    expect(await zone()).toBe("Pacific/Kiritimati");
  });

  it("rejecting a bulk job awaiting approval", async () => {
    const { tenantId, stale, fresh } = await setUp({ approvalThreshold: 0 });
    const uploader = await newAdmin(tenantId);
    const actor = { type: "admin", id: uploader.admin.id, name: "U", userId: uploader.user.id } as const;
    const bytes = new TextEncoder().encode(`email\n${(await makeUser(db, tenantId)).email}\n`);
    const { preview } = await previewLeaverFile(db, { tenantId, actor, fileName: "leavers.csv", bytes });
    const confirmed = await confirmLeaverPreview(db, { tenantId, previewId: preview.id, actor, requestId: null });
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    const status = async () => (await prepared<{ status: string }>(db, "select status from leaver_jobs where id = ?").get(confirmed.job.id))!.status;
    const reject = (session: Session) => call("POST", `/api/console/leaver-jobs/${confirmed.job.id}/reject`, session, { note: "wrong file" });
    await gated(reject, async () => expect(await status()).toBe("awaiting_approval"), stale, fresh);
    expect(await status()).toBe("rejected");
  });
});
