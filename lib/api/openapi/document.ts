import { z } from "zod";
import { ACTION_REQUIREMENTS } from "@/lib/auth/actions";
import type { DialectName } from "../dialects/types";
import type { AnyEndpoint } from "../endpoint";
import * as scimSchemas from "@/lib/scim/wire";
import * as schemas from "../schemas";
import { API_GROUPS, API_STATUSES, DIALECT_NOTES, ERROR_DESCRIPTIONS, SCHEMA_DESCRIPTIONS, STATUS_NAMES, type ApiGroup } from "./groups";

/**
 * The OpenAPI 3.1 description of the API, derived from the registry's endpoint declarations: the
 * same paths, methods, schemas and policy actions the server dispatches by, so it cannot drift.
 * The console's own endpoints are left out (they are not for automation).
 */

type Json = Record<string, unknown>;
const SCHEMA_REF = "#/components/schemas/";
const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const idOf = (schema: z.core.$ZodType) => z.globalRegistry.get(schema)?.id as string | undefined;
const withoutRootKeywords = (schema: Json): Json => Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema" && key !== "$id"));
const groupOf = (endpoint: AnyEndpoint): ApiGroup => API_GROUPS[endpoint.dialect.name]!;

/** The Mendix deactivation 429 body is not a dialect error, so no zod schema describes it. */
const EXTRA_SCHEMAS: Record<string, Json> = {
  MendixDeactivationRateLimit: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
};

/** The documented success body: the handler's schema, in the dialect's envelope where it has one (OS1). */
function successSchemas(endpoints: AnyEndpoint[]): Map<AnyEndpoint, z.core.$ZodType> {
  const bodies = new Map<AnyEndpoint, z.core.$ZodType>();
  for (const endpoint of endpoints) {
    const schema = endpoint.response.schema;
    if (schema) bodies.set(endpoint, endpoint.dialect.successSchema?.(schema) ?? schema);
  }
  return bodies;
}

/**
 * Every named schema as a component (request bodies as input, everything else as output), and the
 * ids given to the dialects' envelopes around named schemas (OS1: `Os1UserPage` → `Os1UserPageResponse`).
 */
function componentSchemas(
  endpoints: AnyEndpoint[],
  successes: Map<AnyEndpoint, z.core.$ZodType>,
): { schemas: Record<string, Json>; envelopeIds: Map<z.core.$ZodType, string> } {
  const bodies = new Set<unknown>(endpoints.flatMap((e) => (e.body ? [e.body] : [])));
  const registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  const named = new Set<z.ZodType>();
  for (const value of [...Object.values(schemas), ...Object.values(scimSchemas)]) {
    const id = value instanceof z.ZodType ? idOf(value) : undefined;
    if (!id || named.has(value as z.ZodType)) continue;
    named.add(value as z.ZodType);
    registries[bodies.has(value as z.ZodType) ? "input" : "output"].add(value as z.ZodType, { id });
  }
  const envelopeIds = new Map<z.core.$ZodType, string>();
  for (const [endpoint, success] of successes) {
    const inner = idOf(endpoint.response.schema!);
    if (success === endpoint.response.schema || !inner) continue;
    envelopeIds.set(success, `${inner}Response`);
    registries.output.add(success, { id: `${inner}Response` });
  }
  const result: Record<string, Json> = {};
  for (const io of ["input", "output"] as const) {
    const converted = z.toJSONSchema(registries[io], { target: "draft-2020-12", io, uri: (id) => `${SCHEMA_REF}${id}` });
    for (const [id, schema] of Object.entries(converted.schemas)) {
      if (id === "__shared")
        throw new Error(`openapi: a nested schema with an id is not exported from lib/api/schemas.ts: ${Object.keys((schema as Json).$defs as Json)}`);
      if (result[id]) throw new Error(`openapi: schema id ${id} is used both as a request body and in a response`);
      result[id] = { ...withoutRootKeywords(schema as Json), ...(SCHEMA_DESCRIPTIONS[id] && { description: SCHEMA_DESCRIPTIONS[id] }) };
    }
  }
  return { schemas: { ...result, ...EXTRA_SCHEMAS }, envelopeIds };
}

