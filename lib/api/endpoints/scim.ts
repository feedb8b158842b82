import { z } from "zod";
import {
  detachScimUser,
  getScimUser,
  setScimUserActive,
  updateScimUser,
  updateScimUserStatus,
  type ScimConflict,
  type ScimUserRecord,
} from "@/db/queries/scim-users";
import { readProjection } from "@/lib/scim/list-params";
import { activeOnly, applyPatch } from "@/lib/scim/patch";
import { readScimUser } from "@/lib/scim/user-input";
import { etagMatches, patchableScimUser, renderScimUser } from "@/lib/scim/user-resource";
import { PATCH_OP_SCHEMA, scimBodySchema, scimUserSchema, USERS_PATH, type ScimUserResource } from "@/lib/scim/wire";
import type { ApiRequest } from "@/lib/http/types";
import { SCIM_ENDPOINT } from "../dialects/scim";
import { defineEndpoint } from "../endpoint";
import { ApiError } from "../errors";
import { USER_UUID_EXAMPLE } from "../schemas";
import { SCIM_DISCOVERY_ENDPOINTS } from "./scim-discovery";
import { conflict, origin, projectionDocs, projectionQuery, resourceAnswer, SCIM_COLLECTION_ENDPOINTS, scopeOf, USER_EXAMPLE } from "./scim-collection";

// SCIM 2.0 /Users/{id} (RFC 7644 §3.4.1, §3.5, §3.6, ADR 0017): an identity provider reads, replaces,
// patches and deletes the users it provisions, with ETags; the collection is in ./scim-collection.ts.

const notFound = (id: string) => new ApiError("not_found", `No User ${id} is provisioned by this identity provider`);

/** If-Match that no longer names the resource's version: someone changed it since the client read it. */
function checkIfMatch(request: ApiRequest, resource: ScimUserResource): void {
  const header = request.headers.get("if-match");
  if (header !== null && !etagMatches(header, resource.meta!.version!)) {
    throw new ApiError("precondition_failed", `The User has changed since version ${header}; it is now ${resource.meta!.version}. Read it again and retry.`);
  }
}

const params = z.object({ id: z.string() });
const idDoc = { id: { description: "The User's id (Roster's user id).", example: USER_UUID_EXAMPLE } };

// GET /scim/v2/Users/{id} — one user; If-None-Match → 304
export const getScimUserEndpoint = defineEndpoint({
  operationId: "scimGetUser",
  method: "GET",
  path: `${USERS_PATH}/{id}`,
  ...SCIM_ENDPOINT,
  params,
  query: projectionQuery,
  response: { status: 200, description: "The User; ETag header", schema: scimUserSchema },
  errors: [304, 400, 404, 412],
  docs: {
    summary: "Get a User",
    description: "If-None-Match naming the current ETag answers 304 without a body.",
    parameters: { ...idDoc, ...projectionDocs },
  },
  handler: async ({ db, principal, params, query, request }) => {
    const record = await getScimUser(db, scopeOf(principal), params.id);
    if (!record) throw notFound(params.id);
    const resource = renderScimUser(record, origin(request));
    const etag = resource.meta!.version!;
    if (etagMatches(request.headers.get("if-none-match"), etag)) return { status: 304, empty: true, headers: { etag } };
    checkIfMatch(request, resource);
    return resourceAnswer(resource, undefined, readProjection(query));
  },
});

/** What a PUT or PATCH answered, or the 404 or 409 it ran into, thrown. */
function checkWritten<T extends { status: "updated" | "unchanged" }>(result: T | { status: "not-found" } | ScimConflict, id: string): T {
  if (result.status === "not-found") throw notFound(id);
  if (result.status === "conflict") throw conflict(result);
  return result;
}

/** The record a PUT or PATCH wrote. */
const writtenRecord = (result: Awaited<ReturnType<typeof updateScimUser>>, id: string): ScimUserRecord => checkWritten(result, id).record;

// A PATCH answers with the User only when attributes or excludedAttributes asks for it (RFC 7644 §3.5.2, §3.9), else 204.
const userAsked = (query: { attributes?: string; excludedAttributes?: string }) => query.attributes !== undefined || query.excludedAttributes !== undefined;
const NO_CONTENT = { status: 204, empty: true } as const;

/** The current resource, after checking If-Match against it: the first thing every write decides with. */
function currentChecked(request: ApiRequest, record: ScimUserRecord): ScimUserResource {
  const resource = renderScimUser(record, origin(request));
  checkIfMatch(request, resource);
  return resource;
}

