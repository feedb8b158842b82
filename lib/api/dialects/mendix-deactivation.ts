import type { ApiError } from "../errors";
import { json, readAuthorization, withDetails, type Dialect, type ResponseContext } from "./types";

const MESSAGES: Record<number, string> = {
  400: "The request data did not validate",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  500: "Internal Server Error",
};

function detail(error: ApiError): string {
  switch (error.options.reason) {
    case "self_deactivation":
      return JSON.stringify({ status: 403, title: "Forbidden", detail: "Member cannot (de)activate himself" });
    case "not_admin":
      return "Requestor is not Mendix Admin for the company";
    case "missing_scope":
      return `Access token does not include the required scope. Required: ${(error.options.requiredScopes ?? []).join(" ")}`;
    default:
      return withDetails(error);
  }
}

/** Mendix User Deactivation API: `Authorization: MxToken`, errors `{error: {code, message, detail, instance}}`. */
export const mendixDeactivation: Dialect = {
  name: "mendix-deactivation",
  family: "vendor",
  readCredentials: (headers) => readAuthorization(headers, "MxToken"),
  success: (data, status) => (status === 204 ? { status, headers: {}, body: null } : json(data, status)),
  error(error: ApiError, context: ResponseContext) {
    // The spec's 429 body is its own shape.
    if (error.kind === "rate_limited") return json({ message: "API rate limit exceeded" }, 429);
    const status = error.kind === "payload_too_large" ? 400 : error.status;
    return json({ error: { code: status, message: MESSAGES[status] ?? "Error", detail: detail(error), instance: `urn:uuid:${context.requestId}` } }, status);
  },
};
