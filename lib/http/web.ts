import { CLIENT_IP_HEADER, type ApiRequest, type ApiResponse, type ResponseBody } from "./types";

const EMPTY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };
// Node's web streams have values(); TypeScript's DOM types do not declare it yet.
type IterableStream = { values(options: { preventCancel: boolean }): AsyncIterable<Uint8Array> };

/** A web Request (what Next.js hands a route handler) as an ApiRequest. */
export function fromWebRequest(request: Request): ApiRequest {
  return {
    method: request.method.toUpperCase(),
    url: new URL(request.url),
    headers: request.headers,
    clientIp: request.headers.get(CLIENT_IP_HEADER) ?? "unknown",
    // As in ./node.ts: stopping early leaves the stream to the server instead of cancelling the request.
    body: () => (request.body ? (request.body as unknown as IterableStream).values({ preventCancel: true }) : EMPTY),
  };
}

function streamOf(body: AsyncIterable<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = body[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(typeof next.value === "string" ? encoder.encode(next.value) : next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function webBody(body: ResponseBody): BodyInit | null {
  if (body === null || typeof body === "string") return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  return streamOf(body);
}

/** An ApiResponse as the web Response a Next.js route handler returns. */
export function toWebResponse(response: ApiResponse): Response {
  const nullBody = response.status === 204 || response.status === 304;
  const headers = new Headers(response.headers);
  for (const cookie of response.cookies ?? []) headers.append("set-cookie", cookie);
  return new Response(nullBody ? null : webBody(response.body), { status: response.status, headers });
}
