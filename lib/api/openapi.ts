import { z } from "zod";
import { API_GROUPS, ENDPOINTS, NOT_ALLOWED, type ApiName, type EndpointSpec, type HttpMethod, type NotAllowedSpec, type ParameterDoc } from "./openapi-endpoints";
import * as schemas from "./schemas";

/**
 * The OpenAPI 3.1 description of every Roster API endpoint. Schemas come from the zod schemas the
 * handlers parse and answer with (lib/api/schemas.ts), so the document cannot drift from them;
 * the endpoint table beside this file adds what zod cannot know (summaries, statuses, auth).
 */

type Json = Record<string, unknown>;

const SCHEMA_REF = "#/components/schemas/";
const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

const SCHEMA_DESCRIPTIONS: Record<string, string> = {
  UserEmailAddresses: "Email addresses to look up: at least one, at most 1,000, each at most 200 characters.",
  UserIdentifiersPayload: "The UUIDs found; `error` is `{}` when every address was found.",
  MendixIdentifiersError: "Error body of the Mendix User Identifiers API.",
  DeactivationRequest: "Only `false` is accepted: this API deactivates, it never reactivates.",
  MendixDeactivationError: "Error body of the Mendix User Deactivation API; `instance` is `urn:uuid:<request id>`.",
  MendixDeactivationRateLimit: "The Mendix User Deactivation API's own 429 body.",
  Identity: "A user's account at an identity provider (JITSudo fields, snake_case, ISO 8601 timestamps).",
  LinkIdentityRequest: "The account to link; `identity_provider_id` must be a provider of your tenant.",
  JitsudoError: "Error body of JITSudo: `notices` lists the ids of the policies that decided a denial.",
  Os1User: "A user in OS1 form: `id` is `user:<uuid>`, timestamps are epoch seconds; `select` may leave attributes out.",
  Os1Error: "Error envelope of OS1: `data` is null and `request` echoes the request.",
};

/** The Mendix deactivation 429 body is not a dialect error, so no zod schema describes it. */
const EXTRA_SCHEMAS: Record<string, Json> = {
  MendixDeactivationRateLimit: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
};

/** Drops the keywords zod writes at the root of a standalone schema; components sit inside the document. */
function withoutRootKeywords(schema: Json): Json {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema" && key !== "$id"));
}

function idOf(schema: z.ZodType): string | undefined {
  const id = z.globalRegistry.get(schema)?.id;
  return typeof id === "string" ? id : undefined;
}

/** Converts every named schema of schemas.ts; request bodies as input, everything else as output. */
function componentSchemas(): Record<string, Json> {
  const bodies = new Set(ENDPOINTS.flatMap((e) => (e.body ? [e.body] : [])));
  const registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  for (const value of Object.values(schemas)) {
    if (!(value instanceof z.ZodType)) continue;
    const id = idOf(value);
    if (id) registries[bodies.has(value) ? "input" : "output"].add(value, { id });
  }
  const result: Record<string, Json> = {};
  for (const io of ["input", "output"] as const) {
    const converted = z.toJSONSchema(registries[io], { target: "draft-2020-12", io, uri: (id) => `${SCHEMA_REF}${id}` });
    for (const [id, schema] of Object.entries(converted.schemas)) {
      if (id === "__shared") throw new Error(`openapi: a nested schema with an id is not exported from schemas.ts: ${Object.keys((schema as Json).$defs as Json)}`);
      if (result[id]) throw new Error(`openapi: schema id ${id} is used both as a request body and in a response`);
      result[id] = { ...withoutRootKeywords(schema as Json), ...(SCHEMA_DESCRIPTIONS[id] && { description: SCHEMA_DESCRIPTIONS[id] }) };
    }
  }
  return { ...result, ...EXTRA_SCHEMAS };
}

function schemaFor(schema: z.ZodType, io: "input" | "output"): Json {
  const id = idOf(schema);
  if (id) return { $ref: `${SCHEMA_REF}${id}` };
  return withoutRootKeywords(z.toJSONSchema(schema, { target: "draft-2020-12", io }) as Json);
}

/** Path and query parameters from the zod object the handler parses them with. */
function parametersFrom(schema: z.ZodType | undefined, location: "path" | "query", docs: Record<string, ParameterDoc> = {}): Json[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const doc = docs[name];
    return {
      name,
      in: location,
      required: location === "path" || (json.required ?? []).includes(name),
      ...(doc && { description: doc.description }),
      schema: property,
      ...(doc?.example !== undefined && { example: doc.example }),
    };
  });
}