// PUT /scim/v2/Users/{id} — replace: what the body leaves out is cleared (employeeNumber is kept)
export const replaceScimUserEndpoint = defineEndpoint({
  operationId: "scimReplaceUser",
  method: "PUT",
  path: `${USERS_PATH}/{id}`,
  ...SCIM_ENDPOINT,
  params,
  query: projectionQuery,
  body: scimBodySchema,
  response: { status: 200, description: "The User as replaced; ETag header", schema: scimUserSchema },
  errors: [400, 404, 409, 412, 413],
  docs: {
    summary: "Replace a User",
    description: "active false deactivates the user (tokens and sessions revoked), true reactivates. If-Match is checked against the current ETag.",
    parameters: { ...idDoc, ...projectionDocs },
    bodyExample: USER_EXAMPLE,
  },
  handler: async ({ db, principal, params, query, body, request, requestId }) => {
    const projection = readProjection(query);
    const result = await updateScimUser(
      db,
      scopeOf(principal),
      params.id,
      (current) => {
        currentChecked(request, current);
        return readScimUser(body, { current, pathId: params.id });
      },
      Date.now(),
      requestId,
    );
    return resourceAnswer(renderScimUser(writtenRecord(result, params.id), origin(request)), undefined, projection);
  },
});

// PATCH /scim/v2/Users/{id} — add, replace and remove operations, all or none; 204 unless the User is asked for
export const patchScimUserEndpoint = defineEndpoint({
  operationId: "scimPatchUser",
  method: "PATCH",
  path: `${USERS_PATH}/{id}`,
  ...SCIM_ENDPOINT,
  params,
  query: projectionQuery,
  body: scimBodySchema,
  response: { status: 200, description: "The User as patched, when attributes or excludedAttributes ask for it; ETag header", schema: scimUserSchema },
  errors: [204, 400, 404, 409, 412, 413],
  docs: {
    summary: "Patch a User",
    description:
      "RFC 7644 §3.5.2 operations, applied together or not at all; ops and attribute names in any case, Entra's string booleans and Okta's path-less values accepted. The result is validated like a PUT body. Answers 204 without a body (as §3.5.2 allows and Okta and Entra take), or 200 with the User when attributes or excludedAttributes is given (§3.9).",
    parameters: { ...idDoc, ...projectionDocs },
    bodyExample: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: "replace", path: "active", value: false }] },
  },
  handler: async ({ db, principal, params, query, body, request, requestId }) => {
    const projection = userAsked(query) ? readProjection(query) : undefined;
    // Setting active alone, with no User to answer or If-Match to check, needs the current User neither before nor after.
    const active = projection === undefined && request.headers.get("if-match") === null ? activeOnly(body, params.id) : undefined;
    if (active !== undefined) {
      const result = await setScimUserActive(db, scopeOf(principal), params.id, active, Date.now(), requestId);
      if (result.status === "not-found") throw notFound(params.id);
      return NO_CONTENT;
    }
    const patch = (current: ScimUserRecord) => {
      const patched = applyPatch(patchableScimUser(current, currentChecked(request, current)), body);
      return readScimUser(patched, { current, pathId: params.id });
    };
    if (projection === undefined) {
      checkWritten(await updateScimUserStatus(db, scopeOf(principal), params.id, patch, Date.now(), requestId), params.id);
      return NO_CONTENT;
    }
    const record = writtenRecord(await updateScimUser(db, scopeOf(principal), params.id, patch, Date.now(), requestId), params.id);
    return resourceAnswer(renderScimUser(record, origin(request)), undefined, projection);
  },
});

// DELETE /scim/v2/Users/{id} — deactivate and detach; the person stays in Roster
export const deleteScimUserEndpoint = defineEndpoint({
  operationId: "scimDeleteUser",
  method: "DELETE",
  path: `${USERS_PATH}/{id}`,
  ...SCIM_ENDPOINT,
  params,
  response: { status: 204, description: "Deactivated and detached: the id is 404 from now on" },
  errors: [404, 412],
  docs: {
    summary: "Delete a User",
    description: "Deactivates the user and detaches it from this provider; Roster keeps the person, inactive, with the history (ADR 0017).",
    parameters: idDoc,
  },
  handler: async ({ db, principal, params, request, requestId }) => {
    const result = await detachScimUser(db, scopeOf(principal), params.id, (current) => void currentChecked(request, current), Date.now(), requestId);
    if (result.status === "not-found") throw notFound(params.id);
    return { empty: true };
  },
});

export { createScimUserEndpoint, listScimUsersEndpoint, searchScimUsersEndpoint } from "./scim-collection";

export const SCIM_ENDPOINTS = [
  ...SCIM_COLLECTION_ENDPOINTS,
  getScimUserEndpoint,
  replaceScimUserEndpoint,
  patchScimUserEndpoint,
  deleteScimUserEndpoint,
  ...SCIM_DISCOVERY_ENDPOINTS,
];
