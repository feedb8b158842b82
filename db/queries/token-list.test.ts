import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { issueToken } from "@/lib/auth/tokens";
import { findTokenOfAdmin, listTokensOfAdmin, tokenStatus } from "./token-list";
import { createToken, revokeToken } from "./tokens";

describe("token list", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);
  const owner = makeAdminWithToken(db, tenant.id);
  const ref = { tenantId: tenant.id, adminId: owner.admin.id };

  function addToken(name: string, options: { expiresAt?: number | null; now?: number } = {}) {
    const issued = issueToken();
    createToken(
      db,
      {
        id: issued.id,
        tenantId: tenant.id,
        adminId: owner.admin.id,
        name,
        secretHash: issued.secretHash,
        scopes: ["users:read"],
        expiresAt: options.expiresAt ?? null,
        actor: { type: "admin", name: "t" },
      },
      options.now,
    );
    return issued.id;
  }

  it("lists only the admin's own tokens, newest first, with status and without secrets", () => {
    const older = addToken("older", { now: 1_000 });
    const newer = addToken("newer", { now: 2_000, expiresAt: 10_000 });
    makeAdminWithToken(db, tenant.id); // another admin of the same tenant
    const list = listTokensOfAdmin(db, ref, 5_000);
    expect(list.map((t) => t.name)).toEqual(["test", "newer", "older"]);
    expect(list.find((t) => t.id === newer)).toEqual({
      id: newer,
      name: "newer",
      scopes: ["users:read"],
      createdAt: 2_000,
      expiresAt: 10_000,
      lastUsedAt: null,
      revokedAt: null,
      status: "active",
    });
    expect(Object.keys(list[0]!)).not.toContain("secretHash");
    expect(listTokensOfAdmin(db, ref, 20_000).find((t) => t.id === newer)?.status).toBe("expired");
    expect(list.find((t) => t.id === older)?.status).toBe("active");
  });

  it("marks revoked tokens revoked, even after their expiry", () => {
    const id = addToken("short", { expiresAt: Date.now() + 1 });
    revokeToken(db, id, { type: "admin", name: "t" });
    expect(findTokenOfAdmin(db, ref, id, Date.now() + 60_000)?.status).toBe("revoked");
    expect(tokenStatus({ revokedAt: null, expiresAt: 5 }, 5)).toBe("expired");
  });

  it("finds a token only for its own admin and tenant", () => {
    const id = addToken("mine");
    const colleague = makeAdminWithToken(db, tenant.id);
    const otherTenant = makeTenant(db);
    expect(findTokenOfAdmin(db, ref, id)?.name).toBe("mine");
    expect(findTokenOfAdmin(db, { tenantId: tenant.id, adminId: colleague.admin.id }, id)).toBeUndefined();
    expect(findTokenOfAdmin(db, { tenantId: otherTenant.id, adminId: owner.admin.id }, id)).toBeUndefined();
    expect(listTokensOfAdmin(db, { tenantId: otherTenant.id, adminId: owner.admin.id })).toEqual([]);
  });
});
