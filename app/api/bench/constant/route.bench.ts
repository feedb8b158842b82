// GET /api/bench/constant — the bare Next.js route handler that bench/api.ts measures the API
// against (same server, client and concurrency). Only builds made with ROSTER_BENCH_ROUTES=1 (the
// benchmark's own) contain it: next.config.js adds the `bench.ts` page extension for them.
// GET only: a POST whose body the route never reads costs Next more than a GET and made the
// baseline slower (issue 13).

const CONSTANT = { ok: true };

export function GET(): Response {
  return Response.json(CONSTANT, { headers: { "Cache-Control": "no-store" } });
}
