import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { OidcLogin } from "../schema";

// SSO sign-ins in progress (db/schema/sign-in.ts): written when the browser leaves for the
// provider, taken once when it comes back.

export type NewOidcLogin = Omit<OidcLogin, "id" | "usedAt" | "createdAt" | "updatedAt">;

const LOGIN_COLUMNS = `id, tenant_id as "tenantId", browser_hash as "browserHash", state, nonce, code_verifier as "codeVerifier",
  redirect_uri as "redirectUri", next_path as "nextPath", step_up_session_id as "stepUpSessionId", expires_at as "expiresAt", used_at as "usedAt", created_at as "createdAt",
  updated_at as "updatedAt"`;

const INSERT_LOGIN = `insert into oidc_logins (id, tenant_id, browser_hash, state, nonce, code_verifier, redirect_uri, next_path, step_up_session_id,
    expires_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// Rows a day past their expiry tell nobody anything; the expiry index keeps this a range delete.
const DELETE_STALE = "delete from oidc_logins where expires_at < ?";

export async function createOidcLogin(db: Db, login: NewOidcLogin, now = Date.now()): Promise<void> {
  await prepared(db, DELETE_STALE).run(now - 24 * 60 * 60 * 1000);
  await prepared(db, INSERT_LOGIN).run(
    randomUUID(),
    login.tenantId,
    login.browserHash,
    login.state,
    login.nonce,
    login.codeVerifier,
    login.redirectUri,
    login.nextPath,
    login.stepUpSessionId,
    login.expiresAt,
    now,
    now,
  );
}

// One conditional update: of two callbacks racing with the same cookie (any instances), one gets the row.
const TAKE_LOGIN = `update oidc_logins set used_at = ?, updated_at = ? where browser_hash = ? and used_at is null returning ${LOGIN_COLUMNS}`;

/**
 * The sign-in this browser started, marked used whatever happens next: a second callback with
 * the same cookie (a replay) finds nothing. Expiry is the caller's to check, so it can say so.
 */
export async function takeOidcLogin(db: Db, browserHash: string, now = Date.now()): Promise<OidcLogin | undefined> {
  return prepared<OidcLogin>(db, TAKE_LOGIN).get(now, now, browserHash);
}
