export const dynamic = "force-dynamic";

const NOT_FOUND = { error: "not found" };
const CONSTANT = { ok: true };

/**
 * GET|POST /api/bench/constant — the bare Next.js route handler that bench/api.ts measures the
 * API against (same server, client and concurrency). Answers 404 unless ROSTER_BENCH_ROUTES=1,
 * read per request so the route stays inert in production.
 */
function constant(): Response {
  if (process.env.ROSTER_BENCH_ROUTES !== "1") return Response.json(NOT_FOUND, { status: 404, headers: { "Cache-Control": "no-store" } });
  return Response.json(CONSTANT, { headers: { "Cache-Control": "no-store" } });
}

export const GET = constant;
export const POST = constant;
