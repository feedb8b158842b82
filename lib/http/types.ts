/**
 * The request and response every endpoint sees, whichever server carried them: the custom
 * node:http server (./node.ts) or a Next.js route handler (./web.ts). Endpoints are written once
 * against these and run unchanged on both (docs/decisions/0011).
 */
export type HeaderReader = { get(name: string): string | null };

export interface ApiRequest {
  /** Upper case: GET, POST, … */
  readonly method: string;
  readonly url: URL;
  readonly headers: HeaderReader;
  /** The client's address: the socket's, or the one trusted proxies report (server/prepare-request.ts). */
  readonly clientIp: string;
  /** The body as it arrives, chunk by chunk; read it at most once. */
  body(): AsyncIterable<Uint8Array>;
}

/** A body written at once, or streamed with back-pressure (CSV exports). */
export type ResponseBody = string | Uint8Array | AsyncIterable<string | Uint8Array> | null;

/** A download: the bytes are the answer, whatever the dialect's success format. */
export type FileBody = { contentType: string; fileName?: string; body: ResponseBody; headers?: Record<string, string> };

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Set-Cookie values, one header each (they cannot be joined into one). */
  cookies?: string[];
  body: ResponseBody;
}

export type RequestHandler = (request: ApiRequest) => Promise<ApiResponse>;

export function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}

/** Set by server/prepare-request.ts from the socket (or trusted proxies); any value a client sends is replaced there. */
export const CLIENT_IP_HEADER = "x-roster-client-ip";

/** Set by server/prepare-request.ts: the request's id (a trusted proxy's X-Request-Id, or a fresh one); any value a client sends is replaced there. */
export const REQUEST_ID_HEADER = "x-roster-request-id";
