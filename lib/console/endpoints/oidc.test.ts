import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { saveSsoSettings } from "@/db/queries/sso-configs";
import { routeRequest, serveRouted } from "@/lib/api/registry";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { SSO_CALLBACK_PATH, SSO_START_PATH } from "@/lib/contracts/sso";
import { adminUserFields } from "@/lib/domain/user-fields";
import { fromWebRequest } from "@/lib/http/web";
import { prepareForNext, prepareRequest } from "@/server/prepare-request";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { settingsThrough, startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";

// Requests as a browser's reach the endpoints: through the server's request preparation, then
// Next.js (whose URL names its own host), then the registry. A start of SSO another site's page
// makes the browser navigate to is login CSRF (the attacker's provider would sign this browser in
// as the attacker, ending its session), so it goes back to /login without a login in progress.

vi.hoisted(() => {
  process.env.TRUSTED_PROXIES = "10.9.9.9";
});
const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;
const HOST = "roster.example.com";
let provider: TestOidcProvider;
let domain = "";

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [`https://${HOST}${SSO_CALLBACK_PATH}`] });
  const tenant = await makeTenant(db);
  domain = `${tenant.name}.example`;
  expect((await saveSsoSettings(db, settingsThrough(provider, tenant.id, domain, { "roster-admins": "admin" }))).ok).toBe(true);
});
afterAll(() => provider?.close());

/** Next.js's request URL: its own host, and the scheme of whatever X-Forwarded-Proto the request carries. */
const nextUrlOf = (headers: Record<string, unknown>, path: string) =>
  `${String(headers["x-forwarded-proto"] ?? "").includes("https") ? "https" : "http"}://localhost:3000${path}`;

/** A request as the server hands it to Next.js, answered by the registry. */
async function call(method: string, path: string, headers: Record<string, string>, options: { peer?: string; body?: unknown } = {}) {
  const req = {
    method,
    url: path,
    headers: { host: HOST, ...headers },
    socket: { remoteAddress: options.peer ?? "203.0.113.9" },
  } as unknown as IncomingMessage;
  prepareRequest(req);
  prepareForNext(req);
  const request = new Request(nextUrlOf(req.headers, path), {
    method,
    headers: { ...(req.headers as Record<string, string>), ...(options.body !== undefined && { "content-type": "application/json" }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const response = await serveRouted(fromWebRequest(request), routeRequest(method, path.split("?")[0]!)!);
  const cookies = [response.headers["set-cookie"] ?? [], response.cookies ?? []].flat();
  return { status: response.status, location: response.headers.location ?? "", cookies, body: response.body };
}

/** The start of a browser's navigation to /leavers through SSO. */
async function start(headers: Record<string, string>, peer?: string) {
  const path = `${SSO_START_PATH}?${new URLSearchParams({ email: `pat@${domain}`, next: "/leavers" })}`;
  const { status, location, cookies } = await call("GET", path, headers, { peer });
  return { status, location, cookies };
}

const loginsInProgress = async () => Number((await prepared<{ n: number }>(db, "select count(*) as n from oidc_logins").get())!.n);
const refused = { status: 303, location: `/login?sso_error=cross_site_start&next=%2Fleavers`, cookies: [] };

describe("starting single sign-on", () => {
  // Each case pairs a start from another site with the start from Roster that differs from it least.
  it.each([
    ["Sec-Fetch-Site cross-site", "same-origin (the sign-in page)", { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-origin" }],
    ["same-site (a sibling subdomain)", "none (typed or bookmarked)", { "sec-fetch-site": "same-site" }, { "sec-fetch-site": "none" }],
    ["no Sec-Fetch-Site, another origin's Referer", "Roster's Referer", { referer: "https://attacker.example/page" }, { referer: `http://${HOST}/login` }],
    ["no Sec-Fetch-Site, another origin's Origin", "neither Origin nor Referer (an older browser)", { origin: "https://attacker.example" }, {}],
  ])(
    "refuses a start from another site (%s), with nothing written, and lets one from Roster go to the provider (%s)",
    async (_foreign, _ours, foreign, ours) => {
      const before = await loginsInProgress();
      expect(await start(foreign)).toEqual(refused);
      expect(await loginsInProgress()).toBe(before);
      const answer = await start(ours);
      expect(answer.status).toBe(302);
      expect(answer.location.startsWith(`${provider.issuer}/`)).toBe(true);
      expect(answer.cookies).toEqual([expect.stringMatching(/^roster_oidc=/)]);
    },
  );

  it("gives the provider the redirect URI on the origin the browser addressed, https only through a trusted proxy", async () => {
    const redirectOf = (answer: { location: string }) => new URL(answer.location).searchParams.get("redirect_uri");
    const proxied = await start({ "sec-fetch-site": "none", "x-forwarded-proto": "https" }, "10.9.9.9");
    expect(redirectOf(proxied)).toBe(`https://${HOST}${SSO_CALLBACK_PATH}`);
    expect(proxied.cookies[0]).toMatch(/; Secure/);
    const claimed = await start({ "sec-fetch-site": "none", "x-forwarded-proto": "https" });
    expect(redirectOf(claimed)).toBe(`http://${HOST}${SSO_CALLBACK_PATH}`);
    expect(claimed.cookies[0]).not.toMatch(/Secure/);
  });
});

describe("the console's origin without PUBLIC_ORIGIN: the Host the browser sent", () => {
  it("names the Host as the passkeys' relying party, not the host Next.js names", async () => {
    const tenant = await makeTenant(db);
    const { admin } = await createAdmin(db, {
      tenantId: tenant.id,
      ...adminUserFields(`a-${randomUUID().slice(0, 8)}@example.test`),
      role: "admin",
      passwordHash: "x",
    });
    const session = await openSession(db, { tenantId: tenant.id, adminId: admin.id });
    const headers = { cookie: `${SESSION_COOKIE}=${session.cookieValue}`, "x-csrf-token": session.csrfToken };
    const answer = await call("POST", "/api/console/mfa/passkey-registration", headers);
    expect(answer.status).toBe(200);
    expect((JSON.parse(String(answer.body)) as { data: { rp: { id: string } } }).data.rp.id).toBe(HOST);
  });

  it("sets the session cookie Secure for https through a trusted proxy, not for a client's claim", async () => {
    // Sign-out answers a cleared session cookie to anyone: its flags are the sign-in's.
    const signOut = (peer: string) => call("DELETE", "/api/console/session", { "x-forwarded-proto": "https" }, { peer });
    expect((await signOut("10.9.9.9")).cookies).toEqual([expect.stringMatching(/; Secure/)]);
    expect((await signOut("203.0.113.9")).cookies).toEqual([expect.not.stringMatching(/Secure/)]);
  });

  it("takes a sign-in whose Origin is the Host's, and refuses another, Next.js's own host too", async () => {
    const body = { email: "nobody@example.test", password: "not checked before the origin" };
    for (const origin of ["https://attacker.example", "http://localhost:3000"]) {
      expect((await call("POST", "/api/console/session", { origin }, { body })).status, origin).toBe(403);
    }
    expect((await call("POST", "/api/console/session", { origin: `http://${HOST}` }, { body })).status).toBe(401);
  });
});
