import http from "node:http";
import { expect, test } from "@playwright/test";
import { signInContext, createConsoleAdmin } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";

// Uploads are counted as they stream and cut at the 20 MB limit: a chunked multipart upload of
// 60 MB is answered while the client is still sending, long before all of it arrives (it used to
// be buffered whole, taking the server from 294 to 620 MB).

const LIMIT = 20 * 1024 * 1024;
const TOTAL = 60 * 1024 * 1024;
const BOUNDARY = "roster-upload-boundary";

/** Sends a chunked body of `total` bytes as slowly as the server reads it; resolves with the answer and how much had been sent by then. */
function sendChunked(
  url: string,
  headers: Record<string, string>,
  head: string,
  total: number,
): Promise<{ status: number; body: string; sentAtAnswer: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } });
    let sent = 0;
    let answered = false;
    const line = Buffer.from(`${"a".repeat(63)}\n`);
    const block = Buffer.concat(Array.from({ length: 1024 }, () => line));
    request.on("response", (response) => {
      answered = true;
      const sentAtAnswer = sent;
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, body, sentAtAnswer });
        request.destroy();
      });
    });
    request.on("error", (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (!answered && sent < total) {
        const ok = request.write(sent === 0 ? Buffer.concat([Buffer.from(head), block]) : block);
        sent += block.length;
        if (!ok) return void request.once("drain", pump);
      }
      if (!answered) request.end(`\r\n--${BOUNDARY}--\r\n`);
    };
    pump();
  });
}

const multipartHead = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="leavers.csv"\r\ncontent-type: text/csv\r\n\r\nemail\n`;

test("the API refuses a chunked 60 MB multipart upload as soon as it passes 20 MB", async ({ baseURL }) => {
  const tenant = await createTestTenant("uploads");
  const { token } = await tenant.addToken();
  const answer = await sendChunked(
    `${baseURL}/v1/leaver-jobs/previews`,
    { "X-API-Key": token, "X-Tenant-ID": tenant.tenantId, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    multipartHead,
    TOTAL,
  );
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({ code: "invalid_input", message: "The file is larger than the limit of 20 MB" });
  expect(answer.sentAtAnswer).toBeLessThan(TOTAL / 2);
  expect(answer.sentAtAnswer).toBeGreaterThan(LIMIT);
});

test("the API refuses a chunked 60 MB CSV body as soon as it passes 20 MB", async ({ baseURL }) => {
  const tenant = await createTestTenant("uploads");
  const { token } = await tenant.addToken();
  const answer = await sendChunked(
    `${baseURL}/v1/leaver-jobs/previews`,
    { "X-API-Key": token, "X-Tenant-ID": tenant.tenantId, "content-type": "text/csv" },
    "email\n",
    TOTAL,
  );
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({ code: "invalid_input", message: "The file is larger than the limit of 20 MB" });
  expect(answer.sentAtAnswer).toBeLessThan(TOTAL / 2);
});

test("the console refuses a chunked 60 MB multipart upload as soon as it passes 20 MB", async ({ baseURL, context }) => {
  const tenant = await createTestTenant("uploads");
  const admin = await createConsoleAdmin(tenant, "admin");
  const session = await signInContext(context, baseURL!, admin);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const answer = await sendChunked(
    `${baseURL}/api/console/leaver-jobs/previews`,
    { cookie, "x-csrf-token": session.csrfToken, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    multipartHead,
    TOTAL,
  );
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({
    code: "invalid_input",
    detail: "The file is larger than the limit of 20 MB",
    errors: { file: "The file is larger than the limit of 20 MB" },
  });
  expect(answer.sentAtAnswer).toBeLessThan(TOTAL / 2);
});
