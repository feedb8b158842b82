import { randomUUID } from "node:crypto";
import { beforeAll } from "vitest";
import { normalizeEmail, foldText } from "@/lib/domain/email";
import { makeTenant } from "@/test/factories";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { ensureScimProvider } from "@/db/queries/scim-tokens";
import type { createScimUser, ScimScope, ScimUserRecord, ScimUserWrite } from "@/db/queries/scim-users";

// What the scim-users tests share: providers to write through, SCIM writes built from a few
// fields (keys made by lib's own rules), and the rows and events written, read back.

/** A fixed time the writes are made at, so that what they stamp can be told. */
export const T0 = 1_700_000_000_000;

/** The record a POST created or linked; anything else fails the test. */
export function written(result: Awaited<ReturnType<typeof createScimUser>>): ScimUserRecord {
  if (result.status !== "created" && result.status !== "linked") throw new Error(`not written: ${JSON.stringify(result)}`);
  return result.record;
}

/** A SCIM provider of a tenant (a new tenant unless given), ready in beforeAll. */
export function scimProvider(db: Db, name = "Okta", tenant?: () => string): ScimScope {
  const scope = {} as ScimScope;
  beforeAll(async () => {
    const tenantId = tenant?.() ?? (await makeTenant(db)).id;
    const result = await ensureScimProvider(db, tenantId, name);
    if (!("provider" in result)) throw new Error(`${name} is not a SCIM provider`);
    Object.assign(scope, { tenantId, providerId: result.provider.id, providerName: name });
  });
  return scope;
}

export type WriteInput = {
  userName?: string;
  externalId?: string | null;
  email?: string;
  otherEmails?: { email: string; label: string }[];
  mobiles?: ScimUserWrite["mobiles"];
  name?: string;
  employeeNumber?: string | null;
  department?: string;
  attributes?: Record<string, unknown>;
  active?: boolean;
};

/** A SCIM write as lib/scim makes one; a user called `u-<random>` unless told otherwise. */
export function scimWrite(input: WriteInput = {}): ScimUserWrite {
  const userName = input.userName ?? `u-${randomUUID().slice(0, 8)}`;
  const email = input.email ?? `${userName.trim()}@example.test`;
  const name = input.name ?? userName;
  const code = input.employeeNumber === undefined ? `USR-${randomUUID().slice(0, 12)}` : input.employeeNumber;
  return {
    userName,
    usernameKey: userName.trim().toLowerCase(),
    externalId: input.externalId ?? null,
    email: email.trim(),
    emailNormalized: normalizeEmail(email),
    otherEmails: (input.otherEmails ?? []).map((other) => ({ ...other, emailNormalized: normalizeEmail(other.email) })),
    mobiles: input.mobiles ?? [],
    name,
    nameFolded: foldText(name),
    uniqueCode: code === null ? null : { value: code, folded: foldText(code) },
    employeeNumberGiven: input.employeeNumber !== undefined && input.employeeNumber !== null,
    department: input.department ?? "",
    attributes: input.attributes ?? {},
    active: input.active ?? true,
  };
}

export type IdentityRow = {
  id: string;
  userId: string | null;
  externalId: string;
  externalUsername: string | null;
  usernameKey: string | null;
  externalEmail: string | null;
  externalDisplayName: string | null;
  linkedBy: string;
  lastSyncedAt: number | null;
  updatedAt: number;
};

export function identityRow(db: Db, id: string): Promise<IdentityRow | undefined> {
  return prepared<IdentityRow>(
    db,
    `select id, user_id as "userId", external_id as "externalId", external_username as "externalUsername", username_key as "usernameKey",
       external_email as "externalEmail", external_display_name as "externalDisplayName", linked_by as "linkedBy",
       last_synced_at as "lastSyncedAt", updated_at as "updatedAt" from identities where id = ?`,
  ).get(id);
}

/** Everything audited in the tenant, oldest first: what a write left behind. */
export async function tenantEvents(db: Db, tenantId: string) {
  const rows = await prepared<{ action: string; outcome: string; actorType: string; actorId: string; targetId: string; details: string | null }>(
    db,
    `select action, outcome, actor_type as "actorType", actor_id as "actorId", target_id as "targetId", details from audit_events
     where tenant_id = ? order by created_at, id`,
  ).all(tenantId);
  return rows.map((row) => ({ ...row, details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>) }));
}

export type IdentityCounts = { attached: number; keyed: number };

/**
 * A provider's counts as its row keeps them (identity_providers.attached_identities and
 * keyed_identities, kept by triggers) and as counting its identities gives them: the two must agree.
 */
export async function providerIdentityCounts(db: Db, providerId: string): Promise<{ kept: IdentityCounts; counted: IdentityCounts }> {
  const row = (await prepared<{ attached: number; keyed: number; attachedCounted: number; keyedCounted: number }>(
    db,
    `select p.attached_identities as attached, p.keyed_identities as keyed,
       (select count(*) from identities i where i.identity_provider_id = p.id and i.tenant_id = p.tenant_id and i.user_id is not null) as "attachedCounted",
       (select count(i.username_key) from identities i where i.identity_provider_id = p.id and i.tenant_id = p.tenant_id and i.user_id is not null) as "keyedCounted"
     from identity_providers p where p.id = ?`,
  ).get(providerId))!;
  return { kept: { attached: row.attached, keyed: row.keyed }, counted: { attached: row.attachedCounted, keyed: row.keyedCounted } };
}

export const count = async (db: Db, sql: string, ...args: string[]) => (await prepared<{ n: number }>(db, `select count(*) as n ${sql}`).get(...args))!.n;
