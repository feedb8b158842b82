import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { User } from "../schema";
import { recordAuditEvent } from "./audit";
import {
  conflict,
  ConflictFound,
  conflictOfError,
  emailHeld,
  providerActor,
  uniqueCodeHeld,
  switchActive,
  writeMobiles,
  writeOtherEmails,
  writeUserSide,
} from "./scim-user-changes";
import {
  attachedToProvider,
  attachIdentity,
  detachedWithUserName,
  detachIdentity,
  externalIdHolder,
  userNameHeld,
  writeIdentitySide,
} from "./scim-user-identity";
import {
  findIdentity,
  lockUser,
  lockedRecordOf,
  recordUserOf,
  syncIdentity,
  recordOf,
  type IdentityRow,
  type LockedRecord,
  type ScimConflict,
  type ScimScope,
  type ScimUserRecord,
  type ScimUserWrite,
} from "./scim-user-records";
import { USER_COLUMNS, userFromRow, type UserRow } from "./user-directory";
import { createUser } from "./users";
import { applyDeactivation } from "./user-status";

// POST, PUT/PATCH and DELETE of a SCIM user: each one immediate transaction, with its audit events,
// the provider the actor of everything. The identity is written before the user's side: a
// (de)activation there takes the tenant's audit chain head, which the transaction then holds until
// its commit (every audited write of the tenant waits for it on PostgreSQL).

const USER_BY_EMAIL = `select ${USER_COLUMNS} from users where tenant_id = ? and email_normalized = ?`;
// Locked, as lockUser locks: the user before its identity.
const LOCKED_USER_BY_EMAIL = { sqlite: USER_BY_EMAIL, postgres: `${USER_BY_EMAIL} for update` } as const;

/** Runs a write, answering its conflicts (found by its checks, or a unique violation where another instance wrote first). */
async function answering<T>(write: () => Promise<T>, passThrough: (error: unknown) => boolean = () => false): Promise<T | ScimConflict> {
  try {
    return await write();
  } catch (error) {
    if (passThrough(error)) throw error;
    if (error instanceof ConflictFound) return error.conflict;
    const found = conflictOfError(error);
    if (found) return found;
    throw error;
  }
}

type WriteContext = { db: Db; scope: ScimScope; now: number; requestId: string | null };

function audit(c: WriteContext, userId: string, action: string, outcome: string, details: Record<string, unknown>) {
  return recordAuditEvent(c.db, {
    tenantId: c.scope.tenantId,
    actorType: "provider",
    actorId: c.scope.providerId,
    actorName: c.scope.providerName,
    action,
    targetType: "user",
    targetId: userId,
    outcome,
    requestId: c.requestId,
    details,
    createdAt: c.now,
  });
}

async function readRecord(db: Db, scope: ScimScope, userId: string): Promise<ScimUserRecord> {
  const identity = await findIdentity(db, scope, userId);
  return (await recordOf(db, identity!))!;
}

/**
 * The detached identity a POST attaches again, if any, after the conflicts of its userName and
 * externalId: the one with its externalId (which the unique index leaves no other choice of),
 * else the last one with its userName.
 */
async function identityToReuse(c: WriteContext, write: ScimUserWrite): Promise<string | undefined> {
  if (await userNameHeld(c.db, c.scope, write.usernameKey)) throw new ConflictFound(conflict("userName"));
  if (write.externalId !== null) {
    const holder = await externalIdHolder(c.db, c.scope, write.externalId);
    if (holder?.userId) throw new ConflictFound(conflict("externalId"));
    if (holder) return holder.id;
  }
  return detachedWithUserName(c.db, c.scope, write.usernameKey);
}

/** Links the tenant's user with the primary address: the body written to it, its unique code and name only when the provider gave them. */
async function linkUser(c: WriteContext, user: User, write: ScimUserWrite, reuse: string | undefined): Promise<void> {
  const { db, scope, now } = c;
  if (await attachedToProvider(db, scope, user.id)) throw new ConflictFound(conflict("alreadyLinked"));
  const code = write.employeeNumberGiven ? write.uniqueCode : null;
  if (code && code.value !== user.uniqueCode && (await uniqueCodeHeld(db, scope.tenantId, code.value, user.id))) {
    throw new ConflictFound(conflict("employeeNumber"));
  }
  const name = write.nameGiven === false ? { name: user.name, nameFolded: user.nameFolded } : {};
  await attachIdentity(db, scope, user.id, write, reuse, now);
  const { changed } = await writeUserSide(db, scope, user, { ...write, ...name, uniqueCode: code }, c);
  await audit(c, user.id, "identity.linked", "linked", { userName: write.userName, email: write.email });
  if (changed.length > 0) await audit(c, user.id, "user.updated", "updated", { fields: changed });
}

