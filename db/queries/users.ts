import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { prepared } from "../prepared";
import { USER_COLUMNS, userFromRow, type UserRow } from "./user-directory";
import type { EmailKey, TextKey, User, UserProperties } from "../schema";

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

const INSERT_USER = `insert into users (id, tenant_id, email, email_normalized, name, name_folded, active, state, unique_code,
    unique_code_folded, participant_type, properties, created_by, updated_by, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'users', ?, ?, ?, ?, ?)
  returning ${USER_COLUMNS}`;

export async function createUser(db: Db, input: CreateUserInput, now = Date.now()): Promise<User> {
  const active = input.active ?? true;
  const createdBy = input.createdBy ? JSON.stringify(input.createdBy) : null;
  const row = await prepared<UserRow>(db, INSERT_USER).get(
    randomUUID(),
    input.tenantId,
    input.email.trim(),
    input.emailNormalized,
    input.name,
    input.nameFolded,
    active ? 1 : 0,
    active ? "active:available" : "inactive:deactivated",
    input.uniqueCode,
    input.uniqueCodeFolded,
    JSON.stringify({ ...EMPTY_PROPERTIES, ...input.properties }),
    createdBy,
    createdBy,
    now,
    now,
  );
  return userFromRow(row!);
}

const USER_BY_EMAIL = `select ${USER_COLUMNS} from users where tenant_id = ? and email_normalized = ?`;

export async function findUserByEmail(db: Db, tenantId: string, emailNormalized: EmailKey): Promise<User | undefined> {
  const row = await prepared<UserRow>(db, USER_BY_EMAIL).get(tenantId, emailNormalized);
  return row && userFromRow(row);
}
