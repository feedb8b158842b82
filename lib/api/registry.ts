import { CONSOLE_ENDPOINTS } from "@/lib/console/endpoints";
import { jsonResponse, type ApiRequest, type ApiResponse, type FileBody } from "@/lib/http/types";
import { serviceDialect } from "./dialects/service";
import { defineEndpoint, type AnyEndpoint } from "./endpoint";
import { IDENTITY_ENDPOINTS } from "./endpoints/identities";
import { LEAVER_API_ENDPOINTS } from "./endpoints/leavers";
import { MENDIX_ENDPOINTS } from "./endpoints/mendix";
import { OS1_ENDPOINTS } from "./endpoints/os1-users";
import { SCHEDULED_API_ENDPOINTS } from "./endpoints/scheduled";
import { SCIM_ENDPOINTS } from "./endpoints/scim";
import { SERVICE_ENDPOINTS } from "./endpoints/service";
import { buildOpenApiDocument, type OpenApiDocument } from "./openapi/build";
import { answerUnrouted, runEndpoint } from "./pipeline";
import { createRouter, type RouteMatch } from "./router";

const API_ENDPOINTS: AnyEndpoint[] = [
  ...MENDIX_ENDPOINTS,
  ...IDENTITY_ENDPOINTS,
  ...OS1_ENDPOINTS,
  ...LEAVER_API_ENDPOINTS,
  ...SCHEDULED_API_ENDPOINTS,
  ...SCIM_ENDPOINTS,
  ...SERVICE_ENDPOINTS,
];

let document: OpenApiDocument | undefined;
/** The OpenAPI document of every API endpoint; it depends only on code, so it is built once. */
export function openApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument(ENDPOINTS);
  return document;
}

let documentFile: FileBody | undefined;
/** The document as its answer sends it, serialized once (~190 KB, fetched by anyone). */
function openApiDocumentFile(): FileBody {
  if (!documentFile) {
    const { headers, body } = jsonResponse(openApiDocument(), 200);
    documentFile = { contentType: headers["content-type"]!, body: Buffer.from(body as string) };
  }
  return documentFile;
}

// GET /api/openapi.json — the OpenAPI 3.1 description of every API endpoint (no credentials)
export const openApiEndpoint = defineEndpoint({
  operationId: "getOpenApiDocument",
  method: "GET",
  path: "/api/openapi.json",
  dialect: serviceDialect,
  auth: "none",
  response: { status: 200, description: "An OpenAPI 3.1 document" },
  docs: {
    summary: "This OpenAPI document",
    description: "The OpenAPI 3.1 description of every endpoint, derived from the declarations the server dispatches by.",
  },
  handler: () => ({ file: openApiDocumentFile() }),
});

/**
 * Every endpoint Roster serves, each declared once. The router (and through it the custom
 * server's dispatch, the Next.js catch-all routes, 405 answers with Allow, broken-path answers),
 * the OpenAPI document and the scope documentation are all derived from this list.
 */
export const ENDPOINTS: readonly AnyEndpoint[] = [...API_ENDPOINTS, openApiEndpoint, ...CONSOLE_ENDPOINTS];

export const router = createRouter(ENDPOINTS);

/** Routes a request: null when the path is no API path at all (a page). */
export function routeRequest(method: string, pathname: string): RouteMatch | null {
  return router.match(method, pathname, serviceDialect);
}

/** Answers a routed request, whichever server carried it. */
export function serveRouted(request: ApiRequest, match: RouteMatch): Promise<ApiResponse> {
  return match.kind === "endpoint" ? runEndpoint(request, match.endpoint, match.params) : answerUnrouted(request, match.dialect, match);
}
