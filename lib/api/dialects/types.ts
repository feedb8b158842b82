import type { z } from "zod";
import type { ApiResponse, HeaderReader } from "@/lib/http/types";
import type { ApiError } from "../errors";

export { jsonResponse as json } from "@/lib/http/types";

/** What a dialect knows about the request when it writes a response. */
export type ResponseContext = {
  requestId: string;
  method: string;
  url: URL;
  /** The raw body text as received (OS1 echoes it), or null. */
  bodyText: string | null;
};

/** The credential headers of one vendor's API. */
export type Credentials = {
  token: string | null;
  /** Why no token could be read, for the 401 message ("missing", "malformed"). */
  problem: string | null;
  /** The tenant the caller names in a header, when the dialect has one; undefined when it has none. */
  tenantHeader?: string | null;
  tenantHeaderName?: string;
};

export type DialectName = "mendix-identifiers" | "mendix-deactivation" | "jitsudo" | "os1" | "console" | "service" | "scim";

/**
 * One wire dialect: how its callers present a token, and how successes and errors are written.
 * `family` says who speaks it: the vendor-compatible APIs, the console's own API, or the service
 * endpoints (health, the OpenAPI document).
 */
export interface Dialect {
  readonly name: DialectName;
  readonly family: "vendor" | "console" | "service" | "scim";
  readCredentials(headers: HeaderReader): Credentials;
  success(data: unknown, status: number, context: ResponseContext): ApiResponse;
  /** `success` for data its handler serialized already (HandlerResult's `json`), where the dialect writes it as it is. */
  successJson?(json: string, status: number): ApiResponse;
  error(error: ApiError, context: ResponseContext): ApiResponse;
  /** Headers every response of this dialect carries (OS1 echoes the request id). */
  extraHeaders?(context: ResponseContext): Record<string, string>;
  /** The documented body of a success, when the dialect wraps what the handler returns (OS1's envelope). */
  successSchema?(data: z.core.$ZodType): z.core.$ZodType;
}

// One compiled pattern per scheme (a handful): compiling it ran on every API request.
const authorizationPatterns = new Map<string, RegExp>();
const authorizationPattern = (scheme: string): RegExp => {
  let pattern = authorizationPatterns.get(scheme);
  if (!pattern) authorizationPatterns.set(scheme, (pattern = new RegExp(`^${scheme}\\s+(\\S+)\\s*$`, "i")));
  return pattern;
};

/** `Authorization: <scheme> <token>` → token, with the reason when it cannot be read. */
export function readAuthorization(headers: HeaderReader, scheme: string): Credentials {
  const value = headers.get("authorization");
  if (value === null || value.trim() === "") return { token: null, problem: "missing" };
  const match = authorizationPattern(scheme).exec(value.trim());
  if (!match) return { token: null, problem: "malformed" };
  return { token: match[1] as string, problem: null };
}

/** For dialects whose callers never present a token (console sessions, service endpoints). */
export const NO_CREDENTIALS = (): Credentials => ({ token: null, problem: "missing" });

/** `path: problem` pairs appended to a message, as the vendor dialects without a details field write them. */
export function withDetails(error: ApiError): string {
  const details = error.options.details ? Object.entries(error.options.details).map(([path, problem]) => `${path}: ${problem}`) : [];
  return details.length ? `${error.message} (${details.join("; ")})` : error.message;
}
