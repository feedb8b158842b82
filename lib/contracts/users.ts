import * as z from "zod/mini";
import { ADMIN_ROLES, LINKED_BY, USER_LIST_COUNT_CAP, USER_LIST_SORTS, USER_LIST_STATUSES } from "@/db/constants";
import { auditEvent } from "./audit";
import { int, uuid } from "./common";
import { defineContract } from "./contract";
import { effectiveAtField, scheduledDeactivation } from "./scheduled";

export const MAX_RESOLVE_EMAILS = 1_000;
export const MAX_USER_PAGE_SIZE = 100;

const trimmed = (name: string, max: number) => z._default(z.string().check(z.trim(), z.maxLength(max, `${name} is at most ${max} characters`)), "");
const count = (name: string, checks: z.core.$ZodCheck<number>[], fallback: number) =>
  z._default(z.coerce.number({ error: `${name} must be a number` }).check(z.int(`${name} must be a whole number`), ...checks), fallback);

export const userListQuery = z
  .object({
    query: trimmed("query", 320),
    status: z._default(z.enum(USER_LIST_STATUSES, { error: `status must be one of ${USER_LIST_STATUSES.join(", ")}` }), "all"),
    department: trimmed("department", 200),
    sort: z._default(z.enum(USER_LIST_SORTS, { error: `sort must be one of ${USER_LIST_SORTS.join(", ")}` }), "email"),
    dir: z._default(z.enum(["asc", "desc"], { error: "dir must be asc or desc" }), "asc"),
    page: count("page", [z.gte(1, "page starts at 1")], 1),
    size: count("size", [z.gte(1, "size is at least 1"), z.lte(MAX_USER_PAGE_SIZE, `size is at most ${MAX_USER_PAGE_SIZE}`)], 50),
  })
  .check(
    z.refine((q) => (q.page - 1) * q.size < USER_LIST_COUNT_CAP, {
      path: ["page"],
      message: `pages go ${USER_LIST_COUNT_CAP.toLocaleString("en-US")} users deep at most; narrow the search`,
    }),
  );

export const userListPage = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      active: z.boolean(),
      department: z.string(),
      designation: z.string(),
      createdAt: z.number(),
    }),
  ),
  total: int(),
  /** "exact"; "atLeast": more than `total` (the cap); "estimate": extrapolated from a sample. */
  totalKind: z.enum(["exact", "atLeast", "estimate"]),
  page: int(),
  size: int(),
  /** The order applied: a sort no index serves falls back to email order when too many users match. */
  sort: z.enum(USER_LIST_SORTS),
  dir: z.enum(["asc", "desc"]),
  sortFallback: z.boolean(),
});

export const resolveRequest = z.object({
  emails: z.array(z.string({ error: "emails must be strings" }).check(z.maxLength(320, "an email is at most 320 characters")), {
    error: "emails must be an array of strings",
  }),
});
export const resolveResult = z.object({
  found: z.array(z.object({ email: z.string(), id: z.string(), name: z.string(), active: z.boolean() })),
  notFound: z.array(z.string()),
});

const actorRef = z.object({ id: z.string(), name: z.string() });
const mobile = z.object({ countryCode: z.string(), number: z.string() });

