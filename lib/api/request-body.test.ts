import { describe, expect, it } from "vitest";
import { attributeBody, BODY_BUDGET_PER_OWNER_BYTES, bodyBytesHeld, reserveBodyBytes } from "@/lib/http/body-budget";
import type { ApiRequest } from "@/lib/http/types";
import { parseJsonBody, readBodyBytes } from "./request-body";

function requestWith(headers: Record<string, string>, body: () => AsyncIterable<Uint8Array>): ApiRequest {
  return { method: "POST", url: new URL("http://127.0.0.1/x"), headers: { get: (name) => headers[name] ?? null }, clientIp: "127.0.0.1", body };
}

const chunks = (...parts: string[]) =>
  async function* () {
    for (const part of parts) yield Buffer.from(part);
  };

describe("readBodyBytes", () => {
  it("joins the chunks of a body within the limit", async () => {
    expect((await readBodyBytes(requestWith({}, chunks('{"a":', "1}")), 10)).toString()).toBe('{"a":1}');
  });

  it("refuses a declared length over the limit before reading, and a chunked body once it passes the limit", async () => {
    let read = false;
    const declared = requestWith({ "content-length": "11" }, async function* () {
      read = true;
      yield Buffer.from("x");
    });
    await expect(readBodyBytes(declared, 10)).rejects.toMatchObject({ kind: "payload_too_large", status: 413 });
    expect(read).toBe(false);
    await expect(readBodyBytes(requestWith({}, chunks("123456", "78901")), 10)).rejects.toMatchObject({ kind: "payload_too_large" });
  });

  it("answers a body whose client hung up midway as a bad request, not a server failure", async () => {
    const aborted = requestWith({ "content-length": "100" }, async function* () {
      yield Buffer.from('{"userName":');
      throw Object.assign(new Error("aborted"), { code: "ECONNRESET" });
    });
    await expect(readBodyBytes(aborted, 1000)).rejects.toMatchObject({
      kind: "invalid_input",
      status: 400,
      message: "The request body did not arrive whole (aborted)",
    });
  });

  it("refuses a body its owner's share of the budget has no room for (429, Retry-After), and gives back what it held", async () => {
    const request = requestWith({}, chunks("a".repeat(600), "b".repeat(600)));
    attributeBody(request, "token:budget-test");
    const other = reserveBodyBytes("token:budget-test");
    expect(other.take(BODY_BUDGET_PER_OWNER_BYTES - 1000)).toBe(true);
    try {
      await expect(readBodyBytes(request, 10_000)).rejects.toMatchObject({ kind: "rate_limited", status: 429, options: { headers: { "retry-after": "10" } } });
      expect(bodyBytesHeld("token:budget-test")).toBe(BODY_BUDGET_PER_OWNER_BYTES - 1000);
    } finally {
      other.release();
    }
    expect(bodyBytesHeld()).toBe(0);
  });

  it("refuses a body still arriving at its deadline, and gives back what it held", async () => {
    const stalled = requestWith({ "content-length": "100" }, async function* () {
      yield Buffer.from('{"emailAddresses":');
      await new Promise(() => {});
    });
    const read = readBodyBytes(stalled, 1000, { deadlineMs: 50 });
    await expect(read).rejects.toMatchObject({ kind: "invalid_input", status: 400, message: "The request body did not arrive within 0.05 seconds" });
    expect(bodyBytesHeld()).toBe(0);
  }, 5_000);
});

describe("parseJsonBody", () => {
  it("refuses half a surrogate pair anywhere in the body, keys included, and keeps whole pairs and text that only looks like one", () => {
    for (const body of ['{"displayName":"Eve \\ud800"}', '{"a":[1,{"b":"\\uDC00x"}]}', '{"k\\ud83d":1}', '["\\ude00\\ud83d"]'])
      expect(() => parseJsonBody(body), body).toThrow(expect.objectContaining({ kind: "invalid_input", status: 400, options: { scimType: "invalidValue" } }));
    expect(parseJsonBody('{"emoji":"\\ud83d\\ude00","plain":"\\\\ud800","literal":"😀"}')).toEqual({ emoji: "😀", plain: "\\ud800", literal: "😀" });
  });
});
