import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectOs1Error, withoutChanges } from "./jitsudo-os1-support";
import { createOs1Directory, type Os1Directory } from "./os1-directory";

// Delhivery OS1 User API, product.md §4: table-driven bad input. Each case is its own test: the
// right status in the OS1 envelope (never a 500), the request echoed, and nothing changed.

type BadRequest = { title: string; path: (dir: Os1Directory) => string; status: 400 | 404; code: string };

const ids = (n: number) => Array.from({ length: n }, () => randomUUID()).join(",");

const GET_USER: BadRequest[] = [
  { title: "a word instead of an id", path: () => "/api/v1/users/not-a-user", status: 400, code: "BAD_REQUEST" },
  { title: "user: prefix without a UUID", path: () => "/api/v1/users/user:not-a-uuid", status: 400, code: "BAD_REQUEST" },
  { title: "unknown prefix", path: (d) => `/api/v1/users/usr:${d.alice.id}`, status: 400, code: "BAD_REQUEST" },
  { title: "upper-case UUID", path: (d) => `/api/v1/users/${d.alice.id.toUpperCase()}`, status: 400, code: "BAD_REQUEST" },
  { title: "ref: without a code", path: () => "/api/v1/users/ref:", status: 400, code: "BAD_REQUEST" },
  { title: "ref: with a 201-character code", path: () => `/api/v1/users/ref:${"c".repeat(201)}`, status: 400, code: "BAD_REQUEST" },
  { title: "a 300-character id", path: () => `/api/v1/users/${"u".repeat(300)}`, status: 400, code: "BAD_REQUEST" },
  { title: "includeProperties is not a boolean", path: (d) => `/api/v1/users/${d.alice.id}?includeProperties=maybe`, status: 400, code: "BAD_REQUEST" },
  { title: "malformed percent-encoding in the id", path: () => "/api/v1/users/ref:%E0%A4%A", status: 400, code: "BAD_REQUEST" },
  { title: "a percent sign in a ref code", path: () => "/api/v1/users/ref:50%25", status: 404, code: "NOT_FOUND" },
  { title: "an encoded ref with a percent sign", path: () => "/api/v1/users/ref%3A100%25off", status: 404, code: "NOT_FOUND" },
  { title: "SQL in a ref code", path: () => `/api/v1/users/${encodeURIComponent("ref:' or '1'='1")}`, status: 404, code: "NOT_FOUND" },
  { title: "an unknown UUID", path: () => `/api/v1/users/${randomUUID()}`, status: 404, code: "NOT_FOUND" },
];

const LIST_USERS: BadRequest[] = [
  { title: "size=0", path: () => "/api/v1/users?size=0", status: 400, code: "BAD_REQUEST" },
  { title: "size=101", path: () => "/api/v1/users?size=101", status: 400, code: "BAD_REQUEST" },
  { title: "size=-1", path: () => "/api/v1/users?size=-1", status: 400, code: "BAD_REQUEST" },
  { title: "size=1.5", path: () => "/api/v1/users?size=1.5", status: 400, code: "BAD_REQUEST" },
  { title: "size=ten", path: () => "/api/v1/users?size=ten", status: 400, code: "BAD_REQUEST" },
  { title: "size empty", path: () => "/api/v1/users?size=", status: 400, code: "BAD_REQUEST" },
  { title: "page=0", path: () => "/api/v1/users?page=0", status: 400, code: "BAD_REQUEST" },
  { title: "page=-1", path: () => "/api/v1/users?page=-1", status: 400, code: "BAD_REQUEST" },
  { title: "page=1e3", path: () => "/api/v1/users?page=1e3", status: 400, code: "BAD_REQUEST" },
  { title: "page=first", path: () => "/api/v1/users?page=first", status: 400, code: "BAD_REQUEST" },
  { title: "sortBy=up", path: () => "/api/v1/users?sortBy=up", status: 400, code: "BAD_REQUEST" },
  { title: "unknown sortKey", path: () => "/api/v1/users?sortKey=password", status: 400, code: "BAD_REQUEST" },
  { title: "sortKey injection", path: () => `/api/v1/users?sortKey=${encodeURIComponent("name; drop table users")}`, status: 400, code: "BAD_REQUEST" },
  { title: "select of an unknown attribute", path: () => "/api/v1/users?select=name,passwordHash", status: 400, code: "BAD_REQUEST" },
  { title: "additionalInfo=yes", path: () => "/api/v1/users?additionalInfo=yes", status: 400, code: "BAD_REQUEST" },
  { title: "query of 201 characters", path: () => `/api/v1/users?query=${"q".repeat(201)}`, status: 400, code: "BAD_REQUEST" },
  { title: "query of 2 characters", path: () => "/api/v1/users?query=ab", status: 400, code: "BAD_REQUEST" },
  { title: "query of 2 characters between spaces", path: () => `/api/v1/users?query=${encodeURIComponent("  ab  ")}`, status: 400, code: "BAD_REQUEST" },
  { title: "page × size past 10,000 rows", path: () => "/api/v1/users?page=101&size=100", status: 400, code: "BAD_REQUEST" },
  { title: "page past 10,000 with size 1", path: () => "/api/v1/users?page=10001&size=1", status: 400, code: "BAD_REQUEST" },
];

