import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { IMMEDIATE } from "../prepared";
import { admins, type Admin, type AdminRole, type EmailKey, type User } from "../schema";
import { recordAuditEvent } from "./audit";
import { createUser, findUserByEmail, type NewUserFields } from "./users";
import { writtenAt } from "../schema/columns";

export class AdminExistsError extends Error {}

/** The user fields are those of the user to create when no user has the address yet. */
export type CreateAdminInput = NewUserFields & { tenantId: string; role: AdminRole; passwordHash: string };

/**
 * Makes a person an admin of a tenant. An admin is always a user of the tenant: an existing
 * user with that email is promoted, otherwise the user is created. One transaction, audited.
 */
export function createAdmin(db: Db, input: CreateAdminInput, now = Date.now()): { admin: Admin; user: User; createdUser: boolean } {
  return db.transaction((tx) => {
    let user = findUserByEmail(tx, input.tenantId, input.emailNormalized);
    const createdUser = !user;
    if (user) {
      const existing = tx.select().from(admins).where(eq(admins.userId, user.id)).get();
      if (existing) throw new AdminExistsError(`${user.email} is already an admin (${existing.role}) of this tenant`);
    } else {
      const { tenantId, email, emailNormalized, name, nameFolded, uniqueCode, uniqueCodeFolded } = input;
      user = createUser(tx, { tenantId, email, emailNormalized, name, nameFolded, uniqueCode, uniqueCodeFolded }, now);
    }
    const admin = tx
      .insert(admins)
      .values({
        id: randomUUID(),
        tenantId: input.tenantId,
        userId: user.id,
        role: input.role,
        passwordHash: input.passwordHash,
        ...writtenAt(now),
      })
      .returning()
      .get();
    recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: "system",
      actorName: "roster cli",
      action: "admin.created",
      targetType: "admin",
      targetId: admin.id,
      outcome: "success",
      details: { email: user.email, role: input.role, createdUser },
      createdAt: now,
    });
    return { admin, user, createdUser };
  }, IMMEDIATE);
}

export function findAdminByEmail(db: Db, tenantId: string, emailNormalized: EmailKey): { admin: Admin; user: User } | undefined {
  const user = findUserByEmail(db, tenantId, emailNormalized);
  if (!user) return undefined;
  const admin = db
    .select()
    .from(admins)
    .where(and(eq(admins.userId, user.id), eq(admins.tenantId, tenantId)))
    .get();
  return admin ? { admin, user } : undefined;
}
