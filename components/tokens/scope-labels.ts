import type { Scope, TokenExpiry } from "@/lib/contracts/tokens";

/** What each scope lets a token do, in the words of product.md §Scopes. */
export const SCOPE_LABELS = {
  "mx:mxid3:user-identifiers:uuid:read": "Look up user ids by email (Mendix)",
  "mx:user-deactivation:write": "Deactivate users (Mendix)",
  "users:read": "Read users, contacts and identities (OS1, JITSudo)",
  "identities:write": "Link identities (JITSudo)",
} satisfies Record<Scope, string>;

export function scopeLabel(scope: string): string {
  return (SCOPE_LABELS as Record<string, string>)[scope] ?? scope;
}

export const EXPIRY_LABELS = {
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
  "1y": "1 year",
} satisfies Record<TokenExpiry, string>;

export const NO_EXPIRY = "never";
