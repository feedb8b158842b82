import { buildOpenApiDocument } from "@/lib/api/openapi";

// The document depends only on code, so it is built once at build time and served as a file.
export const dynamic = "force-static";

// GET /api/openapi.json — the OpenAPI 3.1 description of every Roster API endpoint (no credentials)
export function GET() {
  return Response.json(buildOpenApiDocument());
}
