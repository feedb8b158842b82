import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Queryable } from "../client";
import { users, type EmailKey, type TextKey, type User, type UserProperties } from "../schema";

export const EMPTY_PROPERTIES: UserProperties = {
  workLocations: [],
  teams: [],
  identification: null,
  fileID: null,
  userType: "employee",
  department: "",
  aaaGroups: [],
  designation: "",
  employmentType: "full-time",
};

/** A new user's text columns with their keys; lib/domain/user-fields.ts makes them. */
export type NewUserFields = {
  email: string;
  emailNormalized: EmailKey;
  name: string;
  nameFolded: TextKey;
  uniqueCode: string;
  uniqueCodeFolded: TextKey;
};

export type CreateUserInput = NewUserFields & {
  tenantId: string;
  active?: boolean;
  properties?: Partial<UserProperties>;
  createdBy?: { id: string; name: string };
};

export function createUser(db: Queryable, input: CreateUserInput, now = Date.now()): User {
  const active = input.active ?? true;
  return db
    .insert(users)
    .values({
      id: randomUUID(),
      tenantId: input.tenantId,
      email: input.email.trim(),
      emailNormalized: input.emailNormalized,
      name: input.name,
      nameFolded: input.nameFolded,
      active,
      state: active ? "active:available" : "inactive:deactivated",
      uniqueCode: input.uniqueCode,
      uniqueCodeFolded: input.uniqueCodeFolded,
      participantType: "users",
      properties: { ...EMPTY_PROPERTIES, ...input.properties },
      createdBy: input.createdBy ?? null,
      updatedBy: input.createdBy ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export function findUserByEmail(db: Queryable, tenantId: string, emailNormalized: EmailKey): User | undefined {
  return db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.emailNormalized, emailNormalized)))
    .get();
}
