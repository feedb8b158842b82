import { z } from "zod";
import type { Db } from "@/db/client";
import { createScimUser, listScimUsers, type ScimConflict, type ScimScope, type ScimUserRecord } from "@/db/queries/scim-users";
import type { ApiRequest } from "@/lib/http/types";
import { FILTERABLE_PATHS } from "@/lib/scim/attributes";
import {
  DEFAULT_COUNT,
  INDEXED_LOOKUPS,
  MAX_CANDIDATES,
  MAX_COUNT,
  readListParams,
  readProjection,
  tooManyCandidates,
  type ListParams,
} from "@/lib/scim/list-params";
import { projectResource, type Projection } from "@/lib/scim/projection";
import { readScimUser } from "@/lib/scim/user-input";
import { renderScimUser, scimUserJson } from "@/lib/scim/user-resource";
import {
  LIST_RESPONSE_SCHEMA,
  SEARCH_REQUEST_SCHEMA,
  scimBodySchema,
  scimUserListSchema,
  scimUserSchema,
  USERS_PATH,
  type ScimUserList,
  type ScimUserResource,
} from "@/lib/scim/wire";
import { SCIM_ENDPOINT } from "../dialects/scim";
import { defineEndpoint, jsonText, type JsonText, type ProvisionerPrincipal } from "../endpoint";
import { ApiError } from "../errors";

// SCIM 2.0 /Users, the collection (RFC 7644 §3.3, §3.4.2, §3.4.3, ADR 0017): create, list with a
// query string, search with a SearchRequest body. The tenant and the provider come from the token.

/** Whose users: the token's tenant and identity provider (ADR 0017). */
export const scopeOf = (principal: ProvisionerPrincipal): ScimScope => ({
  tenantId: principal.tenantId,
  providerId: principal.provider.id,
  providerName: principal.provider.name,
});

export const conflict = (result: ScimConflict) => new ApiError("conflict", `${result.field} is taken: ${result.detail}`, { scimType: "uniqueness" });

/** A resource answer: the resource (projected, when asked) and its version as the ETag header (RFC 7644 §3.14). */
export const resourceAnswer = (resource: ScimUserResource, status?: number, projection?: Projection) => ({
  status,
  data: projection ? projectResource(resource, projection) : resource,
  headers: { etag: resource.meta!.version! },
});

/** meta.location is absolute (RFC 7643 §3.1): on the origin the request came to. */
export const origin = (request: ApiRequest) => request.url.origin;

export const projectionQuery = z.object({ attributes: z.string().optional(), excludedAttributes: z.string().optional() });
export const projectionDocs = {
  attributes: {
    description: "Comma-separated attribute names to return (and id); any case, with or without the schema URN.",
    example: "userName,name.givenName",
  },
  excludedAttributes: { description: "Comma-separated attribute names to leave out (id stays).", example: "emails" },
};

// Read as text here and by readListParams, so that every problem is a SCIM error with its scimType.
const listQuery = projectionQuery.extend({
  filter: z.string().optional(),
  startIndex: z.string().optional(),
  count: z.string().optional(),
  sortBy: z.string().optional(),
  sortOrder: z.string().optional(),
});
const listDocs = {
  filter: {
    description: `RFC 7644 §3.4.2.2 filter on ${FILTERABLE_PATHS.join(", ")}. Conditions other than ${INDEXED_LOOKUPS} are tested on at most ${MAX_CANDIDATES.toLocaleString("en-US")} candidates (else 400 tooMany).`,
    example: 'userName eq "jane.doe@domain.tld"',
  },
  startIndex: { description: "1-based index of the first result (below 1 counts as 1).", example: "1" },
  count: { description: `Results per page: ${DEFAULT_COUNT} when absent, at most ${MAX_COUNT}; 0 gives totalResults alone.`, example: String(DEFAULT_COUNT) },
  sortBy: {
    description: `An attribute the filter can name; on at most ${MAX_CANDIDATES.toLocaleString("en-US")} matches of the filter's ${INDEXED_LOOKUPS} (else 400 tooMany).`,
    example: "userName",
  },
  sortOrder: { description: "ascending (default) or descending." },
  ...projectionDocs,
};

