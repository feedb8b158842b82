import { describe, expect, it } from "vitest";
import { attributeBody, BODY_BUDGET_PER_OWNER_BYTES, bodyBytesHeld, reserveBodyBytes } from "@/lib/http/body-budget";
import type { ApiRequest } from "@/lib/http/types";
import { readUpload } from "./upload";

const BOUNDARY = "roster-test-boundary";
const form = (csv: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="leavers.csv"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n--${BOUNDARY}--\r\n`,
  );

function upload(body: Buffer): ApiRequest {
  const headers: Record<string, string> = { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": String(body.length) };
  return {
    method: "POST",
    url: new URL("http://127.0.0.1/v1/leaver-jobs/previews"),
    headers: { get: (name) => headers[name] ?? null },
    clientIp: "127.0.0.1",
    async *body() {
      for (let at = 0; at < body.length; at += 100) yield body.subarray(at, at + 100);
    },
  };
}

describe("readUpload", () => {
  it("refuses a multipart upload its owner's share of the budget has no room for (429, Retry-After); every read gives back what it held", async () => {
    const request = upload(form(`email\n${"a@b.test\n".repeat(200)}`));
    attributeBody(request, "token:upload-test");
    const other = reserveBodyBytes("token:upload-test");
    expect(other.take(BODY_BUDGET_PER_OWNER_BYTES - 1000)).toBe(true);
    try {
      await expect(readUpload(request, 10_000)).rejects.toMatchObject({ kind: "rate_limited", status: 429, options: { headers: { "retry-after": "10" } } });
      expect(bodyBytesHeld()).toBe(BODY_BUDGET_PER_OWNER_BYTES - 1000);
    } finally {
      other.release();
    }
    expect(bodyBytesHeld()).toBe(0);

    const csv = `email\n${"a@b.test\n".repeat(50)}`;
    expect(await readUpload(upload(form(csv)), 10_000)).toMatchObject({ fileName: "leavers.csv", bytes: Buffer.from(csv) });
    expect(bodyBytesHeld()).toBe(0);
  });
});
