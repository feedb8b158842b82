import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deactivateUser } from "@/db/queries/user-status";
import { revokeToken } from "@/db/queries/tokens";
import { personalAccessTokens } from "@/db/schema";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { checkToken, flushTokenUse } from "./authenticate-token";

describe("checkToken", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);

  it("accepts a live token and tells who it is", () => {
    const { token, tokenId, admin } = makeAdminWithToken(db, tenant.id, { role: "helpdesk", scopes: ["users:read"] });
    expect(checkToken(db, token)).toEqual({
      ok: true,
      principal: expect.objectContaining({ tokenId, tenantId: tenant.id, role: "helpdesk", scopes: ["users:read"], adminId: admin.id }),
    });
  });

  it("refuses garbled, unknown and tampered tokens", () => {
    const { token } = makeAdminWithToken(db, tenant.id);
    expect(checkToken(db, "not-a-token")).toEqual({ ok: false, reason: "malformed" });
    expect(checkToken(db, `rpat_${"0".repeat(32)}_${"A".repeat(43)}`)).toEqual({ ok: false, reason: "unknown" });
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(checkToken(db, tampered)).toEqual({ ok: false, reason: "unknown" });
  });

  it("refuses revoked and expired tokens at once", () => {
    const revoked = makeAdminWithToken(db, tenant.id);
    expect(checkToken(db, revoked.token).ok).toBe(true);
    revokeToken(db, revoked.tokenId, { type: "system", name: "test" });
    expect(checkToken(db, revoked.token)).toEqual({ ok: false, reason: "revoked" });
    const expired = makeAdminWithToken(db, tenant.id, { expiresAt: Date.now() - 1 });
    expect(checkToken(db, expired.token)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses every token of a deactivated owner", () => {
    const owner = makeAdminWithToken(db, tenant.id);
    const other = makeAdminWithToken(db, tenant.id);
    deactivateUser(db, { tenantId: tenant.id, userId: owner.user.id, actor: { type: "token", id: other.tokenId, name: "x", userId: other.user.id } });
    expect(checkToken(db, owner.token).ok).toBe(false);
  });

  it("records last use in memory and writes it on flush", () => {
    const { token, tokenId } = makeAdminWithToken(db, tenant.id);
    checkToken(db, token, 1_800_000_000_000);
    expect(db.select().from(personalAccessTokens).where(eq(personalAccessTokens.id, tokenId)).get()?.lastUsedAt).toBeNull();
    flushTokenUse();
    expect(db.select().from(personalAccessTokens).where(eq(personalAccessTokens.id, tokenId)).get()?.lastUsedAt).toBe(1_800_000_000_000);
  });
});
