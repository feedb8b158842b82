import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
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
    body: () => (arrivedWhole(req) ? bufferedBody(req) : req.iterator({ destroyOnReturn: false })),
  };
}

/**
 * A small body that came with its headers has arrived whole before the handler asks for it (the
 * parser read it into the stream's buffer): one read takes it, where a stream iterator cost ~15 µs
 * of listeners and promises on every lookup.
 */
function arrivedWhole(req: IncomingMessage): boolean {
  const declared = Number(req.headers["content-length"]);
  // `complete` turns true only after the parser's next step: the buffer holding every declared byte is the sign.
  return declared > 0 && req.readableLength === declared && !req.readableFlowing && !req.readableEnded;
}

// Marks a request whose declared body was read whole: its parser has not yet called the message
// complete (that comes after the microtasks that read it, and after the answer's "finish"), but no
// byte of it is still to arrive. The mark travels with the request object and goes with it.
const TAKEN_WHOLE = Symbol.for("roster.bodyTakenWhole");
type Marked = IncomingMessage & { [TAKEN_WHOLE]?: true };

async function* bufferedBody(req: Marked): AsyncGenerator<Uint8Array> {
  req[TAKEN_WHOLE] = true;
  const chunk: unknown = req.read();
  // Flowing, with nothing left to deliver: the request still ends ('end', 'close') as one read to the end would.
  req.resume();
  if (chunk instanceof Uint8Array) yield chunk;
}

/**
 * How long the rest of an unread request body is still read, and thrown away, after the answer.
 * Closing at once made the kernel reset the connection while the client was still sending, and a
 * client that had not yet read the answer lost it ("write EPIPE" instead of the 400): nginx's
 * lingering close, for the same reason.
 */
const LINGER_MS = 2_000;

/** Writes an ApiResponse: a whole body with its length, or a stream with back-pressure. */
export async function writeNodeResponse(req: IncomingMessage, res: ServerResponse, response: ApiResponse): Promise<void> {
  const headers: OutgoingHttpHeaders = { ...response.headers };
  if (response.cookies?.length) headers["set-cookie"] = response.cookies;
  const { body } = response;
  const noBody = req.method === "HEAD" || response.status === 204 || response.status === 304 || body === null;
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    // A string body stays a string: node:http then sends head and body in one write (a Buffer goes beside the head in a writev).
    const length = body === null ? null : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    if (length !== null && response.status !== 204) headers["content-length"] = String(length);
    res.writeHead(response.status, headers);
    res.end(noBody ? undefined : body);
    return;
  }
  res.writeHead(response.status, headers);
  if (noBody) {
    res.end();
    return;
  }
  await pipeline(Readable.from(body), res);
}

/**
 * When the answer went out before the request body was read to its end (a refused upload, from
 * either server), the rest is read and dropped: a body that ends within the linger leaves the
 * connection as good as any (clients reuse it), one still coming after it has the connection
 * closed. `connection: close` would make node:http close the socket as soon as the answer is out.
 */
export function closeAfterUnreadBody(req: Marked, res: ServerResponse): void {
  res.once("finish", () => {
    if (req.complete || req[TAKEN_WHOLE]) return;
    const socket = req.socket;
    // Both listeners go when either fires: a keep-alive socket must not collect one per request.
    const stop = () => {
      clearTimeout(timer);
      req.removeListener("end", stop);
      socket.removeListener("close", stop);
    };
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    req.once("end", stop);
    socket.once("close", stop);
    req.resume();
  });
}
