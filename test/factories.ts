import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { ensureTenant } from "@/db/queries/tenants";
import { createToken } from "@/db/queries/tokens";
import { createUser } from "@/db/queries/users";
import type { AdminRole } from "@/db/schema";
import { SCOPES } from "@/lib/auth/scopes";
import { issueToken } from "@/lib/auth/tokens";
import { adminUserFields, newUserFields } from "@/lib/domain/user-fields";

// Not a real password: tests authenticate with tokens, and scrypt would slow every fixture.
const TEST_PASSWORD_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

const INSERT_SESSION = `insert into sessions (id, tenant_id, admin_id, token_hash, csrf_token, expires_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * A tenant without the MFA policy (tests that sign in by password alone) and without the bulk
 * jobs' approval threshold (tests that run jobs at once), unless `requireMfa` or `approvalThreshold` asks for them.
 */
export async function makeTenant(
  db: Db,
  name = `tenant-${randomUUID().slice(0, 8)}`,
  options: { requireMfa?: boolean; approvalThreshold?: number | null } = {},
) {
  return (await ensureTenant(db, name, Date.now(), { requireMfa: options.requireMfa ?? false, approvalThreshold: options.approvalThreshold ?? null })).tenant;
}

export function makeUser(db: Db, tenantId: string, overrides: { email?: string; active?: boolean } = {}) {
  return createUser(db, {
    tenantId,
    ...newUserFields({ email: overrides.email ?? `u-${randomUUID().slice(0, 8)}@example.test`, name: "Test User" }),
    active: overrides.active,
  });
}

/** An admin with a token (and a console session) in the tenant. */
export async function makeAdminWithToken(db: Db, tenantId: string, options: { role?: AdminRole; scopes?: string[]; expiresAt?: number | null } = {}) {
  const { admin, user } = await createAdmin(db, {
    tenantId,
    ...adminUserFields(`admin-${randomUUID().slice(0, 8)}@example.test`),
    role: options.role ?? "admin",
    passwordHash: TEST_PASSWORD_HASH,
  });
  const issued = issueToken();
  await createToken(db, {
    id: issued.id,
    tenantId,
    adminId: admin.id,
    name: "test",
    secretHash: issued.secretHash,
    scopes: options.scopes ?? [...SCOPES],
    expiresAt: options.expiresAt ?? null,
    actor: { type: "system", name: "test" },
  });
  const now = Date.now();
  await prepared(db, INSERT_SESSION).run(randomUUID(), tenantId, admin.id, randomUUID(), randomUUID(), now + 3_600_000, now, now);
  return { admin, user, token: issued.token, tokenId: issued.id };
}
