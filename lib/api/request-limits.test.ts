import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { BODY_BUDGET_PER_OWNER_BYTES, bodyBytesHeld } from "@/lib/http/body-budget";
import { closeAfterUnreadBody } from "@/lib/http/node";
import SECURITY_HEADERS from "@/lib/http/security-headers.json";
import { fromWebRequest } from "@/lib/http/web";
import { dispatchApiRequest, matchRequest } from "@/server/api-dispatch";
import { prepareRequest } from "@/server/prepare-request";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { until } from "@/test/until";
import { lookupUserIds } from "./endpoints/mendix";
import { ENDPOINTS, routeRequest, serveRouted } from "./registry";
import { DEFAULT_JSON_BODY_BYTES, jsonBytesAllowedBy } from "./request-body";

// How much of a request body the API reads, and what its answers carry, as callers meet them:
// through the registry and the pipeline, and (stalled bodies) on the custom server's node:http path.

const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;

const LOOKUP = "/api/user-identifiers/v1/uuids";
const LOOKUP_LIMIT = lookupUserIds.maxBodyBytes!;

async function call(method: string, path: string, headers: Record<string, string>, body?: string) {
  const request = new Request(`http://roster.test${path}`, {
    method,
    headers: { "x-roster-client-ip": "203.0.113.7", "content-type": "application/json", ...headers },
    body,
  });
  const response = await serveRouted(fromWebRequest(request), routeRequest(method, path)!);
  return { status: response.status, headers: response.headers, json: JSON.parse(String(response.body)) as Record<string, unknown> };
}

async function tokenFor() {
  const tenant = await makeTenant(db);
  const { token } = await makeAdminWithToken(db, tenant.id);
  return { tenant, headers: { authorization: `MxToken ${token}` } };
}

describe("request body limits", () => {
  it("reads at most 64 KiB of a deactivation: a larger body is the Mendix 400, and nothing changes", async () => {
    const { tenant, headers } = await tokenFor();
    const user = await makeUser(db, tenant.id);
    const body = JSON.stringify({ active: false, padding: "x".repeat(DEFAULT_JSON_BODY_BYTES) });
    const answer = await call("PATCH", `/v1/platform-users/${user.id}`, headers, body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 400, detail: "Request body exceeds the limit of 65,536 bytes" } });
    expect(Boolean((await prepared<{ active: unknown }>(db, "select active from users where id = ?").get(user.id))!.active)).toBe(true);
  });

  it("reads the bulk lookup's largest body (1,000 addresses of 200 three-byte characters, pretty-printed), and no more", async () => {
    const { headers } = await tokenFor();
    const emailAddresses = Array.from({ length: 1_000 }, (_, i) => ({ emailAddress: `${i}`.padEnd(200, "€") }));
    const largest = JSON.stringify({ emailAddresses }, null, 4);
    expect(Buffer.byteLength(largest)).toBeGreaterThan(DEFAULT_JSON_BODY_BYTES);
    const answer = await call("POST", LOOKUP, headers, largest);
    expect(answer.status).toBe(200);
    expect((answer.json.error as { emailAddresses: unknown[] }).emailAddresses).toHaveLength(1_000);

    const padded = JSON.stringify({ emailAddresses: [{ emailAddress: "a@b.test" }], padding: "x".repeat(LOOKUP_LIMIT) });
    expect(await call("POST", LOOKUP, headers, padded)).toMatchObject({
      status: 400,
      json: { errorCode: "INVALID_REQUEST", errorText: `Request body exceeds the limit of ${LOOKUP_LIMIT.toLocaleString("en-US")} bytes` },
    });
  });

  it("refuses an address that folds to more than 400 characters, and looks up one that folds within", async () => {
    const { headers } = await tokenFor();
    const expanding = "\uFDFA".repeat(23); // 23 characters, 414 once folded (NFKC: 18 each)
    const refused = await call("POST", LOOKUP, headers, JSON.stringify({ emailAddresses: [{ emailAddress: expanding }] }));
    expect(refused).toMatchObject({ status: 400, json: { errorCode: "INVALID_REQUEST" } });
    expect(String(refused.json.errorText)).toContain("folds to more than 400 characters");
    const doubled = `${"ß".repeat(150)}@example.test`;
    expect(await call("POST", LOOKUP, headers, JSON.stringify({ emailAddresses: [{ emailAddress: doubled }] }))).toMatchObject({ status: 200 });
  });

  it("gives every endpoint room for what its schema allows, within one caller's share of the body budget", () => {
    const checked: string[] = [];
    for (const endpoint of ENDPOINTS) {
      const limit = endpoint.upload ? endpoint.upload.maxBytes + 64 * 1024 : endpoint.body ? (endpoint.maxBodyBytes ?? DEFAULT_JSON_BODY_BYTES) : 0;
      expect(limit, endpoint.operationId).toBeLessThanOrEqual(BODY_BUDGET_PER_OWNER_BYTES);
      if (!endpoint.body) continue;
      let allowed: number;
      try {
        allowed = jsonBytesAllowedBy(endpoint.body);
      } catch {
        continue; // unbounded somewhere: the default, or what the endpoint declares
      }
      expect(limit, endpoint.operationId).toBeGreaterThanOrEqual(allowed);
      if (allowed > DEFAULT_JSON_BODY_BYTES) checked.push(endpoint.operationId);
    }
    expect(checked).toEqual(["getUserIdentifiers", "getUserIdentifiersWithGet"]);
  });

  it("answers the vendor APIs with the security headers Next.js adds to what it serves", async () => {
    const { headers } = await tokenFor();
    const found = await call("POST", LOOKUP, headers, JSON.stringify({ emailAddresses: [{ emailAddress: "a@b.test" }] }));
    const refused = await call("PATCH", "/v1/platform-users/c5f3afba-cc28-4f56-b922-1e606807bed4", {}, JSON.stringify({ active: false }));
    for (const answer of [found, refused]) expect(answer.headers).toMatchObject(SECURITY_HEADERS);
    expect(SECURITY_HEADERS).toMatchObject({ "x-frame-options": "DENY", "x-content-type-options": "nosniff" });
  });
});

