import { SCOPES, type Scope } from "@/lib/contracts/tokens";

export { SCOPES, type Scope };

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** What a console session may do, by role; the same Cedar policies then decide each action. */
export function scopesForRole(role: "admin" | "helpdesk" | "auditor"): Scope[] {
  return role === "admin" ? [...SCOPES] : ["mx:mxid3:user-identifiers:uuid:read", "users:read"];
}

/** The scopes of a list that a role may not grant (a helpdesk token never deactivates anyone). */
export function scopesBeyondRole(role: "admin" | "helpdesk" | "auditor", scopes: readonly string[]): string[] {
  const allowed: readonly string[] = scopesForRole(role);
  return scopes.filter((scope) => !allowed.includes(scope));
}
