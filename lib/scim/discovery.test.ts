import { describe, expect, it } from "vitest";
import { createResponseValidator } from "@/e2e/fixtures/openapi-validator";
import { scimDialect } from "@/lib/api/dialects/scim";
import { ApiError, type ApiErrorKind } from "@/lib/api/errors";
import { ENDPOINTS, openApiDocument } from "@/lib/api/registry";
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from "./attributes";
import { documentList, schemaDocument, schemaDocuments, serviceProviderConfig, userResourceType } from "./discovery";
import { MAX_COUNT } from "./list-params";
import { ORIGIN, recordOf } from "./test-records";
import { readScimUser } from "./user-input";
import { renderScimUser } from "./user-resource";

type Attribute = { name: string; field?: unknown; subAttributes?: Attribute[] };

describe("the discovery documents", () => {
  it("advertise patch, filter with the count cap, sort and ETags; no bulk, no password changes", () => {
    expect(serviceProviderConfig(ORIGIN)).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: MAX_COUNT },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: "oauthbearertoken" })],
      meta: { location: `${ORIGIN}/scim/v2/ServiceProviderConfig` },
    });
  });

  it("offer User alone, with the enterprise extension, at /Users", () => {
    expect(userResourceType(ORIGIN)).toMatchObject({
      id: "User",
      endpoint: "/Users",
      schema: CORE_USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    });
    expect(documentList([userResourceType(ORIGIN)])).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
  });

  it("describe each attribute by RFC 7643 §7 and nothing of Roster's own mapping", () => {
    const [core, enterprise] = schemaDocuments(ORIGIN) as unknown as { id: string; attributes: Attribute[] }[];
    expect(core!.id).toBe(CORE_USER_SCHEMA);
    expect(core!.attributes.map((attribute) => attribute.name)).toEqual(
      expect.arrayContaining(["id", "externalId", "userName", "name", "emails", "phoneNumbers", "active"]),
    );
    expect(enterprise!.attributes.map((attribute) => attribute.name)).toEqual([
      "employeeNumber",
      "costCenter",
      "organization",
      "division",
      "department",
      "manager",
    ]);
    expect(JSON.stringify(schemaDocuments(ORIGIN))).not.toContain('"field"');
    expect(schemaDocument(ORIGIN, ENTERPRISE_USER_SCHEMA.toLowerCase())).toEqual(schemaDocuments(ORIGIN)[1]);
    expect(schemaDocument(ORIGIN, "urn:ietf:params:scim:schemas:core:2.0:Group")).toBeUndefined();
  });
});

describe("the OpenAPI document's SCIM endpoints", () => {
  const document = openApiDocument();
  const validator = createResponseValidator(document);
  const scim = ENDPOINTS.filter((endpoint) => endpoint.dialect.name === "scim");
  const context = { requestId: "r1", method: "GET", url: new URL(`${ORIGIN}/scim/v2/Users`), bodyText: null };
  const KINDS: Record<number, ApiErrorKind> = {
    400: "invalid_input",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal",
  };

  it("describe every error the SCIM dialect writes, as application/scim+json", () => {
    expect(scim.length).toBe(12);
    for (const endpoint of scim) {
      for (const status of [...(endpoint.errors ?? []), 401, 403, 429, 500].filter((s) => s >= 400)) {
        const response = scimDialect.error(new ApiError(KINDS[status]!, "went wrong", { scimType: status === 400 ? "invalidValue" : undefined }), context);
        const contentType = response.headers["content-type"];
        expect(
          () => validator.validate(endpoint.method, endpoint.path, response.status, JSON.parse(String(response.body)), contentType),
          `${endpoint.operationId} ${status}`,
        ).not.toThrow();
      }
    }
  });

  it("describe the resources, lists and 304 answers as the endpoints write them", () => {
    const resource = renderScimUser(recordOf(readScimUser({ userName: "jane@example.test", phoneNumbers: [{ value: "+1 201 555 0123" }] })), ORIGIN);
    const type = "application/scim+json; charset=utf-8";
    expect(() => validator.validate("GET", "/scim/v2/Users/{id}", 200, resource, type)).not.toThrow();
    expect(() => validator.validate("POST", "/scim/v2/Users", 201, resource, type)).not.toThrow();
    const list = { schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [resource] };
    expect(() => validator.validate("GET", "/scim/v2/Users", 200, list, type)).not.toThrow();
    expect(() => validator.validate("GET", "/scim/v2/Users/{id}", 304, undefined)).not.toThrow();
    expect(() => validator.validate("GET", "/scim/v2/Schemas", 200, documentList(schemaDocuments(ORIGIN)), type)).not.toThrow();
    expect(() => validator.validate("GET", "/scim/v2/Users/{id}", 200, { ...resource, password: "x" }, type)).toThrow(/additional properties/);
  });
});
