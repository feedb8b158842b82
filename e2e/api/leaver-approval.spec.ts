import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf, isActive } from "../fixtures/rows";

// Four-eyes approval over the leaver API (issue 12, part 2; docs/decisions/0025): a job above the
// tenant's threshold (with its admin's of the last 24 hours) waits, and so does an undo; its creator's
// token cannot decide it; another admin's token approves or rejects it with a note; approve and reject
// at once give one decision.

type Job = {
  id: string;
  kind: string;
  status: string;
  counts?: Record<string, number>;
  approval: null | { decision: string | null; note: string | null; can_decide: boolean; counted_rows: number; recent_rows: number };
};
const auth = (token: string, tenantId: string) => ({ "X-API-Key": token, "X-Tenant-ID": tenantId });

async function setup(label: string) {
  const tenant = await createTestTenant(label, { approvalThreshold: 2 });
  const creator = await tenant.addToken();
  const second = await tenant.addToken();
  return { tenant, creator: auth(creator.token, tenant.tenantId), second: auth(second.token, tenant.tenantId) };
}

async function confirmedJob(request: APIRequestContext, tenant: Awaited<ReturnType<typeof setup>>["tenant"], headers: Record<string, string>, users = 3) {
  const people = await Promise.all(Array.from({ length: users }, () => tenant.addUser()));
  const csv = `email\n${people.map((u) => u.email).join("\n")}\n`;
  const preview = await request.post("/v1/leaver-jobs/previews", { headers: { ...headers, "content-type": "text/csv" }, data: csv });
  expect(preview.status()).toBe(201);
  const previewId = ((await preview.json()) as { data: { id: string } }).data.id;
  const confirmed = await request.post("/v1/leaver-jobs", { headers, data: { previewId } });
  expect(confirmed.status()).toBe(202);
  return { job: ((await confirmed.json()) as { data: Job }).data, people };
}

const decide = (request: APIRequestContext, headers: Record<string, string>, id: string, decision: "approve" | "reject", data: unknown) =>
  request.post(`/v1/leaver-jobs/${id}/${decision}`, { headers, data, failOnStatusCode: false });
const statusOf = async (request: APIRequestContext, headers: Record<string, string>, id: string) =>
  ((await (await request.get(`/v1/leaver-jobs/${id}`, { headers })).json()) as { data: Job }).data.status;

