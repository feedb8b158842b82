import type { Server } from "node:http";
import { logger } from "@/lib/observability/log";

/** How long in-flight requests get to finish after SIGTERM before their connections are cut. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * On SIGTERM or SIGINT: stop taking connections, let requests in flight finish (idle keep-alive
 * connections are closed at once, busy ones when their answer is sent), stop the leaver worker
 * after its current batch and the webhook dispatcher after its attempts in flight (`stopWorkers`),
 * run `close` (database handles), then exit. A second signal exits at once.
 */
export function handleShutdown(servers: Server[], stopWorkers: () => Promise<void>, close: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger().info({ signal }, "shutting down: finishing requests in flight, the current leaver batch and webhook attempts in flight");
    const closed = servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    const cut = setTimeout(() => servers.forEach((server) => server.closeAllConnections()), SHUTDOWN_GRACE_MS);
    cut.unref();
    Promise.all([stopWorkers(), ...closed])
      .then(async () => {
        await close();
        logger().info("stopped");
      })
      .catch((error: unknown) => logger().error({ err: error }, "shutdown failed"))
      // The log is written asynchronously: exit once its last lines are out.
      .finally(() => logger().flush(() => process.exit(0)));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
