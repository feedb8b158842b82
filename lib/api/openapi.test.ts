import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { createResponseValidator } from "@/e2e/fixtures/openapi-validator";
import { jitsudo } from "./dialects/jitsudo";
import { mendixDeactivation } from "./dialects/mendix-deactivation";
import { mendixIdentifiers } from "./dialects/mendix-identifiers";
import { os1 } from "./dialects/os1";
import type { Dialect } from "./dialects/types";
import { ApiError, type ApiErrorKind } from "./errors";
import { ENDPOINTS, openApiDocument } from "./registry";
import { emailAddressesRequest, linkIdentityRequest } from "./schemas";

type Json = Record<string, unknown>;
const document = openApiDocument();
const documented = ENDPOINTS.filter((endpoint) => endpoint.dialect.family !== "console");

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") found.push(child);
      else refsIn(child, found);
    }
  }
  return found;
}

const resolve = (ref: string) =>
  ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], document);

function operations(): { path: string; method: string; operation: Json }[] {
  return Object.entries(document.paths).flatMap(([urlPath, item]) => Object.entries(item).map(([method, operation]) => ({ path: urlPath, method, operation })));
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1.0 and plain JSON", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toMatchObject({ title: "Roster API" });
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it("documents every endpoint of the registry except the console's own, with its operation id", () => {
    expect(documented.length).toBeGreaterThan(15);
    for (const endpoint of documented) {
      expect(document.paths[endpoint.path]?.[endpoint.method.toLowerCase()]?.operationId, `${endpoint.method} ${endpoint.path}`).toBe(endpoint.operationId);
    }
    expect(Object.keys(document.paths).filter((path) => path.startsWith("/api/console"))).toEqual([]);
  });

  it("documents nothing the registry does not declare, except the 405 answers for the other methods", () => {
    const declared = new Set(documented.map((endpoint) => `${endpoint.method.toLowerCase()} ${endpoint.path}`));
    const stale = operations()
      .filter(({ operation }) => !operation["x-roster-not-allowed"])
      .map(({ method, path: urlPath }) => `${method} ${urlPath}`)
      .filter((key) => !declared.has(key));
    expect(stale).toEqual([]);
  });

  it("gives each operation the scopes its policy action accepts (any one of them)", () => {
    const readJobs = document.paths["/v1/leaver-jobs/{id}"]!.get!;
    expect(readJobs.security).toEqual(
      expect.arrayContaining([
        { JitsudoApiKey: ["mx:user-deactivation:write"], JitsudoTenant: [] },
        { JitsudoApiKey: ["users:read"], JitsudoTenant: [] },
      ]),
    );
    expect(document.paths["/v1/leaver-jobs"]!.post!.security).toEqual([
      { JitsudoApiKey: ["mx:user-deactivation:write"], JitsudoTenant: [] },
      { JitsudoBearer: ["mx:user-deactivation:write"], JitsudoTenant: [] },
    ]);
  });

  it("resolves every $ref", () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((ref) => !ref.startsWith("#/") || resolve(ref) === undefined)).toEqual([]);
  });

  it("names existing security schemes, unique operation ids and one of its tags on every operation", () => {
    const schemes = Object.keys(document.components.securitySchemes as Json);
    const tags = (document.tags as { name: string }[]).map((tag) => tag.name);
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation } of operations()) {
      for (const requirement of operation.security as Json[]) expect(schemes).toEqual(expect.arrayContaining(Object.keys(requirement)));
      expect(tags).toContain((operation.tags as string[])[0]);
    }
  });

  it("gives every API operation a 429 with Retry-After and RateLimit headers on every response", () => {
    for (const { path: urlPath, method, operation } of operations()) {
      const tag = (operation.tags as string[])[0];
      if (tag === "Service") continue;
      const responses = operation.responses as Record<string, Json>;
      expect(Object.keys(responses), `${method} ${urlPath}`).toContain("429");
      for (const [status, response] of Object.entries(responses)) {
        const resolved = (response.$ref ? resolve(response.$ref as string) : response) as { headers: Json };
        expect(Object.keys(resolved.headers), `${method} ${urlPath} ${status}`).toEqual(
          expect.arrayContaining(["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]),
        );
        if (status === "429") expect(Object.keys(resolved.headers)).toContain("Retry-After");
      }
    }
  });

  it("has schemas that are valid JSON Schema 2020-12 and compile with Ajv", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document as object, "roster-openapi.json");
    const schemas = Object.entries(document.components.schemas as Record<string, Json>);
    expect(schemas.length).toBeGreaterThanOrEqual(17);
    for (const [name, schema] of schemas) {
      expect(ajv.validateSchema(schema), `${name}: ${ajv.errorsText()}`).toBe(true);
      expect(ajv.getSchema(`roster-openapi.json#/components/schemas/${name}`), name).toBeTypeOf("function");
    }
    // Inline schemas too: parameters, request bodies and responses of every operation.
    const escape = (part: string) => part.replace(/~/g, "~0").replace(/\//g, "~1");
    let compiled = 0;
    for (const { path: urlPath, method, operation } of operations()) {
      const base = `roster-openapi.json#/paths/${escape(urlPath)}/${method}`;
      (operation.parameters as Json[] | undefined)?.forEach((parameter, index) => {
        if (parameter.schema) compiled += ajv.getSchema(`${base}/parameters/${index}/schema`) ? 1 : 0;
      });
      if (operation.requestBody) compiled += ajv.getSchema(`${base}/requestBody/content/application~1json/schema`) ? 1 : 0;
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (!response.$ref && response.content) compiled += ajv.getSchema(`${base}/responses/${status}/content/application~1json/schema`) ? 1 : 0;
      }
    }
    expect(compiled).toBeGreaterThan(25);
  });

  it("describes request bodies as strictly as the zod schemas the handlers parse them with", () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(document as object, "roster-openapi.json");
    const cases: [string, { safeParse(value: unknown): { success: boolean } }, unknown][] = [
      ["UserEmailAddresses", emailAddressesRequest, { emailAddresses: [{ emailAddress: "jane.doe@domain.tld" }] }],
      ["UserEmailAddresses", emailAddressesRequest, { emailAddresses: [] }],
      ["UserEmailAddresses", emailAddressesRequest, { emailAddresses: [{ emailAddress: "x".repeat(201) }] }],
      ["UserEmailAddresses", emailAddressesRequest, { emailAddresses: Array.from({ length: 1001 }, (_, i) => ({ emailAddress: `u${i}@x.tld` })) }],
      ["LinkIdentityRequest", linkIdentityRequest, { identity_provider_id: "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", external_id: "abc" }],
      ["LinkIdentityRequest", linkIdentityRequest, { identity_provider_id: "3F1C2D4E-5A6B-4C7D-8E9F-0A1B2C3D4E5F", external_id: "abc" }],
      ["LinkIdentityRequest", linkIdentityRequest, { identity_provider_id: "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f" }],
    ];
    for (const [name, zodSchema, body] of cases) {
      const validate = ajv.getSchema(`roster-openapi.json#/components/schemas/${name}`)!;
      expect(validate(body), `${name} ${JSON.stringify(body).slice(0, 80)}`).toBe(zodSchema.safeParse(body).success);
    }
  });
});