describe("stalled request bodies on node:http", () => {
  const server = http.createServer((req, res) => {
    prepareRequest(req);
    const match = matchRequest(req);
    closeAfterUnreadBody(req, res);
    void dispatchApiRequest(req, res, match).then((served) => void (served || res.writeHead(404).end()));
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A lookup whose body stops one byte short of the length it declares. */
  function stalledLookup(authorization: string) {
    const socket = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", () => {});
    socket.write(`POST ${LOOKUP} HTTP/1.1\r\nhost: roster.test\r\nauthorization: ${authorization}\r\ncontent-type: application/json\r\n`);
    socket.write(`content-length: ${LOOKUP_LIMIT}\r\n\r\n`);
    socket.write(Buffer.alloc(LOOKUP_LIMIT - 1, 0x20));
    return { socket, answer: () => Buffer.concat(received).toString("latin1") };
  }

  it("refuses one caller's bodies past its share (429, Retry-After) while another is served, and gives back everything when they close", async () => {
    const a = await tokenFor();
    const b = await tokenFor();
    const count = Math.floor(BODY_BUDGET_PER_OWNER_BYTES / (LOOKUP_LIMIT - 1)) + 3;
    const stalled = Array.from({ length: count }, () => stalledLookup(a.headers.authorization));
    try {
      const refused = () => stalled.filter((s) => s.answer().startsWith("HTTP/1.1 429"));
      await until(() => refused().length >= 3, 20_000);
      expect(refused()[0]!.answer()).toMatch(/\r\nretry-after: 10\r\n[\s\S]*"errorCode":"TOO_MANY_REQUESTS"/i);
      expect(bodyBytesHeld()).toBeGreaterThan(0);
      expect(bodyBytesHeld()).toBeLessThanOrEqual(BODY_BUDGET_PER_OWNER_BYTES);

      const other = await fetch(`http://127.0.0.1:${port}${LOOKUP}`, {
        method: "POST",
        headers: { ...b.headers, "content-type": "application/json" },
        body: JSON.stringify({ emailAddresses: [{ emailAddress: "a@b.test" }] }),
      });
      expect(other.status).toBe(200);
    } finally {
      for (const { socket } of stalled) socket.destroy();
    }
    await until(() => bodyBytesHeld() === 0);
  }, 40_000);
});
