import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { ActiveTokenLimitReached, createToken, MAX_ACTIVE_TOKENS_PER_ADMIN, revokeToken } from "@/db/queries/tokens";
import { routeRequest, serveRouted } from "@/lib/api/registry";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { issueToken } from "@/lib/auth/tokens";
import { tokenCreateCommand } from "@/lib/cli/commands";
import { adminUserFields } from "@/lib/domain/user-fields";
import { fromWebRequest } from "@/lib/http/web";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";

// The cap on an admin's active personal access tokens, wherever a token is issued: the console, the
// CLI, and two creations at once.

const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;
const ORIGIN = "http://roster.test";
const SYSTEM = { type: "system", name: "test" } as const;

async function anAdmin() {
  const tenant = await makeTenant(db);
  const email = `a-${randomUUID().slice(0, 8)}@example.test`;
  const { admin } = await createAdmin(db, { tenantId: tenant.id, ...adminUserFields(email), role: "admin", passwordHash: "x" });
  return { tenantId: tenant.id, adminId: admin.id, email };
}

function tokenOf(owner: { tenantId: string; adminId: string }, expiresAt: number | null = null) {
  const issued = issueToken();
  return createToken(db, { id: issued.id, ...owner, name: "t", secretHash: issued.secretHash, scopes: ["users:read"], expiresAt, actor: SYSTEM });
}

async function createInConsole(owner: { tenantId: string; adminId: string }) {
  const session = await openSession(db, owner);
  const request = new Request(`${ORIGIN}/api/console/tokens`, {
    method: "POST",
    headers: {
      cookie: `${SESSION_COOKIE}=${session.cookieValue}`,
      "x-csrf-token": session.csrfToken,
      "content-type": "application/json",
      "x-roster-client-ip": "203.0.113.7",
    },
    body: JSON.stringify({ name: "one more", scopes: ["users:read"] }),
  });
  const response = await serveRouted(fromWebRequest(request), routeRequest("POST", "/api/console/tokens")!);
  return { status: response.status, headers: response.headers, json: JSON.parse(String(response.body)) as Record<string, unknown> };
}

const written = async (adminId: string) =>
  (await prepared<{ tokens: number; events: number }>(
    db,
    `select (select count(*) from personal_access_tokens where admin_id = ?) as tokens,
      (select count(*) from audit_events where action = 'token.created') as events`,
  ).get(adminId))!;

describe("an admin's active tokens", () => {
  it(`are at most ${MAX_ACTIVE_TOKENS_PER_ADMIN}: the console answers 409 and the CLI refuses, writing nothing; revoked and expired ones do not count`, async () => {
    const owner = await anAdmin();
    await tokenOf(owner, Date.now() - 1_000);
    const tokens = [];
    for (let i = 0; i < MAX_ACTIVE_TOKENS_PER_ADMIN; i++) tokens.push(await tokenOf(owner));
    await revokeToken(db, tokens[0]!.id, SYSTEM);

    expect((await createInConsole(owner)).status).toBe(201);
    const before = await written(owner.adminId);
    const refused = await createInConsole(owner);
    expect(refused.status).toBe(409);
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.json).toMatchObject({
      status: 409,
      code: "conflict",
      detail: `You already have ${MAX_ACTIVE_TOKENS_PER_ADMIN} active tokens, the most one admin may hold: revoke one you no longer use first`,
    });
    await expect(tokenCreateCommand(db, { tenant: owner.tenantId, admin: owner.email, scopes: "users:read" })).rejects.toThrow(
      `${owner.email} already holds ${MAX_ACTIVE_TOKENS_PER_ADMIN} active tokens`,
    );
    expect(await written(owner.adminId)).toEqual(before);

    // Another admin of the same tenant has places of their own.
    const other = await anAdmin();
    expect((await createInConsole(other)).status).toBe(201);
  });

  it("leave exactly one place to creations at once", async () => {
    const owner = await anAdmin();
    for (let i = 0; i < MAX_ACTIVE_TOKENS_PER_ADMIN - 1; i++) await tokenOf(owner);
    // On PostgreSQL each creation then has a connection open already, so that they run side by side.
    if (db.dialect === "postgres") await Promise.all(Array.from({ length: 4 }, () => db.statement("select pg_sleep(0.05)").get()));
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => tokenOf(owner)));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(ActiveTokenLimitReached);
    expect((await written(owner.adminId)).tokens).toBe(MAX_ACTIVE_TOKENS_PER_ADMIN);
  });
});
