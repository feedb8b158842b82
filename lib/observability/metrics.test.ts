import { describe, expect, it } from "vitest";
import { metricsText, observeDatabasePool } from "./metrics";

describe("database pool gauges", () => {
  it("are absent until a PostgreSQL pool is observed, then read it at every scrape", async () => {
    expect((await metricsText()).body).not.toContain("roster_database_pool");
    const pool = { totalCount: 4, idleCount: 1, waitingCount: 0 };
    observeDatabasePool(pool);
    observeDatabasePool(pool);
    expect((await metricsText()).body).toMatch(/^roster_database_pool_connections 4$/m);
    Object.assign(pool, { totalCount: 10, idleCount: 0, waitingCount: 7 });
    const body = (await metricsText()).body;
    expect(body).toMatch(/^roster_database_pool_connections 10$/m);
    expect(body).toMatch(/^roster_database_pool_idle_connections 0$/m);
    expect(body).toMatch(/^roster_database_pool_waiting_requests 7$/m);
  });
});
