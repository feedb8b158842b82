import { generateKeyPairSync, sign } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

// A real OpenID Connect provider (panva's oidc-provider) on a random loopback port, for the SSO
// integration test and the browser spec. People sign in at its development login page with any
// password; their claims come from `accounts`, keyed by the login they type.

export type TestAccount = { email: string; emailVerified?: boolean; groups?: string[]; name?: string };

/**
 * How the next ID tokens are spoilt on their way out of the token endpoint, as a hostile or broken
 * provider would: the claims changed and signed again with the provider's own key, or sent unsigned
 * (`alg: none`), or signed by a key the provider does not publish.
 */
export type IdTokenTamper = { claims?: (claims: Record<string, unknown>) => Record<string, unknown>; signing?: "provider" | "none" | "foreign" };

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** Set to spoil the ID tokens the provider answers from now on; null answers them as issued. */
  tamper: IdTokenTamper | null;
  close(): Promise<void>;
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The provider's signing key, made here so that a test can sign what the provider would not. */
function signingKey(kid: string) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, jwk: { ...privateKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" } };
}

function reissue(idToken: string, tamper: IdTokenTamper, keys: { provider: ReturnType<typeof signingKey>; foreign: ReturnType<typeof signingKey> }) {
  const claims = JSON.parse(Buffer.from(idToken.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
  const payload = base64url(tamper.claims ? tamper.claims(claims) : claims);
  if (tamper.signing === "none") return `${base64url({ alg: "none", typ: "JWT" })}.${payload}.`;
  const key = tamper.signing === "foreign" ? keys.foreign : keys.provider;
  // The provider's kid on the foreign key too: the signature alone must give it away.
  const signingInput = `${base64url({ alg: "RS256", typ: "JWT", kid: keys.provider.jwk.kid })}.${payload}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), key.privateKey).toString("base64url")}`;
}

/** Rewrites the token endpoint's JSON answer on its way out (headers are not sent before `end`). */
function spoilTokenAnswer(res: http.ServerResponse, spoil: (idToken: string) => string) {
  const chunks: Buffer[] = [];
  const end = res.end.bind(res);
  res.write = ((chunk: string | Uint8Array) => (chunks.push(Buffer.from(chunk)), true)) as typeof res.write;
  res.end = ((chunk?: string | Uint8Array) => {
    if (chunk && typeof chunk !== "function") chunks.push(Buffer.from(chunk));
    const answer = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id_token?: string };
    if (answer.id_token) answer.id_token = spoil(answer.id_token);
    const body = Buffer.from(JSON.stringify(answer));
    res.setHeader("content-length", body.length);
    return end(body);
  }) as typeof res.end;
}

export async function startOidcProvider(options: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = options.clientId ?? `roster-${Math.random().toString(36).slice(2, 10)}`;
  const clientSecret = options.clientSecret ?? `secret-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const accounts = new Map<string, TestAccount>();
  const keys = { provider: signingKey("test-provider-key"), foreign: signingKey("test-foreign-key") };
  const provider = new Provider(issuer, {
    jwks: { keys: [keys.provider.jwk] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    scopes: ["openid", "email", "profile", "groups"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    // Claims in the ID token itself, as Okta, Entra ID and Keycloak put them.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    cookies: { keys: [`cookie-key-${Math.random()}`] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: account.emailVerified ?? true, name: account.name, groups: account.groups ?? [] }),
      };
    },
  });
  // Development keys and interactions: oidc-provider says so once on stderr; nothing to act on in a test.
  const handle = provider.callback();
  const state: TestOidcProvider = {
    issuer,
    clientId,
    clientSecret,
    accounts,
    tamper: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server.on("request", (req, res) => {
    const tamper = state.tamper;
    if (tamper && req.method === "POST" && req.url?.startsWith("/token")) spoilTokenAnswer(res, (idToken) => reissue(idToken, tamper, keys));
    void handle(req, res);
  });
  return state;
}

/** The SSO settings (as saveSsoSettings takes them) of a tenant whose admins of `domain` sign in through this provider. */
export function settingsThrough(provider: TestOidcProvider, tenantId: string, domain: string, roleMap: Record<string, "admin" | "helpdesk" | "auditor"> = {}) {
  return {
    tenantId,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    domains: [domain],
    roleClaim: "groups",
    roleMap,
    passwordsAllowed: true,
    actor: { type: "system" as const, name: "test" },
  };
}

/** Cookies of one origin, as a browser would send them (paths ignored: the provider's own are all sent back). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

const decodeHtml = (text: string) =>
  text
    .replace(/&amp;/g, "&")
    .replace(/&#x2F;/g, "/")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

/**
 * Plays the person at the provider: from the authorization URL, signs in as `login` at the
 * development login page and consents, following redirects by hand, until the provider sends the
 * browser back to `redirectUri`; answers that URL (with code and state, or an error).
 */
export async function signInAtProvider(authorizationUrl: string, login: string, redirectUri: string): Promise<URL> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  let form: URLSearchParams | null = null;
  for (let step = 0; step < 12; step++) {
    if (url.href.startsWith(redirectUri)) return url;
    const response: Response = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: { cookie: jar.header(), ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form ?? undefined,
    });
    jar.take(response);
    form = null;
    const location = response.headers.get("location");
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html: string = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt: string | undefined = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page (${response.status}): ${html.slice(0, 300)}`);
    url = new URL(decodeHtml(action), url);
    form = new URLSearchParams(prompt === "login" ? { prompt, login, password: "any" } : { prompt });
  }
  throw new Error("the provider did not send the browser back within 12 steps");
}
