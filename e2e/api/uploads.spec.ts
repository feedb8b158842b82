import http from "node:http";
import { expect, test } from "@playwright/test";
import { signInContext, createConsoleAdmin } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";

// Uploads are counted as they stream and cut at the 20 MB limit. The client below sends a little
// more than the limit and then waits without ending its body: a server that read the whole body
// before answering would never answer. (A 60 MB upload used to be buffered whole, taking the
// server from 294 to 620 MB.) After the answer the server reads and drops what still comes for a
// moment, so the client gets the answer instead of a reset connection, and then closes.

const LIMIT = 20 * 1024 * 1024;
const SENT = LIMIT + 2 * 1024 * 1024;
const BOUNDARY = "roster-upload-boundary";

type Answer = { status: number; body: string; closedAfterAnswerMs: number };

/** Sends `total` bytes of a chunked body that never ends; after the answer keeps sending a block every 100 ms (at most 100) until the server closes. */
function sendUnfinished(url: string, headers: Record<string, string>, head: string, total: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } });
    const line = Buffer.from(`${"a".repeat(63)}\n`);
    const block = Buffer.concat(Array.from({ length: 1024 }, () => line));
    let sent = 0;
    let answer: { status: number; body: string; at: number } | undefined;
    let trickle: NodeJS.Timeout | undefined;
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => {
        answer = { status: response.statusCode ?? 0, body, at: Date.now() };
        let left = 100;
        trickle = setInterval(() => (--left > 0 ? request.write(block) : request.destroy()), 100);
      });
    });
    request.on("close", () => {
      clearInterval(trickle);
      if (answer) resolve({ status: answer.status, body: answer.body, closedAfterAnswerMs: Date.now() - answer.at });
      else reject(new Error(`closed without an answer after ${sent} bytes`));
    });
    request.on("error", () => undefined);
    const pump = () => {
      while (sent < total) {
        const ok = request.write(sent === 0 ? Buffer.concat([Buffer.from(head), block]) : block);
        sent += block.length;
        if (!ok) return void request.once("drain", pump);
      }
    };
    pump();
  });
}

const multipartHead = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="leavers.csv"\r\ncontent-type: text/csv\r\n\r\nemail\n`;

test("the API refuses a chunked multipart upload as soon as it passes 20 MB, before its body ends", async ({ baseURL }) => {
  const tenant = await createTestTenant("uploads");
  const { token } = await tenant.addToken();
  const answer = await sendUnfinished(
    `${baseURL}/v1/leaver-jobs/previews`,
    { "X-API-Key": token, "X-Tenant-ID": tenant.tenantId, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    multipartHead,
    SENT,
  );
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({ code: "invalid_input", message: "The file is larger than the limit of 20 MB" });
  expect(answer.closedAfterAnswerMs).toBeLessThan(5_000);
});

test("the API refuses a chunked CSV body as soon as it passes 20 MB, before its body ends", async ({ baseURL }) => {
  const tenant = await createTestTenant("uploads");
  const { token } = await tenant.addToken();
  const answer = await sendUnfinished(
    `${baseURL}/v1/leaver-jobs/previews`,
    { "X-API-Key": token, "X-Tenant-ID": tenant.tenantId, "content-type": "text/csv" },
    "email\n",
    SENT,
  );
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({ code: "invalid_input", message: "The file is larger than the limit of 20 MB" });
  expect(answer.closedAfterAnswerMs).toBeLessThan(5_000);
});

test("the console refuses a chunked multipart upload as soon as it passes 20 MB, before its body ends", async ({ baseURL, context }) => {
  const tenant = await createTestTenant("uploads");
  const admin = await createConsoleAdmin(tenant, "admin");
  const session = await signInContext(context, baseURL!, admin);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const answer = await sendUnfinished(
    `${baseURL}/api/console/leaver-jobs/previews`,
    { cookie, "x-csrf-token": session.csrfToken, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    multipartHead,
    SENT,
  );
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({
    code: "invalid_input",
    detail: "The file is larger than the limit of 20 MB",
    errors: { file: "The file is larger than the limit of 20 MB" },
  });
  expect(answer.closedAfterAnswerMs).toBeLessThan(5_000);
});
