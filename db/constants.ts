// Values the database stores or bounds that the wire formats repeat: kept here, free of any
// import, so that the console's client-safe contracts (lib/contracts) can take them from the one
// place the schema takes them from.

export const LINKED_BY = ["auto", "manual", "scim"] as const;
export const ADMIN_ROLES = ["admin", "helpdesk", "auditor"] as const;
export const ACTOR_TYPES = ["admin", "token", "system", "provider"] as const;
/** The scope of a provisioning (SCIM) token: the only one it carries, and one no personal access token can. */
export const SCIM_SCOPE = "scim:provision";

export const LEAVER_CLASSES = [
  "will_deactivate",
  "already_inactive",
  "not_found",
  "invalid_email",
  "duplicate",
  "self",
  "scheduled",
  "invalid_effective_at",
] as const;
export const LEAVER_JOB_KINDS = ["deactivate", "reactivate"] as const;
export const LEAVER_JOB_STATUSES = ["queued", "running", "completed", "cancelled", "awaiting_approval", "rejected", "expired"] as const;
export const LEAVER_OUTCOMES = [
  "deactivated",
  "reactivated",
  "already_inactive",
  "already_active",
  "not_found",
  "invalid",
  "skipped",
  "error",
  "changed_since_preview",
  "scheduled",
] as const;

/** A bulk job's second admin (docs/decisions/0025): how a request ends, how long it waits, the note's bound, the new tenant's threshold. */
export const LEAVER_APPROVAL_DECISIONS = ["approved", "rejected", "expired"] as const;
export const LEAVER_APPROVAL_TTL_MS = 72 * 60 * 60 * 1000;
export const LEAVER_APPROVAL_NOTE_MAX = 500;
export const DEFAULT_APPROVAL_THRESHOLD = 100;
/** A request to loosen that threshold, which another admin decides: how it ends ("withdrawn": by its requester, or replaced by a newer change). */
export const THRESHOLD_REQUEST_DECISIONS = ["approved", "rejected", "withdrawn", "expired"] as const;

/** A scheduled deactivation's life (docs/decisions/0024): only "scheduled" is live; the others are final. */
export const SCHEDULE_STATUSES = ["scheduled", "cancelled", "executed", "failed", "skipped"] as const;
/** Where a schedule came from: the console's single deactivation, or a row of a bulk leaver job (console or API). */
export const SCHEDULE_SOURCES = ["console", "job"] as const;

export const USER_LIST_SORTS = ["email", "name", "createdAt"] as const;
export const USER_LIST_STATUSES = ["all", "active", "inactive"] as const;
/** Counts the console's user list answers exactly up to; also the deepest row a page may start at. */
export const USER_LIST_COUNT_CAP = 10_000;

/** A second factor an admin enrols: a WebAuthn credential (passkey) or an RFC 6238 authenticator app. */
export const MFA_FACTOR_KINDS = ["passkey", "totp"] as const;
/** How a sign-in (or a step-up) was completed, as the audit log and sessions.auth_method record it. */
export const SIGN_IN_METHODS = ["password", "passkey", "totp", "recovery_code", "oidc"] as const;