export const userDetail = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    active: z.boolean(),
    state: z.string(),
    uniqueCode: z.string(),
    userCode: z.nullable(z.string()),
    aaaId: z.nullable(z.string()),
    category: z.nullable(z.string()),
    subCategory: z.nullable(z.string()),
    properties: z.object({
      workLocations: z.optional(z.array(z.string())),
      teams: z.optional(z.array(z.string())),
      identification: z.optional(z.nullable(z.object({ idType: z.string(), idNum: z.string() }))),
      fileID: z.optional(z.nullable(z.string())),
      userType: z.optional(z.string()),
      department: z.optional(z.string()),
      aaaGroups: z.optional(z.array(z.string())),
      designation: z.optional(z.string()),
      employmentType: z.optional(z.string()),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    deactivatedAt: z.nullable(z.string()),
    deactivatedBy: z.nullable(actorRef),
  }),
  contacts: z.object({
    primaryEmail: z.string(),
    otherEmails: z.array(z.object({ email: z.string(), label: z.string() })),
    primaryMobile: z.nullable(mobile),
    secondaryMobile: z.nullable(mobile),
  }),
  identities: z.array(
    z.object({
      id: z.string(),
      providerName: z.string(),
      providerType: z.string(),
      externalId: z.string(),
      externalUsername: z.nullable(z.string()),
      externalEmail: z.nullable(z.string()),
      externalDisplayName: z.nullable(z.string()),
      linkedBy: z.enum(LINKED_BY),
      lastSyncedAt: z.nullable(z.string()),
      createdAt: z.string(),
    }),
  ),
  /** What a deactivation would revoke: the user's console role and live tokens and sessions. */
  access: z.object({
    adminRole: z.nullable(z.enum(ADMIN_ROLES)),
    liveTokens: int(),
    liveSessions: int(),
    /** The provider account an admin signs in with through SSO, once their first SSO sign-in linked it. */
    ssoAccount: z.nullable(z.object({ issuer: z.string(), subject: z.string(), linkedAt: z.string() })),
  }),
  /** Newest first, at most 50; null when the signed-in admin's role may not read the audit log. */
  audit: z.nullable(z.array(auditEvent)),
  /** The user's live scheduled deactivation (the page's "Scheduled for …" badge), if any. */
  scheduledDeactivation: z.nullable(scheduledDeactivation),
});

export const deactivateRequest = z.object({
  confirmEmail: z
    .string({ error: "confirmEmail is required: type the user's email to confirm" })
    .check(z.trim(), z.minLength(1, "confirmEmail is required: type the user's email to confirm"), z.maxLength(320, "confirmEmail is at most 320 characters")),
  effectiveAt: effectiveAtField,
});

const statusChange = <T extends z.ZodMiniType>(outcome: T) => z.object({ data: z.object({ outcome, detail: userDetail }) });
export const deactivateOutcome = z.object({
  status: z.enum(["deactivated", "already-inactive", "scheduled"]),
  tokensRevoked: int(),
  sessionsRevoked: int(),
  /** For `scheduled`: the schedule (its id, its instant). */
  schedule: z.optional(scheduledDeactivation),
});
export const reactivateOutcome = z.object({ status: z.enum(["reactivated", "already-active"]) });

const idParams = z.object({ id: uuid("user id") });

export const userContracts = {
  list: defineContract({
    method: "GET",
    path: "/api/console/users",
    query: userListQuery,
    response: { status: 200, description: "One page of users", schema: z.object({ data: userListPage }) },
  }),
  departments: defineContract({
    method: "GET",
    path: "/api/console/users/departments",
    response: { status: 200, description: "The tenant's departments", schema: z.object({ data: z.object({ departments: z.array(z.string()) }) }) },
  }),
  resolve: defineContract({
    method: "POST",
    path: "/api/console/users/resolve",
    body: resolveRequest,
    response: { status: 200, description: "Which pasted emails are users", schema: z.object({ data: resolveResult }) },
  }),
  detail: defineContract({
    method: "GET",
    path: "/api/console/users/{id}",
    params: idParams,
    response: { status: 200, description: "One user", schema: z.object({ data: userDetail }) },
  }),
  deactivate: defineContract({
    method: "POST",
    path: "/api/console/users/{id}/deactivate",
    params: idParams,
    body: deactivateRequest,
    response: { status: 200, description: "The outcome and the user as it is now", schema: statusChange(deactivateOutcome) },
  }),
  reactivate: defineContract({
    method: "POST",
    path: "/api/console/users/{id}/reactivate",
    params: idParams,
    response: { status: 200, description: "The outcome and the user as it is now", schema: statusChange(reactivateOutcome) },
  }),
  unlinkSsoAccount: defineContract({
    method: "DELETE",
    path: "/api/console/users/{id}/sso-account",
    params: idParams,
    response: {
      status: 200,
      description: "The admin's SSO account unlinked (false: there was none) and the user as it is now",
      schema: z.object({ data: z.object({ unlinked: z.boolean(), detail: userDetail }) }),
    },
  }),
};
