import { forgetSsoAccount } from "@/db/queries/admin-sso-subjects";
import { findAdminOfUser } from "@/db/queries/admins";
import { deactivateUser, reactivateUser } from "@/db/queries/user-status";
import { findUserByRef } from "@/db/queries/user-directory";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { jsonBytesAllowedBy } from "@/lib/api/request-body";
import { MAX_RESOLVE_EMAILS, userContracts as c } from "@/lib/contracts/users";
import { normalizeEmail } from "@/lib/domain/email";
import { futureInstant, scheduleFromConsole, toScheduleDto } from "../scheduled";
import { consoleUserDetail } from "../user-detail";
import { cachedDepartments, consoleUserPage, resolvePastedEmails } from "../users";

const session = { dialect: consoleDialect, auth: "session" } as const;
const notFound = (id: string) => new ApiError("not_found", `No user ${id} in your company`);
const actorOf = (principal: Principal) => ({ ...principal.actor, userId: principal.userId });

/** The user page's data: also the answer to a change, which the page puts in its cache instead of refetching. */
async function userDetailOr404(db: Parameters<typeof consoleUserDetail>[0], principal: Principal, id: string) {
  const detail = await consoleUserDetail(
    db,
    { sessionId: principal.tokenId, tenantId: principal.tenantId, role: principal.role, userId: principal.userId },
    id,
  );
  if (!detail) throw notFound(id);
  return detail;
}

export const USER_ENDPOINTS = [
  // One page of users: email prefix search, status and department filters, sort
  defineEndpoint({
    ...c.list,
    ...session,
    operationId: "consoleListUsers",
    action: "readUsers",
    errors: [400],
    handler: async ({ db, principal, query }) => ({ data: { data: await consoleUserPage(db, principal.tenantId, query) } }),
  }),
  // The tenant's distinct departments, for the filter
  defineEndpoint({
    ...c.departments,
    ...session,
    operationId: "consoleListDepartments",
    action: "readUsers",
    handler: async ({ db, principal }) => ({ data: { data: { departments: await cachedDepartments(db, principal.tenantId) } } }),
  }),
  // Which of up to 1,000 pasted emails are users of the tenant
  defineEndpoint({
    ...c.resolve,
    ...session,
    operationId: "consoleResolveEmails",
    action: "readUsers",
    maxBodyBytes: jsonBytesAllowedBy(c.resolve.body, { openArrayItems: MAX_RESOLVE_EMAILS }),
    errors: [400],
    handler: async ({ db, principal, body }) => {
      // Checked here rather than in the schema so that the message says what to do.
      if (body.emails.length > MAX_RESOLVE_EMAILS) {
        const max = MAX_RESOLVE_EMAILS.toLocaleString("en-US");
        throw new ApiError(
          "invalid_input",
          `Too many emails: at most ${max} at a time, and this list has ${body.emails.length.toLocaleString("en-US")}. Split it and resolve each part.`,
          {
            details: { emails: `at most ${max} addresses per request` },
          },
        );
      }
      return { data: { data: await resolvePastedEmails(db, principal.tenantId, body.emails) } };
    },
  }),
  // A user with contacts, identities and (admins, auditors) audit history
  defineEndpoint({
    ...c.detail,
    ...session,
    operationId: "consoleGetUser",
    action: "readUsers",
    errors: [400, 404],
    handler: async ({ db, principal, params }) => ({ data: { data: await userDetailOr404(db, principal, params.id) } }),
  }),
  // Deactivate, once the admin typed the user's email; revokes their tokens and sessions. With a future effectiveAt: schedule it
  defineEndpoint({
    ...c.deactivate,
    ...session,
    operationId: "consoleDeactivateUser",
    stepUp: true,
    action: "deactivateUser",
    errors: [400, 404],
    handler: async ({ db, principal, params, body, requestId, authorize }) => {
      authorize("deactivateUser", { type: "User", id: params.id, tenantId: principal.tenantId }, { isSelf: params.id === principal.userId });
      const user = await findUserByRef(db, principal.tenantId, { kind: "id", id: params.id });
      if (!user) throw notFound(params.id);
      if (normalizeEmail(body.confirmEmail) !== user.emailNormalized) {
        throw new ApiError("invalid_input", "The email you typed does not match this user's email; nothing was changed", {
          details: { confirmEmail: "does not match the user's email" },
        });
      }
      // A future effectiveAt schedules it instead (docs/decisions/0024); a past one means now.
      const at = await futureInstant(db, principal.tenantId, body.effectiveAt);
      if (at !== null) {
        const scheduled = await scheduleFromConsole(db, {
          tenantId: principal.tenantId,
          userId: user.id,
          effectiveAt: at,
          actor: actorOf(principal),
          requestId,
        });
        if (scheduled.status === "not-found") throw notFound(params.id);
        const outcome =
          scheduled.status === "scheduled"
            ? { status: "scheduled" as const, tokensRevoked: 0, sessionsRevoked: 0, schedule: toScheduleDto(scheduled.schedule) }
            : { status: "already-inactive" as const, tokensRevoked: 0, sessionsRevoked: 0 };
        return { data: { data: { outcome, detail: await userDetailOr404(db, principal, user.id) } } };
      }
      const result = await deactivateUser(db, { tenantId: principal.tenantId, userId: user.id, actor: actorOf(principal), requestId });
      if (result.status === "not-found") throw notFound(params.id);
      const outcome = result.status === "deactivated" ? result : { status: "already-inactive" as const, tokensRevoked: 0, sessionsRevoked: 0 };
      return { data: { data: { outcome, detail: await userDetailOr404(db, principal, user.id) } } };
    },
  }),
  // Reactivate; tokens and sessions revoked at deactivation stay revoked
  defineEndpoint({
    ...c.reactivate,
    ...session,
    operationId: "consoleReactivateUser",
    stepUp: true,
    action: "reactivateUser",
    errors: [400, 404],
    handler: async ({ db, principal, params, requestId, authorize }) => {
      authorize("reactivateUser", { type: "User", id: params.id, tenantId: principal.tenantId }, { isSelf: params.id === principal.userId });
      const result = await reactivateUser(db, { tenantId: principal.tenantId, userId: params.id, actor: actorOf(principal), requestId });
      if (result.status === "not-found") throw notFound(params.id);
      return { data: { data: { outcome: { status: result.status }, detail: await userDetailOr404(db, principal, params.id) } } };
    },
  }),
  // Unlink an admin's SSO account (docs/decisions/0021): their next SSO sign-in links the account holding their address
  defineEndpoint({
    ...c.unlinkSsoAccount,
    ...session,
    operationId: "consoleUnlinkSsoAccount",
    stepUp: true,
    action: "manageSignInSettings",
    errors: [400, 404],
    handler: async ({ db, principal, params }) => {
      const admin = await findAdminOfUser(db, principal.tenantId, params.id);
      if (!admin) throw new ApiError("not_found", `No admin ${params.id} in your company`);
      const unlinked = await forgetSsoAccount(db, { tenantId: principal.tenantId, adminId: admin.id }, principal.actor);
      return { data: { data: { unlinked, detail: await userDetailOr404(db, principal, params.id) } } };
    },
  }),
];
