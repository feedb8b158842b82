export const SCOPES = [
  "mx:mxid3:user-identifiers:uuid:read",
  "mx:user-deactivation:write",
  "users:read",
  "identities:write",
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** What a console session may do, by role; the same Cedar policies then decide each action. */
export function scopesForRole(role: "admin" | "helpdesk" | "auditor"): Scope[] {
  return role === "admin" ? [...SCOPES] : ["mx:mxid3:user-identifiers:uuid:read", "users:read"];
}
