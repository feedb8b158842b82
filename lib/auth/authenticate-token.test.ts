import { beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { deactivateUser } from "@/db/queries/user-status";
import { revokeToken } from "@/db/queries/tokens";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { checkToken, flushTokenUse } from "./authenticate-token";

describe("checkToken", () => {
  const db = createTestDb();
  let tenantId: string;
  beforeAll(async () => {
    tenantId = (await makeTenant(db)).id;
  });

  const lastUsedAt = async (tokenId: string) =>
    (await prepared<{ at: number | null }>(db, `select last_used_at as at from personal_access_tokens where id = ?`).get(tokenId))?.at;

  it("accepts a live token and tells who it is", async () => {
    const { token, tokenId, admin } = await makeAdminWithToken(db, tenantId, { role: "helpdesk", scopes: ["users:read"] });
    expect(await checkToken(db, token)).toEqual({
      ok: true,
      principal: expect.objectContaining({ tokenId, tenantId, role: "helpdesk", scopes: ["users:read"], adminId: admin.id }),
    });
  });

  it("refuses garbled, unknown and tampered tokens", async () => {
    const { token } = await makeAdminWithToken(db, tenantId);
    expect(await checkToken(db, "not-a-token")).toEqual({ ok: false, reason: "malformed" });
    expect(await checkToken(db, `rpat_${"0".repeat(32)}_${"A".repeat(43)}`)).toEqual({ ok: false, reason: "unknown" });
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await checkToken(db, tampered)).toEqual({ ok: false, reason: "unknown" });
  });

  it("refuses revoked and expired tokens at once", async () => {
    const revoked = await makeAdminWithToken(db, tenantId);
    expect((await checkToken(db, revoked.token)).ok).toBe(true);
    await revokeToken(db, revoked.tokenId, { type: "system", name: "test" });
    expect(await checkToken(db, revoked.token)).toEqual({ ok: false, reason: "revoked" });
    const expired = await makeAdminWithToken(db, tenantId, { expiresAt: Date.now() - 1 });
    expect(await checkToken(db, expired.token)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses every token of a deactivated owner", async () => {
    const owner = await makeAdminWithToken(db, tenantId);
    const other = await makeAdminWithToken(db, tenantId);
    await deactivateUser(db, { tenantId, userId: owner.user.id, actor: { type: "token", id: other.tokenId, name: "x", userId: other.user.id } });
    expect((await checkToken(db, owner.token)).ok).toBe(false);
  });

  it("records last use in memory and writes it on flush", async () => {
    const { token, tokenId } = await makeAdminWithToken(db, tenantId);
    await checkToken(db, token, 1_800_000_000_000);
    expect(await lastUsedAt(tokenId)).toBeNull();
    await flushTokenUse();
    expect(await lastUsedAt(tokenId)).toBe(1_800_000_000_000);
  });
});