/** Creates the user as the body says (inactive if so, with no deactivation), with its addresses, mobiles and identity. */
async function createNewUser(c: WriteContext, write: ScimUserWrite, reuse: string | undefined): Promise<string> {
  const { db, scope, now } = c;
  const code = write.uniqueCode;
  if (!code) throw new RangeError("a new user needs a unique code: the employeeNumber, or one lib/scim generates");
  if (await uniqueCodeHeld(db, scope.tenantId, code.value)) throw new ConflictFound(conflict("employeeNumber"));
  const user = await createUser(
    db,
    {
      tenantId: scope.tenantId,
      email: write.email,
      emailNormalized: write.emailNormalized,
      name: write.name,
      nameFolded: write.nameFolded,
      active: write.active,
      uniqueCode: code.value,
      uniqueCodeFolded: code.folded,
      properties: { department: write.department },
      createdBy: { id: scope.providerId, name: scope.providerName },
    },
    now,
  );
  await writeOtherEmails(db, scope, user.id, write.otherEmails, now);
  await writeMobiles(db, scope, user.id, write.mobiles, now);
  await attachIdentity(db, scope, user.id, write, reuse, now);
  await audit(c, user.id, "user.created", "created", { email: write.email, userName: write.userName });
  return user.id;
}

/**
 * POST: creates the user and its identity — or, when the primary address is already a user of the
 * tenant, links that user (ADR 0017). A detached identity of the provider with the same externalId
 * (else userName) is attached again rather than a new one made.
 */
export function createScimUser(
  db: Db,
  scope: ScimScope,
  write: ScimUserWrite,
  now = Date.now(),
  requestId: string | null = null,
): Promise<{ status: "created" | "linked"; record: ScimUserRecord } | ScimConflict> {
  const c: WriteContext = { db, scope, now, requestId };
  return answering(() =>
    inTransaction(db, "immediate", async () => {
      const reuse = await identityToReuse(c, write);
      const existing = await prepared<UserRow>(db, LOCKED_USER_BY_EMAIL[db.dialect]).get(scope.tenantId, write.emailNormalized);
      if (existing) {
        await linkUser(c, userFromRow(existing), write, reuse);
        return { status: "linked" as const, record: await readRecord(db, scope, existing.id) };
      }
      const userId = await createNewUser(c, write, reuse);
      return { status: "created" as const, record: await readRecord(db, scope, userId) };
    }),
  );
}

/** The conflicts an update would run into, thrown before anything is written. */
async function checkUpdate(c: WriteContext, user: User, identity: IdentityRow, write: ScimUserWrite): Promise<void> {
  const { db, scope } = c;
  if (write.usernameKey !== identity.usernameKey && (await userNameHeld(db, scope, write.usernameKey, identity.id))) {
    throw new ConflictFound(conflict("userName"));
  }
  // A detached identity holds its externalId too: the unique index counts it.
  if (write.externalId !== null && write.externalId !== identity.externalId && (await externalIdHolder(db, scope, write.externalId, identity.id))) {
    throw new ConflictFound(conflict("externalId"));
  }
  if (write.emailNormalized !== user.emailNormalized && (await emailHeld(db, scope.tenantId, write, user.id))) throw new ConflictFound(conflict("email"));
  if (write.uniqueCode && write.uniqueCode.value !== user.uniqueCode && (await uniqueCodeHeld(db, scope.tenantId, write.uniqueCode.value, user.id))) {
    throw new ConflictFound(conflict("employeeNumber"));
  }
}

/** The user and its identity of the provider, locked in that order until the transaction ends (PostgreSQL), with the rest of its record. */
async function lockScimUser(c: WriteContext, userId: string): Promise<LockedRecord | undefined> {
  const user = await lockUser(c.db, c.scope.tenantId, userId);
  const identity = user && (await findIdentity(c.db, c.scope, userId, true));
  return user && identity && lockedRecordOf(c.db, user, identity);
}

type Decide = (current: ScimUserRecord) => ScimUserWrite | undefined | Promise<ScimUserWrite | undefined>;

/** What an update answers once written, read in its transaction: the record as it is now, or its status alone. */
type Answer<T> = {
  unchanged: (current: ScimUserRecord) => T;
  written: (c: WriteContext, locked: LockedRecord, changed: boolean, activeChanged: boolean) => Promise<T>;
};

const WITH_RECORD: Answer<{ status: "updated" | "unchanged"; record: ScimUserRecord }> = {
  unchanged: (record) => ({ status: "unchanged", record }),
  written,
};

const STATUS_ONLY: Answer<{ status: "updated" | "unchanged" }> = {
  unchanged: () => ({ status: "unchanged" }),
  written: async (_c, _locked, changed, activeChanged) => ({ status: changed || activeChanged ? "updated" : "unchanged" }),
};

