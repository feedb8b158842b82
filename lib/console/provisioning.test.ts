import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { checkScimToken } from "@/lib/auth/scim-tokens";
import { parseToken, secretMatches } from "@/lib/auth/tokens";
import { z } from "zod/mini";
import { provisioningContracts } from "@/lib/contracts/provisioning";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { issueProvisioningToken, readProvisioningOverview, revokeProvisioningToken } from "./provisioning";

const ADMIN = { type: "admin", id: randomUUID(), name: "Ada Admin" } as const;

describe("provisioning tokens (console and CLI)", () => {
  const db = createTestDb();
  let tenantId = "";
  let otherTenantId = "";

  beforeAll(async () => {
    tenantId = (await makeTenant(db)).id;
    otherTenantId = (await makeTenant(db)).id;
  });

  async function issue(providerName: string, name = "Okta production", tenant = tenantId) {
    const result = await issueProvisioningToken(db, { tenantId: tenant, providerName, name, actor: ADMIN });
    if (!result.ok) throw new Error(`unexpected conflict with ${result.conflict.name}`);
    return result;
  }

  const auditOf = (targetId: string) =>
    prepared<{ action: string; actorType: string; actorId: string | null; actorName: string; details: string }>(
      db,
      `select action, actor_type as "actorType", actor_id as "actorId", actor_name as "actorName", details from audit_events where target_id = ? order by created_at`,
    ).all(targetId);

  it("issues a working rscim_ token, stores only its hash, and audits it", async () => {
    const { token, providerCreated } = await issue("Okta");
    expect(providerCreated).toBe(true);
    expect(token).toMatchObject({
      name: "Okta production",
      providerName: "Okta",
      status: "active",
      lastUsedAt: null,
      revokedAt: null,
      createdBy: { id: ADMIN.id, name: ADMIN.name },
    });
    const parsed = parseToken(token.token, "scim")!;
    expect(parsed.id).toBe(token.id);

    const check = await checkScimToken(db, token.token);
    expect(check).toMatchObject({ ok: true, identity: { tenantId, tokenId: token.id, provider: { id: token.providerId, name: "Okta" } } });

    const row = await prepared<Record<string, unknown>>(db, "select * from scim_tokens where id = ?").get(token.id);
    expect(secretMatches(parsed.secret, String(row!.secret_hash))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(parsed.secret);

    const [event] = await auditOf(token.id);
    expect(event).toMatchObject({ action: "scim_token.created", actorType: "admin", actorId: ADMIN.id, actorName: "Ada Admin" });
    expect(JSON.parse(event!.details)).toEqual({ name: "Okta production", providerId: token.providerId });
  });

  it("creates a SCIM provider once and gives its later tokens the same one", async () => {
    const first = await issue("Entra ID", "first");
    const second = await issue("Entra ID", "second");
    expect(second.providerCreated).toBe(false);
    expect(second.token.providerId).toBe(first.token.providerId);
    const { providers } = await readProvisioningOverview(db, tenantId);
    expect(providers.filter((p) => p.name === "Entra ID")).toEqual([{ id: first.token.providerId, name: "Entra ID", createdAt: expect.any(String) }]);
  });

  it("refuses a provider name another type of identity provider holds, and writes nothing", async () => {
    const oidcId = randomUUID();
    await prepared(db, `insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, 'Google', 'oidc', 1, 1)`).run(
      oidcId,
      tenantId,
    );
    const before = await readProvisioningOverview(db, tenantId);
    const result = await issueProvisioningToken(db, { tenantId, providerName: "Google", name: "sneaky", actor: ADMIN });
    expect(result).toMatchObject({ ok: false, conflict: { id: oidcId, type: "oidc" } });
    expect(await readProvisioningOverview(db, tenantId)).toEqual(before);
  });

  it("shows the tenant's SCIM providers by name and its tokens newest first, in the wire form, without any secret or hash", async () => {
    const tenant = (await makeTenant(db)).id;
    const issueAt = (providerName: string, name: string, now: number) =>
      issueProvisioningToken(db, { tenantId: tenant, providerName, name, actor: ADMIN }, now);
    await issueAt("Okta", "oldest", 1_000);
    await issueAt("Entra ID", "middle", 2_000);
    await issueAt("Okta", "newest", 3_000);
    const overview = await readProvisioningOverview(db, tenant);
    expect(overview.providers.map((p) => p.name)).toEqual(["Entra ID", "Okta"]);
    expect(overview.tokens.map((t) => [t.name, t.providerName, t.createdAt])).toEqual([
      ["newest", "Okta", "1970-01-01T00:00:03.000Z"],
      ["middle", "Entra ID", "1970-01-01T00:00:02.000Z"],
      ["oldest", "Okta", "1970-01-01T00:00:01.000Z"],
    ]);
    expect(Object.keys(overview.tokens[0]!).sort()).toEqual(
      ["createdAt", "createdBy", "id", "lastUsedAt", "name", "providerId", "providerName", "revokedAt", "status"].sort(),
    );
    expect(JSON.stringify(overview)).not.toMatch(/rscim_|secret/i);
    // What the page parses with the contract's schema.
    expect(z.safeParse(provisioningContracts.overview.response.schema, { data: overview }).success).toBe(true);
    expect(await readProvisioningOverview(db, (await makeTenant(db)).id)).toEqual({ providers: [], tokens: [] });
  });

  it("shows a token's last use once the provider has used it", async () => {
    const { token } = await issue("Okta", "used");
    await checkScimToken(db, token.token, Date.parse("2030-01-02T03:04:05.000Z"));
    const listed = (await readProvisioningOverview(db, tenantId)).tokens.find((t) => t.id === token.id);
    expect(listed?.lastUsedAt).toBe("2030-01-02T03:04:05.000Z");
  });

  it("revokes a token at once, once: the token is then refused, a second revocation changes nothing", async () => {
    const { token } = await issue("Okta", "to revoke");
    const revoked = await revokeProvisioningToken(db, tenantId, token.id, ADMIN, Date.parse("2030-02-01T00:00:00.000Z"));
    expect(revoked).toEqual({
      status: "revoked",
      token: expect.objectContaining({ id: token.id, providerName: "Okta", status: "revoked", revokedAt: "2030-02-01T00:00:00.000Z" }),
    });
    expect(await checkScimToken(db, token.token)).toEqual({ ok: false, reason: "revoked" });
    expect(await revokeProvisioningToken(db, tenantId, token.id, ADMIN)).toMatchObject({
      status: "already-revoked",
      token: { revokedAt: "2030-02-01T00:00:00.000Z" },
    });
    expect((await auditOf(token.id)).map((e) => e.action)).toEqual(["scim_token.created", "scim_token.revoked"]);
  });

  it("treats another tenant's token like an unknown one, and leaves it working", async () => {
    const ours = await issue("Okta", "ours");
    const { token } = await issue("Okta", "theirs", otherTenantId);
    expect(await revokeProvisioningToken(db, tenantId, token.id, ADMIN)).toEqual({ status: "not-found" });
    expect(await revokeProvisioningToken(db, tenantId, randomUUID(), ADMIN)).toEqual({ status: "not-found" });
    expect(await checkScimToken(db, token.token)).toMatchObject({ ok: true });
    // Same provider name, another tenant: a provider of its own.
    expect(token.providerId).not.toBe(ours.token.providerId);
  });
});
