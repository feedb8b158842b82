import { timingSafeEqual } from "node:crypto";
import { parse as parseCookies } from "cookie";
import type { Db } from "@/db/client";
import { ACTION_REQUIREMENTS } from "@/lib/auth/actions";
import { checkToken, type TokenCheck } from "@/lib/auth/authenticate-token";
import type { PolicyPrincipal } from "@/lib/auth/policy";
import { checkScimToken } from "@/lib/auth/scim-tokens";
import type { PolicyAction } from "@/lib/auth/policy";
import { scopesForRole } from "@/lib/auth/scopes";
import { CSRF_HEADER, readSession, SESSION_COOKIE } from "@/lib/auth/session";
import { isStale } from "@/lib/auth/step-up-gate";
import type { ApiRequest } from "@/lib/http/types";
import type { Dialect } from "./dialects/types";
import type { Principal, ProvisionerPrincipal } from "./endpoint";
import { ApiError } from "./errors";

type TokenFailure = Exclude<TokenCheck, { ok: true }>["reason"] | "missing" | "header";

const UNAUTHORIZED_MESSAGES: Record<TokenFailure, string> = {
  missing: "No access token provided in the request",
  header: "Invalid or missing authorization header",
  malformed: "Supplied personal access token is invalid",
  unknown: "Supplied personal access token is invalid",
  revoked: "Access token has been revoked",
  expired: "Access token is expired",
  "inactive-owner": "The user for which the token was issued is not active",
};

/** The token in the dialect's headers, judged against the database; null with the 401 to answer when it fails. */
export async function tokenPrincipal(db: Db, request: ApiRequest, dialect: Dialect): Promise<{ principal: Principal } | { failure: ApiError }> {
  const credentials = dialect.readCredentials(request.headers);
  const check: TokenCheck | null = credentials.token ? await checkToken(db, credentials.token) : null;
  if (!check || !check.ok) {
    const reason: TokenFailure = check ? check.reason : credentials.problem === "malformed" ? "header" : "missing";
    return { failure: new ApiError("unauthorized", UNAUTHORIZED_MESSAGES[reason]) };
  }
  const principal = check.principal;
  return { principal: { ...principal, actor: { type: "token", id: principal.tokenId, name: principal.userName } } };
}

/** The identity provider behind a SCIM bearer token; the 401 to answer when there is none or it is refused. */
export async function provisionerPrincipal(
  db: Db,
  request: ApiRequest,
  dialect: Dialect,
): Promise<{ principal: ProvisionerPrincipal } | { failure: ApiError }> {
  const credentials = dialect.readCredentials(request.headers);
  if (!credentials.token) {
    return {
      failure: new ApiError(
        "unauthorized",
        credentials.problem === "malformed" ? "Use Authorization: Bearer <provisioning token>" : "No bearer token provided",
      ),
    };
  }
  const check = await checkScimToken(db, credentials.token);
  if (!check.ok)
    return {
      failure: new ApiError("unauthorized", check.reason === "revoked" ? "The provisioning token has been revoked" : "The provisioning token is invalid"),
    };
  const { identity } = check;
  return { principal: { ...identity, actor: { type: "provider", id: identity.provider.id, name: identity.provider.name } } };
}

/** The dialects with a tenant header (JITSudo, OS1) must name the token's own tenant. */
export function checkTenantHeader(request: ApiRequest, dialect: Dialect, principal: Principal): void {
  const credentials = dialect.readCredentials(request.headers);
  if (!credentials.tenantHeaderName) return;
  const named = credentials.tenantHeader?.trim();
  if (!named)
    throw new ApiError("invalid_input", `The ${credentials.tenantHeaderName} header is required`, { details: { [credentials.tenantHeaderName]: "required" } });
  if (named.toLowerCase() !== principal.tenantId) {
    throw new ApiError("tenant_mismatch", `${credentials.tenantHeaderName} names a tenant other than the token's`, { notices: ["tenant-isolation"] });
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The signed-in admin of a console request; changes must carry the page's CSRF token. Session and
 * CSRF token are read from the database for each request, so any process may answer any request.
 */
export async function sessionPrincipal(db: Db, request: ApiRequest): Promise<Principal> {
  const cookies = parseCookies(request.headers.get("cookie") ?? "");
  const session = await readSession(db, cookies[SESSION_COOKIE]);
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
    authentication: { at: session.authenticatedAt, method: session.authMethod },
  };
}

/** The step-up gate's refusal: a 403 whose problem `type` the console's fetch recognises and answers with its dialog. */
export function requireRecentAuthentication(principal: Principal, now = Date.now()): void {
  if (!principal.authentication || !isStale(principal.authentication.at, now)) return;
  throw new ApiError("step_up_required", "Confirm it's you: this action needs a recent sign-in or step-up", { notices: ["step-up"] });
}

/** The 403 for a policy denial, worded for what decided it. */
export function denial(action: PolicyAction, principal: PolicyPrincipal, policyIds: string[]): ApiError {
  const scopes: readonly string[] = ACTION_REQUIREMENTS[action].anyScope;
  if (policyIds.some((id) => id.includes("scope-required"))) {
    return new ApiError("forbidden", `The token is missing the required scope ${scopes.join(" or ")}`, {
      notices: policyIds,
      requiredScopes: [...scopes],
      providedScopes: [...principal.scopes],
      reason: "missing_scope",
    });
  }
  if (policyIds.includes("no-self-deactivation")) {
    return new ApiError("forbidden", "You cannot deactivate yourself, nor stop your own deactivation: another admin decides", {
      notices: policyIds,
      reason: "self_deactivation",
    });
  }
  if (policyIds.some((id) => id.endsWith("-requires-admin-role"))) {
    return new ApiError("forbidden", "Requestor is not an admin of the company", { notices: policyIds, reason: "not_admin" });
  }
  return new ApiError("forbidden", "Access denied by policy", { notices: policyIds.length ? policyIds : ["default-deny"] });
}
