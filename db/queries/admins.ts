import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import type { ACTOR_TYPES } from "../constants";
import { inTransaction, prepared } from "../prepared";
import type { Admin, AdminRole, EmailKey, User } from "../schema";
import { recordAuditEvent } from "./audit";
import { findUserByRef } from "./user-directory";
import { createUser, findUserByEmail, type NewUserFields } from "./users";

export class AdminExistsError extends Error {}

/**
 * Audits something done to an admin's account (its role, factors, provider account, access),
 * in the caller's transaction.
 */
export function recordAdminEvent(
  db: Db,
  admin: { tenantId: string; adminId: string },
  actor: AdminActor & { requestId?: string | null },
  action: string,
  details: Record<string, unknown>,
  now: number,
) {
  return recordAuditEvent(db, {
    tenantId: admin.tenantId,
    actorType: actor.type,
    actorId: actor.id ?? null,
    actorName: actor.name,
    action,
    targetType: "admin",
    targetId: admin.adminId,
    outcome: "success",
    requestId: actor.requestId ?? null,
    details,
    createdAt: now,
  });
}

/** Who makes or changes an admin, for the audit log: the CLI unless said otherwise. */
export type AdminActor = { type: (typeof ACTOR_TYPES)[number]; id?: string; name: string };
const CLI = { type: "system", name: "roster cli" } as const satisfies AdminActor;

/** The user fields are those of the user to create when no user has the address yet. */
export type CreateAdminInput = NewUserFields & { tenantId: string; role: AdminRole; passwordHash: string; actor?: AdminActor };

const ADMIN_COLUMNS = `id, tenant_id as "tenantId", user_id as "userId", role, password_hash as "passwordHash", created_at as "createdAt", updated_at as "updatedAt"`;

const INSERT_ADMIN = `insert into admins (id, tenant_id, user_id, role, password_hash, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)
  returning ${ADMIN_COLUMNS}`;
const ADMIN_OF_USER = `select ${ADMIN_COLUMNS} from admins where user_id = ?`;
const ADMIN_OF_USER_IN_TENANT = `select ${ADMIN_COLUMNS} from admins where user_id = ? and tenant_id = ?`;
const ADMIN_BY_ID = `select ${ADMIN_COLUMNS} from admins where id = ? and tenant_id = ?`;

/**
 * Makes a person an admin of a tenant. An admin is always a user of the tenant: an existing
 * user with that email is promoted, otherwise the user is created. One transaction, audited.
 * Two processes promoting the same user at once: the unique index on admins.user_id fails the second.
 */
export function createAdmin(db: Db, input: CreateAdminInput, now = Date.now()): Promise<{ admin: Admin; user: User; createdUser: boolean }> {
  return inTransaction(db, "immediate", async () => {
    let user = await findUserByEmail(db, input.tenantId, input.emailNormalized);
    const createdUser = !user;
    if (user) {
      const existing = await prepared<Admin>(db, ADMIN_OF_USER).get(user.id);
      if (existing) throw new AdminExistsError(`${user.email} is already an admin (${existing.role}) of this tenant`);
    } else {
      const { tenantId, email, emailNormalized, name, nameFolded, uniqueCode, uniqueCodeFolded } = input;
      user = await createUser(db, { tenantId, email, emailNormalized, name, nameFolded, uniqueCode, uniqueCodeFolded }, now);
    }
    const admin = (await prepared<Admin>(db, INSERT_ADMIN).get(randomUUID(), input.tenantId, user.id, input.role, input.passwordHash, now, now))!;
    await recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: (input.actor ?? CLI).type,
      actorId: input.actor?.id ?? null,
      actorName: (input.actor ?? CLI).name,
      action: "admin.created",
      targetType: "admin",
      targetId: admin.id,
      outcome: "success",
      details: { email: user.email, role: input.role, createdUser },
      createdAt: now,
    });
    return { admin, user, createdUser };
  });
}

export async function findAdminByEmail(db: Db, tenantId: string, emailNormalized: EmailKey): Promise<{ admin: Admin; user: User } | undefined> {
  const user = await findUserByEmail(db, tenantId, emailNormalized);
  if (!user) return undefined;
  const admin = await prepared<Admin>(db, ADMIN_OF_USER_IN_TENANT).get(user.id, tenantId);
  return admin ? { admin, user } : undefined;
}

/** The tenant's admin account of a user, if the user is an admin. */
export async function findAdminOfUser(db: Db, tenantId: string, userId: string): Promise<Admin | undefined> {
  return prepared<Admin>(db, ADMIN_OF_USER_IN_TENANT).get(userId, tenantId);
}

export async function findAdminById(db: Db, tenantId: string, adminId: string): Promise<{ admin: Admin; user: User } | undefined> {
  const admin = await prepared<Admin>(db, ADMIN_BY_ID).get(adminId, tenantId);
  const user = admin && (await findUserByRef(db, tenantId, { kind: "id", id: admin.userId }));
  return admin && user ? { admin, user } : undefined;
}

const SET_ROLE = "update admins set role = ?, updated_at = ? where id = ? and tenant_id = ? and role <> ?";

/** Changes an admin's role, audited as `admin.role_changed`; nothing happens (or is audited) when it is that role already. */
export function changeAdminRole(
  db: Db,
  admin: Pick<Admin, "id" | "tenantId" | "role">,
  role: AdminRole,
  actor: AdminActor,
  now = Date.now(),
): Promise<boolean> {
  return inTransaction(db, "immediate", async () => {
    const { changes } = await prepared(db, SET_ROLE).run(role, now, admin.id, admin.tenantId, role);
    if (changes === 0) return false;
    await recordAdminEvent(db, { tenantId: admin.tenantId, adminId: admin.id }, actor, "admin.role_changed", { from: admin.role, to: role }, now);
    return true;
  });
}
