import http from "node:http";
import { percentile } from "./stats";

/** One request of a load run; bodies are prepared before the clock starts. */
export type RequestSpec = { method: string; path: string; headers?: Record<string, string>; body?: Buffer };

export type LoadOptions = {
  port: number;
  /** Concurrent keep-alive connections, each sending its next request when the previous answered. */
  connections: number;
  /** Stop issuing requests after this long ... */
  durationMs: number;
  /** ... or after this many requests, whichever comes first. */
  maxRequests: number;
  /** The i-th request, or null when there is nothing left to send (ends the run early). */
  next: (index: number) => RequestSpec | null;
  /** The status a request must answer with to count as a success. */
  expectStatus: number;
  /** A request that takes longer fails and its socket is destroyed. */
  timeoutMs?: number;
};

export type LoadResult = {
  requests: number;
  ok: number;
  errors: number;
  seconds: number;
  /** Successful requests per second. */
  rps: number;
  latenciesMs: number[];
  p50: number;
  p99: number;
  /** The first unexpected answer, to make a failing run explainable. */
  firstError: string | null;
};

type Answer = { status: number; body: string };

function send(agent: http.Agent, port: number, spec: RequestSpec, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body) headers["content-length"] = spec.body.length;
    const req = http.request({ host: "127.0.0.1", port, method: spec.method, path: spec.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(spec.body);
  });
}

/**
 * A closed-loop load generator: `connections` workers on one keep-alive agent, each sending
 * its next request as soon as the previous one answered. Bounded by time and by count.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  const latenciesMs: number[] = [];
  let issued = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const worker = async () => {
    while (performance.now() < deadline && issued < options.maxRequests) {
      const spec = options.next(issued);
      if (!spec) return;
      issued += 1;
      const sent = performance.now();
      try {
        const answer = await send(agent, options.port, spec, timeoutMs);
        if (answer.status === options.expectStatus) {
          ok += 1;
          latenciesMs.push(performance.now() - sent);
        } else {
          errors += 1;
          firstError ??= `${spec.method} ${spec.path} → ${answer.status} ${answer.body.slice(0, 300)}`;
        }
      } catch (error) {
        errors += 1;
        firstError ??= `${spec.method} ${spec.path} → ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: issued,
    ok,
    errors,
    seconds,
    rps: ok / seconds,
    latenciesMs,
    p50: percentile(latenciesMs, 50),
    p99: percentile(latenciesMs, 99),
    firstError,
  };
}
