import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/db/client";
import { bindSsoAccount, findAdminIdBySsoAccount, findSsoAccountOfAdmin, type SsoAccount } from "@/db/queries/admin-sso-subjects";
import { AdminExistsError, changeAdminRole, createAdmin, findAdminByEmail, findAdminById } from "@/db/queries/admins";
import { createOidcLogin, takeOidcLogin } from "@/db/queries/oidc-logins";
import { recordSignInAttempt, recordSsoSignInRefusal, revokeAdminAccess } from "@/db/queries/sessions";
import { findSsoSettings, findSsoSettingsForDomain, markSsoSignInWorks, type SsoSettings } from "@/db/queries/sso-configs";
import { findUserByEmail } from "@/db/queries/users";
import type { AdminRole, EmailKey } from "@/db/schema";
import { safeNextPath } from "@/lib/contracts/session";
import { SSO_CALLBACK_PATH, type SsoErrorCode } from "@/lib/contracts/sso";
import { normalizeEmail } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";
import { logger } from "@/lib/observability/log";
import { client, describeProviderError, oidcConfiguration, signInScopes } from "./oidc-client";
import { NO_PASSWORD_HASH } from "./password";
import { openSession, type SessionOrigin } from "./session";
import { claimValues, mappedRole } from "./sso-roles";
import { confirmOidcStepUp } from "./step-up-oidc";

// Sign-in through a tenant's OpenID Connect provider: the authorization code flow with PKCE, state
// and nonce (docs/decisions/0021). The login in progress lives in the database, bound to the
// browser by a cookie whose hash is stored, so any instance can answer the callback.

/** How long a browser has to come back from the provider. */
export const OIDC_LOGIN_TTL_MS = 10 * 60 * 1000;
const SSO_ACTOR = { type: "system", name: "single sign-on" } as const;

const hash = (value: string) => createHash("sha256").update(value).digest("base64url");
const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
export const emailDomain = (email: string) => email.trim().toLowerCase().split("@").pop() ?? "";

export type BeginResult = { ok: true; location: string; cookieValue: string } | { ok: false; code: SsoErrorCode };

/** A step-up's re-authentication (docs/decisions/0023): the session it is for, and how recent the provider's authentication must be. */
export type OidcStepUp = { sessionId: string; tenantId: string; maxAgeSeconds: number };

/**
 * Finds the tenant whose SSO lets this address's domain in (for a step-up: the session's tenant),
 * records the login, and answers where to send the browser. `next` is kept only as a path on
 * `origin` (anything else becomes /users). A step-up asks the provider for a fresh authentication
 * (`prompt=login`, `max_age`).
 */
export async function beginOidcSignIn(
  db: Db,
  input: { email: string; next: unknown; origin: string; stepUp?: OidcStepUp },
  now = Date.now(),
): Promise<BeginResult> {
  const settings = input.stepUp ? await findSsoSettings(db, input.stepUp.tenantId) : await findSsoSettingsForDomain(db, emailDomain(input.email));
  if (!settings) return { ok: false, code: "unknown_domain" };
  let configuration: client.Configuration;
  try {
    configuration = await oidcConfiguration(settings.tenantId, settings);
  } catch (error) {
    logger().warn({ tenantId: settings.tenantId, issuer: settings.issuer, problem: describeProviderError(error) }, "SSO discovery failed");
    return { ok: false, code: "provider_unavailable" };
  }
  const cookieValue = randomBytes(32).toString("base64url");
  const login = {
    tenantId: settings.tenantId,
    browserHash: hash(cookieValue),
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    redirectUri: `${input.origin}${SSO_CALLBACK_PATH}`,
    nextPath: safeNextPath(input.next, input.origin),
    stepUpSessionId: input.stepUp?.sessionId ?? null,
    expiresAt: now + OIDC_LOGIN_TTL_MS,
  };
  await createOidcLogin(db, login, now);
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: login.redirectUri,
    scope: signInScopes(configuration),
    state: login.state,
    nonce: login.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(login.codeVerifier),
    code_challenge_method: "S256",
    login_hint: input.email.trim(),
    ...(input.stepUp && { prompt: "login", max_age: String(input.stepUp.maxAgeSeconds) }),
  });
  return { ok: true, location: url.href, cookieValue };
}

