import { randomUUID } from "node:crypto";
import { z } from "zod";
import { authorize, type PolicyAction, type PolicyContext, type PolicyResource } from "@/lib/auth/policy";
import { getDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { attributeBody } from "@/lib/http/body-budget";
import SECURITY_HEADERS from "@/lib/http/security-headers.json";
import { REQUEST_ID_HEADER, type ApiRequest, type ApiResponse } from "@/lib/http/types";
import { logger } from "@/lib/observability/log";
import type { Dialect, ResponseContext } from "./dialects/types";
import type { AnyEndpoint, HandlerResult, Principal, ProvisionerPrincipal } from "./endpoint";
import { ApiError, isApiError } from "./errors";
import { checkTenantHeader, denial, provisionerPrincipal, requireRecentAuthentication, sessionPrincipal, tokenPrincipal } from "./principal";
import { consumeAddressRateLimit, consumeRateLimit, rateLimitHeaders, type RateLimitState } from "./rate-limit";
import { DEFAULT_JSON_BODY_BYTES, JSON_BODY_DEADLINE_MS, parseJsonBody, readBodyBytes } from "./request-body";

/** OS1 callers name their request (X-COREOS-REQUEST-ID, echoed back); everyone else gets the server's id for it. */
function requestIdFor(dialect: Dialect, request: ApiRequest): string {
  return (dialect.name === "os1" && request.headers.get("x-coreos-request-id")?.slice(0, 200)) || request.headers.get(REQUEST_ID_HEADER) || randomUUID();
}

function zodDetails(error: z.core.$ZodError, prefix: string): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    details[path || prefix || "body"] ??= issue.message;
  }
  return details;
}

function parseWith(schema: z.core.$ZodType | undefined, value: unknown, what: "path" | "query" | "request body"): unknown {
  if (!schema) return undefined;
  const result = z.safeParse(schema, value);
  if (!result.success) {
    // SCIM names the two kinds of problem (RFC 7644 §3.12); other dialects ignore scimType.
    const scimType = what === "request body" ? "invalidSyntax" : "invalidValue";
    throw new ApiError("invalid_input", `Invalid ${what}`, { details: zodDetails(result.error, what === "request body" ? "" : what), scimType });
  }
  return result.data;
}

function queryObject(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  // A repeated parameter keeps its last value, as most HTTP frameworks do.
  for (const [key, value] of url.searchParams) query[key] = value;
  return query;
}

/** What an answer may echo of its request; the URL is parsed only when asked for (OS1's envelope), not on every request. */
function responseContext(dialect: Dialect, request: ApiRequest): ResponseContext {
  return {
    requestId: requestIdFor(dialect, request),
    method: request.method,
    get url() {
      return request.url;
    },
    bodyText: null,
  };
}

/**
 * The security headers Next.js adds to what it serves (next.config.js; answers on node:http never pass through it),
 * rate-limit headers, the dialect's own headers, the request id and no-store on every answer of an endpoint.
 */
function finish(
  response: ApiResponse,
  dialect: Dialect,
  context: ResponseContext,
  rateLimit: RateLimitState | null,
  extra?: Record<string, string>,
): ApiResponse {
  Object.assign(response.headers, SECURITY_HEADERS, extra, rateLimit && rateLimitHeaders(rateLimit), dialect.extraHeaders?.(context), {
    "cache-control": "no-store",
    "x-request-id": context.requestId,
  });
  return response;
}

function resultResponse(result: HandlerResult<z.core.$ZodType>, status: number, dialect: Dialect, context: ResponseContext): ApiResponse {
  if ("redirect" in result) return { status, headers: { location: result.redirect }, body: null, cookies: result.cookies };
  if ("file" in result) {
    const { file } = result;
    const headers: Record<string, string> = { "content-type": file.contentType, ...file.headers };
    if (file.fileName) headers["content-disposition"] = `attachment; filename="${file.fileName}"`;
    return { status, headers, body: file.body, cookies: result.cookies };
  }
  if ("json" in result) {
    if (!dialect.successJson) throw new Error(`the ${dialect.name} dialect takes no serialized JSON`);
    return { ...dialect.successJson(result.json, status), cookies: result.cookies };
  }
  return { ...dialect.success("data" in result ? result.data : null, status, context), cookies: result.cookies };
}

async function rateLimited(consumed: Promise<RateLimitState>): Promise<RateLimitState> {
  const state = await consumed;
  if (state.limited) throw Object.assign(new ApiError("rate_limited", "API rate limit exceeded; retry later"), { rateLimit: state });
  return state;
}

/**
 * Runs one endpoint for one request: request id, the caller (token in the dialect's headers, or
 * the console session), rate limit, tenant header, the endpoint's policy action, params, query and
 * body parsed with its zod schemas, the handler, and every error in the dialect's shape.
 */
