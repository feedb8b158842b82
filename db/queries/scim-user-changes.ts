import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inList, prepared } from "../prepared";
import type { User } from "../schema";
import { emailsOfUsers, type EmailRow, type MobileRow, type ScimConflict, type ScimScope, type ScimUserWrite } from "./scim-user-records";
import { applyDeactivation, applyReactivation, type StatusActor } from "./user-status";

// The user's side of a SCIM write (users row, other addresses, mobiles, active), inside the
// caller's transaction, and the conflicts a write can run into, checked first or told by the database.

/** What a write changed, named as ScimUserWrite names it (the audit event's `fields`). */
export type ChangedField = "userName" | "externalId" | "email" | "otherEmails" | "mobiles" | "name" | "uniqueCode" | "department" | "attributes";

export const providerActor = (scope: ScimScope): StatusActor => ({
  type: "provider",
  id: scope.providerId,
  name: scope.providerName,
  userId: scope.providerId,
});

const DETAILS: Record<ScimConflict["field"], string> = {
  userName: "another user of this identity provider has this userName",
  externalId: "another identity of this identity provider has this externalId",
  email: "another user of this tenant has this primary email address",
  employeeNumber: "another user of this tenant has this employeeNumber",
  alreadyLinked: "the user with this email address is already linked to this identity provider by another identity",
};

export const conflict = (field: ScimConflict["field"]): ScimConflict => ({ status: "conflict", field, detail: DETAILS[field] });

/** A conflict found inside a write: thrown, so that whatever the write did so far rolls back, and answered as the conflict. */
export class ConflictFound extends Error {
  constructor(readonly conflict: ScimConflict) {
    super(conflict.detail);
  }
}

// The unique indexes a write can hit when another instance wrote first: PostgreSQL names the
// index, SQLite the columns ("UNIQUE constraint failed: users.tenant_id, users.unique_code").
const BY_INDEX: Record<string, ScimConflict["field"]> = {
  users_tenant_email_unique: "email",
  users_tenant_unique_code_unique: "employeeNumber",
  identities_provider_username_unique: "userName",
  identities_provider_external_unique: "externalId",
};
const BY_COLUMN: [string, ScimConflict["field"]][] = [
  ["users.email_normalized", "email"],
  ["users.unique_code", "employeeNumber"],
  ["identities.username_key", "userName"],
  ["identities.external_id", "externalId"],
];

/** The conflict a unique violation from either database means; undefined for any other error. */
export function conflictOfError(error: unknown): ScimConflict | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  const field =
    code === "23505" && typeof constraint === "string"
      ? BY_INDEX[constraint]
      : code === "SQLITE_CONSTRAINT_UNIQUE" && typeof message === "string"
        ? BY_COLUMN.find(([column]) => message.includes(column))?.[1]
        : undefined;
  return field && conflict(field);
}

const USER_WITH_EMAIL = "select id from users where tenant_id = ? and email_normalized = ? and id <> ?";
const USER_WITH_CODE = "select id from users where tenant_id = ? and unique_code = ? and id <> ?";

/** Whether another user of the tenant holds the primary address (`userId`: the user written, or none). */
export async function emailHeld(db: Db, tenantId: string, write: ScimUserWrite, userId = ""): Promise<boolean> {
  return !!(await prepared(db, USER_WITH_EMAIL).get(tenantId, write.emailNormalized, userId));
}

export async function uniqueCodeHeld(db: Db, tenantId: string, code: string, userId = ""): Promise<boolean> {
  return !!(await prepared(db, USER_WITH_CODE).get(tenantId, code, userId));
}

const UPDATE_USER = `update users set email = ?, email_normalized = ?, name = ?, name_folded = ?, unique_code = ?, unique_code_folded = ?, properties = ?,
  updated_at = ?, updated_by = ? where id = ?`;
const INSERT_EMAIL = `insert into user_emails (id, tenant_id, user_id, email, email_normalized, label, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)`;
const MOBILES_OF_USER = `select user_id as "userId", kind, country_code as "countryCode", number from user_mobiles where user_id = ?`;
const DELETE_MOBILE = "delete from user_mobiles where user_id = ? and kind = ?";
const UPSERT_MOBILE = `insert into user_mobiles (tenant_id, user_id, kind, country_code, number, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)
  on conflict (user_id, kind) do update set country_code = excluded.country_code, number = excluded.number, updated_at = excluded.updated_at`;

/**
 * Makes the user's other addresses those of the write: addresses kept as they were keep their
 * rows (and their age), the rest are deleted and the new ones inserted. Whether any changed.
 */