/** `stepUp`: the login was a step-up's re-authentication, whose answers go back to the step-up page, not /login. */
export type CompleteResult =
  { ok: true; cookieValue: string; csrfToken: string; expiresAt: number; nextPath: string; stepUp?: true } | { ok: false; code: SsoErrorCode; stepUp?: true };

type Refusal = { code: SsoErrorCode; details?: Record<string, unknown> };

/**
 * Answers the provider's redirect: takes the browser's login (once), exchanges the code, and lets
 * openid-client check the ID token; then the address and its role decide who signs in. Every
 * refusal after the login was found is audited in its tenant with the reason.
 */
export async function completeOidcSignIn(
  db: Db,
  input: { cookieValue: string | undefined; callbackUrl: URL; origin: SessionOrigin; sessionCookieValue?: string; stepUpMaxAgeSeconds?: number },
  now = Date.now(),
): Promise<CompleteResult> {
  const login = input.cookieValue && input.cookieValue.length <= 200 ? await takeOidcLogin(db, hash(input.cookieValue), now) : undefined;
  if (!login) {
    logger().info({ clientAddress: input.origin.clientAddress }, "SSO callback without a sign-in in progress");
    return { ok: false, code: "no_sign_in_in_progress" };
  }
  const stepUp = login.stepUpSessionId ? ({ stepUp: true } as const) : {};
  const refuse = async ({ code, details }: Refusal): Promise<CompleteResult> => {
    await recordSsoSignInRefusal(db, login.tenantId, { reason: code, clientAddress: input.origin.clientAddress, ...stepUp, ...details }, now);
    return { ok: false, code, ...stepUp };
  };
  if (login.expiresAt <= now) return refuse({ code: "expired" });
  const params = input.callbackUrl.searchParams;
  if (!sameText(params.get("state") ?? "", login.state)) return refuse({ code: "state_mismatch" });
  if (params.has("error")) return refuse({ code: "provider_refused", details: { error: params.get("error")?.slice(0, 100) } });
  const settings = await findSsoSettings(db, login.tenantId);
  if (!settings) return refuse({ code: "not_configured" });

  let claims: Record<string, unknown>;
  try {
    const configuration = await oidcConfiguration(settings.tenantId, settings);
    // The redirect URI the provider was given, whatever proxy the callback came through.
    const currentUrl = new URL(login.redirectUri);
    currentUrl.search = input.callbackUrl.search;
    const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
      // A step-up's ID token must carry an auth_time at most this old (openid-client checks it).
      ...(login.stepUpSessionId && { maxAge: input.stepUpMaxAgeSeconds ?? 300 }),
    });
    claims = { ...tokens.claims() };
  } catch (error) {
    return refuse({ code: "token_rejected", details: { problem: describeProviderError(error) } });
  }
  if (login.stepUpSessionId) return confirmOidcStepUp(db, login, claims, { ...input.origin, sessionCookieValue: input.sessionCookieValue }, now);
  return admit(db, settings, claims, input.origin, login.nextPath, refuse, now);
}

