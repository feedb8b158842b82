import type { DialectName } from "../dialects/types";

type SecurityKind = "scope" | "none";

/** How each dialect's endpoints are grouped and secured in the document. */
export type ApiGroup = {
  tag: string;
  description: string;
  /** Security schemes (all of one entry at once); the scopes are added per operation. */
  security: Record<string, SecurityKind>[];
  /** The dialect's error body, a schema in components/schemas. */
  errorSchema?: string;
  /** Prefix of the dialect's shared error responses in components/responses. */
  responsePrefix: string;
  /** The media type of its bodies, when not application/json. */
  mediaType?: string;
  /** Statuses its endpoints answer besides API_STATUSES (SCIM: PATCH's 204, and 304 and 412 of its ETags). */
  extraStatuses?: number[];
};

export const API_GROUPS: Partial<Record<DialectName, ApiGroup>> = {
  "mendix-identifiers": {
    tag: "Mendix User Identifiers",
    description: "Compatible with the Mendix User Identifiers API (`user-identifier-api.yaml`): email addresses → user UUIDs.",
    security: [{ MxToken: "scope" }],
    errorSchema: "MendixIdentifiersError",
    responsePrefix: "MendixIdentifiers",
  },
  "mendix-deactivation": {
    tag: "Mendix User Deactivation",
    description: "Compatible with the Mendix User Deactivation API (`user-deactivation-api.yaml`): switch a user off by UUID.",
    security: [{ MxToken: "scope" }],
    errorSchema: "MendixDeactivationError",
    responsePrefix: "MendixDeactivation",
  },
  jitsudo: {
    tag: "JITSudo",
    description: "Compatible with JITSudo's user identities API: a user's accounts at identity providers. Roster's bulk leaver API speaks the same dialect.",
    security: [
      { JitsudoApiKey: "scope", JitsudoTenant: "none" },
      { JitsudoBearer: "scope", JitsudoTenant: "none" },
    ],
    errorSchema: "JitsudoError",
    responsePrefix: "Jitsudo",
  },
  os1: {
    tag: "OS1",
    description: "Compatible with Delhivery OS1's User API. Ids are written `user:<uuid>`; timestamps are epoch seconds.",
    security: [{ Os1Access: "scope", Os1Tenant: "none" }],
    errorSchema: "Os1Error",
    responsePrefix: "Os1",
  },
  scim: {
    tag: "SCIM 2.0",
    description:
      "SCIM 2.0 service provider (RFC 7643, RFC 7644) for identity providers such as Okta and Entra ID: Users with the enterprise extension; no Groups, no bulk. A provisioning token of one of the tenant's SCIM identity providers as `Authorization: Bearer rscim_…`; a provider sees the users it provisions.",
    security: [{ ScimBearer: "scope" }],
    errorSchema: "ScimError",
    responsePrefix: "Scim",
    mediaType: "application/scim+json",
    extraStatuses: [204, 304, 412],
  },
  service: { tag: "Service", description: "Health and this description; no credentials needed.", security: [], responsePrefix: "Service" },
};

export const SCHEMA_DESCRIPTIONS: Record<string, string> = {
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
  ScimUser:
    "A SCIM User (RFC 7643 §4.1) with the enterprise extension; `meta.version` is its ETag. `attributes=` and `excludedAttributes=` may leave out anything but `id` and `schemas`.",
  ScimUserList: "A SCIM ListResponse (RFC 7644 §3.4.2); `Resources` is absent when count is 0.",
  ScimError: "SCIM error (RFC 7644 §3.12): the status as a string, and a `scimType` where the RFC names one.",
};

export const STATUS_NAMES: Record<number, string> = {
  204: "NoContent",
  304: "NotModified",
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  412: "PreconditionFailed",
  413: "PayloadTooLarge",
  429: "TooManyRequests",
  500: "InternalServerError",
};

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  304: "Not modified: If-None-Match names the current ETag (no body)",
  400: "Invalid input: malformed JSON, wrong types, or a bad path or query parameter",
  401: "No token, or a token that is unknown, revoked, expired, or whose owner is inactive",
  403: "The token may not do this: a missing scope or a policy denial",
  404: "No such resource in your tenant",
  405: "Method not allowed; the Allow header lists the methods",
  409: "Conflict with the resource's current state",
  412: "Precondition failed: If-Match no longer names the resource's ETag; read it again",
  413: "The request body is larger than the server accepts",
  429: "Rate limit exceeded; retry after Retry-After seconds",
  500: "Internal error (the cause is logged, never returned)",
};

export const DIALECT_NOTES: Partial<Record<DialectName, Record<number, string>>> = {
  "mendix-identifiers": {
    400: "Invalid request: malformed JSON, no or more than 1,000 addresses, an address over 200 characters, or a body too large",
    403: "The token lacks the scope; errorText names the required and provided scopes",
    405: "Method not allowed: an empty text/plain body, as the Mendix runtime answers",
  },
  "mendix-deactivation": {
    400: "Invalid input: malformed JSON, a non-boolean or `true` active, a bad UUID, or a body too large",
    403: "Missing scope, not an admin of the company, or deactivating yourself",
  },
  jitsudo: {
    400: "Invalid input (`invalid_input`, with field problems in `details`), or a missing X-Tenant-ID header",
    403: "`tenant_mismatch` when X-Tenant-ID names another tenant; `forbidden` when a policy denies, with the deciding policy ids in `notices`",
  },
  os1: {
    400: "BAD_REQUEST: an invalid parameter, or a missing X-COREOS-TID header",
    403: "TENANT_MISMATCH when X-COREOS-TID names another tenant; FORBIDDEN when the token lacks the scope",
  },
  scim: {
    204: "Done, without a body (no ETag either): ask with attributes or excludedAttributes for the User and its ETag (200)",
    400: "scimType invalidFilter, invalidValue, invalidSyntax, invalidPath, noTarget or mutability, with a detail to act on",
    401: "No provisioning token, or one that is unknown or revoked (WWW-Authenticate: Bearer)",
    404: "No such User at this identity provider (another provider's or tenant's users are not found either), or no such path",
    409: "scimType uniqueness: the userName, externalId, address or employeeNumber is already held",
  },
};

/** Every status a vendor dialect's shared error responses cover. */
export const API_STATUSES = [400, 401, 403, 404, 405, 409, 413, 429, 500];
