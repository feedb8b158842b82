import type { z } from "zod";
import type { Db } from "@/db/client";
import { countUnusedRecoveryCodes, listFactors, removeFactor, replaceRecoveryCodes, type FactorActor } from "@/db/queries/mfa-factors";
import { getTenant, setTenantRequireMfa } from "@/db/queries/tenants";
import type { MfaFactor } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { newRecoveryCodes } from "@/lib/auth/mfa/recovery-codes";
import { authorize } from "@/lib/auth/policy";
import { scopesForRole } from "@/lib/auth/scopes";
import type { ConsolePrincipal } from "@/lib/auth/session";
import type { mfaFactor, mfaOverview } from "@/lib/contracts/mfa";

// The Security page: an admin's own second factors and recovery codes, and the tenant's MFA policy
// (docs/decisions/0022). Shared by its server component and the console endpoints.

export type SignedInAdmin = { tenantId: string; adminId: string; actor: FactorActor; mayChangePolicy: boolean };

export function toFactorDto(factor: MfaFactor): z.input<typeof mfaFactor> {
  return {
    id: factor.id,
    kind: factor.kind,
    label: factor.label,
    createdAt: new Date(factor.createdAt).toISOString(),
    lastUsedAt: factor.lastUsedAt === null ? null : new Date(factor.lastUsedAt).toISOString(),
  };
}

export async function mfaOverviewOf(db: Db, admin: SignedInAdmin): Promise<z.input<typeof mfaOverview>> {
  const [factors, recoveryCodesLeft, tenant] = await Promise.all([
    listFactors(db, admin.adminId),
    countUnusedRecoveryCodes(db, admin.adminId),
    getTenant(db, admin.tenantId),
  ]);
  return { factors: factors.map(toFactorDto), recoveryCodesLeft, policy: { requireMfa: tenant?.requireMfa ?? true, canChange: admin.mayChangePolicy } };
}

export async function removeOwnFactor(db: Db, admin: SignedInAdmin, factorId: string) {
  const tenant = await getTenant(db, admin.tenantId);
  const result = await removeFactor(db, { tenantId: admin.tenantId, adminId: admin.adminId, factorId, keepOne: tenant?.requireMfa ?? true }, admin.actor);
  if (result.status === "not-found") throw new ApiError("not_found", "You have no such factor");
  if (result.status === "last-factor")
    throw new ApiError("conflict", "Your organisation requires a second factor: add another one before you remove your last");
  return mfaOverviewOf(db, admin);
}

export async function regenerateOwnRecoveryCodes(db: Db, admin: SignedInAdmin): Promise<string[]> {
  if ((await listFactors(db, admin.adminId)).length === 0) throw new ApiError("conflict", "Add a second factor first: recovery codes stand in for one");
  const { codes, hashes } = newRecoveryCodes();
  await replaceRecoveryCodes(db, admin, hashes, admin.actor);
  return codes;
}

export async function setMfaPolicy(db: Db, admin: SignedInAdmin, requireMfa: boolean) {
  if (!(await setTenantRequireMfa(db, admin.tenantId, requireMfa, { ...admin.actor, type: "admin" }))) throw new ApiError("not_found", "No such tenant");
  return mfaOverviewOf(db, admin);
}

/** The overview for a page's session (the Security page's first render), with what its role may change. */
export function mfaOverviewForSession(db: Db, session: ConsolePrincipal) {
  const principal = { tokenId: session.sessionId, tenantId: session.tenantId, role: session.role, scopes: scopesForRole(session.role) };
  const tenant = { type: "Tenant" as const, id: session.tenantId, tenantId: session.tenantId };
  return mfaOverviewOf(db, {
    tenantId: session.tenantId,
    adminId: session.adminId,
    actor: { type: "admin", id: session.adminId, name: session.userName },
    mayChangePolicy: authorize(principal, "manageSignInPolicy", tenant).allowed,
  });
}