export async function writeOtherEmails(
  db: Db,
  scope: ScimScope,
  userId: string,
  wanted: ScimUserWrite["otherEmails"],
  now: number,
  current?: readonly EmailRow[],
): Promise<boolean> {
  const unmatched = [...(current ?? (await emailsOfUsers(db, [userId])))];
  const added: ScimUserWrite["otherEmails"] = [];
  for (const email of wanted) {
    const same = unmatched.findIndex((row) => row.email === email.email && row.label === email.label);
    if (same >= 0) unmatched.splice(same, 1);
    else added.push(email);
  }
  if (unmatched.length > 0) {
    const ids = inList(unmatched.map((row) => row.id));
    await prepared(db, `delete from user_emails where id in ${ids.sql}`).run(...ids.values);
  }
  for (const email of added) {
    await prepared(db, INSERT_EMAIL).run(randomUUID(), scope.tenantId, userId, email.email, email.emailNormalized, email.label, now, now);
  }
  return unmatched.length > 0 || added.length > 0;
}

/** Makes the user's mobiles those of the write (one per kind); whether any changed. */
export async function writeMobiles(
  db: Db,
  scope: ScimScope,
  userId: string,
  wanted: ScimUserWrite["mobiles"],
  now: number,
  rows?: readonly MobileRow[],
): Promise<boolean> {
  const current = new Map((rows ?? (await prepared<MobileRow>(db, MOBILES_OF_USER).all(userId))).map((row) => [row.kind, row]));
  const byKind = new Map(wanted.map((mobile) => [mobile.kind, mobile]));
  let changed = false;
  for (const kind of current.keys()) {
    if (byKind.has(kind)) continue;
    await prepared(db, DELETE_MOBILE).run(userId, kind);
    changed = true;
  }
  for (const mobile of byKind.values()) {
    const was = current.get(mobile.kind);
    if (was && was.countryCode === mobile.countryCode && was.number === mobile.number) continue;
    await prepared(db, UPSERT_MOBILE).run(scope.tenantId, userId, mobile.kind, mobile.countryCode, mobile.number, now, now);
    changed = true;
  }
  return changed;
}

export type UserWriteOptions = { now: number; requestId: string | null; whenFound?: () => Promise<boolean> };

/**
 * Writes the user's side of `write` to `user` (locked by the caller, conflicts checked): its
 * columns, other addresses and mobiles (`rows`: as the caller read them, else read here), moving
 * updated_at and updated_by only when one of them changed, then its active state through
 * applyDeactivation / applyReactivation (no event when it stays as it is). What changed, and
 * whether `active` did.
 */
export async function writeUserSide(
  db: Db,
  scope: ScimScope,
  user: User,
  write: ScimUserWrite,
  options: UserWriteOptions,
  rows: { emails?: readonly EmailRow[]; mobiles?: readonly MobileRow[] } = {},
): Promise<{ changed: ChangedField[]; activeChanged: boolean }> {
  const { now } = options;
  const code = write.uniqueCode ?? { value: user.uniqueCode, folded: user.uniqueCodeFolded };
  const changed: ChangedField[] = [];
  if (user.email !== write.email || user.emailNormalized !== write.emailNormalized) changed.push("email");
  if (user.name !== write.name || user.nameFolded !== write.nameFolded) changed.push("name");
  if (user.uniqueCode !== code.value || user.uniqueCodeFolded !== code.folded) changed.push("uniqueCode");
  if (user.properties.department !== write.department) changed.push("department");
  if (await writeOtherEmails(db, scope, user.id, write.otherEmails, now, rows.emails)) changed.push("otherEmails");
  if (await writeMobiles(db, scope, user.id, write.mobiles, now, rows.mobiles)) changed.push("mobiles");
  if (changed.length > 0) {
    const properties = JSON.stringify({ ...user.properties, department: write.department });
    const by = JSON.stringify({ id: scope.providerId, name: scope.providerName });
    await prepared(db, UPDATE_USER).run(
      write.email,
      write.emailNormalized,
      write.name,
      write.nameFolded,
      code.value,
      code.folded,
      properties,
      now,
      by,
      user.id,
    );
  }
  return { changed, activeChanged: await writeActive(db, scope, user, write.active, options) };
}

/** Moves the user to `active` through applyDeactivation / applyReactivation, the provider the actor (no event when it stays as it is); whether it moved. */
export async function writeActive(db: Db, scope: ScimScope, user: User, active: boolean, options: UserWriteOptions): Promise<boolean> {
  return active !== user.active && (await switchActive(db, scope, user.id, active, options)) === true;
}

/** writeActive for a user not read yet: applyDeactivation and applyReactivation read it (and lock it on PostgreSQL) themselves. */
export async function switchActive(db: Db, scope: ScimScope, userId: string, active: boolean, options: UserWriteOptions): Promise<boolean | "not-found"> {
  const change = {
    tenantId: scope.tenantId,
    userId,
    actor: providerActor(scope),
    requestId: options.requestId,
    auditNoop: false,
    whenFound: options.whenFound,
  };
  const result = active ? await applyReactivation(db, change, options.now) : await applyDeactivation(db, change, options.now);
  return result.status === "not-found" ? "not-found" : result.status === "reactivated" || result.status === "deactivated";
}
