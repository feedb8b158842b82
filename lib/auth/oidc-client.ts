import * as client from "openid-client";
import { isLoopbackHost } from "@/lib/contracts/sso";

// The OpenID Connect relying party, by openid-client (certified): discovery, the authorization URL
// with PKCE, the code exchange and every ID token check (signature by the provider's JWKS, iss,
// aud, exp, iat, nonce). Nothing of the protocol is written here.

/** How long a provider may take to answer discovery, a token request or its JWKS. */
const PROVIDER_TIMEOUT_SECONDS = 10;
/** How long a discovered configuration serves this process; a changed setting is a new cache key at once. */
const CACHE_MS = 5 * 60 * 1000;

export type ProviderSettings = { issuer: string; clientId: string; clientSecret: string };

type Cached = { key: string; at: number; configuration: Promise<client.Configuration> };

// One per process (globalThis: the server's bundle and Next's each load this module); per tenant.
const cache = ((globalThis as { rosterOidcConfigurations?: Map<string, Cached> }).rosterOidcConfigurations ??= new Map());

/**
 * The ID token's signature is checked against the provider's JWKS: openid-client skips it for a
 * token fetched from the token endpoint over TLS unless asked (enableNonRepudiationChecks), and
 * an ID token signed by any key was taken (the unit test's foreign-key case). http is allowed for
 * providers on this machine only (tests, development), never elsewhere.
 */
function discoveryOptions(issuer: URL): client.DiscoveryRequestOptions {
  const insecureAllowed = issuer.protocol === "http:" && isLoopbackHost(issuer.hostname);
  return {
    timeout: PROVIDER_TIMEOUT_SECONDS,
    execute: insecureAllowed ? [client.enableNonRepudiationChecks, client.allowInsecureRequests] : [client.enableNonRepudiationChecks],
  };
}

function discover(settings: ProviderSettings): Promise<client.Configuration> {
  const issuer = new URL(settings.issuer);
  // client_secret_basic, what Okta, Entra ID and Keycloak all accept by default.
  return client.discovery(issuer, settings.clientId, undefined, client.ClientSecretBasic(settings.clientSecret), discoveryOptions(issuer));
}

/** The tenant's provider configuration, discovered at most every few minutes per process. */
export function oidcConfiguration(tenantId: string, settings: ProviderSettings, now = Date.now()): Promise<client.Configuration> {
  const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret]);
  const cached = cache.get(tenantId);
  if (cached && cached.key === key && now - cached.at < CACHE_MS) return cached.configuration;
  const configuration = discover(settings);
  cache.set(tenantId, { key, at: now, configuration });
  // A failed discovery is not kept: the next sign-in tries again.
  configuration.catch(() => {
    if (cache.get(tenantId)?.configuration === configuration) cache.delete(tenantId);
  });
  return configuration;
}

export type DiscoveryReport = {
  ok: boolean;
  detail: string;
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  scopesSupported: string[];
};

/** Reads the issuer's discovery document as a sign-in would, and says what it found or what went wrong. */
export async function checkDiscovery(issuer: string): Promise<DiscoveryReport> {
  try {
    const url = new URL(issuer);
    const configuration = await client.discovery(url, "roster-discovery-check", undefined, client.None(), discoveryOptions(url));
    const metadata = configuration.serverMetadata();
    return {
      ok: true,
      detail: `Found ${metadata.issuer}: authorization, token and key endpoints are published.`,
      issuer: metadata.issuer,
      authorizationEndpoint: metadata.authorization_endpoint ?? null,
      tokenEndpoint: metadata.token_endpoint ?? null,
      scopesSupported: metadata.scopes_supported ?? [],
    };
  } catch (error) {
    return { ok: false, detail: describeProviderError(error), issuer: null, authorizationEndpoint: null, tokenEndpoint: null, scopesSupported: [] };
  }
}

/** A provider failure in words an admin can act on; never a stack. */
export function describeProviderError(error: unknown): string {
  if (!(error instanceof Error)) return "the provider could not be reached";
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  if (error.name === "TimeoutError" || error.name === "AbortError") return `the provider did not answer within ${PROVIDER_TIMEOUT_SECONDS} seconds`;
  return `${error.message}${cause}`.slice(0, 500);
}

/** The scopes a sign-in asks for: `groups` only where the provider offers it (Okta), since some refuse unknown scopes. */
export function signInScopes(configuration: client.Configuration): string {
  const offered = configuration.serverMetadata().scopes_supported ?? [];
  return ["openid", "email", "profile", ...(offered.includes("groups") ? ["groups"] : [])].join(" ");
}

export { client };
