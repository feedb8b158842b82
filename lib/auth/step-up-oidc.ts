import type { Db } from "@/db/client";
import { findSsoAccountOfAdmin } from "@/db/queries/admin-sso-subjects";
import type { OidcLogin } from "@/db/schema";
import { normalizeEmail } from "@/lib/domain/email";
import type { CompleteResult } from "./oidc-sign-in";
import { readSession, type SessionOrigin } from "./session";
import { completeStepUp, failStepUp } from "./step-up";

/**
 * A step-up through single sign-on (docs/decisions/0023), once openid-client has checked the ID
 * token and its auth_time: the browser must still hold the session that asked, and the provider
 * must have authenticated the same person: the provider account the admin is bound to, or for an
 * admin with none under this provider, one whose verified email is the admin's (docs/decisions/0021).
 */
export async function confirmOidcStepUp(
  db: Db,
  login: OidcLogin,
  claims: Record<string, unknown>,
  origin: SessionOrigin & { sessionCookieValue?: string },
  now: number,
): Promise<CompleteResult> {
  const session = await readSession(db, origin.sessionCookieValue, now);
  if (!session || session.sessionId !== login.stepUpSessionId) return { ok: false, code: "step_up_session_ended", stepUp: true };
  const stepping = { ...session, cookieValue: origin.sessionCookieValue! };
  const ctx = { clientAddress: origin.clientAddress ?? "", now };
  const email = typeof claims.email === "string" ? claims.email : "";
  const verified = claims.email_verified === true || claims.xms_edov === true;
  const held = await findSsoAccountOfAdmin(db, { tenantId: session.tenantId, adminId: session.adminId });
  const samePerson = held && held.issuer === claims.iss ? held.subject === claims.sub : verified && normalizeEmail(email) === normalizeEmail(session.userEmail);
  if (!samePerson) {
    await failStepUp(db, stepping, "oidc", "other_person", ctx, { subject: claims.sub, email: email || null });
    return { ok: false, code: "step_up_other_person", stepUp: true };
  }
  const outcome = await completeStepUp(db, stepping, "oidc", ctx);
  if (!outcome.ok) return { ok: false, code: "step_up_session_ended", stepUp: true };
  return { ok: true, cookieValue: outcome.cookieValue, csrfToken: outcome.csrfToken, expiresAt: session.expiresAt, nextPath: login.nextPath, stepUp: true };
}
