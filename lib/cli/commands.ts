import fs from "node:fs";
import { backupDatabase, type Db } from "@/db/client";
import { AdminExistsError, createAdmin, findAdminByEmail } from "@/db/queries/admins";
import { listTenants } from "@/db/queries/tenants";
import { ActiveTokenLimitReached, createToken, revokeToken } from "@/db/queries/tokens";
import { seedTenant } from "@/db/seed";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { scopesBeyondRole } from "@/lib/auth/scopes";
import { issueToken } from "@/lib/auth/tokens";
import { prepareDatabase } from "@/lib/setup/database";
import { CLI_ACTOR, requireTenant, type CommandResult, type Flags } from "./command";
import { adminCreateArgs, parseArgsWith, parseDuration, seedArgs, tokenCreateArgs, tokenRevokeArgs, UsageError } from "./args";
import { normalizeEmail, searchKeys } from "@/lib/domain/email";
import { adminUserFields } from "@/lib/domain/user-fields";

export type { CommandResult } from "./command";

export const BACKUP_ON_POSTGRES =
  'backup copies a SQLite database; back a PostgreSQL database up with its own tools, e.g. pg_dump --format=custom --file=roster.dump "$DATABASE_URL"';

/** Applies pending migrations, then computes the keys SQL cannot (folded names, email keys; clashes reported through `warn`). */
export async function migrateCommand(db: Db, warn: (line: string) => void): Promise<CommandResult> {
  await prepareDatabase(db, warn);
  return { json: { ok: true, migrated: true }, text: [`${db.dialect === "postgres" ? "PostgreSQL database" : "Database"} is migrated to the latest schema.`] };
}

/** Copies the live database to a new file (never over an existing one), without migrating it first. */
export async function backupCommand(db: Db, flags: Flags): Promise<CommandResult> {
  if (db.dialect !== "sqlite") throw new UsageError(BACKUP_ON_POSTGRES);
  const target = typeof flags.to === "string" ? flags.to.trim() : "";
  if (!target) throw new UsageError("backup needs --to FILE");
  if (fs.existsSync(target)) throw new UsageError(`${target} exists already; backup writes a new file only`);
  const { pages } = await backupDatabase(db, target);
  const bytes = fs.statSync(target).size;
  return { json: { ok: true, file: target, bytes, pages }, text: [`Backed up the database to ${target} (${bytes.toLocaleString("en-US")} bytes).`] };
}

export async function seedCommand(db: Db, flags: Flags, progress: (line: string) => void): Promise<CommandResult> {
  const args = parseArgsWith(seedArgs, flags);
  const started = performance.now();
  const result = await seedTenant(db, {
    tenantName: args.tenant,
    users: args.users,
    seed: args.seed,
    keys: searchKeys,
    onProgress: (written) => progress(`  ${written.toLocaleString("en-US")} of ${args.users.toLocaleString("en-US")} users`),
  });
  const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
  return {
    json: { ok: true, ...result, seconds },
    text: [
      `${result.createdTenant ? "Created" : "Added to"} tenant ${result.tenantName} (${result.tenantId}):`,
      `  ${result.usersCreated.toLocaleString("en-US")} generated users, ${result.identitiesCreated.toLocaleString("en-US")} identities` +
        (result.fixedUsersCreated.length ? `, fixed users ${result.fixedUsersCreated.join(", ")}` : ""),
      `  in ${seconds} s`,
    ],
  };
}

export async function tenantListCommand(db: Db): Promise<CommandResult> {
  const tenants = await listTenants(db);
  return {
    json: { ok: true, tenants },
    text: tenants.length
      ? tenants.map((t) => `${t.id}  ${t.name}  ${t.userCount.toLocaleString("en-US")} users (${t.activeUserCount.toLocaleString("en-US")} active)`)
      : ["No tenants yet. Run: npm run roster -- seed"],
  };
}

export async function adminCreateCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(adminCreateArgs, flags);
  await requireTenant(db, args.tenant);
  const password = args.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const { admin, user, createdUser } = await createAdmin(db, { tenantId: args.tenant, ...adminUserFields(args.email), role: args.role, passwordHash });
    return {
      json: {
        ok: true,
        adminId: admin.id,
        userId: user.id,
        tenantId: admin.tenantId,
        email: user.email,
        role: admin.role,
        createdUser,
        ...(args.password ? {} : { password }),
      },
      text: [
        `Created ${admin.role} ${user.email} (admin ${admin.id})${createdUser ? ", a new user of the tenant" : ""}.`,
        ...(args.password ? [] : [`Password (shown once): ${password}`]),
      ],
    };
  } catch (error) {
    if (error instanceof AdminExistsError) throw new UsageError(error.message);
    throw error;
  }
}

export async function tokenCreateCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(tokenCreateArgs, flags);
  await requireTenant(db, args.tenant);
  const expiresInMs = args["expires-in"] === undefined ? null : parseDuration(args["expires-in"]);
  const found = await findAdminByEmail(db, args.tenant, normalizeEmail(args.admin));
  if (!found) throw new UsageError(`${args.admin} is not an admin of tenant ${args.tenant}`);
  if (!found.user.active) throw new UsageError(`${args.admin} is deactivated and cannot own tokens`);
  const beyond = scopesBeyondRole(found.admin.role, args.scopes);
  if (beyond.length > 0)
    throw new UsageError(`a ${found.admin.role} cannot hold ${beyond.join(", ")} (a token never carries more than its admin's role allows)`);
  const issued = issueToken();
  const token = await createToken(db, {
    id: issued.id,
    tenantId: args.tenant,
    adminId: found.admin.id,
    name: args.name,
    secretHash: issued.secretHash,
    scopes: args.scopes,
    expiresAt: expiresInMs === null ? null : Date.now() + expiresInMs,
    actor: CLI_ACTOR,
  }).catch((error: unknown) => {
    if (!(error instanceof ActiveTokenLimitReached)) throw error;
    throw new UsageError(
      `${args.admin} already holds ${error.limit} active tokens, the most one admin may: revoke one first: npm run roster -- token revoke ID`,
    );
  });
  const expiresAt = token.expiresAt === null ? null : new Date(token.expiresAt).toISOString();
  return {
    json: { ok: true, token: issued.token, id: token.id, tenantId: token.tenantId, scopes: token.scopes, name: token.name, expiresAt },
    text: [
      `Token ${token.id} "${token.name}" for ${found.user.email}, scopes ${token.scopes.join(", ")}, ${expiresAt ? `expires ${expiresAt}` : "never expires"}.`,
      `Secret (shown once, store it now): ${issued.token}`,
    ],
  };
}

export async function tokenRevokeCommand(db: Db, id: string | undefined): Promise<CommandResult> {
  const args = parseArgsWith(tokenRevokeArgs, { id });
  const result = await revokeToken(db, args.id, CLI_ACTOR);
  if (result.status === "not-found") throw new UsageError(`no token with id ${args.id}`);
  return {
    json: { ok: true, id: args.id, status: result.status, revokedAt: new Date(result.token.revokedAt ?? Date.now()).toISOString() },
    text: [result.status === "revoked" ? `Token ${args.id} revoked.` : `Token ${args.id} was already revoked.`],
  };
}
