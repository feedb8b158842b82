import type { ApiError } from "../errors";
import { z } from "zod";
import { json, withDetails, type Credentials, type Dialect, type ResponseContext } from "./types";

const CODES: Record<ApiError["kind"], string> = {
  invalid_input: "BAD_REQUEST",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  step_up_required: "FORBIDDEN",
  tenant_mismatch: "TENANT_MISMATCH",
  not_found: "NOT_FOUND",
  method_not_allowed: "METHOD_NOT_ALLOWED",
  conflict: "CONFLICT",
  precondition_failed: "PRECONDITION_FAILED",
  payload_too_large: "PAYLOAD_TOO_LARGE",
  rate_limited: "TOO_MANY_REQUESTS",
  internal: "INTERNAL_SERVER_ERROR",
};

function requestEcho(context: ResponseContext) {
  return {
    uri: context.url.pathname,
    requestId: context.requestId,
    queryString: context.url.search.replace(/^\?/, ""),
    body: context.bodyText,
    method: context.method,
  };
}

/** Delhivery OS1: `X-COREOS-ACCESS`, `X-COREOS-TID`, `X-COREOS-REQUEST-ID`; envelope `{error, data, request}`. */
export const os1: Dialect = {
  name: "os1",
  family: "vendor",
  readCredentials(headers): Credentials {
    const access = headers.get("x-coreos-access");
    const token = access !== null && access.trim() !== "" ? access.trim() : null;
    return { token, problem: token ? null : "missing", tenantHeader: headers.get("x-coreos-tid"), tenantHeaderName: "X-COREOS-TID" };
  },
  success: (data, status, context) => json({ error: null, data, request: requestEcho(context) }, status),
  error(error: ApiError, context: ResponseContext) {
    return json({ error: { code: CODES[error.kind], description: withDetails(error) }, data: null, request: requestEcho(context) }, error.status);
  },
  extraHeaders: (context) => ({ "X-COREOS-REQUEST-ID": context.requestId }),
  successSchema: (data) => z.object({ error: z.null(), data, request: os1RequestEcho }),
};

export const os1RequestEcho = z.object({ uri: z.string(), requestId: z.string(), queryString: z.string(), body: z.string().nullable(), method: z.string() });
