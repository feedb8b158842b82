import * as z from "zod/mini";
import { isoTime, uuid } from "./common";
import { defineContract } from "./contract";

/** A console session as "Your sessions" shows it: where it was opened, when last used; never its cookie or CSRF token. */
export const consoleSession = z.object({
  id: z.string(),
  /** "Chrome 131 on Linux", from the browser's user agent; null when it sent none. */
  browser: z.nullable(z.string()),
  clientAddress: z.nullable(z.string()),
  createdAt: isoTime,
  lastSeenAt: isoTime,
  expiresAt: isoTime,
  /** The session of the request that asked. */
  current: z.boolean(),
});

const revoked = z.object({ data: z.object({ revoked: z.number() }) });

export const consoleSessionContracts = {
  list: defineContract({
    method: "GET",
    path: "/api/console/sessions",
    response: {
      status: 200,
      description: "Your sessions that still open the console, the last used first",
      schema: z.object({ data: z.array(consoleSession) }),
    },
  }),
  revoke: defineContract({
    method: "DELETE",
    path: "/api/console/sessions/{id}",
    params: z.object({ id: uuid("session id") }),
    response: { status: 200, description: "The session ended (revoking your current one signs you out)", schema: revoked },
  }),
  revokeOthers: defineContract({
    method: "POST",
    path: "/api/console/sessions/revoke-others",
    response: { status: 200, description: "Every session of yours but this one ended", schema: revoked },
  }),
  revokeOfUser: defineContract({
    method: "DELETE",
    path: "/api/console/users/{id}/sessions",
    params: z.object({ id: uuid("user id") }),
    response: { status: 200, description: "Every console session of the user's admin account ended", schema: revoked },
  }),
};
