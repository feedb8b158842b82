import { randomUUID, timingSafeEqual } from "node:crypto";
import { parse as parseCookies } from "cookie";
import { z } from "zod";
import { getDb } from "@/lib/db";
import type { Db } from "@/db/client";
import { checkToken, type TokenCheck, type TokenPrincipal } from "@/lib/auth/authenticate-token";
import { authorize, type PolicyAction, type PolicyContext, type PolicyResource } from "@/lib/auth/policy";
import { scopesForRole } from "@/lib/auth/scopes";
import { CSRF_HEADER, readSession, SESSION_COOKIE } from "@/lib/auth/session";
import { serverEnv } from "@/lib/env";
import type { Dialect, ResponseContext } from "./dialects/types";
import { CLIENT_IP_HEADER } from "./client-ip";
import { ApiError } from "./errors";
import { consumeRateLimit, rateLimitHeaders, type RateLimitState } from "./rate-limit";
import { parseJsonBody, readBodyText } from "./request-body";


const SCOPE_BY_ACTION: Record<PolicyAction, string> = {
  lookupUserIds: "mx:mxid3:user-identifiers:uuid:read",
  deactivateUser: "mx:user-deactivation:write",
  readUsers: "users:read",
  listIdentities: "users:read",
  linkIdentity: "identities:write",
  reactivateUser: "mx:user-deactivation:write",
  readAuditLog: "users:read",
  manageOwnTokens: "users:read",
  bulkDeactivateUsers: "mx:user-deactivation:write",
  readLeaverJobs: "users:read",
};

/** Who is calling: a token (API) or an admin's console session, with what the policies need. */
export type Principal = TokenPrincipal & { actor: { type: "token" | "admin"; id: string; name: string } };

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export type HandlerContext<B extends Schema, Q extends Schema, P extends Schema> = {
  db: Db;
  principal: Principal;
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
  requestId: string;
  /** Asks the policies about a specific resource; throws the dialect's 403 when denied. */
  authorize(action: PolicyAction, resource: PolicyResource, context?: PolicyContext): void;
};

export type ApiResult = { status: number; data?: unknown };

export type RouteConfig<B extends Schema, Q extends Schema, P extends Schema> = {
  dialect: Dialect;
  /** "token" (default): a PAT in the dialect's headers. "session": the console's cookie, with CSRF on mutations. */
  auth?: "token" | "session";
  /** The policy action checked against the caller's tenant before the handler runs. */
  action: PolicyAction;
  body?: B;
  query?: Q;
  params?: P;
};

type RouteArgs = { params: Promise<Record<string, string | string[]>> };

const UNAUTHORIZED_MESSAGES: Record<Exclude<TokenCheck, { ok: true }>["reason"] | "missing" | "header", string> = {
  missing: "No access token provided in the request",
  header: "Invalid or missing authorization header",
  malformed: "Supplied personal access token is invalid",
  unknown: "Supplied personal access token is invalid",
  revoked: "Access token has been revoked",
  expired: "Access token is expired",
  "inactive-owner": "The user for which the token was issued is not active",
};

function zodDetails(error: z.ZodError, prefix: string): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    details[path || prefix || "body"] ??= issue.message;
  }
  return details;
}

function parseWith<S extends Schema>(schema: S, value: unknown, what: string): Parsed<S> {
  if (!schema) return undefined as Parsed<S>;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiError("invalid_input", `Invalid ${what}`, { details: zodDetails(result.error, what === "request body" ? "" : what) });
  }
  return result.data as Parsed<S>;
}

async function tokenPrincipal(db: Db, request: Request, dialect: Dialect, noteRateLimit: (state: RateLimitState) => void): Promise<Principal> {
  const credentials = dialect.readCredentials(request.headers);
  const check: TokenCheck | null = credentials.token ? checkToken(db, credentials.token) : null;
  if (!check || !check.ok) {
    const state = await consumeRateLimit(`ip:${request.headers.get(CLIENT_IP_HEADER) ?? "unknown"}`);
    noteRateLimit(state);
    if (state.limited) throw new ApiError("rate_limited", "API rate limit exceeded; retry later");
    const reason = check ? check.reason : credentials.problem === "malformed" ? "header" : "missing";
    throw new ApiError("unauthorized", UNAUTHORIZED_MESSAGES[reason]);
  }
  const principal = check.principal;
  return { ...principal, actor: { type: "token", id: principal.tokenId, name: principal.userName } };
}

