import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { createAdmin } from "@/db/queries/admins";
import { routeRequest, serveRouted } from "@/lib/api/registry";
import { hashPassword } from "@/lib/auth/password";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { adminUserFields } from "@/lib/domain/user-fields";
import { fromWebRequest } from "@/lib/http/web";
import { prepareForNext, prepareRequest } from "@/server/prepare-request";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";

// PUBLIC_ORIGIN, configured: the passkeys' relying party, the session cookie's Secure flag and the
// sign-in's origin check follow it, whatever host and scheme reach the server (here an internal
// address, plain http, as behind a load balancer Roster does not trust).

vi.hoisted(() => {
  process.env.PUBLIC_ORIGIN = "https://roster.example.com";
});
const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;
const INTERNAL_HOST = "10.0.0.5:3000";
const PASSWORD = "a long enough password";

/** A request as the server hands it to Next.js (whose URL names its own host), answered by the registry. */
async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const req = { method, url: path, headers: { host: INTERNAL_HOST, ...headers }, socket: { remoteAddress: "203.0.113.20" } } as unknown as IncomingMessage;
  prepareRequest(req);
  prepareForNext(req);
  const request = new Request(`http://localhost:3000${path}`, {
    method,
    headers: { ...(req.headers as Record<string, string>), ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await serveRouted(fromWebRequest(request), routeRequest(method, path)!);
  const cookies = [response.headers["set-cookie"] ?? [], response.cookies ?? []].flat();
  return { status: response.status, cookies, json: JSON.parse(String(response.body)) as { data: Record<string, unknown> } };
}

async function makeAdmin() {
  const tenant = await makeTenant(db);
  const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
  const { admin } = await createAdmin(db, { tenantId: tenant.id, ...adminUserFields(email), role: "admin", passwordHash: await hashPassword(PASSWORD) });
  return { tenantId: tenant.id, adminId: admin.id, email };
}

describe("with PUBLIC_ORIGIN configured", () => {
  it("names its host as the passkeys' relying party", async () => {
    const admin = await makeAdmin();
    const session = await openSession(db, admin);
    const headers = { cookie: `${SESSION_COOKIE}=${session.cookieValue}`, "x-csrf-token": session.csrfToken };
    const answer = await call("POST", "/api/console/mfa/passkey-registration", headers);
    expect(answer.status).toBe(200);
    expect(answer.json.data.rp).toMatchObject({ id: "roster.example.com" });
  });

  it("takes a sign-in from its origin only, and sets a Secure session cookie though the request came in plain http", async () => {
    const admin = await makeAdmin();
    const credentials = { email: admin.email, password: PASSWORD };
    expect((await call("POST", "/api/console/session", { origin: `http://${INTERNAL_HOST}` }, credentials)).status).toBe(403);
    const signedIn = await call("POST", "/api/console/session", { origin: "https://roster.example.com" }, credentials);
    expect(signedIn.status).toBe(200);
    expect(signedIn.cookies).toEqual([expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=.*; Secure`))]);
  });
});
