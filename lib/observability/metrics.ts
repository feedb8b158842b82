import client from "prom-client";

/**
 * The process's Prometheus metrics. The server's bundle and Next's each load this module (and
 * maybe prom-client) once, so the registry and its metrics live on globalThis: requests counted
 * by either copy land in the one registry the metrics endpoint serves.
 */
export type Metrics = {
  registry: client.Registry;
  requests: client.Histogram<"route" | "method" | "status">;
  jobRows: client.Counter<"kind" | "outcome">;
  rateLimited: client.Counter<"limiter">;
  webhookDeliveries: client.Counter<"outcome">;
  webhookInFlight: client.Gauge;
  webhookLag: client.Histogram;
};

/** What the pool gauges read from a node-postgres pool (pg.Pool) at each scrape. */
export type PoolCounts = { readonly totalCount: number; readonly idleCount: number; readonly waitingCount: number };

const holder = globalThis as unknown as { rosterMetrics?: Metrics; rosterDatabasePool?: PoolCounts };

function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "roster_" });
  return {
    registry,
    requests: new client.Histogram({
      name: "roster_http_request_duration_seconds",
      help: "HTTP requests by route template (or page/static), method and status, with their latency",
      labelNames: ["route", "method", "status"],
      // From a cached lookup (~0.3 ms) to a leaver file upload (seconds).
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    jobRows: new client.Counter({
      name: "roster_leaver_job_rows_total",
      help: "Leaver job rows processed by this process, by job kind and outcome",
      labelNames: ["kind", "outcome"],
      registers: [registry],
    }),
    rateLimited: new client.Counter({
      name: "roster_rate_limit_rejections_total",
      help: "Requests refused by a rate limit (api: the request budget; sign-in: the sign-in throttle)",
      labelNames: ["limiter"],
      registers: [registry],
    }),
    webhookDeliveries: new client.Counter({
      name: "roster_webhook_attempts_total",
      help: "Webhook delivery attempts by this process, by outcome (delivered, retry, failed: the last attempt failed)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    webhookInFlight: new client.Gauge({
      name: "roster_webhook_requests_in_flight",
      help: "Webhook deliveries this process is sending now",
      registers: [registry],
    }),
    webhookLag: new client.Histogram({
      name: "roster_webhook_delivery_lag_seconds",
      help: "From an event's commit to its delivery (a 2xx answer), retries included",
      // From a local receiver (milliseconds) to the end of the retry schedule (more than a day).
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86_400],
      registers: [registry],
    }),
  };
}

export function metrics(): Metrics {
  holder.rosterMetrics ??= createMetrics();
  return holder.rosterMetrics;
}

/**
 * Reports the process's PostgreSQL pool in gauges read at each scrape (SQLite has no pool, and
 * no such gauges): requests queue for a connection when DATABASE_POOL_MAX is too small for the
 * load, and waiting > 0 for long is the sign.
 */
export function observeDatabasePool(pool: PoolCounts): void {
  if (!holder.rosterDatabasePool) {
    const { registry } = metrics();
    const gauge = (name: string, help: string, read: (counts: PoolCounts) => number) =>
      new client.Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          if (holder.rosterDatabasePool) this.set(read(holder.rosterDatabasePool));
        },
      });
    gauge("roster_database_pool_connections", "PostgreSQL connections the pool holds open, busy or idle", (counts) => counts.totalCount);
    gauge("roster_database_pool_idle_connections", "PostgreSQL connections the pool holds idle", (counts) => counts.idleCount);
    gauge("roster_database_pool_waiting_requests", "Statements and transactions waiting for a pooled PostgreSQL connection", (counts) => counts.waitingCount);
  }
  holder.rosterDatabasePool = pool;
}

/** The text exposition format, for a scrape. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
