import * as z from "zod/mini";
import { ADMIN_ROLES } from "@/db/constants";
import { isoTime } from "./common";
import { defineContract } from "./contract";

// Single sign-on (OpenID Connect) per tenant: the rules the console's form, the API and the CLI
// share (docs/decisions/0021).

export const SSO_START_PATH = "/api/auth/oidc/start";
export const SSO_CALLBACK_PATH = "/api/auth/oidc/callback";
/** Where a step-up's re-authentication lands (in the window it opened), with `sso_error` when it failed. */
export const STEP_UP_DONE_PATH = "/step-up/done";
export const DEFAULT_ROLE_CLAIM = "groups";
export const SSO_DOMAINS_MAX = 50;
export const SSO_ROLE_MAP_MAX = 50;

type Role = (typeof ADMIN_ROLES)[number];
export type SsoRoleMap = Record<string, Role>;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
export const isLoopbackHost = (hostname: string) => LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);

/** Why an issuer cannot be used, or null: an https URL without query or fragment (http only on this machine, for development). */
export function issuerProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "issuer must be a URL such as https://login.example.com";
  }
  if (url.username || url.password || url.search || url.hash) return "issuer must not carry credentials, a query or a fragment";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return null;
  return "issuer must be an https URL (http only on localhost, for development)";
}

const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** "A.example, b.example" → ["a.example", "b.example"], or the first problem. */
export function parseDomains(text: string): { ok: true; domains: string[] } | { ok: false; problem: string } {
  const domains = [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
        .filter(Boolean),
    ),
  ];
  const bad = domains.find((d) => !DOMAIN_PATTERN.test(d));
  if (bad !== undefined) return { ok: false, problem: `"${bad}" is not an email domain (like example.com)` };
  if (domains.length > SSO_DOMAINS_MAX) return { ok: false, problem: `at most ${SSO_DOMAINS_MAX} domains` };
  return { ok: true, domains };
}

const isRole = (text: string): text is Role => (ADMIN_ROLES as readonly string[]).includes(text);

/** "roster-admins=admin, roster-auditors=auditor" (commas or new lines) → a role map, or the first problem. */
export function parseRoleMap(text: string): { ok: true; roleMap: SsoRoleMap } | { ok: false; problem: string } {
  const roleMap: SsoRoleMap = {};
  for (const entry of text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf("=");
    const value = at > 0 ? entry.slice(0, at).trim() : "";
    const role = at > 0 ? entry.slice(at + 1).trim() : "";
    if (!value || !role) return { ok: false, problem: `"${entry}" must look like group=role` };
    if (!isRole(role)) return { ok: false, problem: `unknown role "${role}" in "${entry}"; roles: ${ADMIN_ROLES.join(", ")}` };
    if (value.length > 200) return { ok: false, problem: `"${value.slice(0, 20)}…" is longer than 200 characters` };
    if (value in roleMap && roleMap[value] !== role) return { ok: false, problem: `"${value}" is mapped twice` };
    roleMap[value] = role;
  }
  if (Object.keys(roleMap).length > SSO_ROLE_MAP_MAX) return { ok: false, problem: `at most ${SSO_ROLE_MAP_MAX} role mappings` };
  return { ok: true, roleMap };
}

/** A role map as the form and the CLI write it. */
export const formatRoleMap = (roleMap: SsoRoleMap, separator = ",") =>
  Object.entries(roleMap)
    .map(([value, role]) => `${value}=${role}`)
    .join(separator);

const problemCheck = (problemOf: (value: string) => string | null) =>
  z.superRefine((value: string, ctx) => {
    const problem = problemOf(value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: value });
  });

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .check(z.trim(), z.minLength(1, `${field} is required`), z.maxLength(max, `${field} is at most ${max} characters`));

export const issuerField = z.pipe(
  text("issuer", 500).check(problemCheck(issuerProblem)),
  z.transform((value: string) => value.replace(/\/+$/, "") || value),
);

export const ssoSettingsRequest = z.object({
  issuer: issuerField,
  clientId: text("clientId", 300),
  /** Absent or empty: keep the secret already stored (the console never shows it). */
  clientSecret: z.optional(z.string().check(z.maxLength(2000, "clientSecret is at most 2000 characters"))),
  domains: z.array(z.string()).check(
    z.maxLength(SSO_DOMAINS_MAX, `at most ${SSO_DOMAINS_MAX} domains`),
    z.superRefine((domains: string[], ctx) => {
      const parsed = parseDomains(domains.join(","));
      if (!parsed.ok) ctx.issues.push({ code: "custom", message: parsed.problem, input: domains });
    }),
  ),
  roleClaim: z._default(text("roleClaim", 200), DEFAULT_ROLE_CLAIM),
  roleMap: z.record(z.string().check(z.minLength(1), z.maxLength(200)), z.enum(ADMIN_ROLES)),
  passwordsAllowed: z.boolean(),
});

