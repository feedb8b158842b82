import { describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { twoProcessDatabases } from "@/test/two-processes";
import { findTokenPrincipal, recordTokenUse } from "./auth";

// Two handles on one database stand for two instances, each flushing the last-use times it buffered.
const [first, second] = twoProcessDatabases("token_use");

const lastUsed = async (tokenId: string) =>
  (await prepared<{ at: number | null }>(first, "select last_used_at as at from personal_access_tokens where id = ?").get(tokenId))?.at;

describe("recordTokenUse", () => {
  it("keeps the latest use whichever instance flushes last", async () => {
    const { tokenId } = await makeAdminWithToken(first, (await makeTenant(first)).id);
    await recordTokenUse(first, new Map([[tokenId, 2_000]]));
    // The other instance's buffer holds an older use, flushed afterwards: it does not move the time back.
    await recordTokenUse(second, new Map([[tokenId, 1_000]]));
    expect(await lastUsed(tokenId)).toBe(2_000);
    await recordTokenUse(second, new Map([[tokenId, 3_000]]));
    expect(await lastUsed(tokenId)).toBe(3_000);
  });
});

describe("findTokenPrincipal", () => {
  it("reads the token with its admin and user, scopes parsed and the user's flag a boolean", async () => {
    const { tokenId, admin, user } = await makeAdminWithToken(first, (await makeTenant(first)).id, { scopes: ["users:read"], role: "auditor" });
    expect(await findTokenPrincipal(second, tokenId)).toMatchObject({
      id: tokenId,
      tenantId: admin.tenantId,
      scopes: ["users:read"],
      expiresAt: null,
      revokedAt: null,
      role: "auditor",
      adminId: admin.id,
      userId: user.id,
      userActive: true,
    });
    expect(await findTokenPrincipal(second, "no-such-token")).toBeUndefined();
  });
});
