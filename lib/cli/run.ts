import { parseArgs } from "node:util";
import { withSetupLock } from "@/db/client";
import { openConfiguredDatabase } from "@/lib/db";
import { prepareDatabase } from "@/lib/setup/database";
import { ConfigError, parseEnv, type EnvSource } from "@/lib/env";
import { UsageError } from "./args";
import {
  adminCreateCommand,
  backupCommand,
  migrateCommand,
  seedCommand,
  tenantListCommand,
  tokenCreateCommand,
  tokenRevokeCommand,
  type CommandResult,
} from "./commands";
import { auditCheckpointCommand, auditVerifyCommand } from "./audit-commands";
import { scimTokenCreateCommand, scimTokenListCommand, scimTokenRevokeCommand } from "./scim-commands";
import { ssoForgetAccountCommand, ssoPasswordsCommand, ssoSetCommand, ssoShowCommand } from "./sso-commands";
import { tenantSetCommand } from "./tenant-commands";
import { webhookCreateCommand, webhookListCommand } from "./webhook-commands";

const HELP = `Usage: npm run roster -- <command> [options] [--json]

Commands:
  migrate                                   apply pending database migrations
  backup --to FILE                          copy the live database to a new file (online backup)
  seed [--users N] [--seed S] [--tenant NAME]
                                            add N generated users (default 2,000, at most 1,000,000)
  tenant list                               list tenants with their user counts
  tenant set --tenant ID [--require-mfa true|false] [--approval-threshold N|off] [--time-zone ZONE]
                                            set the tenant's "MFA required for admins" policy, "bulk jobs
                                            above N rows need a second admin", and the IANA time zone a
                                            leaver file's effective_at dates end in (audited)
  admin create --tenant ID --email E --role admin|helpdesk|auditor [--password P]
                                            make a person an admin (password generated when omitted)
  token create --tenant ID --admin EMAIL --scopes a,b [--name N] [--expires-in 30d]
                                            issue a personal access token (secret shown once)
  token revoke ID                           revoke a token
  scim token create --tenant ID [--provider NAME] [--name N]
                                            issue a provisioning token for the SCIM identity provider NAME
                                            (default "SCIM", created when missing; secret shown once)
  scim token list --tenant ID               list the tenant's provisioning tokens
  scim token revoke --tenant ID --id ID     revoke a provisioning token
  webhook create --tenant ID --url URL [--events a,b] [--description D]
                                            add a webhook endpoint (all events when --events is omitted;
                                            signing secret shown once)
  webhook list --tenant ID                  list the tenant's webhook endpoints
  audit verify [--tenant ID] [--public-key FILE ...] [--checkpoints FILE]
                                            check the audit log's hash chains and signed checkpoints
                                            (exit 1 naming the first broken event of a broken chain);
                                            one --public-key per signing key used; --checkpoints: the
                                            server's log (JSON lines), whose checkpoints must all match
  audit checkpoint [--tenant ID]            sign a checkpoint of each chain now (AUDIT_SIGNING_KEY)
  sso set --tenant ID --issuer URL --client-id ID --client-secret S [--domains a.example,b.example]
          [--role-claim groups] [--role-map roster-admins=admin,roster-helpdesk=helpdesk,roster-auditors=auditor]
                                            set up OIDC single sign-on (flags left out keep what is stored;
                                            the secret is never printed)
  sso show --tenant ID                      the tenant's single sign-on settings
  sso passwords on|off --tenant ID          allow or stop password sign-in for the tenant's admins
                                            (off only after a first SSO sign-in; on is the break-glass)
  sso forget-account --tenant ID --admin EMAIL
                                            unlink the provider account the admin signs in with, so that
                                            their next SSO sign-in links the account holding their address

With --json a command prints exactly one JSON object on stdout.
The database is the one named by DATABASE_URL (default file:data/roster.db): a SQLite file,
or postgres://user:password@host:5432/database (backup: use pg_dump there).`;

const OPTIONS = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  users: { type: "string" },
  seed: { type: "string" },
  tenant: { type: "string" },
  email: { type: "string" },
  role: { type: "string" },
  password: { type: "string" },
  admin: { type: "string" },
  scopes: { type: "string" },
  name: { type: "string" },
  "expires-in": { type: "string" },
  to: { type: "string" },
  provider: { type: "string" },
  id: { type: "string" },
  url: { type: "string" },
  events: { type: "string" },
  description: { type: "string" },
  "public-key": { type: "string", multiple: true },
  checkpoints: { type: "string" },
  issuer: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  domains: { type: "string" },
  "role-claim": { type: "string" },
  "role-map": { type: "string" },
  "require-mfa": { type: "string" },
  "approval-threshold": { type: "string" },
  "time-zone": { type: "string" },
} as const;

/** The first words of two-word commands. */
const COMMAND_GROUPS = new Set(["tenant", "admin", "token", "webhook", "sso", "audit"]);

