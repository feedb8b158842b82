import { z } from "zod";
import proxyaddr from "proxy-addr";
import { checkpointKey } from "./audit/signing";
import { isLoopbackHost } from "./contracts/sso";

const hostName = () =>
  z
    .string()
    .default("127.0.0.1")
    .refine((value) => /^[A-Za-z0-9.:-]+$/.test(value), { message: "must be a host name or an IP address" });

/** Why a value cannot be the console's public origin, or null: an https origin (http only on this machine, for development). */
function publicOriginProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an origin such as https://roster.example.com";
  }
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return "must be an origin alone (no path, query or credentials)";
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) return null;
  return "must be an https origin (http only on localhost, for development)";
}

const POSTGRES_URL = /^postgres(ql)?:\/\/[^/]+\/[^/?]+/;

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .default("file:data/roster.db")
    .refine((value) => (value.startsWith("file:") && value.length > "file:".length) || POSTGRES_URL.test(value), {
      message: 'must look like "file:<path to the SQLite file>" (e.g. file:data/roster.db) or "postgres://user:password@host:5432/database"',
    }),
  /** PostgreSQL: the most connections each process (server, CLI) opens; SQLite has one connection. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Requests each token (or, before authentication, each client address) may make per window. */
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).max(10_000_000).default(600),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Largest request body the API reads. */
  API_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  /** Structured log lines at this level and above go to stdout; `debug` adds one line per request. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Prometheus metrics: with METRICS_TOKEN, the metrics endpoint on the main port answers callers that send
   * it as a bearer token; with METRICS_PORT, a listener of its own on METRICS_HOST serves them to
   * anyone who can reach it. Neither: no metrics are served.
   */
  METRICS_TOKEN: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: hostName(),
  HOST: hostName(),
  /** A console session not used for this long ends (OWASP ASVS 7.3.1), whatever its 8 hours say. */
  SESSION_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1_800),
  /**
   * Destructive console actions need an authentication (sign-in or step-up) at most this old
   * (OWASP ASVS 7.5.3; docs/decisions/0023); an older one makes the console ask for a step-up first.
   */
  STEP_UP_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * The Ed25519 private key (PEM, PKCS #8; `\n` may stand for line breaks) that signs the audit
   * chain's checkpoints (docs/decisions/0020). Unset: no checkpoints, the chain alone.
   */
  AUDIT_SIGNING_KEY: z
    .string()
    .optional()
    .transform((value) => (value ? value.replaceAll("\\n", "\n") : undefined))
    .superRefine((value, context) => {
      if (value === undefined) return;
      try {
        checkpointKey(value);
      } catch (error) {
        context.addIssue({
          code: "custom",
          message: `must be an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519): ${(error as Error).message}`,
        });
      }
    }),
  /** How often the server signs a checkpoint of each chain that moved since its last one. */
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(7 * 86_400)
    .default(3_600),
  /**
   * Webhook endpoints may be on loopback and private addresses (tests, development). Off by default,
   * so that a tenant's admin cannot make Roster call into the network it runs in (lib/webhooks/address-guard.ts).
   */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z
    .enum(["true", "false"], { message: 'must be "true" or "false"' })
    .default("false")
    .transform((value) => value === "true"),
  /**
   * Days the webhook outbox and delivery log keep a delivery after it was delivered or given up
   * (pending ones stay until they end). At least a week: a failing endpoint is retried for a day and
   * disabled after three, and its failed deliveries must still be there to redeliver.
   */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(7).max(3_650).default(30),
  /**
   * The console's address as browsers see it (https://roster.example.com): the passkeys' relying
   * party, the session cookie's Secure flag, the sign-in's origin check and the SSO redirect URI.
   * Unset: each request's Host header and the scheme of the socket, or of a trusted proxy's
   * X-Forwarded-Proto (lib/client-address.ts).
   */
  PUBLIC_ORIGIN: z
    .string()
    .optional()
    .superRefine((value, context) => {
      const problem = value === undefined ? null : publicOriginProblem(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .transform((value) => (value === undefined ? undefined : new URL(value).origin)),
  /**
   * Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses, CIDRs, or
   * loopback, linklocal, uniquelocal). Empty: the client is the socket's peer, whatever it sends.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    )
    .superRefine((entries, context) => {
      for (const entry of entries) {
        try {
          proxyaddr.compile(entry);
        } catch {
          context.addIssue({ code: "custom", message: `"${entry}" is not an IP address, a CIDR range, or loopback, linklocal or uniquelocal` });
        }
      }
    }),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** A value as the error message may show it: a URL's password (a database URL's) never reaches the terminal or a log. */
function withoutPassword(value: string | undefined): string | undefined {
  return value?.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

/** Validates the process environment once; the message names every bad variable. */
export type EnvSource = Record<string, string | undefined>;

export function parseEnv(source: EnvSource = process.env): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".")}=${JSON.stringify(withoutPassword(source[String(issue.path[0])]))} ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  return result.data;
}

let processEnv: Env | undefined;

/** The validated process environment, parsed once: request handlers read it on every call. */
export function serverEnv(): Env {
  processEnv ??= parseEnv(process.env);
  return processEnv;
}

/** Which database DATABASE_URL names. */
export function databaseKind(env: Pick<Env, "DATABASE_URL">): "sqlite" | "postgres" {
  return env.DATABASE_URL.startsWith("file:") ? "sqlite" : "postgres";
}

/** The database as messages and logs name it: the SQLite file's path, or the PostgreSQL URL without its password. */
export function databaseLabel(env: Pick<Env, "DATABASE_URL">): string {
  return databaseKind(env) === "sqlite" ? env.DATABASE_URL.slice("file:".length) : withoutPassword(env.DATABASE_URL)!;
}
