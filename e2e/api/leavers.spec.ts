import { expect, test, type APIRequestContext } from "@playwright/test";
import { CSRF_HEADER, openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { createTestTenant, e2eDb, type TestTenant } from "../fixtures/db";
import { auditEventsOf, countOf, isActive } from "../fixtures/rows";

// Bulk leavers over HTTP (issue 5, JITSudo dialect): upload → preview → confirm → progress →
// results (JSON and CSV) → undo, the refusals, and the console twin of the endpoints.

const auth = (token: string, tenantId: string) => ({ "X-API-Key": token, "X-Tenant-ID": tenantId });

type Job = {
  id: string;
  status: string;
  kind: string;
  total_rows: number;
  processed_rows: number;
  progress: { processed: number; total: number };
  counts: Record<string, number>;
};

async function upload(request: APIRequestContext, headers: Record<string, string>, csv: string | Buffer, filename = "leavers.csv") {
  return request.post(`/v1/leaver-jobs/previews?filename=${filename}`, {
    headers: { ...headers, "content-type": "text/csv" },
    data: csv,
    failOnStatusCode: false,
  });
}

async function waitForJob(request: APIRequestContext, headers: Record<string, string>, id: string): Promise<Job> {
  let job: Job | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get(`/v1/leaver-jobs/${id}`, { headers });
        expect(response.status()).toBe(200);
        job = ((await response.json()) as { data: Job }).data;
        return job.status;
      },
      { timeout: 15_000, intervals: [100, 200, 250] },
    )
    .toBe("completed");
  return job!;
}

async function setup(label: string) {
  const tenant = await createTestTenant(label);
  const admin = await tenant.addToken();
  return { tenant, admin, headers: auth(admin.token, tenant.tenantId) };
}

