import type { Db } from "@/db/client";
import { createAdmin } from "@/db/queries/admins";
import { countTenants } from "@/db/queries/tenants";
import { seedTenant, tenantDomain } from "@/db/seed";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { searchKeys } from "@/lib/domain/email";
import { adminUserFields } from "@/lib/domain/user-fields";

export const DEMO_TENANT = "Acme";
export const DEMO_USERS = 2_000;
export const DEMO_SEED = 1;

export type DemoLogin = { tenantId: string; email: string; password: string };

export function demoAdminEmail(): string {
  return `admin@${tenantDomain(DEMO_TENANT)}`;
}

/**
 * Seeds the demo tenant and its admin when the database has no tenant at all. Returns the demo
 * login (with the generated password, which is shown once and never stored) or null when the
 * database was not empty. Instances starting at once call it under the setup lock (withSetupLock).
 */
export async function seedDemoIfEmpty(db: Db, options: { users?: number } = {}): Promise<DemoLogin | null> {
  if ((await countTenants(db)) > 0) return null;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  // Re-checked after the await: another process may have seeded meanwhile.
  if ((await countTenants(db)) > 0) return null;
  const seeded = await seedTenant(db, { tenantName: DEMO_TENANT, users: options.users ?? DEMO_USERS, seed: DEMO_SEED, keys: searchKeys });
  const { user } = await createAdmin(db, { tenantId: seeded.tenantId, ...adminUserFields(demoAdminEmail()), role: "admin", passwordHash });
  return { tenantId: seeded.tenantId, email: user.email, password };
}
