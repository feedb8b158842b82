import { findTokenOfAdmin, listTokensOfAdmin } from "@/db/queries/token-list";
import { revokeToken } from "@/db/queries/tokens";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { tokenContracts as c } from "@/lib/contracts/tokens";
import { createOwnToken, toTokenDto } from "../tokens";

// Every role manages its own tokens (policy action manageOwnTokens).
const own = { dialect: consoleDialect, auth: "session", action: "manageOwnTokens" } as const;

export const TOKEN_ENDPOINTS = [
  // The signed-in admin's tokens
  defineEndpoint({
    ...c.list,
    ...own,
    operationId: "consoleListTokens",
    handler: async ({ db, principal }) => ({ data: { data: (await listTokensOfAdmin(db, principal)).map(toTokenDto) } }),
  }),
  // Issue a token; the secret is in this answer only
  defineEndpoint({
    ...c.create,
    ...own,
    operationId: "consoleCreateToken",
    stepUp: true,
    errors: [400, 409],
    handler: async ({ db, principal, body }) => ({ data: { data: await createOwnToken(db, { ...principal, actor: principal.actor }, body) } }),
  }),
  // Revoke one of your tokens
  defineEndpoint({
    ...c.revoke,
    ...own,
    operationId: "consoleRevokeToken",
    errors: [400, 404],
    handler: async ({ db, principal, params }) => {
      // Another admin's token answers exactly like an unknown one.
      if (!(await findTokenOfAdmin(db, principal, params.id))) throw new ApiError("not_found", `No token ${params.id}`);
      await revokeToken(db, params.id, { type: "admin", id: principal.actor.id, name: principal.actor.name });
      return { data: { data: toTokenDto((await findTokenOfAdmin(db, principal, params.id))!) } };
    },
  }),
];