test.describe("bulk leavers API", () => {
  test("upload, preview, confirm, progress, results, undo", async ({ request }) => {
    const { tenant, admin, headers } = await setup("leavers-flow");
    const leavers = await Promise.all(Array.from({ length: 5 }, () => tenant.addUser()));
    const inactive = await tenant.addUser({ active: false });
    const csv = [
      "\uFEFFEmail;Reason;Ticket",
      ...leavers.map((u, i) => `${i === 0 ? u.email.toUpperCase() : u.email};Contract ended;HR-${i}`),
      `${inactive.email};;`,
      "nobody@nowhere.example;;",
      "not an email;;",
      `${leavers[1]!.email};again;`,
      `${admin.adminEmail};me;`,
      `"${leavers[4]!.email}";"=HYPERLINK(""http://evil"")";`,
    ].join("\r\n");
    const uploaded = await upload(request, headers, csv);
    expect(uploaded.status(), await uploaded.text()).toBe(201);
    const preview = (await uploaded.json()) as {
      data: {
        id: string;
        status: string;
        counts: Record<string, number>;
        total_rows: number;
        same_file_recently_run: boolean;
        rows: { row: number; class: string }[];
      };
    };
    expect(preview.data).toMatchObject({ status: "pending", total_rows: 11, same_file_recently_run: false });
    expect(preview.data.counts).toEqual({
      will_deactivate: 5,
      already_inactive: 1,
      not_found: 1,
      invalid_email: 1,
      duplicate: 2,
      self: 1,
      scheduled: 0,
      invalid_effective_at: 0,
    });
    // Problem rows first, by row number within a class.
    const reviewOrder = [
      [8, "invalid_email"],
      [7, "not_found"],
      [10, "self"],
      [9, "duplicate"],
      [11, "duplicate"],
      [6, "already_inactive"],
      ...[1, 2, 3, 4, 5].map((n) => [n, "will_deactivate"]),
    ];
    expect(preview.data.rows.map((r) => [r.row, r.class])).toEqual(reviewOrder);
    const secondPage = await request.get(`/v1/leaver-jobs/previews/${preview.data.id}?page=2&page_size=4`, { headers });
    expect(((await secondPage.json()) as typeof preview).data.rows.map((r) => [r.row, r.class])).toEqual(reviewOrder.slice(4, 8));
    // Nothing has changed yet.
    expect((await Promise.all(leavers.map((u) => isActive(u.id)))).every((active) => active)).toBe(true);

    const page = await request.get(`/v1/leaver-jobs/previews/${preview.data.id}?class=duplicate&page=1&page_size=1`, { headers });
    expect(page.status()).toBe(200);
    expect(await page.json()).toMatchObject({ data: { rows: [{ row: 9, class: "duplicate" }] }, meta: { page: 1, page_size: 1, total: 2, total_pages: 2 } });

    const previewCsv = await request.get(`/v1/leaver-jobs/previews/${preview.data.id}/rows.csv`, { headers });
    expect(previewCsv.status()).toBe(200);
    expect(previewCsv.headers()["content-type"]).toMatch(/^text\/csv/);
    const previewText = await previewCsv.text();
    expect(previewText.split("\r\n")[0]).toBe("row,email,reason,ticket,class,user_id,duplicate_of,effective_at,effective_at_problem");
    expect(previewText).toContain(`"'=HYPERLINK(""http://evil"")"`);

    const confirmed = await request.post("/v1/leaver-jobs", { headers, data: { previewId: preview.data.id } });
    expect(confirmed.status(), await confirmed.text()).toBe(202);
    const job = ((await confirmed.json()) as { data: Job }).data;
    expect(job).toMatchObject({ kind: "deactivate", status: "queued", total_rows: 11 });
    const again = await request.post("/v1/leaver-jobs", { headers, data: { previewId: preview.data.id }, failOnStatusCode: false });
    expect(again.status()).toBe(409);

    const done = await waitForJob(request, headers, job.id);
    expect(done.progress).toMatchObject({ processed: 11, total: 11 });
    expect(done.counts).toEqual({ deactivated: 5, already_inactive: 1, not_found: 1, invalid: 1, skipped: 3 });
    expect((await Promise.all(leavers.map((u) => isActive(u.id)))).every((active) => !active)).toBe(true);
    const deactivations = await auditEventsOf(tenant.tenantId, "user.deactivate");
    expect(deactivations.filter((event) => event.details?.jobId === job.id)).toHaveLength(5);
    expect(await countOf("select count(*) as n from audit_events where target_id = ? and action in ('job.created', 'job.completed')", job.id)).toBe(2);

    const results = await request.get(`/v1/leaver-jobs/${job.id}/results?outcome=skipped`, { headers });
    expect(results.status()).toBe(200);
    const skipped = (await results.json()) as { data: { row: number; outcome: string; outcome_reason: string }[]; meta: { total: number } };
    expect(skipped.meta.total).toBe(3);
    expect(skipped.data.map((r) => r.row)).toEqual([9, 10, 11]);
    expect(skipped.data[1]!.outcome_reason).toMatch(/yourself/);

    const resultsCsv = await request.get(`/v1/leaver-jobs/${job.id}/results.csv`, { headers });
    expect(resultsCsv.status()).toBe(200);
    expect(resultsCsv.headers()["content-disposition"]).toContain(`leaver-job-${job.id}-results.csv`);
    const lines = (await resultsCsv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(12);
    expect(lines[1]).toContain(",deactivated,");

    // The same file again, within 24 hours: the preview warns.
    const second = await upload(request, headers, csv);
    expect(((await second.json()) as { data: { same_file_recently_run: boolean; same_file_run: { job_id: string } } }).data).toMatchObject({
      same_file_recently_run: true,
      same_file_run: { job_id: job.id },
    });

    const undo = await request.post(`/v1/leaver-jobs/${job.id}/undo`, { headers });
    expect(undo.status(), await undo.text()).toBe(202);
    const undoJob = ((await undo.json()) as { data: Job }).data;
    expect(undoJob).toMatchObject({ kind: "reactivate", total_rows: 5 });
    const undone = await waitForJob(request, headers, undoJob.id);
    expect(undone.counts).toEqual({ reactivated: 5 });
    expect((await Promise.all(leavers.map((u) => isActive(u.id)))).every((active) => active)).toBe(true);
    expect(await isActive(inactive.id)).toBe(false);
    expect((await request.post(`/v1/leaver-jobs/${job.id}/undo`, { headers, failOnStatusCode: false })).status()).toBe(409);
    expect((await request.post(`/v1/leaver-jobs/${job.id}/cancel`, { headers, failOnStatusCode: false })).status()).toBe(409);
    expect(await countOf("select count(*) as n from audit_events where target_id = ? and action = 'job.undone'", job.id)).toBe(1);
  });

  test("a multipart form upload (what a browser sends) is accepted", async ({ request }) => {
    const { tenant, headers } = await setup("leavers-multipart");
    const user = await tenant.addUser();
    const response = await request.post("/v1/leaver-jobs/previews", {
      headers,
      multipart: { file: { name: "from-browser.csv", mimeType: "text/csv", buffer: Buffer.from(`email,ticket\n"${user.email}","T,1"\n`) } },
    });
    expect(response.status(), await response.text()).toBe(201);
    expect(await response.json()).toMatchObject({ data: { file_name: "from-browser.csv", counts: { will_deactivate: 1 }, rows: [{ ticket: "T,1" }] } });
  });

  test("a multipart file name is held to the filename rule", async ({ request }) => {
    const { headers } = await setup("leavers-multipart-name");
    const response = await request.post("/v1/leaver-jobs/previews", {
      headers,
      failOnStatusCode: false,
      multipart: { file: { name: `${"n".repeat(256)}.csv`, mimeType: "text/csv", buffer: Buffer.from("email\na@b.example\n") } },
    });
    expect(response.status()).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/The file's name: filename is at most 255 characters/);
  });

  const refused: [string, string | Buffer, RegExp][] = [
    ["no email column", "name,reason\nAnn,left\n", /no email column/],
    ["a binary file", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), /binary/],
    ["an empty body", "", /empty/],
    ["20 MB + 1 byte", Buffer.concat([Buffer.from("email\na@b.example\n"), Buffer.alloc(20 * 1024 * 1024 + 1 - 18, 0x20)]), /larger than the limit of 20 MB/],
    ["100,001 rows", `email\n${Array.from({ length: 100_001 }, (_, i) => `u${i}@x.example`).join("\n")}\n`, /more than 100,000 rows/],
    // Under 20 MB, but an array of 20 million cells in the parser ran the server out of heap (docs/decisions/0032).
    ["20 million commas in one record", `email${",".repeat(20_000_000)}\n`, /Record 1 has more than 100 columns/],
    ["a reason of 1,001 characters", `email,reason\na@b.example,${"r".repeat(1_001)}\n`, /Row 1: reason is longer than 1,000 characters/],
  ];
  for (const [name, body, message] of refused) {
    test(`refuses ${name} with a 400 and stores nothing`, async ({ request }) => {
      const { tenant, headers } = await setup("leavers-refused");
      const response = await upload(request, headers, body);
      expect(response.status()).toBe(400);
      const error = (await response.json()) as { code: string; message: string; details: { file: string } };
      expect(error.code).toBe("invalid_input");
      expect(error.message).toMatch(message);
      expect(await countOf("select count(*) as n from leaver_previews where tenant_id = ?", tenant.tenantId)).toBe(0);
    });
  }

  test("refuses a JSON body, other tenants' previews and jobs, unknown classes", async ({ request }) => {
    const { headers } = await setup("leavers-bad");
    const json = await request.post("/v1/leaver-jobs/previews", { headers, data: { email: "a@b.example" }, failOnStatusCode: false });
    expect(json.status()).toBe(400);
    const other = await setup("leavers-other");
    const theirs = await upload(request, other.headers, "email\nx@y.example\n");
    const theirId = ((await theirs.json()) as { data: { id: string } }).data.id;
    expect((await request.get(`/v1/leaver-jobs/previews/${theirId}`, { headers, failOnStatusCode: false })).status()).toBe(404);
    expect((await request.post("/v1/leaver-jobs", { headers, data: { previewId: theirId }, failOnStatusCode: false })).status()).toBe(404);
    expect((await request.get(`/v1/leaver-jobs/previews/${theirId}?class=nope`, { headers: other.headers, failOnStatusCode: false })).status()).toBe(400);
    expect((await request.post("/v1/leaver-jobs", { headers, data: {}, failOnStatusCode: false })).status()).toBe(400);
    expect((await request.get("/v1/leaver-jobs/not-a-uuid", { headers, failOnStatusCode: false })).status()).toBe(400);
  });

  test("requires a token, the deactivation scope and the admin role", async ({ request }) => {
    const { tenant } = await setup("leavers-authz");
    const cases: [Parameters<TestTenant["addToken"]>[0], number][] = [
      [{ role: "helpdesk", scopes: ["users:read"] }, 403],
      [{ role: "admin", scopes: ["users:read"] }, 403],
    ];
    for (const [options, status] of cases) {
      const token = await tenant.addToken(options);
      const response = await upload(request, auth(token.token, tenant.tenantId), "email\na@b.example\n");
      expect(response.status()).toBe(status);
      expect(((await response.json()) as { notices: string[] }).notices.length).toBeGreaterThan(0);
    }
    expect((await request.post("/v1/leaver-jobs/previews", { data: "email\na@b.example\n", failOnStatusCode: false })).status()).toBe(401);
    expect(await countOf("select count(*) as n from leaver_previews where tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  test("the console twin works with a session cookie and CSRF token", async ({ request }) => {
    const { tenant, admin } = await setup("leavers-console");
    const user = await tenant.addUser();
    const session = await openSession(e2eDb(), { tenantId: tenant.tenantId, adminId: admin.adminId });
    const cookie = `${SESSION_COOKIE}=${session.cookieValue}`;
    const noCsrf = await request.post("/api/console/leaver-jobs/previews", {
      headers: { cookie, "content-type": "text/csv" },
      data: `email\n${user.email}\n`,
      failOnStatusCode: false,
    });
    expect(noCsrf.status()).toBe(403);
    const response = await request.post("/api/console/leaver-jobs/previews", {
      headers: { cookie, [CSRF_HEADER]: session.csrfToken, "content-type": "text/csv" },
      data: `email\n${user.email}\n`,
    });
    expect(response.status()).toBe(201);
    const id = ((await response.json()) as { data: { id: string } }).data.id;
    expect((await request.get(`/api/console/leaver-jobs/previews/${id}`, { headers: { cookie } })).status()).toBe(200);
  });
});
