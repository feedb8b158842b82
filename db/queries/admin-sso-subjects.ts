import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { AdminSsoSubject } from "../schema";
import { recordAdminEvent, type AdminActor } from "./admins";

// The provider account each admin signs in with through SSO (docs/decisions/0021): the ID
// token's issuer and subject, bound at the admin's first SSO sign-in under that issuer.

const COLUMNS = `admin_id as "adminId", tenant_id as "tenantId", issuer, subject, created_at as "createdAt", updated_at as "updatedAt"`;
const OF_ADMIN = `select ${COLUMNS} from admin_sso_subjects where admin_id = ? and tenant_id = ?`;
const OF_ACCOUNT = `select admin_id as "adminId" from admin_sso_subjects where tenant_id = ? and issuer = ? and subject = ?`;
// Replaces only an account under another issuer: of two first sign-ins at once (PostgreSQL runs
// both transactions), the second finds the first's row here and changes nothing.
const BIND = `insert into admin_sso_subjects (admin_id, tenant_id, issuer, subject, created_at, updated_at) values (?, ?, ?, ?, ?, ?)
  on conflict (admin_id) do update set issuer = excluded.issuer, subject = excluded.subject, updated_at = excluded.updated_at
  where admin_sso_subjects.issuer <> excluded.issuer`;
const FORGET = "delete from admin_sso_subjects where admin_id = ? and tenant_id = ?";

export type SsoAccount = { issuer: string; subject: string };
type AdminRef = { tenantId: string; adminId: string };

/** The admin the provider account is bound to, if any. */
export async function findAdminIdBySsoAccount(db: Db, tenantId: string, account: SsoAccount): Promise<string | undefined> {
  return (await prepared<{ adminId: string }>(db, OF_ACCOUNT).get(tenantId, account.issuer, account.subject))?.adminId;
}

export async function findSsoAccountOfAdmin(db: Db, admin: AdminRef): Promise<AdminSsoSubject | undefined> {
  return prepared<AdminSsoSubject>(db, OF_ADMIN).get(admin.adminId, admin.tenantId);
}

export type BindOutcome = "bound" | "already" | { otherSubject: string };
const sameSubject = (held: SsoAccount, account: SsoAccount): BindOutcome => (held.subject === account.subject ? "already" : { otherSubject: held.subject });

/**
 * Binds the account to the admin unless the admin already has one under the same issuer: then
 * that one stays (another subject is `otherSubject`, for the caller to refuse). An account under
 * an earlier issuer is replaced: the tenant moved to another provider, whose subjects are its own.
 * Audited as `admin.sso_account_bound`. One transaction, so two first sign-ins at once bind one.
 */
export function bindSsoAccount(db: Db, admin: AdminRef, account: SsoAccount, actor: AdminActor, now = Date.now()): Promise<BindOutcome> {
  return inTransaction(db, "immediate", async () => {
    const held = await findSsoAccountOfAdmin(db, admin);
    if (held?.issuer === account.issuer) return sameSubject(held, account);
    if ((await prepared(db, BIND).run(admin.adminId, admin.tenantId, account.issuer, account.subject, now, now)).changes === 0) {
      return sameSubject((await findSsoAccountOfAdmin(db, admin))!, account);
    }
    const replaced = held && { replacedIssuer: held.issuer, replacedSubject: held.subject };
    await recordAdminEvent(db, admin, actor, "admin.sso_account_bound", { ...account, ...replaced }, now);
    return "bound";
  });
}

/**
 * Unbinds the admin's account, so that their next SSO sign-in binds whichever account holds
 * their address then: for a person whose account the provider made anew. Audited as
 * `admin.sso_account_forgotten`; false (and nothing audited) when there was none.
 */
export function forgetSsoAccount(db: Db, admin: AdminRef, actor: AdminActor, now = Date.now()): Promise<boolean> {
  return inTransaction(db, "immediate", async () => {
    const held = await findSsoAccountOfAdmin(db, admin);
    if (!held) return false;
    await prepared(db, FORGET).run(admin.adminId, admin.tenantId);
    await recordAdminEvent(db, admin, actor, "admin.sso_account_forgotten", { issuer: held.issuer, subject: held.subject }, now);
    return true;
  });
}
