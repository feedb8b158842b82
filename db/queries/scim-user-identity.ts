import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { codePointOrder, prepared } from "../prepared";
import { conflict, ConflictFound, type ChangedField } from "./scim-user-changes";
import { lowered } from "./scim-user-filter";
import { identityOfRow, type IdentityRow, type ScimScope, type ScimUserWrite } from "./scim-user-records";

// The identity's side of a SCIM write: who holds a userName or externalId at the provider, and
// attaching, updating and detaching the identity, inside the caller's transaction.

const usernameHolder = (dialect: Db["dialect"]) =>
  `select id from identities where identity_provider_id = ? and username_key${codePointOrder(dialect)} = ? and id <> ?`;
const EXTERNAL_ID_HOLDER = `select id, user_id as "userId" from identities where identity_provider_id = ? and external_id = ? and id <> ?`;
// Detached identities are the provider's rows without a username key: few (its leavers), and a
// range of identities_provider_username_unique. The userName compares as its key does, in ASCII.
const detachedByUserName = (dialect: Db["dialect"]) =>
  `select id from identities where identity_provider_id = ? and username_key is null and user_id is null and linked_by = 'scim'
   and ${lowered(dialect, "trim(external_username)")} = ? order by updated_at desc, id${codePointOrder(dialect)} limit 1`;
const ATTACHED_TO_PROVIDER = "select id from identities where identity_provider_id = ? and user_id = ?";

const INSERT_IDENTITY = `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, external_username, username_key,
    external_email, external_display_name, scim_attributes, linked_by, last_synced_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scim', ?, ?, ?)`;
// `user_id is null`: of two writers attaching one detached identity, the second finds it taken.
const REATTACH_IDENTITY = `update identities set user_id = ?, external_id = ?, external_username = ?, username_key = ?, external_email = ?,
    external_display_name = ?, scim_attributes = ?, linked_by = 'scim', last_synced_at = ?, updated_at = ?
  where id = ? and user_id is null`;
const UPDATE_IDENTITY = `update identities set external_id = ?, external_username = ?, username_key = ?, external_email = ?,
    external_display_name = ?, scim_attributes = ?, last_synced_at = ?, updated_at = ? where id = ?`;
const SYNCED = "update identities set last_synced_at = ? where id = ?";
const DETACH = "update identities set user_id = null, username_key = null, last_synced_at = ?, updated_at = ? where id = ?";

/** Whether another identity of the provider (attached: detached ones have no key) holds the userName key. */
export async function userNameHeld(db: Db, scope: ScimScope, usernameKey: string, identityId = ""): Promise<boolean> {
  return !!(await prepared(db, usernameHolder(db.dialect)).get(scope.providerId, usernameKey, identityId));
}

/** Another identity of the provider with the externalId, attached (userId) or detached (null). */
export function externalIdHolder(db: Db, scope: ScimScope, externalId: string, identityId = ""): Promise<{ id: string; userId: string | null } | undefined> {
  return prepared<{ id: string; userId: string | null }>(db, EXTERNAL_ID_HOLDER).get(scope.providerId, externalId, identityId);
}

/** The provider's most recently detached identity with this userName, to attach again. */
export async function detachedWithUserName(db: Db, scope: ScimScope, usernameKey: string): Promise<string | undefined> {
  return (await prepared<{ id: string }>(db, detachedByUserName(db.dialect)).get(scope.providerId, usernameKey))?.id;
}

export async function attachedToProvider(db: Db, scope: ScimScope, userId: string): Promise<boolean> {
  return !!(await prepared(db, ATTACHED_TO_PROVIDER).get(scope.providerId, userId));
}

const attributesOf = (write: ScimUserWrite) => JSON.stringify(write.attributes);

/** Attaches an identity to the user: the detached one found for the write, or a new one (its own id standing for no externalId). */
export async function attachIdentity(
  db: Db,
  scope: ScimScope,
  userId: string,
  write: ScimUserWrite,
  detachedId: string | undefined,
  now: number,
): Promise<void> {
  const columns = [write.userName, write.usernameKey, write.email, write.name, attributesOf(write)] as const;
  if (detachedId === undefined) {
    const id = randomUUID();
    await prepared(db, INSERT_IDENTITY).run(id, scope.tenantId, userId, scope.providerId, write.externalId ?? id, ...columns, now, now, now);
    return;
  }
  const { changes } = await prepared(db, REATTACH_IDENTITY).run(userId, write.externalId ?? detachedId, ...columns, now, now, detachedId);
  if (changes !== 1) throw new ConflictFound(conflict(write.externalId !== null ? "externalId" : "userName"));
}

/** Deep equality of JSON values, key order aside (PostgreSQL's jsonb keeps its own). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => sameJson(item, (b as unknown[])[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return (
    Object.keys(left).length === Object.keys(right).length && Object.keys(left).every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
  );
}

/** Writes the identity's side of an update: always its last sync, the rest only when it changed. What changed. */
export async function writeIdentitySide(db: Db, identity: IdentityRow, write: ScimUserWrite, now: number): Promise<ChangedField[]> {
  const changed: ChangedField[] = [];
  if (identity.userName !== write.userName || identity.usernameKey !== write.usernameKey) changed.push("userName");
  if (identity.externalId !== write.externalId) changed.push("externalId");
  // As stored: what JSON leaves out (undefined) is no change.
  if (!sameJson(identityOfRow(identity).attributes, JSON.parse(attributesOf(write)))) changed.push("attributes");
  if (changed.length === 0 && identity.externalEmail === write.email && identity.externalDisplayName === write.name) {
    await markSynced(db, identity.id, now);
    return changed;
  }
  const externalId = write.externalId ?? identity.id;
  await prepared(db, UPDATE_IDENTITY).run(externalId, write.userName, write.usernameKey, write.email, write.name, attributesOf(write), now, now, identity.id);
  return changed;
}

/** The identity's last sync, its only change when a write changes nothing of it. */
export async function markSynced(db: Db, identityId: string, now: number): Promise<void> {
  await prepared(db, SYNCED).run(now, identityId);
}

/** Detaches the identity from its user (the row stays, for the audit trail and a later return). */
export async function detachIdentity(db: Db, identityId: string, now: number): Promise<void> {
  await prepared(db, DETACH).run(now, now, identityId);
}