/** The tenant's settings as the console shows them: whether a secret is set, never the secret. */
export const ssoSettings = z.object({
  configured: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  clientSecretSet: z.boolean(),
  domains: z.array(z.string()),
  roleClaim: z.string(),
  roleMap: z.record(z.string(), z.enum(ADMIN_ROLES)),
  passwordsAllowed: z.boolean(),
  /** When someone first signed in through SSO: passwords can be switched off from then on. */
  firstSignInAt: z.nullable(isoTime),
  updatedAt: z.nullable(isoTime),
  updatedBy: z.nullable(z.object({ id: z.string(), name: z.string() })),
});

export const discoveryCheck = z.object({
  ok: z.boolean(),
  detail: z.string(),
  issuer: z.nullable(z.string()),
  authorizationEndpoint: z.nullable(z.string()),
  tokenEndpoint: z.nullable(z.string()),
  scopesSupported: z.array(z.string()),
});

export const ssoContracts = {
  read: defineContract({
    method: "GET",
    path: "/api/console/sign-in-settings",
    response: { status: 200, description: "The tenant's single sign-on settings (never the client secret)", schema: z.object({ data: ssoSettings }) },
  }),
  save: defineContract({
    method: "PUT",
    path: "/api/console/sign-in-settings",
    body: ssoSettingsRequest,
    response: { status: 200, description: "The settings as saved", schema: z.object({ data: ssoSettings }) },
  }),
  checkDiscovery: defineContract({
    method: "POST",
    path: "/api/console/sign-in-settings/discovery-check",
    body: z.object({ issuer: issuerField }),
    response: {
      status: 200,
      description: "What the issuer's discovery document says, or why it could not be read",
      schema: z.object({ data: discoveryCheck }),
    },
  }),
};

/**
 * Why an SSO sign-in did not happen, as the sign-in page says it (`/login?sso_error=<code>`): a
 * fixed text per code, so nothing a link carries is ever shown as is.
 */
export const SSO_ERROR_MESSAGES = {
  // A start another site's page made the browser navigate to (login CSRF: its provider would sign
  // this browser in as the attacker's account, ending the session it had).
  cross_site_start: "Single sign-on starts only from Roster's own sign-in page: type your work email below to continue.",
  rate_limited: "Too many sign-in attempts from your address. Try again in a minute.",
  invalid_email: "Type your work email address to sign in with SSO.",
  unknown_domain: "Single sign-on is not set up for that email domain. Sign in with your password, or ask your Roster admin.",
  provider_unavailable: "Your organization's sign-in provider could not be reached. Try again in a moment.",
  no_sign_in_in_progress: "That sign-in link was already used or did not start in this browser. Start again.",
  expired: "The sign-in took too long. Start again.",
  state_mismatch: "The sign-in could not be verified. Start again.",
  provider_refused: "Your organization's sign-in provider did not sign you in.",
  not_configured: "Single sign-on is no longer set up for your organization.",
  token_rejected: "The sign-in provider's answer could not be verified. Start again, or ask your Roster admin.",
  no_email: "Your sign-in provider did not tell Roster your email address. Ask your Roster admin.",
  email_unverified: "Your sign-in provider has not verified your email address. Ask your Roster admin.",
  domain_not_allowed: "Your email domain may not sign in to this organization's Roster.",
  no_mapped_role: "Your account has no Roster role: ask your Roster admin to add you to a group that grants one.",
  user_inactive: "Your account is deactivated.",
  // The address's admin signs in with another account at the provider (docs/decisions/0021).
  other_account:
    "Roster knows this address with another account at your sign-in provider. If your account there was made anew, ask your Roster admin to reset its link.",
  // A step-up's re-authentication (docs/decisions/0023).
  step_up_session_ended: "Your console session ended meanwhile: sign in again.",
  step_up_other_person: "Your sign-in provider signed in someone else: sign in there as yourself to confirm it's you.",
} as const;

export type SsoErrorCode = keyof typeof SSO_ERROR_MESSAGES;

export const ssoErrorMessage = (code: unknown): string | null =>
  typeof code === "string" && Object.hasOwn(SSO_ERROR_MESSAGES, code) ? SSO_ERROR_MESSAGES[code as SsoErrorCode] : null;

const optionalParam = z.optional(z.string());

/** Browser navigations, not fetches: both answer with a redirect (to the provider, or back to a page). */
export const oidcContracts = {
  start: defineContract({
    method: "GET",
    path: SSO_START_PATH,
    query: z.object({ email: optionalParam, next: optionalParam, step_up: optionalParam }),
    response: {
      status: 302,
      description:
        "To the tenant's OpenID Connect provider; back to /login with sso_error when SSO cannot start. With `step_up=1` and a console " +
        "session: a step-up's re-authentication (prompt=login, max_age), answered on /step-up/done",
    },
  }),
  callback: defineContract({
    method: "GET",
    path: SSO_CALLBACK_PATH,
    query: z.object({ code: optionalParam, state: optionalParam, iss: optionalParam, error: optionalParam, error_description: optionalParam }),
    response: { status: 302, description: "Signed in (session cookie set) to the page asked for; or back to /login with sso_error" },
  }),
};