function schemaFor(schema: z.core.$ZodType, io: "input" | "output", envelopeIds?: Map<z.core.$ZodType, string>): Json {
  const id = envelopeIds?.get(schema) ?? idOf(schema);
  if (id) return { $ref: `${SCHEMA_REF}${id}` };
  return withoutRootKeywords(z.toJSONSchema(schema, { target: "draft-2020-12", io }) as Json);
}

/** Path and query parameters from the zod object the handler parses them with. */
function parametersFrom(schema: z.core.$ZodType | undefined, location: "path" | "query", endpoint: AnyEndpoint): Json[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const doc = endpoint.docs?.parameters?.[name];
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

function responseHeaders(dialect: DialectName, status: number): Json {
  if (dialect === "service") return {};
  return {
    "RateLimit-Limit": ref("headers", "RateLimitLimit"),
    "RateLimit-Remaining": ref("headers", "RateLimitRemaining"),
    "RateLimit-Reset": ref("headers", "RateLimitReset"),
    ...(status === 429 && { "Retry-After": ref("headers", "RetryAfter") }),
    ...(status === 405 && { Allow: ref("headers", "Allow") }),
    ...(dialect === "os1" && { "X-COREOS-REQUEST-ID": ref("headers", "Os1RequestId") }),
    ...(dialect === "scim" && (status === 200 || status === 201 || status === 304) && { ETag: ref("headers", "ETag") }),
    ...(dialect === "scim" && status === 201 && { Location: ref("headers", "Location") }),
  };
}

function errorResponse(dialect: DialectName, status: number): Json {
  const description = DIALECT_NOTES[dialect]?.[status] ?? ERROR_DESCRIPTIONS[status] ?? "Error";
  const headers = responseHeaders(dialect, status);
  if (status < 400) return { description, headers };
  if (dialect === "mendix-identifiers" && status === 405)
    return { description, headers, content: { "text/plain": { schema: { type: "string", maxLength: 0 } } } };
  const schemaName = dialect === "mendix-deactivation" && status === 429 ? "MendixDeactivationRateLimit" : API_GROUPS[dialect]!.errorSchema!;
  return { description, headers, content: { [API_GROUPS[dialect]!.mediaType ?? "application/json"]: { schema: ref("schemas", schemaName) } } };
}

function componentResponses(): Record<string, Json> {
  const responses: Record<string, Json> = {};
  for (const [dialect, group] of Object.entries(API_GROUPS) as [DialectName, ApiGroup][]) {
    if (!group.errorSchema) continue;
    for (const status of [...API_STATUSES, ...(group.extraStatuses ?? [])])
      responses[`${group.responsePrefix}${STATUS_NAMES[status]}`] = errorResponse(dialect, status);
  }
  return responses;
}

const errorRef = (group: ApiGroup, status: number) => ref("responses", `${group.responsePrefix}${STATUS_NAMES[status]}`);

/** One security requirement per accepted scope: a token needs any one of them (OpenAPI ORs requirements). */
function security(endpoint: AnyEndpoint): Json[] {
  const scopes: readonly string[] = endpoint.action ? ACTION_REQUIREMENTS[endpoint.action].anyScope : [];
  return groupOf(endpoint).security.flatMap((schemes) =>
    (scopes.length ? scopes : [null]).map((scope) =>
      Object.fromEntries(Object.entries(schemes).map(([name, kind]) => [name, kind === "scope" && scope ? [scope] : []])),
    ),
  );
}

export { componentResponses, componentSchemas, errorRef, parametersFrom, responseHeaders, schemaFor, security, successSchemas };
export type { Json };
