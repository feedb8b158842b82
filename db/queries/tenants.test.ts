import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeUser } from "@/test/factories";
import { countTenants, ensureTenant, getTenant, listTenants } from "./tenants";

describe("tenants", () => {
  const db = createTestDb();

  it("creates a tenant once by name, however many ensure it at once", async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureTenant(db, "acme", 5_000)));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.tenant.id)).size).toBe(1);
    // A new tenant requires MFA of its admins (docs/decisions/0022) unless its creator says otherwise.
    expect(results[0]!.tenant).toMatchObject({ name: "acme", userCount: 0, requireMfa: true, createdAt: 5_000, updatedAt: 5_000 });
    expect([...results[0]!.tenant.searchTag]).toHaveLength(3);
    expect(await getTenant(db, results[0]!.tenant.id)).toEqual(results[0]!.tenant);
    expect(await getTenant(db, "no-such-tenant")).toBeUndefined();
  });

  it("lists tenants oldest first with their users and active users", async () => {
    const before = await countTenants(db);
    const { tenant: older } = await ensureTenant(db, "older", 1);
    const { tenant: empty } = await ensureTenant(db, "empty", 2, { requireMfa: false, approvalThreshold: null });
    await makeUser(db, older.id);
    await makeUser(db, older.id);
    await makeUser(db, older.id, { active: false });
    expect(await countTenants(db)).toBe(before + 2);
    const listed = await listTenants(db);
    expect(listed.slice(0, 2)).toEqual([
      { id: older.id, name: "older", requireMfa: true, approvalThreshold: 100, createdAt: 1, updatedAt: 1, userCount: 3, activeUserCount: 2 },
      { id: empty.id, name: "empty", requireMfa: false, approvalThreshold: null, createdAt: 2, updatedAt: 2, userCount: 0, activeUserCount: 0 },
    ]);
  });
});
