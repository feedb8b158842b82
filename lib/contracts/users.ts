import { z } from "zod";
import { ADMIN_ROLES, LINKED_BY, USER_LIST_COUNT_CAP, USER_LIST_SORTS, USER_LIST_STATUSES } from "@/db/constants";
import { auditEvent } from "./audit";
import { uuid } from "./common";
import { defineContract } from "./contract";

export const MAX_RESOLVE_EMAILS = 1_000;
export const MAX_USER_PAGE_SIZE = 100;

export const userListQuery = z
  .object({
    query: z.string().trim().max(320, "query is at most 320 characters").default(""),
    status: z.enum(USER_LIST_STATUSES, { error: `status must be one of ${USER_LIST_STATUSES.join(", ")}` }).default("all"),
    department: z.string().trim().max(200, "department is at most 200 characters").default(""),
    sort: z.enum(USER_LIST_SORTS, { error: `sort must be one of ${USER_LIST_SORTS.join(", ")}` }).default("email"),
    dir: z.enum(["asc", "desc"], { error: "dir must be asc or desc" }).default("asc"),
    page: z.coerce.number({ error: "page must be a number" }).int("page must be a whole number").min(1, "page starts at 1").default(1),
    size: z.coerce.number({ error: "size must be a number" }).int("size must be a whole number").min(1, "size is at least 1").max(MAX_USER_PAGE_SIZE, `size is at most ${MAX_USER_PAGE_SIZE}`).default(50),
  })
  .refine((q) => (q.page - 1) * q.size < USER_LIST_COUNT_CAP, {
    path: ["page"],
    message: `pages go ${USER_LIST_COUNT_CAP.toLocaleString("en-US")} users deep at most; narrow the search`,
  });

export const userListPage = z.object({
  users: z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), active: z.boolean(), department: z.string(), designation: z.string(), createdAt: z.number() })),
  total: z.number().int(),
  /** "exact"; "atLeast": more than `total` (the cap); "estimate": extrapolated from a sample. */
  totalKind: z.enum(["exact", "atLeast", "estimate"]),
  page: z.number().int(),
  size: z.number().int(),
  /** The order applied: a sort no index serves falls back to email order when too many users match. */
  sort: z.enum(USER_LIST_SORTS),
  dir: z.enum(["asc", "desc"]),
  sortFallback: z.boolean(),
});

export const resolveRequest = z.object({
  emails: z.array(z.string({ error: "emails must be strings" }).max(320, "an email is at most 320 characters"), { error: "emails must be an array of strings" }),
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
    userCode: z.string().nullable(),
    aaaId: z.string().nullable(),
    category: z.string().nullable(),
    subCategory: z.string().nullable(),
    properties: z.object({
      workLocations: z.array(z.string()).optional(),
      teams: z.array(z.string()).optional(),
      identification: z.object({ idType: z.string(), idNum: z.string() }).nullable().optional(),
      fileID: z.string().nullable().optional(),
      userType: z.string().optional(),
      department: z.string().optional(),
      aaaGroups: z.array(z.string()).optional(),
      designation: z.string().optional(),
      employmentType: z.string().optional(),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    deactivatedAt: z.string().nullable(),
    deactivatedBy: actorRef.nullable(),
  }),
  contacts: z.object({
    primaryEmail: z.string(),
    otherEmails: z.array(z.object({ email: z.string(), label: z.string() })),
    primaryMobile: mobile.nullable(),
    secondaryMobile: mobile.nullable(),
  }),
  identities: z.array(
    z.object({
      id: z.string(),
      providerName: z.string(),
      providerType: z.string(),
      externalId: z.string(),
      externalUsername: z.string().nullable(),
      externalEmail: z.string().nullable(),
      externalDisplayName: z.string().nullable(),
      linkedBy: z.enum(LINKED_BY),
      lastSyncedAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  /** What a deactivation would revoke: the user's console role and live tokens and sessions. */
  access: z.object({ adminRole: z.enum(ADMIN_ROLES).nullable(), liveTokens: z.number().int(), liveSessions: z.number().int() }),
  /** Newest first, at most 50; null when the signed-in admin's role may not read the audit log. */
  audit: z.array(auditEvent).nullable(),
});

export const deactivateRequest = z.object({
  confirmEmail: z
    .string({ error: "confirmEmail is required: type the user's email to confirm" })
    .trim()
    .min(1, "confirmEmail is required: type the user's email to confirm")
    .max(320, "confirmEmail is at most 320 characters"),
});

const statusChange = <T extends z.ZodType>(outcome: T) => z.object({ data: z.object({ outcome, detail: userDetail }) });
export const deactivateOutcome = z.object({ status: z.enum(["deactivated", "already-inactive"]), tokensRevoked: z.number().int(), sessionsRevoked: z.number().int() });
export const reactivateOutcome = z.object({ status: z.enum(["reactivated", "already-active"]) });

const idParams = z.object({ id: uuid("user id") });

export const userContracts = {
  list: defineContract({ method: "GET", path: "/api/console/users", query: userListQuery, response: { status: 200, description: "One page of users", schema: z.object({ data: userListPage }) } }),
  departments: defineContract({ method: "GET", path: "/api/console/users/departments", response: { status: 200, description: "The tenant's departments", schema: z.object({ data: z.object({ departments: z.array(z.string()) }) }) } }),
  resolve: defineContract({ method: "POST", path: "/api/console/users/resolve", body: resolveRequest, response: { status: 200, description: "Which pasted emails are users", schema: z.object({ data: resolveResult }) } }),
  detail: defineContract({ method: "GET", path: "/api/console/users/{id}", params: idParams, response: { status: 200, description: "One user", schema: z.object({ data: userDetail }) } }),
  deactivate: defineContract({ method: "POST", path: "/api/console/users/{id}/deactivate", params: idParams, body: deactivateRequest, response: { status: 200, description: "The outcome and the user as it is now", schema: statusChange(deactivateOutcome) } }),
  reactivate: defineContract({ method: "POST", path: "/api/console/users/{id}/reactivate", params: idParams, response: { status: 200, description: "The outcome and the user as it is now", schema: statusChange(reactivateOutcome) } }),
};
