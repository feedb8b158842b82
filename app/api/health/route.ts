import { getDb } from "@/lib/db";
import { checkDatabase } from "@/db/client";

export const dynamic = "force-dynamic";

// GET /api/health — liveness and database reachability for load balancers and the start script
export function GET() {
  const database = checkDatabase(getDb());
  const body = database.ok
    ? { status: "ok", database: { status: "ok", journalMode: database.journalMode } }
    : { status: "error", database: { status: "error", message: "database unavailable" } };
  return Response.json(body, { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
