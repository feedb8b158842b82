import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { processLeaverJobBatch } from "@/db/queries/leaver-batch";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import type { LeaverActor } from "@/db/queries/leaver-jobs";
import { getScheduledDeactivation, scheduleDeactivation } from "@/db/queries/scheduled-deactivations";
import { routeRequest, serveRouted } from "@/lib/api/registry";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { fromWebRequest } from "@/lib/http/web";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";

// A leaver cannot stop their own deactivation once another admin decided it (the policies'
// no-self-deactivation): not its schedule, nor a bulk job that switches them off, by token or in the console.

const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;
const DAY = 24 * 60 * 60 * 1000;

type Admin = Awaited<ReturnType<typeof makeAdminWithToken>> & { tenantId: string; session: { cookieValue: string; csrfToken: string } };

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const request = new Request(`http://roster.test${path}`, {
    method,
    headers: { "x-roster-client-ip": "203.0.113.7", ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await serveRouted(fromWebRequest(request), routeRequest(method, new URL(request.url).pathname)!);
  return { status: response.status, contentType: response.headers["content-type"], json: JSON.parse(String(response.body)) as Record<string, unknown> };
}
/** The leaver API, with the admin's token (JITSudo dialect). */
const api = (admin: Admin, method: string, path: string, body?: unknown) =>
  call(method, `/v1${path}`, { "x-api-key": admin.token, "x-tenant-id": admin.tenantId }, body);
/** The console, on a session signed in just now (no step-up asked). */
const consoleCall = (admin: Admin, method: string, path: string, body?: unknown) =>
  call(method, `/api/console${path}`, { cookie: `${SESSION_COOKIE}=${admin.session.cookieValue}`, "x-csrf-token": admin.session.csrfToken }, body);

async function adminsOf(count: number, options: { approvalThreshold?: number } = {}) {
  const tenant = await makeTenant(db, undefined, options);
  return Promise.all(
    Array.from({ length: count }, async () => {
      const admin = await makeAdminWithToken(db, tenant.id);
      const session = await openSession(db, { tenantId: tenant.id, adminId: admin.admin.id }, undefined, Date.now(), "password");
      return { ...admin, tenantId: tenant.id, session };
    }),
  );
}
const actorOf = (admin: Admin): LeaverActor => ({ type: "admin", id: admin.admin.id, name: "Bo", userId: admin.user.id });

/** `uploader` previews and confirms a file of these addresses (an effective_at a month ahead where asked). */
async function jobOf(uploader: Admin, rows: { email: string; later?: boolean }[]) {
  const csv = ["email,effective_at", ...rows.map((row) => `${row.email},${row.later ? new Date(Date.now() + 30 * DAY).toISOString() : ""}`)].join("\n");
  const actor = actorOf(uploader);
  const { preview } = await previewLeaverFile(db, { tenantId: uploader.tenantId, actor, fileName: "f.csv", bytes: new TextEncoder().encode(csv) });
  const confirmed = await confirmLeaverPreview(db, { tenantId: uploader.tenantId, previewId: preview.id, actor, requestId: null });
  if (confirmed.status !== "created") throw new Error(confirmed.status);
  return confirmed.job;
}
const jobStatus = async (id: string) => (await prepared<{ status: string }>(db, "select status from leaver_jobs where id = ?").get(id))!.status;
const selfRefusal = { code: "forbidden", message: expect.stringContaining("nor stop your own deactivation"), notices: ["no-self-deactivation"] };

describe("a leaver stopping their own deactivation", () => {
  it("cannot cancel a schedule of their own user, by token or in the console; another admin can", async () => {
    const [leaver, boss] = await adminsOf(2);
    const scheduled = await scheduleDeactivation(db, {
      tenantId: leaver!.tenantId,
      userId: leaver!.user.id,
      effectiveAt: Date.now() + DAY,
      actor: actorOf(boss!),
      requestId: null,
      source: "console",
    });
    if (scheduled.status !== "scheduled") throw new Error(scheduled.status);
    const path = `/scheduled-deactivations/${scheduled.schedule.id}/cancel`;

    const byToken = await api(leaver!, "POST", path);
    expect(byToken).toMatchObject({ status: 403, json: selfRefusal });
    const inConsole = await consoleCall(leaver!, "POST", path);
    expect(inConsole).toMatchObject({ status: 403, json: { status: 403, code: "forbidden" } });
    expect(inConsole.contentType).toMatch(/^application\/problem\+json/);
    expect(await getScheduledDeactivation(db, leaver!.tenantId, scheduled.schedule.id)).toMatchObject({ status: "scheduled" });

    expect(await api(boss!, "POST", path)).toMatchObject({ status: 200, json: { data: { status: "cancelled" } } });
  });

  it("cannot reject or cancel a job awaiting approval that would deactivate them; a third admin can, and an uploader named in their own file still withdraws it", async () => {
    const [leaver, uploader, approver] = await adminsOf(3, { approvalThreshold: 1 });
    const other = await makeUser(db, leaver!.tenantId);
    const job = await jobOf(uploader!, [{ email: leaver!.user.email }, { email: other.email }]);
    expect(job.status).toBe("awaiting_approval");

    expect(await api(leaver!, "POST", `/leaver-jobs/${job.id}/reject`, { note: "not me" })).toMatchObject({ status: 403, json: selfRefusal });
    expect(await consoleCall(leaver!, "POST", `/leaver-jobs/${job.id}/reject`, { note: "not me" })).toMatchObject({ status: 403, json: { code: "forbidden" } });
    expect(await api(leaver!, "POST", `/leaver-jobs/${job.id}/cancel`)).toMatchObject({ status: 403, json: selfRefusal });
    expect(await consoleCall(leaver!, "POST", `/leaver-jobs/${job.id}/cancel`)).toMatchObject({ status: 403, json: { code: "forbidden" } });
    expect(await jobStatus(job.id)).toBe("awaiting_approval");

    expect((await consoleCall(approver!, "POST", `/leaver-jobs/${job.id}/reject`, { note: "wrong file" })).status).toBe(200);
    expect(await jobStatus(job.id)).toBe("rejected");

    // The uploader's own row is "self": skipped, so the file is not theirs to be stopped from withdrawing.
    const own = await jobOf(uploader!, [{ email: uploader!.user.email }, { email: other.email }]);
    expect((await api(uploader!, "POST", `/leaver-jobs/${own.id}/cancel`)).status).toBe(200);
  });

  it("cannot undo a finished job that scheduled their deactivation; the uploader can", async () => {
    const [leaver, uploader] = await adminsOf(2);
    const job = await jobOf(uploader!, [{ email: leaver!.user.email, later: true }]);
    while (!(await processLeaverJobBatch(db, job.id, 500)).done);
    const live = async () =>
      (await prepared<{ n: number }>(db, "select count(*) as n from scheduled_deactivations where live_user_id = ?").get(leaver!.user.id))!.n;
    expect(await live()).toBe(1);

    expect(await api(leaver!, "POST", `/leaver-jobs/${job.id}/undo`)).toMatchObject({ status: 403, json: selfRefusal });
    expect(await consoleCall(leaver!, "POST", `/leaver-jobs/${job.id}/undo`)).toMatchObject({ status: 403, json: { code: "forbidden" } });
    expect(await live()).toBe(1);

    expect((await api(uploader!, "POST", `/leaver-jobs/${job.id}/undo`)).status).toBe(202);
    expect(await live()).toBe(0);
  });

  it("still cancels a job that does not name them", async () => {
    const [admin, uploader] = await adminsOf(2);
    const job = await jobOf(uploader!, [{ email: (await makeUser(db, admin!.tenantId)).email }]);
    expect((await consoleCall(admin!, "POST", `/leaver-jobs/${job.id}/cancel`)).status).toBe(200);
    expect(await jobStatus(job.id)).toBe("cancelled");
  });
});