/** Who the provider says signed in, if the tenant lets them in: an admin, existing or made now, with the mapped role. */
async function admit(
  db: Db,
  settings: SsoSettings,
  claims: Record<string, unknown>,
  origin: SessionOrigin,
  nextPath: string,
  refuse: (refusal: Refusal) => Promise<CompleteResult>,
  now: number,
): Promise<CompleteResult> {
  const email = typeof claims.email === "string" ? claims.email.trim() : "";
  const subject = { subject: claims.sub, email: email || null };
  if (!email) return refuse({ code: "no_email", details: subject });
  // email_verified, or Entra ID's "email domain owner verified" (it never sends email_verified).
  if (claims.email_verified !== true && claims.xms_edov !== true) return refuse({ code: "email_unverified", details: subject });
  if (!settings.domains.includes(emailDomain(email))) return refuse({ code: "domain_not_allowed", details: subject });
  const values = claimValues(claims, settings.roleClaim);
  const role = mappedRole(values, settings.roleMap);
  const roleDetails = { ...subject, roleClaimValues: values.slice(0, 20), role };
  const emailKey = normalizeEmail(email);
  // openid-client has checked both: iss is the provider's, sub is present.
  const account: SsoAccount = { issuer: String(claims.iss), subject: String(claims.sub) };
  const known = await knownAdmin(db, settings.tenantId, account, emailKey);
  // Before the role decides anything: a stranger to the address's admin must not end what that admin holds.
  if (known === "other_account") return refuse({ code: "other_account", details: roleDetails });
  let found = known;
  // An empty role map leaves roles to Roster; otherwise the provider decides them, and nothing
  // mapped means no access: an admin taken out of every mapped group also loses the sessions and
  // tokens they still hold, here, at the first sign-in that shows it.
  if (role === null && Object.keys(settings.roleMap).length > 0) {
    if (found) await revokeAdminAccess(db, { tenantId: settings.tenantId, adminId: found.admin.id }, SSO_ACTOR, { reason: "no_mapped_role", ...subject }, now);
    return refuse({ code: "no_mapped_role", details: roleDetails });
  }
  if (!found) {
    if (role === null) return refuse({ code: "no_mapped_role", details: roleDetails });
    const user = await findUserByEmail(db, settings.tenantId, emailKey);
    if (user && !user.active) return refuse({ code: "user_inactive", details: roleDetails });
    const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 200) : email.split("@")[0]!;
    const fields = { tenantId: settings.tenantId, ...newUserFields({ email, name }), role, passwordHash: NO_PASSWORD_HASH, actor: SSO_ACTOR };
    try {
      const created = await createAdmin(db, fields, now);
      found = { admin: created.admin, user: created.user };
    } catch (error) {
      // The same person's sign-in in another browser made the admin a moment ago.
      if (!(error instanceof AdminExistsError)) throw error;
      found = (await findAdminByEmail(db, settings.tenantId, emailKey))!;
    }
  }
  const { admin, user } = found;
  const candidate = { adminId: admin.id, tenantId: admin.tenantId, userName: user.name };
  const details = { method: "oidc", clientAddress: origin.clientAddress, ...roleDetails } as const;
  if (!user.active) {
    await recordSignInAttempt(db, candidate, "failed", { ...details, reason: "user_inactive" }, now);
    return { ok: false, code: "user_inactive" };
  }
  // Found through the address (or made just now): this sign-in links the account.
  if (!("linked" in found)) {
    const bound = await bindSsoAccount(db, { tenantId: admin.tenantId, adminId: admin.id }, account, SSO_ACTOR, now);
    if (typeof bound === "object") return refuse({ code: "other_account", details: roleDetails });
  }
  if (role !== null && role !== admin.role) await changeAdminRole(db, admin, role as AdminRole, SSO_ACTOR, now);
  await recordSignInAttempt(db, candidate, "success", details, now);
  await markSsoSignInWorks(db, settings.tenantId, now);
  const session = await openSession(db, { tenantId: admin.tenantId, adminId: admin.id }, origin, now, "oidc");
  return { ok: true, ...session, nextPath };
}

/**
 * The admin a provider account signs in as: the one it is bound to; else the admin of its
 * address, unless that admin is bound to another account of the same provider ("other_account":
 * the address changed hands, at the provider or through SCIM). An admin with no account yet is
 * matched by address, once (docs/decisions/0021).
 */
async function knownAdmin(db: Db, tenantId: string, account: SsoAccount, emailKey: EmailKey) {
  const boundId = await findAdminIdBySsoAccount(db, tenantId, account);
  if (boundId) {
    const bound = await findAdminById(db, tenantId, boundId);
    return bound && { ...bound, linked: true as const };
  }
  const byAddress = await findAdminByEmail(db, tenantId, emailKey);
  const held = byAddress && (await findSsoAccountOfAdmin(db, { tenantId, adminId: byAddress.admin.id }));
  return held?.issuer === account.issuer ? ("other_account" as const) : byAddress;
}