const STATUS_NAMES: Record<number, string> = {
  400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
  409: "Conflict", 413: "PayloadTooLarge", 429: "TooManyRequests", 500: "InternalServerError",
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input: malformed JSON, wrong types, or a bad path or query parameter",
  401: "No token, or a token that is unknown, revoked, expired, or whose owner is inactive",
  403: "The token may not do this: a missing scope or a policy denial",
  404: "No such user in your tenant",
  405: "Method not allowed; the Allow header lists the methods",
  409: "That account is already linked",
  413: "The request body is larger than the server accepts",
  429: "Rate limit exceeded; retry after Retry-After seconds",
  500: "Internal error (the cause is logged, never returned)",
};

const DIALECT_NOTES: Partial<Record<ApiName, Record<number, string>>> = {
  mendixIdentifiers: {
    400: "Invalid request: malformed JSON, no or more than 1,000 addresses, an address over 200 characters, or a body too large",
    403: "The token lacks the scope; errorText names the required and provided scopes",
    405: "Method not allowed: an empty text/plain body, as the Mendix runtime answers",
  },
  mendixDeactivation: { 400: "Invalid input: malformed JSON, a non-boolean or `true` active, a bad UUID, or a body too large", 403: "Missing scope, not an admin of the company, or deactivating yourself" },
  jitsudo: {
    400: "Invalid input (`invalid_input`, with field problems in `details`), or a missing X-Tenant-ID header",
    403: "`tenant_mismatch` when X-Tenant-ID names another tenant; `forbidden` when a policy denies, with the deciding policy ids in `notices`",
  },
  os1: { 400: "BAD_REQUEST: an invalid parameter, or a missing X-COREOS-TID header", 403: "TENANT_MISMATCH when X-COREOS-TID names another tenant; FORBIDDEN when the token lacks the scope" },
};

const RESPONSE_PREFIX: Record<ApiName, string> = { mendixIdentifiers: "MendixIdentifiers", mendixDeactivation: "MendixDeactivation", jitsudo: "Jitsudo", os1: "Os1", service: "Service" };
const API_STATUSES = [400, 401, 403, 404, 405, 409, 413, 429, 500];

function responseHeaders(api: ApiName, status: number): Json {
  if (api === "service") return {};
  return {
    "RateLimit-Limit": ref("headers", "RateLimitLimit"),
    "RateLimit-Remaining": ref("headers", "RateLimitRemaining"),
    "RateLimit-Reset": ref("headers", "RateLimitReset"),
    ...(status === 429 && { "Retry-After": ref("headers", "RetryAfter") }),
    ...(status === 405 && { Allow: ref("headers", "Allow") }),
    // The 405 answer is written before the request is read, so it does not echo the request id.
    ...(api === "os1" && status !== 405 && { "X-COREOS-REQUEST-ID": ref("headers", "Os1RequestId") }),
  };
}

function errorResponse(api: ApiName, status: number): Json {
  const description = DIALECT_NOTES[api]?.[status] ?? ERROR_DESCRIPTIONS[status] ?? "Error";
  const headers = responseHeaders(api, status);
  if (api === "mendixIdentifiers" && status === 405) {
    return { description, headers, content: { "text/plain": { schema: { type: "string", maxLength: 0 } } } };
  }
  const schemaName = api === "mendixDeactivation" && status === 429 ? "MendixDeactivationRateLimit" : API_GROUPS[api].errorSchema!;
  return { description, headers, content: { "application/json": { schema: ref("schemas", schemaName) } } };
}

function componentResponses(): Record<string, Json> {
  const responses: Record<string, Json> = {};
  for (const api of ["mendixIdentifiers", "mendixDeactivation", "jitsudo", "os1"] as const) {
    for (const status of API_STATUSES) responses[`${RESPONSE_PREFIX[api]}${STATUS_NAMES[status]}`] = errorResponse(api, status);
  }
  return responses;
}

const errorRef = (api: ApiName, status: number) => ref("responses", `${RESPONSE_PREFIX[api]}${STATUS_NAMES[status]}`);

function security(api: ApiName, scope: string | undefined): Json[] {
  return API_GROUPS[api].security.map((schemes) =>
    Object.fromEntries(Object.entries(schemes).map(([name, kind]) => [name, kind === "scope" && scope ? [scope] : []])),
  );
}

