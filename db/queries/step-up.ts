import type { Db } from "../client";
import { prepared } from "../prepared";

// What decides whether an admin's password alone can step up (docs/decisions/0023); factors come
// from mfa-factors.ts, single sign-on from sso-configs.ts.

export type StepUpAccount = { email: string; passwordHash: string; tenantRequiresMfa: boolean };

const STEP_UP_ACCOUNT = `select u.email, a.password_hash as "passwordHash", t.require_mfa as "tenantRequiresMfa"
  from admins a join users u on u.id = a.user_id join tenants t on t.id = a.tenant_id
  where a.id = ?`;

export async function findStepUpAccount(db: Db, adminId: string): Promise<StepUpAccount | undefined> {
  const row = await prepared<Omit<StepUpAccount, "tenantRequiresMfa"> & { tenantRequiresMfa: unknown }>(db, STEP_UP_ACCOUNT).get(adminId);
  // SQLite answers 0/1, PostgreSQL a boolean.
  return row && { ...row, tenantRequiresMfa: Boolean(row.tenantRequiresMfa) };
}
