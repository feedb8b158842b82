/** What went wrong, independent of how each vendor dialect spells it on the wire. */
export type ApiErrorKind =
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "step_up_required"
  | "tenant_mismatch"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "rate_limited"
  | "internal";

export type ScimErrorType =
  "invalidFilter" | "tooMany" | "uniqueness" | "mutability" | "invalidSyntax" | "invalidPath" | "noTarget" | "invalidValue" | "invalidVers" | "sensitive";

export const STATUS_BY_KIND: Record<ApiErrorKind, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  step_up_required: 403,
  tenant_mismatch: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
};

export type ApiErrorOptions = {
  /** Field-level problems, e.g. `{ "emailAddresses.0.emailAddress": "at most 200 characters" }`. */
  details?: Record<string, string>;
  /** Ids of the policies that decided a denial (JITSudo `notices`). */
  notices?: string[];
  /** For scope denials: what the endpoint needs and what the token has (Mendix wording). */
  requiredScopes?: string[];
  providedScopes?: string[];
  /** The Mendix deactivation API words some denials in its own way. */
  reason?: "self_deactivation" | "not_admin" | "missing_scope";
  /** SCIM's error detail (RFC 7644 §3.12): invalidFilter, invalidValue, uniqueness, mutability, noTarget, … */
  scimType?: ScimErrorType;
  /** Headers the answer carries besides the dialect's own (e.g. Retry-After of a throttled sign-in). */
  headers?: Record<string, string>;
};

/** Handlers throw this; the endpoint pipeline turns it into the dialect's error response. */
export class ApiError extends Error {
  readonly status: number;
  readonly isApiError = true;
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(message);
    this.status = STATUS_BY_KIND[kind];
  }
}

/** By shape, not `instanceof`: the server's bundle and Next's each carry a copy of this class. */
export function isApiError(error: unknown): error is ApiError {
  return typeof error === "object" && error !== null && (error as { isApiError?: unknown }).isApiError === true;
}
