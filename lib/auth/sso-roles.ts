import type { AdminRole } from "@/db/schema";
import type { SsoRoleMap } from "@/lib/contracts/sso";

// Which console role an ID token's claims grant, through a tenant's role map (docs/decisions/0021).

const RANK: Record<AdminRole, number> = { admin: 3, helpdesk: 2, auditor: 1 };

/**
 * The values of the role claim: an array of strings (groups, roles) or one string. The name is
 * looked up as is first (Okta and Auth0 allow URL-like names with dots), then as a dotted path
 * into nested objects (Keycloak's `realm_access.roles`).
 */
export function claimValues(claims: Record<string, unknown>, claimName: string): string[] {
  let value: unknown = claims[claimName];
  if (value === undefined && claimName.includes(".")) {
    value = claimName
      .split(".")
      .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), claims);
  }
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The highest role any of the values maps to (admin > helpdesk > auditor), or null when none maps. */
export function mappedRole(values: readonly string[], roleMap: SsoRoleMap): AdminRole | null {
  let best: AdminRole | null = null;
  for (const value of values) {
    const role = Object.hasOwn(roleMap, value) ? roleMap[value] : undefined;
    if (role && (best === null || RANK[role] > RANK[best])) best = role;
  }
  return best;
}