function operation(spec: EndpointSpec): Json {
  const { api, success } = spec;
  const parameters = [
    ...parametersFrom(spec.params, "path", spec.parameters),
    ...parametersFrom(spec.query, "query", spec.parameters),
    ...(api === "os1" ? [ref("parameters", "Os1RequestId")] : []),
  ];
  const successSchema = success.schema ? schemaFor(success.schema, "output") : success.jsonSchema;
  const responses: Record<string, Json> = {
    [success.status]: {
      description: success.description,
      headers: responseHeaders(api, success.status),
      ...(successSchema && { content: { "application/json": { schema: successSchema } } }),
    },
  };
  for (const status of api === "service" ? spec.errors : [...spec.errors, 429, 500]) {
    // Service endpoints answer their failures in the shape of their success (health: 503).
    responses[status] = api === "service" ? { description: "Unavailable", content: { "application/json": { schema: successSchema } } } : errorRef(api, status);
  }
  return {
    tags: [API_GROUPS[api].tag],
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description + (spec.scope ? `\n\nScope: \`${spec.scope}\`.` : ""),
    security: security(api, spec.scope),
    ...(parameters.length && { parameters }),
    ...(spec.body && {
      requestBody: { required: true, content: { "application/json": { schema: schemaFor(spec.body, "input"), ...(spec.bodyExample !== undefined && { example: spec.bodyExample }) } } },
    }),
    responses,
  };
}

function notAllowedOperation(spec: NotAllowedSpec, method: HttpMethod): Json {
  return {
    tags: [API_GROUPS[spec.api].tag],
    operationId: `${method}${spec.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}NotAllowed`,
    summary: "Method not allowed",
    description: `Answers 405 in the API's error format, without checking credentials; use ${spec.allowed.join(" or ")}.`,
    security: [],
    "x-roster-not-allowed": true,
    responses: { 405: errorRef(spec.api, 405), 429: errorRef(spec.api, 429) },
  };
}

const headerSchema = (description: string, schema: Json, required = true) => ({ description, required, schema });

export type OpenApiDocument = Json & { openapi: "3.1.0"; paths: Record<string, Record<string, Json>>; components: Json };

export function buildOpenApiDocument(): OpenApiDocument {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of ENDPOINTS) (paths[spec.path] ??= {})[spec.method] = operation(spec);
  for (const spec of NOT_ALLOWED) for (const method of spec.methods) (paths[spec.path] ??= {})[method] = notAllowedOperation(spec, method);

  const apiKey = (name: string, description: string) => ({ type: "apiKey", in: "header", name, description });
  return {
    openapi: "3.1.0",
    info: {
      title: "Roster API",
      version: "1.0.0",
      description:
        "Roster answers four vendors' APIs with one personal access token (PAT), each in its own header style and error format. The tenant always comes from the token. Every API response carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; a 429 also carries Retry-After.",
    },
    servers: [{ url: "/", description: "This Roster server" }],
    tags: (Object.keys(API_GROUPS) as ApiName[]).map((api) => ({ name: API_GROUPS[api].tag, description: API_GROUPS[api].description })),
    paths,
    components: {
      schemas: componentSchemas(),
      responses: componentResponses(),
      parameters: {
        Os1RequestId: { name: "X-COREOS-REQUEST-ID", in: "header", required: false, description: "Your request id; echoed in the response header and in `request.requestId` (one is generated when absent).", schema: { type: "string", maxLength: 200 } },
      },
      headers: {
        RateLimitLimit: headerSchema("Requests allowed per window for this token (or client address before authentication).", { type: "integer" }),
        RateLimitRemaining: headerSchema("Requests left in the current window.", { type: "integer" }),
        RateLimitReset: headerSchema("Seconds until the window resets.", { type: "integer" }),
        RetryAfter: headerSchema("Seconds to wait before retrying.", { type: "integer" }),
        Allow: headerSchema("The methods the path supports.", { type: "string" }),
        Os1RequestId: headerSchema("The request id: yours from X-COREOS-REQUEST-ID, or a generated one.", { type: "string" }),
      },
      securitySchemes: {
        MxToken: apiKey("Authorization", "`Authorization: MxToken <PAT>` (Mendix APIs)."),
        JitsudoApiKey: apiKey("X-API-Key", "`X-API-Key: <PAT>` (JITSudo)."),
        JitsudoBearer: { type: "http", scheme: "bearer", description: "`Authorization: Bearer <PAT>` (JITSudo, instead of X-API-Key)." },
        JitsudoTenant: apiKey("X-Tenant-ID", "`X-Tenant-ID: <tenant uuid>`, required with either JITSudo credential; another tenant's id is a 403 `tenant_mismatch`."),
        Os1Access: apiKey("X-COREOS-ACCESS", "`X-COREOS-ACCESS: <PAT>` (OS1)."),
        Os1Tenant: apiKey("X-COREOS-TID", "`X-COREOS-TID: <tenant uuid>`, required; another tenant's id is a 403 `TENANT_MISMATCH`."),
      },
    },
  };
}
