import type { ApiError } from "../errors";
import { json, readAuthorization, type Credentials, type Dialect } from "./types";

const CODES: Record<ApiError["kind"], string> = {
  invalid_input: "invalid_input",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  // Console sessions only (never a token): listed so that every kind has its wire code.
  step_up_required: "forbidden",
  tenant_mismatch: "tenant_mismatch",
  not_found: "not_found",
  method_not_allowed: "method_not_allowed",
  conflict: "conflict",
  precondition_failed: "precondition_failed",
  payload_too_large: "payload_too_large",
  rate_limited: "rate_limited",
  internal: "internal_error",
};

/** JITSudo (and Roster's leaver API): `X-API-Key` or `Authorization: Bearer`, plus `X-Tenant-ID`; errors `{code, message, details?, notices?}`. */
export const jitsudo: Dialect = {
  name: "jitsudo",
  family: "vendor",
  readCredentials(headers): Credentials {
    const apiKey = headers.get("x-api-key");
    const base = apiKey !== null && apiKey.trim() !== "" ? { token: apiKey.trim(), problem: null } : readAuthorization(headers, "Bearer");
    return { ...base, tenantHeader: headers.get("x-tenant-id"), tenantHeaderName: "X-Tenant-ID" };
  },
  success: (data, status) => json(data, status),
  error(error: ApiError) {
    const body: Record<string, unknown> = { code: CODES[error.kind], message: error.message };
    if (error.options.details) body.details = error.options.details;
    if (error.options.notices) body.notices = error.options.notices;
    return json(body, error.status);
  },
};
