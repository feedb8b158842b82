import type { SCIM_SCOPE } from "@/db/constants";
import type { Scope } from "./scopes";

/** The console's roles, and the role of an identity provider's provisioning token. */
type Role = "admin" | "helpdesk" | "auditor" | "provisioner";

/**
 * What each policy action needs, as people read it: any one of these scopes, and one of these
 * roles. The Cedar policies in lib/policies/ decide; this table is what the OpenAPI document,
 * the 403 messages and the console's scope choices say, and lib/auth/actions.test.ts checks it
 * against the policies for every role and scope set, so the two cannot drift.
 */
export const ACTION_REQUIREMENTS = {
  lookupUserIds: { anyScope: ["mx:mxid3:user-identifiers:uuid:read"], roles: ["admin", "helpdesk", "auditor"] },
  deactivateUser: { anyScope: ["mx:user-deactivation:write"], roles: ["admin"] },
  readUsers: { anyScope: ["users:read"], roles: ["admin", "helpdesk", "auditor"] },
  listIdentities: { anyScope: ["users:read"], roles: ["admin", "helpdesk", "auditor"] },
  linkIdentity: { anyScope: ["identities:write"], roles: ["admin"] },
  bulkDeactivateUsers: { anyScope: ["mx:user-deactivation:write"], roles: ["admin"] },
  readLeaverJobs: { anyScope: ["mx:user-deactivation:write", "users:read"], roles: ["admin", "auditor"] },
  // A second admin's decision on a bulk job awaiting approval (never the job's creator: the domain checks that).
  approveLeaverJob: { anyScope: ["mx:user-deactivation:write"], roles: ["admin"] },
  rejectLeaverJob: { anyScope: ["mx:user-deactivation:write"], roles: ["admin"] },
  // Console-only actions: sessions carry their role's scopes, so only the role decides.
  reactivateUser: { anyScope: [], roles: ["admin"] },
  readAuditLog: { anyScope: [], roles: ["admin", "auditor"] },
  manageOwnTokens: { anyScope: [], roles: ["admin", "helpdesk", "auditor"] },
  manageOwnSessions: { anyScope: [], roles: ["admin", "helpdesk", "auditor"] },
  endAdminSessions: { anyScope: [], roles: ["admin"] },
  // Second factors: everyone enrols and removes their own; the tenant's MFA policy is for admins.
  manageOwnFactors: { anyScope: [], roles: ["admin", "helpdesk", "auditor"] },
  manageSignInPolicy: { anyScope: [], roles: ["admin"] },
  // The tenant's approval threshold for bulk leaver jobs (the console's Leavers page).
  manageLeaverApproval: { anyScope: [], roles: ["admin"] },
  // Provisioning tokens and their providers (the console's Provisioning page).
  manageProvisioning: { anyScope: [], roles: ["admin"] },
  // Webhook endpoints, their secrets and delivery logs (the console's Webhooks page).
  manageWebhooks: { anyScope: [], roles: ["admin"] },
  // Single sign-on and whether passwords still work (the console's Sign-in page).
  manageSignInSettings: { anyScope: [], roles: ["admin"] },
  // SCIM (/scim/v2): identity providers only, and nothing else for them.
  provisionUsers: { anyScope: ["scim:provision"], roles: ["provisioner"] },
} as const satisfies Record<string, { anyScope: readonly (Scope | typeof SCIM_SCOPE)[]; roles: readonly Role[] }>;

export type PolicyAction = keyof typeof ACTION_REQUIREMENTS;
export const POLICY_ACTIONS = Object.keys(ACTION_REQUIREMENTS) as PolicyAction[];