/**
 * PUT and PATCH: in ONE immediate transaction, reads the current record (row-locked on PostgreSQL), calls
 * `decide(current)` — lib/scim checks If-Match and builds the write there; if it throws, everything rolls back and
 * the error propagates unchanged — then writes the difference. Undefined from decide means "write nothing".
 */
function update<T>(c: WriteContext, userId: string, decide: Decide, answer: Answer<T>): Promise<T | { status: "not-found" } | ScimConflict> {
  const { db, scope, now } = c;
  let decideThrew = false;
  const transaction = () =>
    inTransaction(db, "immediate", async () => {
      const locked = await lockScimUser(c, userId);
      if (!locked) return { status: "not-found" as const };
      const { user, identity, record: current } = locked;
      const write = await Promise.resolve()
        .then(() => decide(current))
        .catch((error: unknown) => {
          decideThrew = true;
          throw error;
        });
      if (write === undefined) return answer.unchanged(current);
      await checkUpdate(c, user, identity, write);
      const identityChanged = await writeIdentitySide(db, identity, write, now);
      const userSide = await writeUserSide(db, scope, user, write, c, locked);
      const changed = [...identityChanged, ...userSide.changed];
      if (changed.length > 0) await audit(c, userId, "user.updated", "updated", { fields: changed });
      return answer.written(c, locked, changed.length > 0, userSide.activeChanged);
    });
  // decide's own error goes on as it is, whatever it looks like.
  return answering(transaction, () => decideThrew);
}

/** update, answered with the record as written (PUT, and a PATCH that asks for the User). */
export const updateScimUser = (db: Db, scope: ScimScope, userId: string, decide: Decide, now = Date.now(), requestId: string | null = null) =>
  update({ db, scope, now, requestId }, userId, decide, WITH_RECORD);

/** update, answered with its status alone: a PATCH answering 204 reads nothing back. */
export const updateScimUserStatus = (db: Db, scope: ScimScope, userId: string, decide: Decide, now = Date.now(), requestId: string | null = null) =>
  update({ db, scope, now, requestId }, userId, decide, STATUS_ONLY);

/**
 * PATCH of `active` alone (Okta's and Entra's deactivation): the (de)activation and the identity's
 * last sync, as updateScimUser would write them, and nothing read that the 204 answering it does
 * not need. The switch reads (and on PostgreSQL locks) the user itself, as every writer locks the
 * user before its identity; then one statement moves the identity's last sync and finds it, before
 * anything else is written: a user of the tenant that the provider does not provision stays as it
 * was, and the sync is done before the audit event takes the tenant's audit chain head.
 */
export function setScimUserActive(
  db: Db,
  scope: ScimScope,
  userId: string,
  active: boolean,
  now = Date.now(),
  requestId: string | null = null,
): Promise<{ status: "updated" | "unchanged" | "not-found" }> {
  const whenFound = () => syncIdentity(db, scope, userId, now);
  return inTransaction(db, "immediate", async () => {
    const switched = await switchActive(db, scope, userId, active, { now, requestId, whenFound });
    return { status: switched === "not-found" ? "not-found" : switched ? "updated" : "unchanged" };
  });
}

/** The record after a write: read again when more than `active` changed, else the locked one brought up to date. */
async function written(c: WriteContext, locked: LockedRecord, changed: boolean, activeChanged: boolean) {
  const userId = locked.user.id;
  if (changed) return { status: "updated" as const, record: await readRecord(c.db, c.scope, userId) };
  const synced = { ...locked.record, identity: { ...locked.record.identity, lastSyncedAt: c.now } };
  if (!activeChanged) return { status: "unchanged" as const, record: synced };
  return { status: "updated" as const, record: { ...synced, user: recordUserOf((await lockUser(c.db, c.scope.tenantId, userId))!) } };
}

/** DELETE: deactivates the user (applyDeactivation, same transaction) and detaches the identity (user_id and username_key null, row kept). */
export function detachScimUser(
  db: Db,
  scope: ScimScope,
  userId: string,
  check?: (current: ScimUserRecord) => void,
  now = Date.now(),
  requestId: string | null = null,
): Promise<{ status: "detached" } | { status: "not-found" }> {
  const c: WriteContext = { db, scope, now, requestId };
  return inTransaction(db, "immediate", async () => {
    const locked = await lockScimUser(c, userId);
    if (!locked) return { status: "not-found" as const };
    const { identity } = locked;
    if (check) check(locked.record);
    await detachIdentity(db, identity.id, now);
    // auditNoop false: a user already inactive is detached without a no-op deactivation event.
    await applyDeactivation(db, { tenantId: scope.tenantId, userId, actor: providerActor(scope), requestId, auditNoop: false }, now);
    await audit(c, userId, "identity.detached", "detached", { identityId: identity.id, userName: identity.userName, externalId: identity.externalId });
    return { status: "detached" as const };
  });
}
