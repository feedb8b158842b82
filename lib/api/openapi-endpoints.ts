import type { z } from "zod";
import * as s from "./schemas";
import { LEAVER_ENDPOINTS, LEAVER_NOT_ALLOWED } from "@/lib/leavers/openapi";

/**
 * What the OpenAPI document says about each endpoint, beside the zod schemas the handlers parse
 * with. openapi.ts turns this table into the document; openapi.test.ts checks it against app/.
 */

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete" | "options";
export type ApiName = "mendixIdentifiers" | "mendixDeactivation" | "jitsudo" | "os1" | "service";
type JsonSchema = Record<string, unknown>;

export type ApiGroup = {
  tag: string;
  description: string;
  /** Security schemes (all of one entry at once); the scope is added per operation. */
  security: Record<string, "scope" | "none">[];
  /** The error body of the dialect, a schema in components/schemas. */
  errorSchema?: string;
};

export const API_GROUPS: Record<ApiName, ApiGroup> = {
  mendixIdentifiers: {
    tag: "Mendix User Identifiers",
    description: "Compatible with the Mendix User Identifiers API (`user-identifier-api.yaml`): email addresses → user UUIDs.",
    security: [{ MxToken: "scope" }],
    errorSchema: "MendixIdentifiersError",
  },
  mendixDeactivation: {
    tag: "Mendix User Deactivation",
    description: "Compatible with the Mendix User Deactivation API (`user-deactivation-api.yaml`): switch a user off by UUID.",
    security: [{ MxToken: "scope" }],
    errorSchema: "MendixDeactivationError",
  },
  jitsudo: {
    tag: "JITSudo",
    description: "Compatible with JITSudo's user identities API: a user's accounts at identity providers.",
    security: [
      { JitsudoApiKey: "scope", JitsudoTenant: "none" },
      { JitsudoBearer: "scope", JitsudoTenant: "none" },
    ],
    errorSchema: "JitsudoError",
  },
  os1: {
    tag: "OS1",
    description: "Compatible with Delhivery OS1's User API. Ids are written `user:<uuid>`; timestamps are epoch seconds.",
    security: [{ Os1Access: "scope", Os1Tenant: "none" }],
    errorSchema: "Os1Error",
  },
  service: { tag: "Service", description: "Health and this description; no credentials needed.", security: [] },
};

export type ParameterDoc = { description: string; example?: string };

export type EndpointSpec = {
  api: ApiName;
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  scope?: string;
  /** The zod schemas the handler parses its route params and query string with. */
  params?: z.ZodType;
  query?: z.ZodType;
  parameters?: Record<string, ParameterDoc>;
  body?: z.ZodType;
  bodyExample?: unknown;
  success: { status: number; description: string; schema?: z.ZodType; jsonSchema?: JsonSchema };
  /** Error statuses the endpoint can answer (429 and 500 are added to every API endpoint). */
  errors: number[];
};

/** Methods a route file exports only to answer 405 in its dialect. */
export type NotAllowedSpec = { api: ApiName; path: string; methods: HttpMethod[]; allowed: string[] };

const EMAILS_EXAMPLE = { emailAddresses: [{ emailAddress: "jane.doe@domain.tld" }] };
const USER_UUID = "c5f3afba-cc28-4f56-b922-1e606807bed4";
const identifiersLookup = (method: "get" | "post"): EndpointSpec => ({
  api: "mendixIdentifiers",
  method,
  path: "/api/user-identifiers/v1/uuids",
  operationId: method === "post" ? "getUserIdentifiers" : "getUserIdentifiersWithGet",
  summary: method === "post" ? "Get UUIDs of email addresses" : "Get UUIDs of email addresses (GET with a JSON body)",
  description:
    (method === "post" ? "" : "The same as POST, for scripts that follow older Mendix docs: the JSON body is sent with GET. ") +
    "Up to 1,000 addresses a request, each at most 200 characters. Addresses are echoed exactly as sent; those not found in your company are listed under `error`.",
  scope: "mx:mxid3:user-identifiers:uuid:read",
  body: s.emailAddressesRequest,
  bodyExample: EMAILS_EXAMPLE,
  success: { status: 200, description: "The UUIDs found, and the addresses that were not", schema: s.userIdentifiersResponse },
  errors: [400, 401, 403],
});

const os1Endpoint = (spec: Omit<EndpointSpec, "api" | "method" | "scope">): EndpointSpec => ({ api: "os1", method: "get", scope: "users:read", ...spec });
const idsDocs: Record<string, ParameterDoc> = {
  ids: { description: "Comma-separated user ids (`<uuid>`, `user:<uuid>`, `users:<uuid>` or `ref:<code>`), at most 10; ids that are not ids are ignored.", example: `user:${USER_UUID}` },
  userId: { description: "Alias of `ids`; both may be given and are merged." },
};

