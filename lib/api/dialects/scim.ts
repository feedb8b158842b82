import type { ApiResponse } from "@/lib/http/types";
import type { ApiError } from "../errors";
import { readAuthorization, withDetails, type Credentials, type Dialect } from "./types";

export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";
export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/** A SCIM body (RFC 7644 §3.1): `application/scim+json`; no body at all for 204 and 304. */
function scimResponse(body: unknown, status: number): ApiResponse {
  if (body === null || body === undefined) return { status, headers: {}, body: null };
  return scimJsonResponse(JSON.stringify(body), status);
}

const scimJsonResponse = (json: string, status: number): ApiResponse => ({ status, headers: { "content-type": SCIM_CONTENT_TYPE }, body: json });

/**
 * SCIM 2.0 (`/scim/v2`, lib/scim): a provisioning token as `Authorization: Bearer`, resources
 * as `application/scim+json`, and every error in the SCIM error schema with its status as a
 * string and, where RFC 7644 §3.12 names one, a `scimType`.
 */
export const scimDialect: Dialect = {
  name: "scim",
  family: "vendor",
  readCredentials: (headers): Credentials => readAuthorization(headers, "Bearer"),
  success: (data, status) => scimResponse(data, status),
  successJson: scimJsonResponse,
  error(error: ApiError) {
    const body = {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(error.status),
      ...(error.options.scimType ? { scimType: error.options.scimType } : {}),
      detail: withDetails(error),
    };
    const response = scimResponse(body, error.status);
    if (error.status === 401) response.headers = { ...response.headers, "www-authenticate": 'Bearer realm="roster-scim"' };
    return response;
  },
};

/** What every /scim/v2 endpoint declares: this dialect, an identity provider's token, and the one action it may take. */
export const SCIM_ENDPOINT = { dialect: scimDialect, auth: "provisioner", action: "provisionUsers" } as const;
