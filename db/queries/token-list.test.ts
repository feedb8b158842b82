import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { issueToken } from "@/lib/auth/tokens";
import { findTokenOfAdmin, listTokensOfAdmin, tokenStatus, type OwnTokenRef } from "./token-list";
import { createToken, revokeToken } from "./tokens";

describe("token list", () => {
  const db = createTestDb();
  let tenantId: string;
  let owner: Awaited<ReturnType<typeof makeAdminWithToken>>;
  let ref: OwnTokenRef;

  beforeAll(async () => {
    tenantId = (await makeTenant(db)).id;
    owner = await makeAdminWithToken(db, tenantId);
    ref = { tenantId, adminId: owner.admin.id };
  });

  async function addToken(name: string, options: { expiresAt?: number | null; now?: number } = {}) {
    const issued = issueToken();
    await createToken(
      db,
      {
        id: issued.id,
        tenantId,
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

  it("lists only the admin's own tokens, newest first, with status and without secrets", async () => {
    const older = await addToken("older", { now: 1_000 });
    const newer = await addToken("newer", { now: 2_000, expiresAt: 10_000 });
    await makeAdminWithToken(db, tenantId); // another admin of the same tenant
    const list = await listTokensOfAdmin(db, ref, 5_000);
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
    expect((await listTokensOfAdmin(db, ref, 20_000)).find((t) => t.id === newer)?.status).toBe("expired");
    expect(list.find((t) => t.id === older)?.status).toBe("active");
  });

  it("marks revoked tokens revoked, even after their expiry", async () => {
    const id = await addToken("short", { expiresAt: Date.now() + 1 });
    expect((await revokeToken(db, id, { type: "admin", name: "t" })).status).toBe("revoked");
    expect((await findTokenOfAdmin(db, ref, id, Date.now() + 60_000))?.status).toBe("revoked");
    expect(tokenStatus({ revokedAt: null, expiresAt: 5 }, 5)).toBe("expired");
  });

  it("revokes a token once, however many revocations race", async () => {
    const id = await addToken("raced");
    const outcomes = await Promise.all([1, 2, 3].map(() => revokeToken(db, id, { type: "admin", name: "t" })));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["already-revoked", "already-revoked", "revoked"]);
    expect((await revokeToken(db, "no-such-token", { type: "admin", name: "t" })).status).toBe("not-found");
  });

  it("finds a token only for its own admin and tenant", async () => {
    const id = await addToken("mine");
    const colleague = await makeAdminWithToken(db, tenantId);
    const otherTenant = await makeTenant(db);
    expect((await findTokenOfAdmin(db, ref, id))?.name).toBe("mine");
    expect(await findTokenOfAdmin(db, { tenantId, adminId: colleague.admin.id }, id)).toBeUndefined();
    expect(await findTokenOfAdmin(db, { tenantId: otherTenant.id, adminId: owner.admin.id }, id)).toBeUndefined();
    expect(await listTokensOfAdmin(db, { tenantId: otherTenant.id, adminId: owner.admin.id })).toEqual([]);
  });
});
