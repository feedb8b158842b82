import type { IncomingMessage, ServerResponse } from "node:http";
import * as userIdentifiers from "@/app/api/user-identifiers/v1/uuids/route";
import * as os1Users from "@/app/api/v1/users/route";
import * as os1User from "@/app/api/v1/users/[userId]/route";
import * as os1Emails from "@/app/api/v1/users/email/route";
import * as os1Mobiles from "@/app/api/v1/users/mobile/route";
import * as platformUser from "@/app/v1/platform-users/[uuid]/route";
import * as userIdentities from "@/app/v1/users/[id]/identities/route";
import { serverEnv } from "@/lib/env";

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "HEAD", RouteHandler>>;

/**
 * The vendor API routes, served by this server directly with the very route modules Next.js
 * would run (app/.../route.ts). Next's per-request machinery costs ~1 ms of CPU, most of it
 * for streaming the body into a web Request; these endpoints are the hot path for automation
 * (docs/decisions/0008). Everything else (pages, console API, leavers) still goes to Next.js.
 */
const ROUTES: { pattern: RegExp; params: string[]; module: RouteModule }[] = [
  { pattern: /^\/api\/user-identifiers\/v1\/uuids$/, params: [], module: userIdentifiers },
  { pattern: /^\/v1\/platform-users\/([^/]+)$/, params: ["uuid"], module: platformUser },
  { pattern: /^\/v1\/users\/([^/]+)\/identities$/, params: ["id"], module: userIdentities },
  { pattern: /^\/api\/v1\/users$/, params: [], module: os1Users },
  { pattern: /^\/api\/v1\/users\/email$/, params: [], module: os1Emails },
  { pattern: /^\/api\/v1\/users\/mobile$/, params: [], module: os1Mobiles },
  { pattern: /^\/api\/v1\/users\/([^/]+)$/, params: ["userId"], module: os1User },
];

export function matchApiRoute(pathname: string) {
  for (const route of ROUTES) {
    const found = route.pattern.exec(pathname);
    if (found) return { route, values: found.slice(1) };
  }
  return null;
}

/** Reads the body natively; stops one byte past the limit so the handler still answers 413. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.resume();
        resolve(Buffer.concat(chunks));
      }
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Serves the request when it is for a vendor API route; returns false to leave it to Next.js. */
export async function dispatchApiRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? "/";
  const queryAt = url.indexOf("?");
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  const found = matchApiRoute(pathname);
  if (!found) return false;
  const method = (req.method ?? "GET").toUpperCase();
  const handler = found.route.module[method as keyof RouteModule] ?? (method === "HEAD" ? found.route.module.GET : undefined);
  if (!handler) return false;

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  let body: Buffer | undefined;
  if (hasBody) {
    body = await readBody(req, serverEnv().API_MAX_BODY_BYTES);
    // The handler judges the size from what it receives: a cut-off body must not claim its full length.
    if (body.length > serverEnv().API_MAX_BODY_BYTES) headers.delete("content-length");
  }
  const request = new Request(new URL(url, `http://${req.headers.host ?? "localhost"}`), { method, headers, body: hasBody ? new Uint8Array(body!) : undefined });
  const params = Object.fromEntries(found.route.params.map((name, index) => [name, decodeURIComponent(found.values[index] ?? "")]));
  const response = await handler(request, { params: Promise.resolve(params) });

  const payload = method === "HEAD" || response.status === 204 ? null : Buffer.from(await response.arrayBuffer());
  const outgoing: Record<string, string> = {};
  response.headers.forEach((value, name) => (outgoing[name] = value));
  if (payload) outgoing["content-length"] = String(payload.length);
  res.writeHead(response.status, outgoing);
  res.end(payload ?? undefined);
  return true;
}
