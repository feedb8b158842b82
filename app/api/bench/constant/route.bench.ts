// GET|POST /api/bench/constant — the bare Next.js route handler that bench/api.ts measures the API
// against (same server, client and concurrency). Only builds made with ROSTER_BENCH_ROUTES=1 (the
// benchmark's own) contain it: next.config.js adds the `bench.ts` page extension for them.

const CONSTANT = { ok: true };

function constant(): Response {
  return Response.json(CONSTANT, { headers: { "Cache-Control": "no-store" } });
}

export const GET = constant;
export const POST = constant;