export async function runEndpoint(request: ApiRequest, endpoint: AnyEndpoint, rawParams: Record<string, string>): Promise<ApiResponse> {
  const { dialect } = endpoint;
  const context = responseContext(dialect, request);
  let rateLimit: RateLimitState | null = null;
  try {
    const db = getDb();
    let principal: Principal | ProvisionerPrincipal | null = null;
    if (endpoint.auth === "token" || endpoint.auth === "provisioner") {
      const found = endpoint.auth === "token" ? await tokenPrincipal(db, request, dialect) : await provisionerPrincipal(db, request, dialect);
      if ("failure" in found) {
        rateLimit = await rateLimited(consumeAddressRateLimit("ip", request.clientIp));
        throw found.failure;
      }
      principal = found.principal;
    } else if (endpoint.auth === "session") {
      principal = await sessionPrincipal(db, request);
    } else if (endpoint.auth === "none") {
      // Strangers too: health writes, the OpenAPI document is large, metrics take bearer guesses.
      rateLimit = await rateLimited(consumeAddressRateLimit("public", request.clientIp));
    }
    const check = (action: PolicyAction, resource: PolicyResource, policyContext?: PolicyContext) => {
      if (!principal) throw new Error(`${endpoint.operationId}: a public endpoint cannot ask the policies`);
      const decision = authorize(principal, action, resource, policyContext);
      if (!decision.allowed) throw denial(action, principal, decision.policyIds);
    };
    if (principal) {
      rateLimit = await rateLimited(consumeRateLimit(`${principal.actor.type}:${principal.actor.id}`));
      if (endpoint.auth === "token") checkTenantHeader(request, dialect, principal as Principal);
      if (!endpoint.action) throw new Error(`${endpoint.operationId} has no policy action`);
      check(endpoint.action, { type: "Tenant", id: principal.tenantId, tenantId: principal.tenantId });
      // After the policies: a role that may not act at all is told so, not asked to step up.
      if (endpoint.stepUp && endpoint.auth === "session") requireRecentAuthentication(principal as Principal);
    }

    // A body (JSON or an upload) held while it arrives counts against the caller's share of the process's body budget.
    if (principal) attributeBody(request, `${principal.actor.type}:${principal.actor.id}`);
    const params = parseWith(endpoint.params, rawParams, "path");
    const query = endpoint.query ? parseWith(endpoint.query, queryObject(request.url), "query") : undefined;
    let body: unknown;
    if (endpoint.body) {
      const maxBytes = Math.min(endpoint.maxBodyBytes ?? DEFAULT_JSON_BODY_BYTES, serverEnv().API_MAX_BODY_BYTES);
      context.bodyText = (await readBodyBytes(request, maxBytes, { deadlineMs: JSON_BODY_DEADLINE_MS })).toString("utf8");
      body = parseWith(endpoint.body, parseJsonBody(context.bodyText), "request body");
    }
    const result = await endpoint.handler({
      db,
      principal: principal as never,
      params,
      query,
      body,
      request,
      requestId: context.requestId,
      authorize: check,
    });
    const status = result.status ?? ("redirect" in result ? 302 : endpoint.response.status);
    return finish(resultResponse(result, status, dialect, context), dialect, context, rateLimit, result.headers);
  } catch (error) {
    if (isApiError(error)) {
      const limitedBy = (error as ApiError & { rateLimit?: RateLimitState }).rateLimit;
      return finish(dialect.error(error, context), dialect, context, limitedBy ?? rateLimit, error.options.headers);
    }
    logger().error({ err: error, requestId: context.requestId, operationId: endpoint.operationId }, "request failed");
    return finish(dialect.error(new ApiError("internal", "Internal server error"), context), dialect, context, rateLimit);
  }
}

/** The answer for a path Roster knows but cannot serve as asked: a method it lacks (405 with Allow), a broken path (400), no such resource (404). */
export async function answerUnrouted(
  request: ApiRequest,
  dialect: Dialect,
  problem: { kind: "method-not-allowed"; allow: string[] } | { kind: "malformed" } | { kind: "not-found" },
): Promise<ApiResponse> {
  const context = responseContext(dialect, request);
  const rateLimit = await consumeAddressRateLimit("ip", request.clientIp);
  const error = rateLimit.limited
    ? new ApiError("rate_limited", "API rate limit exceeded; retry later")
    : problem.kind === "method-not-allowed"
      ? new ApiError("method_not_allowed", `Method ${request.method} is not allowed; use ${problem.allow.join(" or ")}`)
      : problem.kind === "malformed"
        ? new ApiError("invalid_input", "The request path has malformed percent-encoding")
        : new ApiError("not_found", `No such endpoint: ${request.url.pathname}`);
  const allow = problem.kind === "method-not-allowed" ? { allow: problem.allow.join(", ") } : undefined;
  return finish(dialect.error(error, context), dialect, context, rateLimit, allow);
}
