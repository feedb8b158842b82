import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";
import { expectOs1Ok } from "./jitsudo-os1-support";
import { createOs1Directory, osId, type Os1Directory } from "./os1-directory";

// Delhivery OS1 GetUserEmail and GetUserMobile, product.md §4: at most 10 ids, invalid ids ignored.

type Contacts<T> = { meta: { totalElements: number }; users: T[] };
type EmailRow = { userId: string; email: string; uniqueCode: string };
type MobileRow = { userId: string; primaryMobile: unknown; secondaryMobile: unknown; uniqueCode: string };

let dir: Os1Directory;
test.beforeAll(async () => {
  dir = await createOs1Directory("os1-contacts");
});

async function emails(request: APIRequestContext, query: string) {
  return (await expectOs1Ok<Contacts<EmailRow>>(await request.get(`/api/v1/users/email?${query}`, { headers: dir.headers() }))).data;
}
async function mobiles(request: APIRequestContext, query: string) {
  return (await expectOs1Ok<Contacts<MobileRow>>(await request.get(`/api/v1/users/mobile?${query}`, { headers: dir.headers() }))).data;
}
const unknownIds = (n: number) => Array.from({ length: n }, () => randomUUID());

test.describe("OS1 GetUserEmail", () => {
  test("returns {userId, email, uniqueCode} per user, in the order asked, with the count", async ({ request }) => {
    const requestId = `mail-${randomUUID()}`;
    const response = await request.get(`/api/v1/users/email?ids=${dir.bob.id},${dir.alice.id}`, { headers: dir.headers(requestId) });
    const { data, request: echo } = await expectOs1Ok<Contacts<EmailRow>>(response);
    expect(data).toEqual({
      meta: { totalElements: 2 },
      users: [
        { userId: osId(dir.bob), email: "mail.bravo@example.com", uniqueCode: "UC-Q1" },
        { userId: osId(dir.alice), email: "Mail.Delta@Example.com", uniqueCode: "UC-Q3" },
      ],
    });
    expect(echo).toEqual({ uri: "/api/v1/users/email", requestId, queryString: expect.any(String), body: null, method: "GET" });
    // The query string is echoed as sent on the wire (the client may percent-encode the comma).
    expect(new URLSearchParams(echo.queryString).get("ids")).toBe(`${dir.bob.id},${dir.alice.id}`);
  });

  test("accepts <uuid>, user:, users: and ref: ids, URL-encoded or not, and an inactive user", async ({ request }) => {
    const list = [`user:${dir.alice.id}`, `users:${dir.bob.id}`, "ref:ZZ-KEY-Q2", dir.carol.id, "ref:UCODE-A"].join(",");
    for (const query of [`ids=${list}`, `ids=${encodeURIComponent(list)}`]) {
      const data = await emails(request, query);
      expect(
        data.users.map((u) => u.userId),
        query,
      ).toEqual([osId(dir.alice), osId(dir.bob), osId(dir.erin), osId(dir.carol)]);
      expect(data.meta.totalElements).toBe(4);
    }
  });

  test("invalid, unknown and repeated ids are ignored", async ({ request }) => {
    const data = await emails(request, `ids=garbage,${dir.dave.id},user:nope,${randomUUID()},ref:NOBODY,${dir.dave.id.toUpperCase()},user:${dir.dave.id}, ,`);
    expect(data).toEqual({ meta: { totalElements: 1 }, users: [{ userId: osId(dir.dave), email: "mail.alpha@example.com", uniqueCode: "UC-Q4" }] });
    expect(await emails(request, "ids=garbage,ref:NOBODY")).toEqual({ meta: { totalElements: 0 }, users: [] });
  });

  test("10 ids are accepted", async ({ request }) => {
    const data = await emails(request, `ids=${[...dir.named.map((u) => u.id), ...unknownIds(5)].join(",")}`);
    expect(data.meta.totalElements).toBe(5);
    expect(data.users.map((u) => u.userId)).toEqual(dir.named.map(osId));
  });

  test("another tenant's users are not returned", async ({ request }) => {
    const other = await createTestTenant("os1-contacts-other");
    const stranger = await other.addUser();
    const data = await emails(request, `ids=${stranger.id},user:${stranger.id},${dir.erin.id}`);
    expect(data.users.map((u) => u.userId)).toEqual([osId(dir.erin)]);
    expect(JSON.stringify(data)).not.toContain(stranger.email);
  });
});

test.describe("OS1 GetUserMobile", () => {
  test("primary and secondary mobiles; secondaryMobile null when absent; both null without mobiles", async ({ request }) => {
    const data = await mobiles(request, `ids=${dir.alice.id},${dir.bob.id},${dir.dave.id}`);
    expect(data).toEqual({
      meta: { totalElements: 3 },
      users: [
        {
          userId: osId(dir.alice),
          primaryMobile: { countryCode: "+91", number: "9876543210" },
          secondaryMobile: { countryCode: "+1", number: "5550100" },
          uniqueCode: "UC-Q3",
        },
        { userId: osId(dir.bob), primaryMobile: { countryCode: "+44", number: "7700900123" }, secondaryMobile: null, uniqueCode: "UC-Q1" },
        { userId: osId(dir.dave), primaryMobile: null, secondaryMobile: null, uniqueCode: "UC-Q4" },
      ],
    });
    for (const user of data.users) expect(Object.keys(user).sort()).toEqual(["primaryMobile", "secondaryMobile", "uniqueCode", "userId"]);
  });

  test("userId= is accepted as well as ids=, and both together", async ({ request }) => {
    const byUserId = await mobiles(request, `userId=user:${dir.bob.id}`);
    expect(byUserId.users.map((u) => u.userId)).toEqual([osId(dir.bob)]);
    const both = await mobiles(request, `ids=${dir.alice.id}&userId=${dir.bob.id}`);
    expect(both.users.map((u) => u.userId).sort()).toEqual([osId(dir.alice), osId(dir.bob)].sort());
    expect(both.meta.totalElements).toBe(2);
  });

  test("invalid ids are ignored; 10 ids are accepted", async ({ request }) => {
    const data = await mobiles(request, `ids=bad,${dir.bob.id},ref:,users:zzz`);
    expect(data.users.map((u) => u.userId)).toEqual([osId(dir.bob)]);
    const ten = await mobiles(request, `userId=${[dir.alice.id, ...unknownIds(9)].join(",")}`);
    expect(ten.users.map((u) => u.userId)).toEqual([osId(dir.alice)]);
  });

  test("another tenant's users and mobiles are not returned", async ({ request }) => {
    const other = await createOs1Directory("os1-mobile-other");
    const data = await mobiles(request, `ids=${other.alice.id},${other.bob.id}&userId=${dir.dave.id}`);
    expect(data).toEqual({ meta: { totalElements: 1 }, users: [{ userId: osId(dir.dave), primaryMobile: null, secondaryMobile: null, uniqueCode: "UC-Q4" }] });
  });
});
