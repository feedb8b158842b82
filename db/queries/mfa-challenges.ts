import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { MfaChallengePurpose } from "../schema";

// Server-side state of an enrolment or WebAuthn ceremony: one per admin and purpose, replaced by a
// new start and deleted by its use, so that a challenge answers once (docs/decisions/0022).

const PUT_CHALLENGE = `insert into mfa_challenges (id, tenant_id, admin_id, purpose, value, expires_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (admin_id, purpose) do update set value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`;

export async function putChallenge(
  db: Db,
  challenge: { tenantId: string; adminId: string; purpose: MfaChallengePurpose; value: string; expiresAt: number },
  now = Date.now(),
): Promise<void> {
  await prepared(db, PUT_CHALLENGE).run(randomUUID(), challenge.tenantId, challenge.adminId, challenge.purpose, challenge.value, challenge.expiresAt, now, now);
}

const TAKE_CHALLENGE = `delete from mfa_challenges where admin_id = ? and purpose = ? returning value, expires_at as "expiresAt"`;

/** The admin's challenge for `purpose`, deleted as it is read: null when there is none or it expired. */
export async function takeChallenge(db: Db, adminId: string, purpose: MfaChallengePurpose, now = Date.now()): Promise<string | null> {
  const row = await prepared<{ value: string; expiresAt: number }>(db, TAKE_CHALLENGE).get(adminId, purpose);
  return row && row.expiresAt > now ? row.value : null;
}

/** Reads the challenge without using it up (a TOTP enrolment keeps its secret until a code confirms it). */
export async function peekChallenge(db: Db, adminId: string, purpose: MfaChallengePurpose, now = Date.now()): Promise<string | null> {
  const row = await prepared<{ value: string }>(db, "select value from mfa_challenges where admin_id = ? and purpose = ? and expires_at > ?").get(
    adminId,
    purpose,
    now,
  );
  return row?.value ?? null;
}