const contactCases = (endpoint: "email" | "mobile"): BadRequest[] => [
  { title: "no ids", path: () => `/api/v1/users/${endpoint}`, status: 400, code: "BAD_REQUEST" },
  { title: "ids empty", path: () => `/api/v1/users/${endpoint}?ids=`, status: 400, code: "BAD_REQUEST" },
  { title: "ids only commas and spaces", path: () => `/api/v1/users/${endpoint}?ids=${encodeURIComponent(" , ,")}`, status: 400, code: "BAD_REQUEST" },
  { title: "11 ids", path: () => `/api/v1/users/${endpoint}?ids=${ids(11)}`, status: 400, code: "BAD_REQUEST" },
  { title: "11 ids, one of them real", path: (d) => `/api/v1/users/${endpoint}?ids=${d.alice.id},${ids(10)}`, status: 400, code: "BAD_REQUEST" },
  { title: "a wrong parameter name", path: (d) => `/api/v1/users/${endpoint}?id=${d.alice.id}`, status: 400, code: "BAD_REQUEST" },
];

const MOBILE_ONLY: BadRequest[] = [
  { title: "11 userId values", path: () => `/api/v1/users/mobile?userId=${ids(11)}`, status: 400, code: "BAD_REQUEST" },
  { title: "6 ids plus 5 userId values", path: () => `/api/v1/users/mobile?ids=${ids(6)}&userId=${ids(5)}`, status: 400, code: "BAD_REQUEST" },
  { title: "userId empty", path: () => "/api/v1/users/mobile?userId=", status: 400, code: "BAD_REQUEST" },
];

const TABLES: [string, BadRequest[]][] = [
  ["GetUser", GET_USER],
  ["ListUsers", LIST_USERS],
  ["GetUserEmail", contactCases("email")],
  ["GetUserMobile", [...contactCases("mobile"), ...MOBILE_ONLY]],
];

let dir: Os1Directory;
test.beforeAll(async () => {
  dir = await createOs1Directory("os1-bad");
});

for (const [endpoint, cases] of TABLES) {
  test.describe(`OS1 ${endpoint} bad input`, () => {
    for (const bad of cases) {
      test(bad.title, async ({ request }) => {
        const path = bad.path(dir);
        const requestId = `bad-${randomUUID()}`;
        const response = await withoutChanges(() => request.get(path, { headers: dir.headers(requestId) }));
        expect(response.status(), `never a 500: ${await response.text()}`).not.toBe(500);
        const body = await expectOs1Error(response, bad.status, bad.code);
        expect(body.request).toMatchObject({ requestId, method: "GET", body: null });
        expect(body.request.uri).toBe(new URL(path, "http://roster.test").pathname);
      });
    }
  });
}

test.describe("OS1 unsupported methods", () => {
  for (const path of ["/api/v1/users", "/api/v1/users/email?ids=x", "/api/v1/users/mobile?ids=x", "/api/v1/users/ref:UC-Q3"]) {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      test(`${method} ${path.split("?")[0]}: 405 METHOD_NOT_ALLOWED, nothing changed`, async ({ request }) => {
        const response = await withoutChanges(() => request.fetch(path, { method, headers: dir.headers(), data: { name: "x" } }));
        // Whether 405 echoes the request id is asserted once, in os1-users-envelope.spec.ts.
        await expectOs1Error(response, 405, "METHOD_NOT_ALLOWED", { echoHeader: false });
        expect(response.headers()["allow"]).toBe("GET");
      });
    }
  }
});