/** The options each command accepts; anything else is a usage error rather than silently ignored. */
const ALLOWED: Record<string, string[]> = {
  migrate: [],
  backup: ["to"],
  seed: ["users", "seed", "tenant"],
  "tenant list": [],
  "tenant set": ["tenant", "require-mfa", "approval-threshold", "time-zone"],
  "admin create": ["tenant", "email", "role", "password"],
  "token create": ["tenant", "admin", "scopes", "name", "expires-in"],
  "token revoke": [],
  "scim token create": ["tenant", "provider", "name"],
  "scim token list": ["tenant"],
  "scim token revoke": ["tenant", "id"],
  "webhook create": ["tenant", "url", "events", "description"],
  "webhook list": ["tenant"],
  "audit verify": ["tenant", "public-key", "checkpoints"],
  "audit checkpoint": ["tenant"],
  "sso set": ["tenant", "issuer", "client-id", "client-secret", "domains", "role-claim", "role-map"],
  "sso show": ["tenant"],
  "sso passwords": ["tenant"],
  "sso forget-account": ["tenant", "admin"],
};

async function run(argv: string[], environment: EnvSource, progress: (line: string) => void, warn: (line: string) => void): Promise<CommandResult | "help"> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split("\n")[0] : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return "help";
  const [first, second, ...rest] = positionals;
  const command =
    first === "scim" ? positionals.slice(0, 3).join(" ") : COMMAND_GROUPS.has(first as string) ? `${first} ${second ?? ""}`.trim() : (first as string);
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command "${positionals.join(" ")}" (see: npm run roster -- --help)`);
  // The one positional a command takes: a token's id, or on|off.
  const takesValue = command === "token revoke" || command === "sso passwords";
  const value = takesValue ? rest[0] : undefined;
  const extraPositionals = takesValue ? rest.slice(1) : first === "scim" ? positionals.slice(3) : command.includes(" ") ? rest : positionals.slice(1);
  if (extraPositionals.length > 0) throw new UsageError(`unexpected argument "${extraPositionals[0]}" for ${command}`);
  const unexpected = Object.keys(values).filter((key) => key !== "json" && key !== "help" && !allowed.includes(key));
  if (unexpected.length > 0) throw new UsageError(`--${unexpected[0]} is not an option of ${command}`);

  let env;
  try {
    env = parseEnv(environment);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const db = openConfiguredDatabase(env, "roster cli");
  try {
    if (command === "backup") return await backupCommand(db, values);
    // Taking turns with servers starting (and other commands) on the same database.
    if (command === "migrate") return await withSetupLock(db, () => migrateCommand(db, warn));
    await withSetupLock(db, () => prepareDatabase(db, warn));
    switch (command) {
      case "seed":
        return await seedCommand(db, values, progress);
      case "tenant list":
        return await tenantListCommand(db);
      case "tenant set":
        return await tenantSetCommand(db, values);
      case "admin create":
        return await adminCreateCommand(db, values);
      case "token create":
        return await tokenCreateCommand(db, values);
      case "scim token create":
        return await scimTokenCreateCommand(db, values);
      case "scim token list":
        return await scimTokenListCommand(db, values);
      case "scim token revoke":
        return await scimTokenRevokeCommand(db, values);
      case "webhook create":
        return await webhookCreateCommand(db, values, env);
      case "webhook list":
        return await webhookListCommand(db, values);
      case "audit verify":
        return await auditVerifyCommand(db, values, env);
      case "audit checkpoint":
        return await auditCheckpointCommand(db, values, env);
      case "sso set":
        return await ssoSetCommand(db, values);
      case "sso show":
        return await ssoShowCommand(db, values);
      case "sso passwords":
        return await ssoPasswordsCommand(db, values, value);
      case "sso forget-account":
        return await ssoForgetAccountCommand(db, values);
      default:
        return await tokenRevokeCommand(db, value);
    }
  } finally {
    await db.close();
  }
}

export type CliIo = { stdout: (text: string) => void; stderr: (text: string) => void; env: EnvSource };

/** Runs one CLI invocation and returns its exit code: 0 done, 2 bad usage, 1 unexpected failure. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes("--json");
  try {
    const result = await run(
      argv,
      io.env,
      (line) => {
        if (!json) io.stderr(`${line}\n`);
      },
      (line) => io.stderr(`${line}\n`),
    );
    if (result === "help") {
      io.stdout(json ? `${JSON.stringify({ ok: true, help: HELP })}\n` : `${HELP}\n`);
    } else {
      io.stdout(json ? `${JSON.stringify(result.json)}\n` : `${result.text.join("\n")}\n`);
      return result.exitCode ?? 0;
    }
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError;
    const message = usage ? error.message : `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
    if (json) io.stdout(`${JSON.stringify({ ok: false, error: message })}\n`);
    io.stderr(`roster: ${message}\n`);
    return usage ? 2 : 1;
  }
}
