import { expect, test } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf, isActive } from "../fixtures/rows";

// The leaver API's effective_at column and its scheduled deactivations (issue 12, part 1), JITSudo dialect.

const auth = (token: string, tenantId: string) => ({ "X-API-Key": token, "X-Tenant-ID": tenantId });
type Schedule = { id: string; email: string; effective_at: string; source: string; job_id: string | null; row: number | null };

test("a leaver file's future effective_at becomes a schedule the API lists, pages and cancels", async ({ request }) => {
  const tenant = await createTestTenant("scheduled-api");
  const { token } = await tenant.addToken();
  const headers = auth(token, tenant.tenantId);
  const [a, b, c] = await Promise.all([tenant.addUser(), tenant.addUser(), tenant.addUser()]);
  const csv = `email,effective_at\n${a.email},2031-01-02\n${b.email},2031-01-01T08:00+02:00\n${c.email},yesterday\n`;
  const uploaded = await request.post("/v1/leaver-jobs/previews", { headers: { ...headers, "content-type": "text/csv" }, data: csv });
  expect(uploaded.status()).toBe(201);
  const preview = ((await uploaded.json()) as { data: { id: string; counts: Record<string, number>; rows: { email: string; effective_at: string | null }[] } })
    .data;
  expect(preview.counts).toMatchObject({ scheduled: 2, invalid_effective_at: 1, will_deactivate: 0 });
  expect(preview.rows.find((row) => row.email === a.email)?.effective_at).toBe("2031-01-02T23:59:59.999Z");
  const confirmed = await request.post("/v1/leaver-jobs", { headers, data: { previewId: preview.id } });
  expect(confirmed.status()).toBe(202);
  const jobId = ((await confirmed.json()) as { data: { id: string } }).data.id;

  let schedules: Schedule[] = [];
  await expect
    .poll(async () => {
      const response = await request.get("/v1/scheduled-deactivations", { headers });
      schedules = ((await response.json()) as { data: Schedule[] }).data;
      return schedules.length;
    })
    .toBe(2);
  // Soonest first; each links back to its job and row.
  expect(schedules.map((s) => [s.email, s.effective_at, s.source, s.job_id, s.row])).toEqual([
    [b.email, "2031-01-01T06:00:00.000Z", "job", jobId, 2],
    [a.email, "2031-01-02T23:59:59.999Z", "job", jobId, 1],
  ]);

  const cancelled = await request.post(`/v1/scheduled-deactivations/${schedules[0]!.id}/cancel`, { headers });
  expect(cancelled.status()).toBe(200);
  expect(((await cancelled.json()) as { data: { status: string } }).data.status).toBe("cancelled");
  expect((await request.post(`/v1/scheduled-deactivations/${schedules[0]!.id}/cancel`, { headers })).status()).toBe(409);
  expect((await request.post(`/v1/scheduled-deactivations/00000000-0000-4000-8000-000000000000/cancel`, { headers })).status()).toBe(404);
  expect((await request.get("/v1/scheduled-deactivations?after=nonsense", { headers })).status()).toBe(400);
  expect((await auditEventsOf(tenant.tenantId, "user.deactivation_cancelled")).map((e) => e.targetId)).toEqual([b.id]);
  expect([await isActive(a.id), await isActive(b.id), await isActive(c.id)]).toEqual([true, true, true]);

  // The OpenAPI document describes the column and the endpoints.
  const document = JSON.stringify(await (await request.get("/api/openapi.json")).json());
  expect(document).toContain("/v1/scheduled-deactivations/{id}/cancel");
  expect(document).toContain("`effective_at` is when the row's deactivation takes effect");
});
