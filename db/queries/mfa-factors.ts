import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { MfaFactor } from "../schema";
import { recordAdminEvent } from "./admins";

// An admin's second factors and recovery codes (docs/decisions/0022). Each change and its audit
// event are one transaction; single use (recovery codes, TOTP time steps) is one conditional update,
// so two instances answering at once cannot both accept the same code.

/** Who made a change, as the audit log records it. */
export type FactorActor = { type: "admin" | "system"; id?: string; name: string; requestId?: string | null };

const FACTOR_COLUMNS = `id, tenant_id as "tenantId", admin_id as "adminId", kind, label, credential_id as "credentialId",
  public_key as "publicKey", sign_count as "signCount", transports, totp_secret as "totpSecret", totp_last_step as "totpLastStep",
  last_used_at as "lastUsedAt", created_at as "createdAt", updated_at as "updatedAt"`;

type FactorRow = Omit<MfaFactor, "transports"> & { transports: string | null };
const factorFromRow = (row: FactorRow): MfaFactor => ({ ...row, transports: row.transports === null ? null : (JSON.parse(row.transports) as string[]) });

/** The admin's factors, oldest first (with their secrets: callers never send these on). */
export async function listFactors(db: Db, adminId: string): Promise<MfaFactor[]> {
  const rows = await prepared<FactorRow>(db, `select ${FACTOR_COLUMNS} from mfa_factors where admin_id = ? order by created_at, id`).all(adminId);
  return rows.map(factorFromRow);
}

export async function findPasskeyByCredentialId(db: Db, credentialId: string): Promise<MfaFactor | undefined> {
  const row = await prepared<FactorRow>(db, `select ${FACTOR_COLUMNS} from mfa_factors where credential_id = ? and kind = 'passkey'`).get(credentialId);
  return row && factorFromRow(row);
}

export type NewFactor = {
  tenantId: string;
  adminId: string;
  kind: MfaFactor["kind"];
  label: string;
  credentialId?: string | null;
  publicKey?: string | null;
  signCount?: number | null;
  transports?: string[] | null;
  totpSecret?: string | null;
  /** The time step of the code that confirmed a TOTP enrolment: it cannot sign in again. */
  totpLastStep?: number | null;
};

const INSERT_FACTOR = `insert into mfa_factors (id, tenant_id, admin_id, kind, label, credential_id, public_key, sign_count, transports,
    totp_secret, totp_last_step, last_used_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)`;

/**
 * Saves a factor and audits its enrolment. The admin's first factor comes with recovery codes
 * (`recoveryCodeHashes`), written in the same transaction.
 */
export async function addFactor(db: Db, factor: NewFactor, actor: FactorActor, recoveryCodeHashes: string[] | null, now = Date.now()): Promise<MfaFactor> {
  return inTransaction(db, "immediate", async () => {
    const id = randomUUID();
    const transports = factor.transports ? JSON.stringify(factor.transports) : null;
    await prepared(db, INSERT_FACTOR).run(
      id,
      factor.tenantId,
      factor.adminId,
      factor.kind,
      factor.label,
      factor.credentialId ?? null,
      factor.publicKey ?? null,
      factor.signCount ?? null,
      transports,
      factor.totpSecret ?? null,
      factor.totpLastStep ?? null,
      now,
      now,
    );
    await recordAdminEvent(db, factor, actor, "mfa.factor_enrolled", { factorId: id, kind: factor.kind, label: factor.label }, now);
    if (recoveryCodeHashes) await writeRecoveryCodes(db, factor.tenantId, factor.adminId, recoveryCodeHashes, actor, now);
    const row = await prepared<FactorRow>(db, `select ${FACTOR_COLUMNS} from mfa_factors where id = ?`).get(id);
    return factorFromRow(row!);
  });
}

export type RemoveFactorResult = { status: "removed"; factor: MfaFactor } | { status: "not-found" } | { status: "last-factor" };

/**
 * Removes one of the admin's factors, unless it is the last one and `keepOne` (the tenant requires
 * MFA). Removing the last factor also removes the recovery codes: they recover a second factor.
 */
