import type { ApiError, ApiErrorKind } from "../errors";
import { json, NO_CREDENTIALS, type Dialect, type ResponseContext } from "./types";

const TITLES: Record<ApiErrorKind, string> = {
  invalid_input: "Invalid input",
  unauthorized: "Not signed in",
  forbidden: "Forbidden",
  step_up_required: "Confirm it's you",
  tenant_mismatch: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  precondition_failed: "Precondition Failed",
  payload_too_large: "Request too large",
  rate_limited: "Too many requests",
  internal: "Internal error",
};

/** The `type` of each problem: a stable identifier for code that reacts to it (RFC 9457 §3.1.1). */
export const problemType = (kind: ApiErrorKind) => `urn:roster:problem:${kind.replace(/_/g, "-")}`;

/**
 * The console's own API (session cookie, CSRF on changes): successes are plain JSON, errors are
 * RFC 9457 problem details with Roster's extensions `code`, `errors` (field → problem) and
 * `notices` (the policies that decided a denial). The client parses them in lib/console/fetch.ts.
 */
export const consoleDialect: Dialect = {
  name: "console",
  family: "console",
  readCredentials: NO_CREDENTIALS,
  success: (data, status) => json(data, status),
  error(error: ApiError, context: ResponseContext) {
    const body: Record<string, unknown> = {
      type: problemType(error.kind),
      title: TITLES[error.kind],
      status: error.status,
      detail: error.message,
      instance: `urn:uuid:${context.requestId}`,
      code: error.kind,
    };
    if (error.options.details) body.errors = error.options.details;
    if (error.options.notices) body.notices = error.options.notices;
    return json(body, error.status, { "content-type": "application/problem+json; charset=utf-8" });
  },
};
