import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { consoleSessionContracts as c } from "@/lib/contracts/console-sessions";
import { endOtherOwnSessions, endOwnSession, endSessionsOfUser, ownSessions } from "../sessions";

// Every role manages its own sessions (manageOwnSessions); ending another admin's is endAdminSessions.
const own = { dialect: consoleDialect, auth: "session", action: "manageOwnSessions" } as const;
const signedOf = (principal: { tenantId: string; adminId?: string; tokenId: string; actor: { id: string; name: string } }) => ({
  tenantId: principal.tenantId,
  adminId: principal.adminId!,
  tokenId: principal.tokenId,
  actor: principal.actor,
});

export const CONSOLE_SESSION_ENDPOINTS = [
  // The signed-in admin's open sessions
  defineEndpoint({
    ...c.list,
    ...own,
    operationId: "consoleListSessions",
    handler: async ({ db, principal }) => ({ data: { data: await ownSessions(db, signedOf(principal)) } }),
  }),
  // End one of your sessions
  defineEndpoint({
    ...c.revoke,
    ...own,
    operationId: "consoleRevokeSession",
    errors: [400, 404],
    handler: async ({ db, principal, params }) => ({ data: { data: { revoked: await endOwnSession(db, signedOf(principal), params.id) } } }),
  }),
  // End every session of yours but this one
  defineEndpoint({
    ...c.revokeOthers,
    ...own,
    operationId: "consoleRevokeOtherSessions",
    handler: async ({ db, principal }) => ({ data: { data: { revoked: await endOtherOwnSessions(db, signedOf(principal)) } } }),
  }),
  // End every console session of a user's admin account (admins only)
  defineEndpoint({
    ...c.revokeOfUser,
    dialect: consoleDialect,
    auth: "session",
    action: "endAdminSessions",
    operationId: "consoleRevokeUserSessions",
    // Signs out the admins who would deactivate someone (docs/decisions/0023); one's own sessions are not asked.
    stepUp: true,
    errors: [400, 403],
    handler: async ({ db, principal, params }) => ({ data: { data: { revoked: await endSessionsOfUser(db, signedOf(principal), params.id) } } }),
  }),
];
