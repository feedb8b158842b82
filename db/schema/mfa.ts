import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MFA_FACTOR_KINDS } from "../constants";
import { admins } from "./access";
import { epochMs, json, timestamps } from "./columns";
import { tenantId } from "./tenants";

// Second factors of console admins and the short-lived state of a sign-in between its password
// and its second factor (docs/decisions/0022).

const ofAdmin = () => ({
  id: text("id").primaryKey(),
  tenantId: tenantId(),
  adminId: text("admin_id")
    .notNull()
    .references(() => admins.id),
});

/** A passkey or an authenticator app of an admin. */
export const mfaFactors = sqliteTable(
  "mfa_factors",
  {
    ...ofAdmin(),
    kind: text("kind", { enum: MFA_FACTOR_KINDS }).notNull(),
    label: text("label").notNull(),
    // Passkeys: the credential as @simplewebauthn/server verifies it (base64url id and COSE public key).
    credentialId: text("credential_id"),
    publicKey: text("public_key"),
    signCount: integer("sign_count"),
    transports: json<string[]>("transports"),
    // TOTP: the shared secret (base32), and the last time step accepted, so that no code is used twice.
    totpSecret: text("totp_secret"),
    totpLastStep: integer("totp_last_step"),
    lastUsedAt: epochMs("last_used_at"),
    ...timestamps,
  },
  (t) => [index("mfa_factors_admin_idx").on(t.adminId), uniqueIndex("mfa_factors_credential_unique").on(t.credentialId)],
);

/** One-time recovery codes: only a SHA-256 of each is kept; a used one stays, marked, so it never works again. */
export const mfaRecoveryCodes = sqliteTable(
  "mfa_recovery_codes",
  {
    ...ofAdmin(),
    codeHash: text("code_hash").notNull(),
    usedAt: epochMs("used_at"),
    ...timestamps,
  },
  (t) => [index("mfa_recovery_codes_admin_idx").on(t.adminId), uniqueIndex("mfa_recovery_codes_hash_unique").on(t.adminId, t.codeHash)],
);

/**
 * A sign-in whose password was right and whose second factor is still to come: bound to the
 * browser by an httpOnly cookie whose SHA-256 is `tokenHash`; it lives a few minutes, allows a
 * few attempts, and is consumed by the session it opens.
 */
export const pendingSignIns = sqliteTable(
  "pending_sign_ins",
  {
    ...ofAdmin(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    consumedAt: epochMs("consumed_at"),
    clientAddress: text("client_address"),
    userAgent: text("user_agent"),
    ...timestamps,
  },
  (t) => [uniqueIndex("pending_sign_ins_token_hash_unique").on(t.tokenHash), index("pending_sign_ins_expires_idx").on(t.expiresAt)],
);

/**
 * Server-side state of one enrolment or WebAuthn ceremony of an admin (a TOTP secret not yet
 * confirmed, a WebAuthn challenge): one per admin and purpose, replaced by a new start, deleted by its use.
 */
export const mfaChallenges = sqliteTable(
  "mfa_challenges",
  {
    ...ofAdmin(),
    purpose: text("purpose", { enum: ["totp_enrolment", "passkey_registration", "passkey_authentication"] }).notNull(),
    value: text("value").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("mfa_challenges_admin_purpose_unique").on(t.adminId, t.purpose)],
);

export type MfaFactor = typeof mfaFactors.$inferSelect;
export type MfaChallengePurpose = (typeof mfaChallenges.$inferSelect)["purpose"];
