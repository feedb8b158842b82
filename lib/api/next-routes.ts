import { fromWebRequest, toWebResponse } from "@/lib/http/web";
import { routeRequest, serveRouted } from "./registry";

/**
 * The Next.js route handlers of app/api/[...path] and app/v1/[...path]: every registry endpoint
 * through Next (the console's API in production, and everything in development). The custom
 * server answers the vendor APIs itself (server/api-dispatch.ts) with the same endpoints.
 */
async function handle(request: Request): Promise<Response> {
  const apiRequest = fromWebRequest(request);
  const match = routeRequest(apiRequest.method, apiRequest.url.pathname);
  // Unreachable from the catch-alls, whose paths are all API paths; kept for type safety.
  if (!match) return new Response(null, { status: 404 });
  return toWebResponse(await serveRouted(apiRequest, match));
}

export { handle as DELETE, handle as GET, handle as HEAD, handle as OPTIONS, handle as PATCH, handle as POST, handle as PUT };
