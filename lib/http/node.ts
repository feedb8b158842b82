import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CLIENT_IP_HEADER, type ApiRequest, type ApiResponse } from "./types";

/** A node:http request as an ApiRequest, without copying headers or touching the body. */
export function fromNodeRequest(req: IncomingMessage): ApiRequest {
  const rawUrl = req.url ?? "/";
  let url: URL | undefined;
  return {
    method: (req.method ?? "GET").toUpperCase(),
    get url() {
      url ??= new URL(rawUrl, `http://${req.headers.host ?? "localhost"}`);
      return url;
    },
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    clientIp: String(req.headers[CLIENT_IP_HEADER] ?? req.socket.remoteAddress ?? "unknown"),
    // Stopping early (a body over its limit) must not destroy the socket: the answer still has to go out.
    body: () => req.iterator({ destroyOnReturn: false }),
  };
}

/**
 * Writes an ApiResponse: a whole body with its length, or a stream with back-pressure. When the
 * answer comes before the request body was read to its end (a refused upload), the connection is
 * closed after it, so the client stops sending instead of the server reading the rest.
 */
export async function writeNodeResponse(req: IncomingMessage, res: ServerResponse, response: ApiResponse): Promise<void> {
  const headers: Record<string, string> = { ...response.headers };
  if (!req.complete) headers.connection = "close";
  const { body } = response;
  const noBody = req.method === "HEAD" || response.status === 204 || response.status === 304 || body === null;
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    const bytes = body === null ? null : typeof body === "string" ? Buffer.from(body) : body;
    if (bytes && response.status !== 204) headers["content-length"] = String(bytes.byteLength);
    res.writeHead(response.status, headers);
    res.end(noBody ? undefined : bytes);
    return;
  }
  res.writeHead(response.status, headers);
  if (noBody) {
    res.end();
    return;
  }
  await pipeline(Readable.from(body), res);
}