export const ENDPOINTS: EndpointSpec[] = [
  identifiersLookup("post"),
  identifiersLookup("get"),
  {
    api: "mendixDeactivation",
    method: "patch",
    path: "/v1/platform-users/{uuid}",
    operationId: "deactivatePlatformUser",
    summary: "Deactivate a user",
    description:
      "Sets the user inactive, revokes every token and console session of the user and writes one audit event. Idempotent: deactivating an inactive user answers 204 and changes nothing. `active: true` is refused (reactivate in the console). The caller must be an admin and cannot deactivate themselves.",
    scope: "mx:user-deactivation:write",
    params: s.platformUserParams,
    parameters: { uuid: { description: "UUID of the user (lowercase).", example: USER_UUID } },
    body: s.deactivationRequest,
    bodyExample: { active: false },
    success: { status: 204, description: "Deactivated (or already inactive)" },
    errors: [400, 401, 403, 404],
  },
  {
    api: "jitsudo",
    method: "get",
    path: "/v1/users/{id}/identities",
    operationId: "listUserIdentities",
    summary: "List a user's identities",
    description: "The user's accounts at identity providers (OIDC, SAML, SCIM, LDAP).",
    scope: "users:read",
    params: s.userIdParams,
    parameters: { id: { description: "UUID of the user.", example: USER_UUID } },
    success: { status: 200, description: "The user's identities", schema: s.identitiesResponse },
    errors: [400, 401, 403, 404],
  },
  {
    api: "jitsudo",
    method: "post",
    path: "/v1/users/{id}/identities",
    operationId: "createUserIdentity",
    summary: "Link an identity to a user",
    description: "Links an account at one of your tenant's identity providers to the user, with `linked_by: manual`. Admins only.",
    scope: "identities:write",
    params: s.userIdParams,
    parameters: { id: { description: "UUID of the user.", example: USER_UUID } },
    body: s.linkIdentityRequest,
    bodyExample: { identity_provider_id: "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", external_id: "00u1abcd", external_email: "jane.doe@domain.tld" },
    success: { status: 201, description: "The identity, linked", schema: s.identityResponse },
    errors: [400, 401, 403, 404, 409, 413],
  },
  os1Endpoint({
    path: "/api/v1/users",
    operationId: "listUsers",
    summary: "ListUsers",
    description: "Pages through the tenant's users, newest first by default.",
    query: s.listUsersQuery,
    parameters: {
      page: { description: "Page number, from 1 (default 1). A list goes at most 10,000 rows deep: page × size above 10,000 is a 400; narrow the list with `query` instead.", example: "1" },
      size: { description: "Users per page, 1–100 (default 20).", example: "20" },
      select: { description: `Comma-separated attributes to return (\`id\` is always kept): ${s.OS1_USER_ATTRIBUTES.join(", ")}.`, example: "name,email" },
      query: { description: "Matches email, name and unique code as a substring, case-insensitively (Unicode case folding: `STRASSE` finds Straße). At least 3 characters; a query that matches more than 10,000 users is a 400 asking for a longer one." },
      sortBy: { description: "Sort direction." },
      sortKey: { description: "Attribute to sort by; any other value is a 400." },
      additionalInfo: { description: "`true` adds `additionalInfo: {active, deactivatedAt, identitiesCount}` to each user (default false)." },
    },
    success: { status: 200, description: "One page of users", schema: s.listUsersResponse },
    errors: [400, 401, 403],
  }),
  os1Endpoint({
    path: "/api/v1/users/{userId}",
    operationId: "getUser",
    summary: "GetUser",
    description: "One user by id or external reference.",
    params: s.getUserParams,
    query: s.getUserQuery,
    parameters: {
      userId: { description: "`<uuid>`, `user:<uuid>`, `users:<uuid>`, or `ref:<code>` where code is an aaaId, userCode or uniqueCode.", example: `user:${USER_UUID}` },
      includeProperties: { description: "`false` leaves `properties` out (default true)." },
    },
    success: { status: 200, description: "The user", schema: s.getUserResponse },
    errors: [400, 401, 403, 404],
  }),
  os1Endpoint({
    path: "/api/v1/users/email",
    operationId: "getUserEmail",
    summary: "GetUserEmail",
    description: "Email addresses of up to 10 users.",
    query: s.contactQuery,
    parameters: idsDocs,
    success: { status: 200, description: "The users found, with their email address", schema: s.userEmailsResponse },
    errors: [400, 401, 403],
  }),
  os1Endpoint({
    path: "/api/v1/users/mobile",
    operationId: "getUserMobile",
    summary: "GetUserMobile",
    description: "Mobile numbers of up to 10 users.",
    query: s.contactQuery,
    parameters: idsDocs,
    success: { status: 200, description: "The users found, with their mobile numbers", schema: s.userMobilesResponse },
    errors: [400, 401, 403],
  }),
  {
    api: "service",
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    summary: "Health",
    description: "Liveness and database reachability, for load balancers.",
    success: {
      status: 200,
      description: "Up, database reachable (503 with `status: error` when it is not)",
      jsonSchema: {
        type: "object",
        properties: {
          status: { enum: ["ok", "error"] },
          database: { type: "object", properties: { status: { enum: ["ok", "error"] }, journalMode: { type: "string" }, message: { type: "string" } }, required: ["status"] },
        },
        required: ["status", "database"],
      },
    },
    errors: [503],
  },
  {
    api: "service",
    method: "get",
    path: "/api/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This OpenAPI document",
    description: "The OpenAPI 3.1 description of every endpoint, generated from the schemas the handlers validate with.",
    success: { status: 200, description: "An OpenAPI 3.1 document", jsonSchema: { type: "object", required: ["openapi", "paths"] } },
    errors: [],
  },
  ...LEAVER_ENDPOINTS,
];

export const NOT_ALLOWED: NotAllowedSpec[] = [
  { api: "mendixIdentifiers", path: "/api/user-identifiers/v1/uuids", methods: ["put", "patch", "delete", "options"], allowed: ["POST", "GET"] },
  { api: "mendixDeactivation", path: "/v1/platform-users/{uuid}", methods: ["get", "post", "put", "delete", "options"], allowed: ["PATCH"] },
  { api: "jitsudo", path: "/v1/users/{id}/identities", methods: ["put", "patch", "delete", "options"], allowed: ["GET", "POST"] },
  ...["/api/v1/users", "/api/v1/users/{userId}", "/api/v1/users/email", "/api/v1/users/mobile"].map(
    (path): NotAllowedSpec => ({ api: "os1", path, methods: ["post", "put", "patch", "delete", "options"], allowed: ["GET"] }),
  ),
  ...LEAVER_NOT_ALLOWED,
];
