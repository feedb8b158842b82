import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { Identity, IdentityProvider } from "../schema";
import { recordAuditEvent } from "./audit";

/** An identity as read back: every column but the tenant, with its provider's name and type. */
export type IdentityView = Omit<Identity, "tenantId"> & { providerName: string; providerType: IdentityProvider["type"] };

const IDENTITY_VIEW = `select i.id, i.user_id as "userId", i.identity_provider_id as "identityProviderId", p.name as "providerName",
    p.type as "providerType", i.external_id as "externalId", i.external_username as "externalUsername",
    i.external_email as "externalEmail", i.external_display_name as "externalDisplayName", i.linked_by as "linkedBy",
    i.last_synced_at as "lastSyncedAt", i.created_at as "createdAt", i.updated_at as "updatedAt"
  from identities i join identity_providers p on p.id = i.identity_provider_id`;

const IDENTITIES_OF_USER = `${IDENTITY_VIEW} where i.user_id = ? and i.tenant_id = ? order by i.created_at, i.id`;
const IDENTITY_BY_ID = `${IDENTITY_VIEW} where i.id = ?`;
const USER_IN_TENANT = `select id from users where id = ? and tenant_id = ?`;
const PROVIDER_IN_TENANT = `select id from identity_providers where id = ? and tenant_id = ?`;
// On PostgreSQL the user and provider found are key-share-locked until the link commits, so that a
// concurrent delete waits rather than leaving the new identity pointing at nothing. No stronger:
// the identities' insert trigger updates the provider's counts (migration 0017_scim_list_total),
// and two links holding FOR SHARE on the provider deadlocked there. SQLite's immediate transaction
// already holds the whole database.
const LOCKED = { sqlite: "", postgres: " for key share" } as const;
const INSERT_IDENTITY = `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, external_username,
    external_email, external_display_name, linked_by, last_synced_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, 'manual', null, ?, ?)
  on conflict (identity_provider_id, external_id) do nothing`;
const LINKED_IDENTITY = `select id from identities where identity_provider_id = ? and external_id = ?`;

export async function userExistsInTenant(db: Db, tenantId: string, userId: string): Promise<boolean> {
  return !!(await prepared(db, USER_IN_TENANT).get(userId, tenantId));
}

export function listIdentitiesOfUser(db: Db, tenantId: string, userId: string): Promise<IdentityView[]> {
  return prepared<IdentityView>(db, IDENTITIES_OF_USER).all(userId, tenantId);
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

/**
 * Links an account at a provider to a user (linked_by manual), with its audit event, in one
 * transaction. The insert itself decides "already linked" (`do nothing` on the unique pair), so
 * that of two processes linking one account at once, one links it and the other is told so.
 */
export function linkIdentity(db: Db, input: LinkIdentityInput, now = Date.now()): Promise<LinkIdentityResult> {
  return inTransaction(db, "immediate", async (): Promise<LinkIdentityResult> => {
    const lock = LOCKED[db.dialect];
    const user = await prepared<{ id: string }>(db, USER_IN_TENANT + lock).get(input.userId, input.tenantId);
    if (!user) return { status: "user-not-found" };
    const provider = await prepared<{ id: string }>(db, PROVIDER_IN_TENANT + lock).get(input.identityProviderId, input.tenantId);
    if (!provider) return { status: "provider-not-found" };
    const id = randomUUID();
    const { changes } = await prepared(db, INSERT_IDENTITY).run(
      id,
      input.tenantId,
      user.id,
      provider.id,
      input.externalId,
      input.externalUsername ?? null,
      input.externalEmail ?? null,
      input.externalDisplayName ?? null,
      now,
      now,
    );
    if (changes === 0) {
      const existing = await prepared<{ id: string }>(db, LINKED_IDENTITY).get(provider.id, input.externalId);
      return { status: "already-linked", identityId: existing!.id };
    }
    await recordAuditEvent(db, {
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
    const identity = await prepared<IdentityView>(db, IDENTITY_BY_ID).get(id);
    return { status: "linked", identity: identity! };
  });
}
