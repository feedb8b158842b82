import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, type AuditEventRow } from "@/db/queries/audit";
import { saveSsoSettings } from "@/db/queries/sso-configs";
import { beginOidcSignIn, completeOidcSignIn } from "@/lib/auth/oidc-sign-in";
import { SSO_CALLBACK_PATH, type SsoRoleMap } from "@/lib/contracts/sso";
import { makeTenant } from "./factories";
import { settingsThrough, signInAtProvider, type TestAccount, type TestOidcProvider } from "./oidc-provider";

// The SSO sign-in round of the library tests: start → the test provider → callback, by fetch with
// the redirects followed by hand, on the caller's database and provider.

export const ROLE_MAP: SsoRoleMap = { "roster-admins": "admin", "roster-helpdesk": "helpdesk", "roster-auditors": "auditor" };
export const CLIENT = { origin: { userAgent: "vitest", clientAddress: "192.0.2.7" } };

export function oidcSignInHarness(db: Db, provider: () => TestOidcProvider, origin: string) {
  const redirectUri = `${origin}${SSO_CALLBACK_PATH}`;

  /** A tenant with SSO through the test provider for a domain of its own. */
  async function ssoTenant(roleMap: SsoRoleMap = ROLE_MAP) {
    const tenant = await makeTenant(db);
    const domain = `${tenant.name}.example`;
    const saved = await saveSsoSettings(db, settingsThrough(provider(), tenant.id, domain, roleMap));
    expect(saved.ok).toBe(true);
    return { tenantId: tenant.id, domain };
  }

  /** A person at the provider: the login they type there (their subject), and the claims it reports. */
  function account(email: string, groups: string[], extra: Pick<TestAccount, "emailVerified"> = {}) {
    const login = `acct-${randomUUID()}`;
    provider().accounts.set(login, { email, groups, name: "Pat Example", ...extra });
    return login;
  }

  async function begin(email: string, next = "/users/abc?tab=audit") {
    const started = await beginOidcSignIn(db, { email, next, origin });
    if (!started.ok) throw new Error(`start refused: ${started.code}`);
    return started;
  }

  /** The whole round: start, sign in at the provider as `login`, and the callback. */
  async function signInThrough(email: string, login: string, options: { now?: number } = {}) {
    const started = await begin(email);
    const callbackUrl = await signInAtProvider(started.location, login, redirectUri);
    return { started, callbackUrl, result: await completeOidcSignIn(db, { cookieValue: started.cookieValue, callbackUrl, ...CLIENT }, options.now) };
  }

  async function auditEvents(tenantId: string, filter: { action?: string } = {}) {
    const rows = await prepared<AuditEventRow>(db, `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? order by created_at, id`).all(tenantId);
    return rows.map(auditEventFromRow).filter((e) => !filter.action || e.action === filter.action);
  }

  /** The reasons of the tenant's refused sign-ins, oldest first. */
  const refusals = async (tenantId: string) =>
    (await auditEvents(tenantId, { action: "session.sign_in" })).filter((e) => e.outcome === "failed").map((e) => e.details?.reason);

  return { redirectUri, ssoTenant, account, begin, signInThrough, auditEvents, refusals };
}
