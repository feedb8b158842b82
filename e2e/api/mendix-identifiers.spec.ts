import { expect, test } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";
import { callIdentifiers, deactivationValidator, identifiersValidator } from "../fixtures/mendix-specs";

// Mendix User Identifiers API, product.md §1: successful lookups. Every response is checked
// against user-identifier-api.yaml by callIdentifiers; these tests check what it says.
const NOT_FOUND_MESSAGE = "No user(s) found with the following email address(es) within your company";
const READ_SCOPE = "mx:mxid3:user-identifiers:uuid:read";
const addresses = (...emails: string[]) => ({ emailAddresses: emails.map((emailAddress) => ({ emailAddress })) });

test.describe("Mendix User Identifiers API: lookups", () => {
  test("POST and GET with the same JSON body give the same answer", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const jane = await tenant.addUser({ email: `jane.doe@${tenant.tenantName}.example` });
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });
    const body = addresses(jane.email, `nobody@${tenant.tenantName}.example`);

    const post = await callIdentifiers(request, { token, data: body });
    const get = await callIdentifiers(request, { token, method: "GET", data: body });

    expect(post.status).toBe(200);
    expect(post.headers["content-type"]).toMatch(/^application\/json/);
    expect(post.body).toEqual({
      identifiers: [{ emailAddress: jane.email, uuid: jane.id }],
      error: { message: NOT_FOUND_MESSAGE, emailAddresses: [{ emailAddress: `nobody@${tenant.tenantName}.example` }] },
    });
    expect(get.status).toBe(200);
    expect(get.body).toEqual(post.body);
  });

  test("an answer where every address is found has an empty error object", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const [a, b] = [await tenant.addUser(), await tenant.addUser()];
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });

    for (const method of ["POST", "GET"]) {
      const result = await callIdentifiers(request, { token, method, data: addresses(a!.email, b!.email) });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        identifiers: [
          { emailAddress: a!.email, uuid: a!.id },
          { emailAddress: b!.email, uuid: b!.id },
        ],
        error: {},
      });
    }
  });

  test("an answer where no address is found lists them all under error", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });
    const ghosts = [`ghost-1@${tenant.tenantName}.example`, `ghost-2@${tenant.tenantName}.example`];

    const result = await callIdentifiers(request, { token, data: addresses(...ghosts) });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ identifiers: [], error: { message: NOT_FOUND_MESSAGE, emailAddresses: ghosts.map((emailAddress) => ({ emailAddress })) } });
  });

  test("matching ignores case and surrounding spaces, and echoes each address exactly as sent", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const jane = await tenant.addUser({ email: `Jane.Doe@${tenant.tenantName}.example` });
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });
    const sent = [`jane.doe@${tenant.tenantName}.example`, `  JANE.DOE@${tenant.tenantName.toUpperCase()}.EXAMPLE\t`, `Jane.Doe@${tenant.tenantName}.example `];

    const result = await callIdentifiers(request, { token, data: addresses(...sent) });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ identifiers: sent.map((emailAddress) => ({ emailAddress, uuid: jane.id })), error: {} });
  });

  test("duplicate addresses: each distinct address is answered exactly once", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const jane = await tenant.addUser();
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });
    const ghost = `ghost@${tenant.tenantName}.example`;

    const result = await callIdentifiers(request, { token, data: addresses(jane.email, ghost, jane.email, jane.email.toUpperCase(), ghost) });

    expect(result.status).toBe(200);
    const body = result.body as { identifiers: { emailAddress: string; uuid: string }[]; error: { emailAddresses: { emailAddress: string }[] } };
    expect(body.identifiers).toEqual([
      { emailAddress: jane.email, uuid: jane.id },
      { emailAddress: jane.email.toUpperCase(), uuid: jane.id },
    ]);
    expect(body.error.emailAddresses).toEqual([{ emailAddress: ghost }]);
  });

  test("users of another tenant are never found", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const other = await createTestTenant("mx-ids-other");
    const theirs = await other.addUser();
    const ours = await tenant.addUser();
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });

    const result = await callIdentifiers(request, { token, data: addresses(ours.email, theirs.email) });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      identifiers: [{ emailAddress: ours.email, uuid: ours.id }],
      error: { message: NOT_FOUND_MESSAGE, emailAddresses: [{ emailAddress: theirs.email }] },
    });
  });

  test("an address of exactly 200 characters is accepted", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });
    const domain = `@${tenant.tenantName}.example`;
    const email = `${"a".repeat(200 - domain.length)}${domain}`;
    expect(email).toHaveLength(200);

    const result = await callIdentifiers(request, { token, data: addresses(email) });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ identifiers: [], error: { message: NOT_FOUND_MESSAGE, emailAddresses: [{ emailAddress: email }] } });
  });

  test("1,000 addresses in one request are all answered, by POST and by GET", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const known = await Promise.all(Array.from({ length: 25 }, () => tenant.addUser()));
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });
    const unknown = Array.from({ length: 1000 - known.length }, (_, i) => `missing-${i}@${tenant.tenantName}.example`);
    // Interleave found and missing addresses, so order and bucketing are both exercised.
    const sent = [...unknown];
    known.forEach((user, i) => sent.splice(i * 40, 0, user.email.toUpperCase()));
    expect(sent).toHaveLength(1000);

    for (const method of ["POST", "GET"]) {
      const result = await callIdentifiers(request, { token, method, data: addresses(...sent) });
      expect(result.status).toBe(200);
      const body = result.body as {
        identifiers: { emailAddress: string; uuid: string }[];
        error: { message: string; emailAddresses: { emailAddress: string }[] };
      };
      expect(body.identifiers).toEqual(
        sent
          .filter((email) => !email.startsWith("missing-"))
          .map((emailAddress) => ({
            emailAddress,
            uuid: known.find((user) => user.email.toUpperCase() === emailAddress)!.id,
          })),
      );
      expect(body.error.message).toBe(NOT_FOUND_MESSAGE);
      expect(body.error.emailAddresses).toEqual(unknown.map((emailAddress) => ({ emailAddress })));
    }
  });

  test("inactive users are still users of the company and are found", async ({ request }) => {
    const tenant = await createTestTenant("mx-ids");
    const leaver = await tenant.addUser({ active: false });
    const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });

    const result = await callIdentifiers(request, { token, data: addresses(leaver.email) });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ identifiers: [{ emailAddress: leaver.email, uuid: leaver.id }], error: {} });
  });
});