test.describe("leaver job approval (API)", () => {
  test("the creator's token is refused; another admin approves with a note and the job runs", async ({ request }) => {
    const { tenant, creator, second } = await setup("approval-api");
    const { job, people } = await confirmedJob(request, tenant, creator);
    expect(job).toMatchObject({ status: "awaiting_approval", approval: { decision: null, can_decide: false } });
    const seen = (await (await request.get(`/v1/leaver-jobs/${job.id}`, { headers: second })).json()) as { data: Job };
    expect(seen.data.approval?.can_decide).toBe(true);

    const own = await decide(request, creator, job.id, "approve", { note: "me" });
    expect(own.status()).toBe(403);
    expect(((await own.json()) as { code: string }).code).toBe("forbidden");
    expect((await decide(request, second, job.id, "reject", {})).status()).toBe(400);
    expect((await decide(request, second, job.id, "approve", { note: "x".repeat(501) })).status()).toBe(400);

    const approved = await decide(request, second, job.id, "approve", { note: "matches the HR export" });
    expect(approved.status()).toBe(200);
    expect(((await approved.json()) as { data: Job }).data).toMatchObject({
      status: "queued",
      approval: { decision: "approved", note: "matches the HR export" },
    });
    await expect.poll(() => statusOf(request, second, job.id), { timeout: 15_000 }).toBe("completed");
    expect(await Promise.all(people.map((u) => isActive(u.id)))).toEqual([false, false, false]);
    expect((await decide(request, second, job.id, "reject", { note: "late" })).status()).toBe(409);
    const events = await auditEventsOf(tenant.tenantId);
    expect(events.filter((e) => e.targetId === job.id).map((e) => e.action)).toEqual(
      expect.arrayContaining(["job.created", "leaver_job.approval_requested", "leaver_job.approved", "job.completed"]),
    );
  });

  test("a job that never ran says why it cannot be undone or cancelled", async ({ request }) => {
    const { tenant, creator, second } = await setup("approval-conflicts");
    const { job } = await confirmedJob(request, tenant, creator);
    const undo = () => request.post(`/v1/leaver-jobs/${job.id}/undo`, { headers: second, failOnStatusCode: false });
    const cancel = () => request.post(`/v1/leaver-jobs/${job.id}/cancel`, { headers: second, failOnStatusCode: false });
    const waiting = await undo();
    expect(waiting.status()).toBe(409);
    expect(await waiting.text()).toContain("waiting for approval and has deactivated no one; cancel it instead");
    expect((await decide(request, second, job.id, "reject", { note: "not these people" })).status()).toBe(200);
    for (const [answer, text] of [
      [await cancel(), "rejected by an approver and never ran: there is nothing to cancel"],
      [await undo(), "rejected by an approver and deactivated no one: there is nothing to undo"],
    ] as const) {
      expect(answer.status()).toBe(409);
      expect(await answer.text()).toContain(text);
    }
  });

  test("one admin's jobs of the last 24 hours count together, and the waiting job says so", async ({ request }) => {
    const { tenant, creator, second } = await setup("approval-window");
    expect((await confirmedJob(request, tenant, creator, 2)).job.status).toBe("queued");
    const { job } = await confirmedJob(request, tenant, creator, 1);
    expect(job).toMatchObject({ status: "awaiting_approval", approval: { counted_rows: 1, recent_rows: 2 } });
    // Another admin's job is measured on its own.
    expect((await confirmedJob(request, tenant, second, 2)).job.status).toBe("queued");
  });

  test("an undo above the threshold waits for another admin too; approved, it reactivates the users", async ({ request }) => {
    const { tenant, creator, second } = await setup("approval-undo");
    const { job, people } = await confirmedJob(request, tenant, creator);
    expect((await decide(request, second, job.id, "approve", {})).status()).toBe(200);
    await expect.poll(() => statusOf(request, creator, job.id), { timeout: 15_000 }).toBe("completed");
    const undo = await request.post(`/v1/leaver-jobs/${job.id}/undo`, { headers: creator });
    expect(undo.status()).toBe(202);
    const undoJob = ((await undo.json()) as { data: Job }).data;
    expect(undoJob).toMatchObject({ kind: "reactivate", status: "awaiting_approval", approval: { counted_rows: 3, recent_rows: 0, can_decide: false } });
    expect((await decide(request, creator, undoJob.id, "approve", {})).status()).toBe(403);
    expect(await Promise.all(people.map((u) => isActive(u.id)))).toEqual([false, false, false]);
    expect((await decide(request, second, undoJob.id, "approve", { note: "HR withdrew the file" })).status()).toBe(200);
    await expect.poll(() => statusOf(request, second, undoJob.id), { timeout: 15_000 }).toBe("completed");
    expect(await Promise.all(people.map((u) => isActive(u.id)))).toEqual([true, true, true]);
    const events = (await auditEventsOf(tenant.tenantId)).filter((e) => e.targetId === undoJob.id).map((e) => e.action);
    expect(events).toEqual(expect.arrayContaining(["leaver_job.approval_requested", "leaver_job.approved", "job.completed"]));
  });

  test("approve and reject sent at once: one 200, one 409, one decision audited", async ({ request }) => {
    const { tenant, creator, second } = await setup("approval-race");
    const third = auth((await tenant.addToken()).token, tenant.tenantId);
    for (let round = 0; round < 5; round++) {
      const { job } = await confirmedJob(request, tenant, creator);
      const answers = await Promise.all([decide(request, second, job.id, "approve", {}), decide(request, third, job.id, "reject", { note: "no" })]);
      expect(answers.map((a) => a.status()).sort()).toEqual([200, 409]);
      const decisions = (await auditEventsOf(tenant.tenantId)).filter(
        (e) => e.targetId === job.id && (e.action === "leaver_job.approved" || e.action === "leaver_job.rejected"),
      );
      expect(decisions).toHaveLength(1);
    }
  });
});
