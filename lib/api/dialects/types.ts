import type { ApiError } from "../errors";

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

export interface Dialect {
  readonly name: "mendix-identifiers" | "mendix-deactivation" | "jitsudo" | "os1";
  readCredentials(headers: Headers): Credentials;
  success(data: unknown, status: number, context: ResponseContext): Response;
  error(error: ApiError, context: ResponseContext): Response;
  /** Headers every response of this dialect carries (OS1 echoes the request id). */
  extraHeaders?(context: ResponseContext, requestHeaders: Headers): Record<string, string>;
}

export function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** `Authorization: <scheme> <token>` → token, with the reason when it cannot be read. */
export function readAuthorization(headers: Headers, scheme: string): Credentials {
  const value = headers.get("authorization");
  if (value === null || value.trim() === "") return { token: null, problem: "missing" };
  const match = new RegExp(`^${scheme}\\s+(\\S+)\\s*$`, "i").exec(value.trim());
  if (!match) return { token: null, problem: "malformed" };
  return { token: match[1] as string, problem: null };
}