export async function removeFactor(
  db: Db,
  target: { tenantId: string; adminId: string; factorId: string; keepOne: boolean },
  actor: FactorActor,
  now = Date.now(),
): Promise<RemoveFactorResult> {
  return inTransaction(db, "immediate", async () => {
    const lock = db.dialect === "postgres" ? " for update" : "";
    const factors = (
      await prepared<FactorRow>(db, `select ${FACTOR_COLUMNS} from mfa_factors where admin_id = ? and tenant_id = ?${lock}`).all(
        target.adminId,
        target.tenantId,
      )
    ).map(factorFromRow);
    const factor = factors.find((f) => f.id === target.factorId);
    if (!factor) return { status: "not-found" };
    if (factors.length === 1 && target.keepOne) return { status: "last-factor" };
    await prepared(db, "delete from mfa_factors where id = ?").run(factor.id);
    if (factors.length === 1) await prepared(db, "delete from mfa_recovery_codes where admin_id = ?").run(target.adminId);
    await recordAdminEvent(db, target, actor, "mfa.factor_removed", { factorId: factor.id, kind: factor.kind, label: factor.label }, now);
    return { status: "removed", factor };
  });
}

const ACCEPT_TOTP_STEP = `update mfa_factors set totp_last_step = ?, last_used_at = ?, updated_at = ?
  where id = ? and kind = 'totp' and (totp_last_step is null or totp_last_step < ?)`;

/** Records the time step a TOTP code was accepted for; false when that step (or a later one) was used already: a replay. */
export async function acceptTotpStep(db: Db, factorId: string, step: number, now = Date.now()): Promise<boolean> {
  return (await prepared(db, ACCEPT_TOTP_STEP).run(step, now, now, factorId, step)).changes === 1;
}

const ACCEPT_PASSKEY_USE = `update mfa_factors set sign_count = ?, last_used_at = ?, updated_at = ? where id = ? and kind = 'passkey'`;

export async function recordPasskeyUse(db: Db, factorId: string, signCount: number, now = Date.now()): Promise<void> {
  await prepared(db, ACCEPT_PASSKEY_USE).run(signCount, now, now, factorId);
}

const INSERT_RECOVERY_CODE = `insert into mfa_recovery_codes (id, tenant_id, admin_id, code_hash, used_at, created_at, updated_at) values (?, ?, ?, ?, null, ?, ?)`;

async function writeRecoveryCodes(db: Db, tenantId: string, adminId: string, hashes: string[], actor: FactorActor, now: number) {
  await prepared(db, "delete from mfa_recovery_codes where admin_id = ?").run(adminId);
  for (const hash of hashes) await prepared(db, INSERT_RECOVERY_CODE).run(randomUUID(), tenantId, adminId, hash, now, now);
  await recordAdminEvent(db, { tenantId, adminId }, actor, "mfa.recovery_codes_generated", { count: hashes.length }, now);
}

/** Replaces every recovery code of the admin (used or not) with new ones; audited. */
export async function replaceRecoveryCodes(db: Db, target: { tenantId: string; adminId: string }, hashes: string[], actor: FactorActor, now = Date.now()) {
  await inTransaction(db, "immediate", () => writeRecoveryCodes(db, target.tenantId, target.adminId, hashes, actor, now));
}

const USE_RECOVERY_CODE = `update mfa_recovery_codes set used_at = ?, updated_at = ? where admin_id = ? and code_hash = ? and used_at is null`;

/** Marks a recovery code used; false when the admin has no such unused code. */
export async function useRecoveryCode(db: Db, adminId: string, codeHash: string, now = Date.now()): Promise<boolean> {
  return (await prepared(db, USE_RECOVERY_CODE).run(now, now, adminId, codeHash)).changes === 1;
}

export async function countUnusedRecoveryCodes(db: Db, adminId: string): Promise<number> {
  return (await prepared<{ n: number }>(db, "select count(*) as n from mfa_recovery_codes where admin_id = ? and used_at is null").get(adminId))?.n ?? 0;
}

const ACCOUNT_LABEL = `select t.name as "tenantName", u.email from admins a join users u on u.id = a.user_id join tenants t on t.id = a.tenant_id
  where a.id = ?`;

/** What an authenticator app shows for the admin's entry: the tenant's name and the admin's email. */
export function accountLabelOf(db: Db, adminId: string): Promise<{ tenantName: string; email: string } | undefined> {
  return prepared<{ tenantName: string; email: string }>(db, ACCOUNT_LABEL).get(adminId);
}
