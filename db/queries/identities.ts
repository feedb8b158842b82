import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { IMMEDIATE } from "../prepared";
import { identities, identityProviders, users, type Identity, type IdentityProvider } from "../schema";
import { recordAuditEvent } from "./audit";

/** An identity as read back: every column but the tenant, with its provider's name and type. */
export type IdentityView = Omit<Identity, "tenantId"> & { providerName: string; providerType: IdentityProvider["type"] };

const identityView = {
  id: identities.id,
  userId: identities.userId,
  identityProviderId: identities.identityProviderId,
  providerName: identityProviders.name,
  providerType: identityProviders.type,
  externalId: identities.externalId,
  externalUsername: identities.externalUsername,
  externalEmail: identities.externalEmail,
  externalDisplayName: identities.externalDisplayName,
  linkedBy: identities.linkedBy,
  lastSyncedAt: identities.lastSyncedAt,
  createdAt: identities.createdAt,
  updatedAt: identities.updatedAt,
};

export function userExistsInTenant(db: Db, tenantId: string, userId: string): boolean {
  return !!db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .get();
}

export function listIdentitiesOfUser(db: Db, tenantId: string, userId: string): IdentityView[] {
  return db
    .select(identityView)
    .from(identities)
    .innerJoin(identityProviders, eq(identityProviders.id, identities.identityProviderId))
    .where(and(eq(identities.userId, userId), eq(identities.tenantId, tenantId)))
    .orderBy(asc(identities.createdAt), asc(identities.id))
    .all();
}

export type LinkIdentityInput = {
  tenantId: string;
  userId: string;
  identityProviderId: string;
  externalId: string;
  externalUsername?: string | null;
  externalEmail?: string | null;
  externalDisplayName?: string | null;
  actor: { type: "admin" | "token"; id: string; name: string };
  requestId?: string;
};

export type LinkIdentityResult =
  | { status: "linked"; identity: IdentityView }
  | { status: "user-not-found" }
  | { status: "provider-not-found" }
  | { status: "already-linked"; identityId: string };

/** Links an account at a provider to a user (linked_by manual), with its audit event, in one transaction. */
export function linkIdentity(db: Db, input: LinkIdentityInput, now = Date.now()): LinkIdentityResult {
  return db.transaction((tx) => {
    const user = tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.tenantId, input.tenantId)))
      .get();
    if (!user) return { status: "user-not-found" } as const;
    const provider = tx
      .select({ id: identityProviders.id })
      .from(identityProviders)
      .where(and(eq(identityProviders.id, input.identityProviderId), eq(identityProviders.tenantId, input.tenantId)))
      .get();
    if (!provider) return { status: "provider-not-found" } as const;
    const existing = tx
      .select({ id: identities.id })
      .from(identities)
      .where(and(eq(identities.identityProviderId, provider.id), eq(identities.externalId, input.externalId)))
      .get();
    if (existing) return { status: "already-linked", identityId: existing.id } as const;
    const id = randomUUID();
    tx.insert(identities)
      .values({
        id,
        tenantId: input.tenantId,
        userId: user.id,
        identityProviderId: provider.id,
        externalId: input.externalId,
        externalUsername: input.externalUsername ?? null,
        externalEmail: input.externalEmail ?? null,
        externalDisplayName: input.externalDisplayName ?? null,
        linkedBy: "manual",
        lastSyncedAt: null,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: input.actor.type,
      actorId: input.actor.id,
      actorName: input.actor.name,
      action: "identity.link",
      targetType: "user",
      targetId: user.id,
      outcome: "linked",
      requestId: input.requestId ?? null,
      details: { identityId: id, identityProviderId: provider.id, externalId: input.externalId },
      createdAt: now,
    });
    const identity = tx
      .select(identityView)
      .from(identities)
      .innerJoin(identityProviders, eq(identityProviders.id, identities.identityProviderId))
      .where(eq(identities.id, id))
      .get()!;
    return { status: "linked", identity } as const;
  }, IMMEDIATE);
}
