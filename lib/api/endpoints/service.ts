import { checkDatabase } from "@/db/client";
import { serviceDialect } from "../dialects/service";
import { defineEndpoint } from "../endpoint";
import { healthResponse } from "../schemas";

// GET /api/health — liveness, and whether the database can be read and written, for load balancers and the start script
export const health = defineEndpoint({
  operationId: "getHealth",
  method: "GET",
  path: "/api/health",
  dialect: serviceDialect,
  auth: "none",
  response: {
    status: 200,
    description: "Up, database reachable and writable (503 with `status: error` naming the problem when it is not)",
    schema: healthResponse,
  },
  errors: [503],
  docs: { summary: "Health", description: "Liveness and database reachability and writability, for load balancers." },
  handler: ({ db }) => {
    const database = checkDatabase(db);
    if (database.ok) return { data: { status: "ok" as const, database: { status: "ok" as const, journalMode: database.journalMode } } };
    return { status: 503, data: { status: "error" as const, database: { status: "error" as const, message: database.error } } };
  },
});

export const SERVICE_ENDPOINTS = [health];
