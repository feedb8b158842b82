import type { AnyEndpoint } from "../endpoint";
import { HTTP_METHODS } from "../endpoint";
import { ACTION_REQUIREMENTS } from "@/lib/auth/actions";
import { componentResponses, componentSchemas, errorRef, parametersFrom, responseHeaders, schemaFor, security, successSchemas, type Json } from "./document";
import { API_GROUPS, type ApiGroup } from "./groups";

export type OpenApiDocument = { openapi: "3.1.0"; info: Json; servers: Json[]; tags: Json[]; paths: Record<string, Record<string, Json>>; components: Json };

const groupOf = (endpoint: AnyEndpoint): ApiGroup => API_GROUPS[endpoint.dialect.name]!;

function scopeNote(endpoint: AnyEndpoint): string {
  const scopes: readonly string[] = endpoint.action ? ACTION_REQUIREMENTS[endpoint.action].anyScope : [];
  return scopes.length && endpoint.auth === "token" ? `\n\nScope: ${scopes.map((scope) => `\`${scope}\``).join(" or ")}.` : "";
}

function requestBody(endpoint: AnyEndpoint): Json | undefined {
  if (endpoint.upload) {
    const file = { type: "string", contentMediaType: "application/octet-stream" };
    const content = Object.fromEntries(
      endpoint.upload.contentTypes.map((type) => [
        type,
        { schema: type === "multipart/form-data" ? { type: "object", properties: { file }, required: ["file"] } : { type: "string" } },
      ]),
    );
    return { required: true, description: `${endpoint.upload.description}; at most ${endpoint.upload.maxBytes / 1024 / 1024} MB.`, content };
  }
  if (!endpoint.body) return undefined;
  const example = endpoint.docs?.bodyExample;
  const media = { schema: schemaFor(endpoint.body, "input"), ...(example !== undefined && { example }) };
  // SCIM clients send application/scim+json, and some plain JSON (RFC 7644 §3.1 asks servers to take both).
  const types = [...new Set([groupOf(endpoint).mediaType, "application/json"].filter((type): type is string => Boolean(type)))];
  return { required: true, content: Object.fromEntries(types.map((type) => [type, media])) };
}

function operation(endpoint: AnyEndpoint, success: Json | undefined): Json {
  const dialect = endpoint.dialect.name;
  const { response } = endpoint;
  const parameters = [
    ...parametersFrom(endpoint.params, "path", endpoint),
    ...parametersFrom(endpoint.query, "query", endpoint),
    ...(dialect === "os1" ? [{ $ref: "#/components/parameters/Os1RequestId" }] : []),
  ];
  const mediaType = groupOf(endpoint).mediaType ?? "application/json";
  const content = response.contentType ? { [response.contentType]: { schema: { type: "string" } } } : success && { [mediaType]: { schema: success } };
  const responses: Record<string, Json> = {
    [response.status]: { description: response.description, headers: responseHeaders(dialect, response.status), ...(content && { content }) },
  };
  const authenticated = endpoint.auth !== "none";
  const errors = [...new Set([...(endpoint.errors ?? []), ...(authenticated ? [401, 403, 429, 500] : [])])].sort((a, b) => a - b);
  for (const status of errors) {
    // Service endpoints answer their failures in the shape of their success (health: 503).
    responses[status] = authenticated
      ? errorRef(groupOf(endpoint), status)
      : { description: "Unavailable", ...(success && { content: { "application/json": { schema: success } } }) };
  }
  const body = requestBody(endpoint);
  return {
    tags: [groupOf(endpoint).tag],
    operationId: endpoint.operationId,
    summary: endpoint.docs?.summary ?? endpoint.operationId,
    description: (endpoint.docs?.description ?? "") + scopeNote(endpoint),
    security: security(endpoint),
    ...(parameters.length && { parameters }),
    ...(body && { requestBody: body }),
    responses,
  };
}

function notAllowedOperation(path: string, method: string, group: ApiGroup, allowed: string[]): Json {
  return {
    tags: [group.tag],
    operationId: `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}NotAllowed`,
    summary: "Method not allowed",
    description: `Answers 405 in the API's error format, without checking credentials; use ${allowed.join(" or ")}.`,
    security: [],
    "x-roster-not-allowed": true,
    responses: { 405: errorRef(group, 405), 429: errorRef(group, 429) },
  };
}