// Each resource is serialized as soon as its page is read (the count may still be running), and
// the ListResponse around them written as text: JSON.stringify of the whole list went over them again.
async function listAnswer(db: Db, scope: ScimScope, list: ListParams, request: ApiRequest): Promise<{ json: JsonText<ScimUserList> }> {
  const serialize =
    list.projection.attributes.length || list.projection.excludedAttributes.length
      ? (record: ScimUserRecord) => JSON.stringify(projectResource(renderScimUser(record, origin(request)), list.projection))
      : (record: ScimUserRecord) => scimUserJson(record, origin(request));
  const listed = await listScimUsers(db, scope, list.query, MAX_CANDIDATES, serialize);
  if ("tooMany" in listed) throw tooManyCandidates();
  const { total, records: resources } = listed;
  const envelope = JSON.stringify({
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: total,
    startIndex: list.startIndex,
    itemsPerPage: resources.length,
  } satisfies Omit<ScimUserList, "Resources">);
  // count=0 asks for totalResults alone (RFC 7644 §3.4.2.4).
  return { json: jsonText(list.count > 0 ? `${envelope.slice(0, -1)},"Resources":[${resources.join(",")}]}` : envelope) };
}

// GET /scim/v2/Users — the provider's users, filtered, sorted and paged
export const listScimUsersEndpoint = defineEndpoint({
  operationId: "scimListUsers",
  method: "GET",
  path: USERS_PATH,
  ...SCIM_ENDPOINT,
  query: listQuery,
  response: { status: 200, description: "A ListResponse of the provider's Users", schema: scimUserListSchema },
  errors: [400],
  docs: { summary: "List Users", description: "The users this identity provider provisions (RFC 7644 §3.4.2).", parameters: listDocs },
  handler: ({ db, principal, query, request }) => listAnswer(db, scopeOf(principal), readListParams(query), request),
});

// POST /scim/v2/Users/.search — the same list, its parameters in a SearchRequest body
export const searchScimUsersEndpoint = defineEndpoint({
  operationId: "scimSearchUsers",
  method: "POST",
  path: `${USERS_PATH}/.search`,
  ...SCIM_ENDPOINT,
  body: scimBodySchema,
  response: { status: 200, description: "A ListResponse of the provider's Users", schema: scimUserListSchema },
  errors: [400, 413],
  docs: {
    summary: "Search Users",
    description: "GET /Users with its parameters in a SearchRequest body (RFC 7644 §3.4.3); attributes may be arrays.",
    bodyExample: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'userName sw "jane"', startIndex: 1, count: 10 },
  },
  handler: ({ db, principal, body, request }) => listAnswer(db, scopeOf(principal), readListParams(body), request),
});

export const USER_EXAMPLE = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: "jane.doe@domain.tld",
  name: { givenName: "Jane", familyName: "Doe" },
  emails: [{ value: "jane.doe@domain.tld", type: "work", primary: true }],
  active: true,
};

// POST /scim/v2/Users — create (or link the tenant's existing user with that address)
export const createScimUserEndpoint = defineEndpoint({
  operationId: "scimCreateUser",
  method: "POST",
  path: USERS_PATH,
  ...SCIM_ENDPOINT,
  query: projectionQuery,
  body: scimBodySchema,
  response: { status: 201, description: "The User, created or linked; Location and ETag headers", schema: scimUserSchema },
  errors: [400, 409, 413],
  docs: {
    summary: "Create a User",
    description:
      "Creates the user, or links the tenant's user who already has the primary address (ADR 0017). 409 uniqueness when the userName or address is already the provider's.",
    parameters: projectionDocs,
    bodyExample: USER_EXAMPLE,
  },
  handler: async ({ db, principal, query, body, request, requestId }) => {
    const projection = readProjection(query);
    const result = await createScimUser(db, scopeOf(principal), readScimUser(body), Date.now(), requestId);
    if (result.status === "conflict") throw conflict(result);
    const resource = renderScimUser(result.record, origin(request));
    const answer = resourceAnswer(resource, 201, projection);
    return { ...answer, headers: { ...answer.headers, location: resource.meta!.location! } };
  },
});

export const SCIM_COLLECTION_ENDPOINTS = [listScimUsersEndpoint, searchScimUsersEndpoint, createScimUserEndpoint];