describe("the documented error responses", () => {
  const KIND_BY_STATUS: Record<number, ApiErrorKind[]> = {
    400: ["invalid_input"],
    401: ["unauthorized"],
    403: ["forbidden", "tenant_mismatch"],
    404: ["not_found"],
    405: ["method_not_allowed"],
    409: ["conflict"],
    413: ["payload_too_large"],
    429: ["rate_limited"],
    500: ["internal"],
  };
  const dialects: [string, Dialect][] = [mendixIdentifiers, mendixDeactivation, jitsudo, os1].map((dialect) => [dialect.name, dialect]);
  const validator = createResponseValidator(document);
  const context = { requestId: "5b0c8f57-0bd9-4c4e-9a55-0d2b8f3e0c11", method: "GET", url: new URL("http://roster.test/api/v1/users?page=1"), bodyText: null };

  it.each(dialects)("match what the %s dialect writes for every status its endpoints document", async (_name, dialect) => {
    const endpoints = documented.filter((endpoint) => endpoint.dialect.name === dialect.name);
    expect(endpoints.length).toBeGreaterThan(0);
    for (const endpoint of endpoints) {
      for (const status of [...(endpoint.errors ?? []), 401, 403, 429, 500]) {
        for (const kind of KIND_BY_STATUS[status] ?? []) {
          const error = new ApiError(
            kind,
            "something went wrong",
            kind === "invalid_input" ? { details: { field: "is wrong" } } : kind === "forbidden" ? { notices: ["some-policy"] } : {},
          );
          const response = dialect.error(error, context);
          const text = String(response.body);
          const contentType = response.headers["content-type"];
          const body = contentType?.includes("json") ? JSON.parse(text) : text;
          expect(
            () => validator.validate(endpoint.method, endpoint.path, response.status, body, contentType),
            `${endpoint.method} ${endpoint.path} ${kind}`,
          ).not.toThrow();
        }
      }
    }
  });
});

