import type { ApiError } from "../errors";
import { json, readAuthorization, withDetails, type Dialect } from "./types";

const DISPLAY_TEXT = "Something went wrong. If the problem persists, please let us know!";

const ERROR_CODES: Record<ApiError["kind"], string> = {
  invalid_input: "INVALID_REQUEST",
  payload_too_large: "INVALID_REQUEST",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  step_up_required: "FORBIDDEN",
  tenant_mismatch: "FORBIDDEN",
  not_found: "NOT_FOUND",
  method_not_allowed: "METHOD_NOT_ALLOWED",
  conflict: "CONFLICT",
  precondition_failed: "PRECONDITION_FAILED",
  rate_limited: "TOO_MANY_REQUESTS",
  internal: "INTERNAL_SERVER_ERROR",
};

function errorText(error: ApiError): string {
  if (error.kind === "forbidden" && error.options.requiredScopes) {
    return `Bearer token is missing required scope(s): ${error.options.requiredScopes.join(" ")}, provided scope(s): ${(error.options.providedScopes ?? []).join(" ") || "none"}`;
  }
  return withDetails(error);
}

/** Mendix User Identifiers API: `Authorization: MxToken`, errors `{statusCode, errorCode, errorText, displayText}`. */
export const mendixIdentifiers: Dialect = {
  name: "mendix-identifiers",
  family: "vendor",
  readCredentials: (headers) => readAuthorization(headers, "MxToken"),
  success: (data, status) => json(data, status),
  error(error: ApiError) {
    // The spec has no 413: an oversized body is an invalid request there.
    const status = error.kind === "payload_too_large" ? 400 : error.status;
    // The Mendix runtime answers 405 with an empty text body (see the spec's methodNotAllowed).
    if (status === 405) return { status, headers: { "content-type": "text/plain" }, body: "" };
    return json({ statusCode: status, errorCode: ERROR_CODES[error.kind], errorText: errorText(error), displayText: DISPLAY_TEXT }, status);
  },
};
