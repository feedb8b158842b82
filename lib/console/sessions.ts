import Bowser from "bowser";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { recordAuditEvent } from "@/db/queries/audit";
import { liveSessionsOf, revokeOtherSessionsOf, revokeSessionOf, revokeSessionsOfUser, type LiveSessionRow } from "@/db/queries/session-list";
import { ApiError } from "@/lib/api/errors";
import { sessionIdleMs } from "@/lib/auth/session";
import type { consoleSession } from "@/lib/contracts/console-sessions";

// "Your sessions", and ending them: one's own, or (admins) every session of another admin. Each
// ending is audited as session.revoked, with how many sessions and whose.

type Signed = { tenantId: string; adminId: string; tokenId: string; actor: { id: string; name: string } };

const iso = (ms: number) => new Date(ms).toISOString();

/** "Chrome 131 on Linux" from a user agent; what bowser cannot name is left out, and nothing known is null. */
export function browserLabel(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const parsed = Bowser.parse(userAgent);
  const browser = [parsed.browser.name, parsed.browser.version?.split(".")[0]].filter(Boolean).join(" ");
  const os = parsed.os.name;
  return [browser, os && `on ${os}`].filter(Boolean).join(" ") || null;
}

function toSessionDto(row: LiveSessionRow, currentId: string): z.input<typeof consoleSession> {
  return {
    id: row.id,
    browser: browserLabel(row.userAgent),
    clientAddress: row.clientAddress,
    createdAt: iso(row.createdAt),
    lastSeenAt: iso(row.lastSeenAt),
    expiresAt: iso(row.expiresAt),
    current: row.id === currentId,
  };
}

export async function ownSessions(db: Db, signed: Signed, now = Date.now()) {
  return (await liveSessionsOf(db, signed, sessionIdleMs(), now)).map((row) => toSessionDto(row, signed.tokenId));
}

async function auditRevoked(db: Db, signed: Signed, target: { type: string; id: string }, details: Record<string, unknown>, now: number) {
  await recordAuditEvent(db, {
    tenantId: signed.tenantId,
    actorType: "admin",
    actorId: signed.actor.id,
    actorName: signed.actor.name,
    action: "session.revoked",
    targetType: target.type,
    targetId: target.id,
    outcome: "revoked",
    details,
    createdAt: now,
  });
}

/** Ends one of the signed-in admin's sessions (the current one too: that signs out); another's or an unknown id is 404. */
export async function endOwnSession(db: Db, signed: Signed, sessionId: string, now = Date.now()): Promise<number> {
  if (!(await revokeSessionOf(db, signed, sessionId, sessionIdleMs(), now))) throw new ApiError("not_found", `No session ${sessionId} of yours is open`);
  await auditRevoked(db, signed, { type: "admin", id: signed.adminId }, { sessions: 1, sessionId, own: true }, now);
  return 1;
}

/** Ends every session of the signed-in admin but the one asking. */
export async function endOtherOwnSessions(db: Db, signed: Signed, now = Date.now()): Promise<number> {
  const revoked = await revokeOtherSessionsOf(db, signed, signed.tokenId, sessionIdleMs(), now);
  if (revoked > 0) await auditRevoked(db, signed, { type: "admin", id: signed.adminId }, { sessions: revoked, own: true, keptCurrent: true }, now);
  return revoked;
}

/** Ends every console session of a user's admin account in the tenant (an admin ending another's). */
export async function endSessionsOfUser(db: Db, signed: Signed, userId: string, now = Date.now()): Promise<number> {
  const revoked = await revokeSessionsOfUser(db, signed.tenantId, userId, sessionIdleMs(), now);
  // Nothing ended (no admin, none open, or not the tenant's user): nothing to audit, as for your own.
  if (revoked > 0) await auditRevoked(db, signed, { type: "user", id: userId }, { sessions: revoked, own: false }, now);
  return revoked;
}