describe("createResponseValidator", () => {
  const validator = createResponseValidator(document);
  const identity = {
    id: "i1",
    user_id: null,
    identity_provider_id: "p1",
    provider_name: "Okta",
    provider_type: "oidc",
    external_id: "x",
    linked_by: "manual",
    created_at: "2024-01-01T00:00:00.000Z",
    updated_at: "2024-01-01T00:00:00.000Z",
  };

  it("accepts a body the document describes, through $refs to components", () => {
    expect(() => validator.validate("GET", "/v1/users/{id}/identities", 200, { data: [identity] }, "application/json; charset=utf-8")).not.toThrow();
    expect(() => validator.validate("PATCH", "/v1/platform-users/{uuid}", 204, undefined)).not.toThrow();
    expect(() => validator.validate("PUT", "/api/user-identifiers/v1/uuids", 405, "", "text/plain")).not.toThrow();
    // A concrete path is matched against the templates.
    expect(() => validator.validate("GET", "/v1/users/c5f3afba-cc28-4f56-b922-1e606807bed4/identities", 200, { data: [] })).not.toThrow();
  });

  it("rejects a wrong body with the Ajv errors, and undocumented statuses, paths and content types", () => {
    expect(() => validator.validate("GET", "/v1/users/{id}/identities", 200, { data: [{ ...identity, linked_by: "magic", extra: 1 }] })).toThrow(
      /does not match the document:\n(?=[\s\S]*- \/data\/0\/linked_by must be equal to one of the allowed values)(?=[\s\S]*- \/data\/0 must NOT have additional properties \{"additionalProperty":"extra"\})/,
    );
    expect(() => validator.validate("GET", "/v1/users/{id}/identities", 403, { code: "forbidden" }, "application/json")).toThrow(
      /must have required property 'message'/,
    );
    expect(() => validator.validate("GET", "/v1/users/{id}/identities", 418, {})).toThrow(
      /status 418 is not documented \(documented: 200, 400, 401, 403, 404, 429, 500\)/,
    );
    expect(() => validator.validate("GET", "/nowhere", 200, {})).toThrow(/\/nowhere is not in the document/);
    expect(() => validator.validate("OPTIONS", "/api/health", 200, {})).toThrow(/OPTIONS \/api\/health is not in the document/);
    expect(() => validator.validate("GET", "/api/health", 200, "<html>", "text/html")).toThrow(/content type text\/html is not documented/);
    expect(() => validator.validate("PATCH", "/v1/platform-users/{uuid}", 204, { unexpected: true })).toThrow(/describes no body/);
  });

  it("checks required response headers", () => {
    const headers = { "ratelimit-limit": "10", "ratelimit-remaining": "9", "ratelimit-reset": "60", "x-coreos-request-id": "r1" };
    expect(() => validator.validateHeaders("GET", "/api/v1/users", 200, headers)).not.toThrow();
    expect(() => validator.validateHeaders("GET", "/api/v1/users", 429, headers)).toThrow(/Retry-After is required but missing/);
    expect(() => validator.validateHeaders("GET", "/api/v1/users", 200, { ...headers, "ratelimit-reset": "soon" })).toThrow(
      /RateLimit-Reset must be an integer/,
    );
  });

  it("works with OpenAPI 3.0 documents (nullable, response refs, status ranges)", () => {
    const v30 = createResponseValidator({
      openapi: "3.0.0",
      paths: { "/things/{id}": { get: { responses: { "200": { $ref: "#/components/responses/Thing" }, "4XX": { description: "error" } } } } },
      components: {
        responses: { Thing: { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/thing" } } } } },
        schemas: { thing: { type: "object", properties: { name: { type: "string", nullable: true } }, required: ["name"] } },
      },
    });
    expect(() => v30.validate("get", "/things/{id}", 200, { name: null })).not.toThrow();
    expect(() => v30.validate("get", "/things/{id}", 200, { name: 3 })).toThrow(/\/name must be string/);
    expect(() => v30.validate("get", "/things/{id}", 404, undefined)).not.toThrow();
    expect(() => v30.validate("get", "/things/{id}", 500, undefined)).toThrow(/status 500 is not documented/);
  });
});