/** The dialects with a tenant header (JITSudo, OS1) must name the token's own tenant. */
function checkTenantHeader(request: Request, dialect: Dialect, principal: Principal): void {
  const credentials = dialect.readCredentials(request.headers);
  if (!credentials.tenantHeaderName) return;
  const named = credentials.tenantHeader?.trim();
  if (!named) throw new ApiError("invalid_input", `The ${credentials.tenantHeaderName} header is required`, { details: { [credentials.tenantHeaderName]: "required" } });
  if (named.toLowerCase() !== principal.tenantId) {
    throw new ApiError("tenant_mismatch", `${credentials.tenantHeaderName} names a tenant other than the token's`, { notices: ["tenant-isolation"] });
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function sessionPrincipal(db: Db, request: Request): Principal {
  const cookies = parseCookies(request.headers.get("cookie") ?? "");
  const session = readSession(db, cookies[SESSION_COOKIE]);
  if (!session) throw new ApiError("unauthorized", "Your session has ended; sign in again");
  if (request.method !== "GET" && request.method !== "HEAD") {
    // Double submit: the token is only readable by our own pages, and the cookie is SameSite=Lax.
    const presented = request.headers.get(CSRF_HEADER) ?? "";
    if (!sameSecret(presented, session.csrfToken)) throw new ApiError("forbidden", "Missing or wrong CSRF token; reload the page", { notices: ["csrf"] });
  }
  return {
    tokenId: session.sessionId,
    tenantId: session.tenantId,
    role: session.role,
    scopes: scopesForRole(session.role),
    adminId: session.adminId,
    userId: session.userId,
    userName: session.userName,
    actor: { type: "admin", id: session.adminId, name: session.userName },
  };
}

function denial(action: PolicyAction, principal: Principal, policyIds: string[]): ApiError {
  const scope = SCOPE_BY_ACTION[action];
  if (policyIds.includes(`scope-required:${scope}`)) {
    return new ApiError("forbidden", `The token is missing the required scope ${scope}`, {
      notices: policyIds,
      requiredScopes: [scope],
      providedScopes: principal.scopes,
      reason: "missing_scope",
    });
  }
  if (policyIds.includes("no-self-deactivation")) {
    return new ApiError("forbidden", "Member cannot (de)activate himself", { notices: policyIds, reason: "self_deactivation" });
  }
  if (policyIds.some((id) => id.endsWith("-requires-admin-role"))) {
    return new ApiError("forbidden", "Requestor is not an admin of the company", { notices: policyIds, reason: "not_admin" });
  }
  return new ApiError("forbidden", "Access denied by policy", { notices: policyIds.length ? policyIds : ["default-deny"] });
}

/** OS1 callers name their request (X-COREOS-REQUEST-ID, echoed back); everyone else gets a fresh id. */
function requestIdFor(dialect: Dialect, request: Request): string {
  return (dialect.name === "os1" && request.headers.get("x-coreos-request-id")?.slice(0, 200)) || randomUUID();
}

function queryObject(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  // A repeated parameter keeps its last value, as most HTTP frameworks do.
  for (const [key, value] of url.searchParams) query[key] = value;
  return query;
}

/**
 * Wraps a route handler with everything every API endpoint does: request id, credentials in the
 * dialect's headers, tenant header check, rate limit, policy check, body/query/params parsing
 * with zod, and errors written in the dialect's shape. Handlers return data or throw ApiError.
 */
export function apiRoute<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined>(
  config: RouteConfig<B, Q, P>,
  handler: (context: HandlerContext<B, Q, P>) => ApiResult | Promise<ApiResult>,
) {
  const { dialect } = config;
  return async function route(request: Request, args?: RouteArgs): Promise<Response> {
    const url = new URL(request.url);
    const requestId = requestIdFor(dialect, request);
    const context: ResponseContext = { requestId, method: request.method, url, bodyText: null };
    let rateLimit: RateLimitState | null = null;

    const finish = (response: Response) => {
      if (rateLimit) for (const [name, value] of Object.entries(rateLimitHeaders(rateLimit))) response.headers.set(name, value);
      for (const [name, value] of Object.entries(dialect.extraHeaders?.(context, request.headers) ?? {})) response.headers.set(name, value);
      response.headers.set("Cache-Control", "no-store");
      return response;
    };

    try {
      const env = serverEnv();
      const db = getDb();
      const principal = config.auth === "session" ? sessionPrincipal(db, request) : await tokenPrincipal(db, request, dialect, (state) => (rateLimit = state));

      rateLimit = await consumeRateLimit(`${principal.actor.type}:${principal.actor.id}`);
      if (rateLimit.limited) throw new ApiError("rate_limited", "API rate limit exceeded; retry later");
      if (config.auth !== "session") checkTenantHeader(request, dialect, principal);

      const check403 = (action: PolicyAction, resource: PolicyResource, policyContext?: PolicyContext) => {
        const decision = authorize(principal, action, resource, policyContext);
        if (!decision.allowed) throw denial(action, principal, decision.policyIds);
      };
      check403(config.action, { type: "Tenant", id: principal.tenantId, tenantId: principal.tenantId });

      const params = parseWith<P>(config.params as P, args ? await args.params : {}, "path");
      const query = parseWith<Q>(config.query as Q, queryObject(url), "query");
      let body = undefined as Parsed<B>;
      if (config.body) {
        context.bodyText = await readBodyText(request, env.API_MAX_BODY_BYTES);
        body = parseWith(config.body, parseJsonBody(context.bodyText), "request body");
      }

      const result = await handler({ db, principal, body, query, params, requestId, authorize: check403 });
      return finish(dialect.success(result.data ?? null, result.status, context));
    } catch (error) {
      if (error instanceof ApiError) return finish(dialect.error(error, context));
      console.error(`roster: ${request.method} ${url.pathname} failed (request ${requestId}):`, error);
      return finish(dialect.error(new ApiError("internal", "Internal server error"), context));
    }
  };
}

/** The answer for methods an endpoint does not support, in its dialect and with its headers. */
export function methodNotAllowed(dialect: Dialect, allowed: string[]) {
  return async function route(request: Request): Promise<Response> {
    const context: ResponseContext = { requestId: requestIdFor(dialect, request), method: request.method, url: new URL(request.url), bodyText: null };
    const rateLimit = await consumeRateLimit(`ip:${request.headers.get(CLIENT_IP_HEADER) ?? "unknown"}`);
    const error = rateLimit.limited
      ? new ApiError("rate_limited", "API rate limit exceeded; retry later")
      : new ApiError("method_not_allowed", `Method ${request.method} is not allowed; use ${allowed.join(" or ")}`);
    const response = dialect.error(error, context);
    for (const [name, value] of Object.entries(rateLimitHeaders(rateLimit))) response.headers.set(name, value);
    for (const [name, value] of Object.entries(dialect.extraHeaders?.(context, request.headers) ?? {})) response.headers.set(name, value);
    response.headers.set("Allow", allowed.join(", "));
    response.headers.set("Cache-Control", "no-store");
    return response;
  };
}