const headerSchema = (description: string, schema: Json, required = true) => ({ description, required, schema });
const apiKey = (name: string, description: string) => ({ type: "apiKey", in: "header", name, description });

/** The document for the given endpoints (the registry's); console endpoints are skipped. */
export function buildOpenApiDocument(all: readonly AnyEndpoint[]): OpenApiDocument {
  const endpoints = all.filter((endpoint) => endpoint.dialect.family !== "console");
  const successes = successSchemas(endpoints);
  const { schemas, envelopeIds } = componentSchemas(endpoints, successes);
  const paths: Record<string, Record<string, Json>> = {};
  for (const endpoint of endpoints) {
    const success = successes.get(endpoint);
    (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint, success && schemaFor(success, "output", envelopeIds));
  }
  for (const [path, item] of Object.entries(paths)) {
    const first = endpoints.find((endpoint) => endpoint.path === path)!;
    if (first.dialect.family !== "vendor") continue;
    const allowed = endpoints.filter((endpoint) => endpoint.path === path).map((endpoint) => endpoint.method);
    for (const method of [...HTTP_METHODS, "OPTIONS"].filter((m) => !allowed.includes(m as never)))
      item[method.toLowerCase()] = notAllowedOperation(path, method.toLowerCase(), groupOf(first), allowed);
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Roster API",
      version: "1.0.0",
      description:
        "Roster answers four vendors' APIs with one personal access token (PAT), each in its own header style and error format. The tenant always comes from the token. Every API response carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; a 429 also carries Retry-After.",
    },
    servers: [{ url: "/", description: "This Roster server" }],
    tags: Object.values(API_GROUPS).map((group) => ({ name: group.tag, description: group.description })),
    paths,
    components: {
      schemas,
      responses: componentResponses(),
      parameters: {
        Os1RequestId: {
          name: "X-COREOS-REQUEST-ID",
          in: "header",
          required: false,
          description: "Your request id; echoed in the response header and in `request.requestId` (one is generated when absent).",
          schema: { type: "string", maxLength: 200 },
        },
      },
      headers: {
        RateLimitLimit: headerSchema("Requests allowed per window for this token (or client address before authentication).", { type: "integer" }),
        RateLimitRemaining: headerSchema("Requests left in the current window.", { type: "integer" }),
        RateLimitReset: headerSchema("Seconds until the window resets.", { type: "integer" }),
        RetryAfter: headerSchema("Seconds to wait before retrying.", { type: "integer" }),
        Allow: headerSchema("The methods the path supports.", { type: "string" }),
        Os1RequestId: headerSchema("The request id: yours from X-COREOS-REQUEST-ID, or a generated one.", { type: "string" }),
        ETag: headerSchema("The resource's version (SCIM meta.version), a weak ETag for If-Match and If-None-Match.", { type: "string" }, false),
        Location: headerSchema("The created resource's URI (SCIM meta.location).", { type: "string" }),
      },
      securitySchemes: {
        MxToken: apiKey("Authorization", "`Authorization: MxToken <PAT>` (Mendix APIs)."),
        JitsudoApiKey: apiKey("X-API-Key", "`X-API-Key: <PAT>` (JITSudo)."),
        JitsudoBearer: { type: "http", scheme: "bearer", description: "`Authorization: Bearer <PAT>` (JITSudo, instead of X-API-Key)." },
        JitsudoTenant: apiKey(
          "X-Tenant-ID",
          "`X-Tenant-ID: <tenant uuid>`, required with either JITSudo credential; another tenant's id is a 403 `tenant_mismatch`.",
        ),
        Os1Access: apiKey("X-COREOS-ACCESS", "`X-COREOS-ACCESS: <PAT>` (OS1)."),
        Os1Tenant: apiKey("X-COREOS-TID", "`X-COREOS-TID: <tenant uuid>`, required; another tenant's id is a 403 `TENANT_MISMATCH`."),
        ScimBearer: {
          type: "http",
          scheme: "bearer",
          description: "`Authorization: Bearer rscim_…`: a provisioning token of one of the tenant's SCIM identity providers (SCIM 2.0).",
        },
      },
    },
  };
}