test.describe("the contract check itself", () => {
  // Every spec relies on callIdentifiers/callDeactivation refusing answers that break the
  // official files; this shows that they would.
  const uuid = "c5f3afba-cc28-4f56-b922-1e606807bed4";
  const broken: [string, () => void][] = [
    [
      "an upper-case uuid",
      () => identifiersValidator.validate("post", "/uuids", 200, { identifiers: [{ emailAddress: "a@b.example", uuid: uuid.toUpperCase() }], error: {} }),
    ],
    ["a 200 without error", () => identifiersValidator.validate("post", "/uuids", 200, { identifiers: [] })],
    ["an error without errorText", () => identifiersValidator.validate("post", "/uuids", 400, { statusCode: 400, errorCode: "INVALID_REQUEST" })],
    ["a JSON 405", () => identifiersValidator.validate("post", "/uuids", 405, "", "application/json")],
    ["an undocumented status", () => identifiersValidator.validate("post", "/uuids", 204, undefined)],
    ["a deactivation error with a string code", () => deactivationValidator.validate("patch", "/platform-users/{uuid}", 400, { error: { code: "400" } })],
    ["a 401 that is a number", () => deactivationValidator.validate("patch", "/platform-users/{uuid}", 401, 401)],
    ["a body on 204", () => deactivationValidator.validate("patch", "/platform-users/{uuid}", 204, { ok: true })],
  ];
  for (const [title, check] of broken) {
    test(`rejects ${title}`, () => {
      expect(check).toThrow();
    });
  }

  test("accepts the spec's own examples", () => {
    identifiersValidator.validate(
      "post",
      "/uuids",
      200,
      { identifiers: [{ emailAddress: "jane.doe@domain.tld", uuid }], error: {} },
      "application/json; charset=utf-8",
    );
    identifiersValidator.validate("post", "/uuids", 405, "", "text/plain");
    deactivationValidator.validate("patch", "/platform-users/{uuid}", 204, undefined);
    deactivationValidator.validate("patch", "/platform-users/{uuid}", 429, { message: "API rate limit exceeded" });
  });
});
