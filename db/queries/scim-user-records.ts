import type { Db } from "../client";
import { codePointOrder, inList, prepared } from "../prepared";
import type { EmailKey, TextKey, User } from "../schema";
import type { OrderTerm, SqlFragment } from "./scim-user-filter";
import { USER_COLUMNS, userFromRow, type UserRow } from "./user-directory";

// What an identity provider sees through SCIM (docs/decisions/0017): the shapes db/queries/scim-users.ts
// exports, and reading them back: an identity of the provider, its user, the user's other addresses and mobiles.

/** Whose view: the token's tenant and identity provider. A SCIM user is a user with an identity of this provider (user_id not null). */
export type ScimScope = { tenantId: string; providerId: string; providerName: string };

/** What a SCIM User shows of its Roster user (renderScimUser); a write's changes are decided on the locked User. */
export type ScimRecordUser = Pick<User, "id" | "email" | "name" | "active" | "uniqueCode" | "createdAt" | "updatedAt"> & { department: string };

export type ScimUserRecord = {
  user: ScimRecordUser;
  identity: {
    id: string;
    externalId: string | null;
    userName: string;
    attributes: Record<string, unknown>;
    lastSyncedAt: number | null;
    createdAt: number;
    updatedAt: number;
  };
  /** user_emails rows of the user, oldest first. */
  otherEmails: { email: string; label: string }[];
  /** Primary first. */
  mobiles: { kind: "primary" | "secondary"; countryCode: string; number: string }[];
};

/** The fields filters and sorts know; lib/scim maps SCIM attribute paths onto them. */
export type ScimField = "id" | "userName" | "externalId" | "email" | "displayName" | "givenName" | "familyName" | "active" | "created" | "lastModified";

export type ScimComparison = {
  op: "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
  field: ScimField;
  value: string | number | boolean;
  /** Only for field "email" (from value filters like emails[type eq "work" and value eq "x"]): which addresses count. */
  emailType?: string;
  emailPrimary?: boolean;
};

export type ScimCondition =
  ScimComparison | { op: "pr"; field: ScimField } | { op: "and" | "or"; conditions: ScimCondition[] } | { op: "not"; condition: ScimCondition };

export type ScimListQuery = { filter?: ScimCondition; sortBy?: ScimField; descending?: boolean; offset: number; limit: number };

/** What lib/scim makes of a SCIM User body (POST, PUT, or a PATCH applied to the current resource), validated and normalized. */
export type ScimUserWrite = {
  userName: string;
  usernameKey: string;
  externalId: string | null;
  /** The primary address → users.email. */
  email: string;
  emailNormalized: EmailKey;
  /** → user_emails (replaced as a whole). */
  otherEmails: { email: string; emailNormalized: EmailKey; label: string }[];
  /** → user_mobiles (replaced as a whole). */
  mobiles: { kind: "primary" | "secondary"; countryCode: string; number: string }[];
  /** → users.name, name_folded. */
  name: string;
  nameFolded: TextKey;
  /** employeeNumber → users.unique_code; null: keep (create: lib passes a generated one, never null). */
  uniqueCode: { value: string; folded: TextKey } | null;
  /**
   * Whether `uniqueCode` is the provider's employeeNumber (not one lib generated). A POST that links
   * an existing user writes it only then: otherwise the user keeps the code it has.
   */
  employeeNumberGiven?: boolean;
  /** Whether the body named the user (displayName or name); if not, `name` was made from the userName, and linking keeps the user's own. */
  nameGiven?: boolean;
  /** → users.properties.department (other properties kept). */
  department: string;
  /** → identities.scim_attributes. */
  attributes: Record<string, unknown>;
  active: boolean;
};

export type ScimConflict = { status: "conflict"; field: "userName" | "externalId" | "email" | "employeeNumber" | "alreadyLinked"; detail: string };

/** An identity as read for a record; `externalId` null where the column holds the identity's own id (the provider gave none). */
export type IdentityRow = {
  id: string;
  userId: string;
  externalId: string | null;
  userName: string;
  usernameKey: string | null;
  externalEmail: string | null;
  externalDisplayName: string | null;
  attributes: string | null;
  lastSyncedAt: number | null;
  createdAt: number;
  updatedAt: number;
};

/**
 * The columns of IdentityRow, from `identities i` (or unqualified: SQLite's RETURNING takes no table
 * names). A manually linked identity may have no username: its external id stands in.
 */
const identityColumns = (
  i: "i." | "",
) => `${i}id, ${i}user_id as "userId", case when ${i}external_id = ${i}id then null else ${i}external_id end as "externalId",
  coalesce(${i}external_username, ${i}external_id) as "userName", ${i}username_key as "usernameKey", ${i}external_email as "externalEmail",
  ${i}external_display_name as "externalDisplayName", ${i}scim_attributes as attributes, ${i}last_synced_at as "lastSyncedAt",
  ${i}created_at as "createdAt", ${i}updated_at as "updatedAt"`;
export const IDENTITY_COLUMNS = identityColumns("i.");

/** The provider's identities `i` that are attached to a user (the SCIM users); its parameters: the provider's id, the tenant's. */
export const OF_PROVIDER = "i.identity_provider_id = ? and i.tenant_id = ? and i.user_id is not null";

// A user holds one identity of a provider unless someone linked another by hand (linkIdentity):
// then the SCIM one (with a username key) is read, the lowest id among equals.
const identityOfUser = (dialect: Db["dialect"], columns: string) =>
  `select ${columns} from identities i where ${OF_PROVIDER} and i.user_id = ?
   order by (case when i.username_key is null then 1 else 0 end), i.id${codePointOrder(dialect)} limit 1`;
const lockedIdentityOfUser = (dialect: Db["dialect"], lock: boolean) =>
  `${identityOfUser(dialect, IDENTITY_COLUMNS)}${lock && dialect === "postgres" ? " for update" : ""}`;
// The identity's last sync written, found and row-locked (PostgreSQL) by the update itself. SQLite
// finds the row by its rowid, without a second walk down the primary key's index.
const syncedIdentityOfUser = (dialect: Db["dialect"]) => {
  const key = dialect === "sqlite" ? "rowid" : "id";
  return `update identities set last_synced_at = ? where ${key} = (${identityOfUser(dialect, `i.${key}`)}) returning id`;
};

/**
 * The SCIM identity of a user in the scope; `lock` takes its row lock on PostgreSQL (writes: take
 * the user's first, see lockUser), which SQLite's immediate transaction already holds.
 */
export function findIdentity(db: Db, scope: ScimScope, userId: string, lock = false): Promise<IdentityRow | undefined> {
  return prepared<IdentityRow>(db, lockedIdentityOfUser(db.dialect, lock)).get(scope.providerId, scope.tenantId, userId);
}

/**
 * For a write that changes nothing else of the identity: its last sync moved to `now` (the identity
 * row-locked by it on PostgreSQL, after the user, as lockUser says); false when the scope has no identity of the user.
 */
export async function syncIdentity(db: Db, scope: ScimScope, userId: string, now: number): Promise<boolean> {
  return (await prepared<{ id: string }>(db, syncedIdentityOfUser(db.dialect)).get(now, scope.providerId, scope.tenantId, userId)) !== undefined;
}

const USER_OF_TENANT = `select ${USER_COLUMNS} from users where id = ? and tenant_id = ?`;
const LOCKED_USER = { sqlite: USER_OF_TENANT, postgres: `${USER_OF_TENANT} for update` } as const;

/**
 * The user, row-locked on PostgreSQL until the transaction ends. Writers lock the user before its
 * identity (as applyDeactivation locks the user), so two writers of one user never wait on each other crosswise.
 */
export async function lockUser(db: Db, tenantId: string, userId: string): Promise<User | undefined> {
  const row = await prepared<UserRow>(db, LOCKED_USER[db.dialect]).get(userId, tenantId);
  return row && userFromRow(row);
}

export type EmailRow = { id: string; userId: string; email: string; label: string };
export type MobileRow = { userId: string; kind: "primary" | "secondary"; countryCode: string; number: string };

// "Oldest first": addresses written together are ordered by their key, so that a read never reorders them.
const emailOrder = (dialect: Db["dialect"]) => `created_at, email_normalized${codePointOrder(dialect)}, id${codePointOrder(dialect)}`;
// 'primary' sorts before 'secondary' under every collation.
const MOBILE_ORDER = "kind";
const emailsOf = (dialect: Db["dialect"], list: string) =>
  `select id, user_id as "userId", email, label from user_emails where user_id in ${list} order by ${emailOrder(dialect)}`;
const mobilesOf = (list: string) =>
  `select user_id as "userId", kind, country_code as "countryCode", number from user_mobiles where user_id in ${list} order by ${MOBILE_ORDER}`;

export async function emailsOfUsers(db: Db, userIds: readonly string[]): Promise<EmailRow[]> {
  const list = inList(userIds);
  return prepared<EmailRow>(db, emailsOf(db.dialect, list.sql)).all(...list.values);
}

async function mobilesOfUsers(db: Db, userIds: readonly string[]): Promise<MobileRow[]> {
  const list = inList(userIds);
  return prepared<MobileRow>(db, mobilesOf(list.sql)).all(...list.values);
}

/** What a record takes of an identity's row. */
type RecordIdentity = Pick<IdentityRow, "id" | "externalId" | "userName" | "attributes" | "lastSyncedAt" | "createdAt" | "updatedAt">;

export const identityOfRow = (row: RecordIdentity): ScimUserRecord["identity"] => ({
  id: row.id,
  externalId: row.externalId,
  userName: row.userName,
  attributes: row.attributes === null ? {} : (JSON.parse(row.attributes) as Record<string, unknown>),
  lastSyncedAt: row.lastSyncedAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

type RecordEmail = ScimUserRecord["otherEmails"][number];
type RecordMobile = ScimUserRecord["mobiles"][number];

/** What a SCIM User shows of this user. */
export const recordUserOf = (user: User): ScimRecordUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  active: user.active,
  uniqueCode: user.uniqueCode,
  department: user.properties.department,
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

const recordFrom = (user: User, identity: RecordIdentity, emails: readonly RecordEmail[], mobiles: readonly RecordMobile[]): ScimUserRecord => ({
  user: recordUserOf(user),
  identity: identityOfRow(identity),
  otherEmails: emails.map(({ email, label }) => ({ email, label })),
  mobiles: mobiles.map(({ kind, countryCode, number }) => ({ kind, countryCode, number })),
});

// A user's record in one statement: what a SCIM User shows of the user, its addresses and mobiles
// aggregated as JSON text in the orders the writes compare them in (emailOrder, MOBILE_ORDER). A
// single user's read (GET, and every write's answer) pays for one statement instead of three; a
// list's page, with its identities, for one in all.
const aggregated = {
  sqlite: (fields: string, order: string) => `json_group_array(json_object(${fields}) order by ${order})`,
  postgres: (fields: string, order: string) => `coalesce(json_agg(json_build_object(${fields}) order by ${order}), '[]')::text`,
} as const;
const DEPARTMENT = { sqlite: "json_extract(u.properties, '$.department')", postgres: "u.properties->>'department'" } as const;
const recordColumns = (dialect: Db["dialect"]) => `u.id, u.email, u.name, u.active, u.unique_code as "uniqueCode",
  ${DEPARTMENT[dialect]} as department, u.created_at as "createdAt", u.updated_at as "updatedAt",
  (select ${aggregated[dialect]("'email', email, 'label', label", emailOrder(dialect))} from user_emails where user_id = u.id) as "otherEmails",
  (select ${aggregated[dialect]("'kind', kind, 'countryCode', country_code, 'number', number", MOBILE_ORDER)}
    from user_mobiles where user_id = u.id) as mobiles`;
const recordOfUser = (dialect: Db["dialect"]) => `select ${recordColumns(dialect)} from users u where u.id = ?`;
const RECORD_OF_USER = { sqlite: recordOfUser("sqlite"), postgres: recordOfUser("postgres") } as const;

type RecordRow = Omit<ScimRecordUser, "active" | "department"> & { active: number; department: string | null; otherEmails: string; mobiles: string };

// Field by field, the JSON parsed once: a list makes a hundred of these.
const recordOfRow = (row: RecordRow, identity: ScimUserRecord["identity"]): ScimUserRecord => ({
  user: {
    id: row.id,
    email: row.email,
    name: row.name,
    active: row.active === 1,
    uniqueCode: row.uniqueCode,
    department: row.department ?? "",
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  },
  identity,
  otherEmails: JSON.parse(row.otherEmails) as RecordEmail[],
  mobiles: JSON.parse(row.mobiles) as RecordMobile[],
});

/** recordsOfPage for one identity, in one statement; undefined if its user is gone. */
export async function recordOf(db: Db, identity: IdentityRow): Promise<ScimUserRecord | undefined> {
  const row = await prepared<RecordRow>(db, RECORD_OF_USER[db.dialect]).get(identity.userId);
  return row && recordOfRow(row, identityOfRow(identity));
}

/**
 * A page of identities: a statement selecting IDENTITY_COLUMNS and, as "order0", "order1", …, the
 * keys of its ORDER BY, which the page's records are sorted by again.
 */
export type IdentityPage = SqlFragment & { order: readonly OrderTerm[] };

export const orderColumns = (order: readonly OrderTerm[]) => order.map((term, n) => `, ${term.key} as "order${n}"`).join("");

// The identity's fields under names of their own beside the user's (its id, its times).
const PAGE_IDENTITY = `page.id as "identityId", page."externalId", page."userName", page.attributes, page."lastSyncedAt",
  page."createdAt" as "identityCreatedAt", page."updatedAt" as "identityUpdatedAt"`;
type PageRow = RecordRow &
  Pick<IdentityRow, "externalId" | "userName" | "attributes" | "lastSyncedAt"> & { identityId: string; identityCreatedAt: number; identityUpdatedAt: number };

// The page in a subquery, so that its LIMIT and OFFSET come before any user is read; the cross join
// keeps SQLite from reading the users first. A user deleted since its identity was linked has no record.
export const pageRecords = (dialect: Db["dialect"], page: IdentityPage) =>
  `select ${PAGE_IDENTITY}, ${recordColumns(dialect)} from (${page.sql}) page cross join users u where u.id = page."userId" ` +
  `order by ${page.order.map((term, n) => `page."order${n}"${term.direction}`).join(", ")}`;

/**
 * The records of a page of identities, in its order, in one statement: on PostgreSQL one round trip
 * where the identities, then the users, their addresses and their mobiles took two (and four statements).
 */
export async function recordsOfPage(db: Db, page: IdentityPage): Promise<ScimUserRecord[]> {
  const rows = await prepared<PageRow>(db, pageRecords(db.dialect, page)).all(...page.args);
  return rows.map((row) =>
    recordOfRow(
      row,
      identityOfRow({
        id: row.identityId,
        externalId: row.externalId,
        userName: row.userName,
        attributes: row.attributes,
        lastSyncedAt: row.lastSyncedAt,
        createdAt: row.identityCreatedAt,
        updatedAt: row.identityUpdatedAt,
      }),
    ),
  );
}

/** A user's record, its user and identity already read (and locked); the rows too, which a write compares against. */
export type LockedRecord = { user: User; identity: IdentityRow; emails: EmailRow[]; mobiles: MobileRow[]; record: ScimUserRecord };

export async function lockedRecordOf(db: Db, user: User, identity: IdentityRow): Promise<LockedRecord> {
  const emails = await emailsOfUsers(db, [user.id]);
  const mobiles = await mobilesOfUsers(db, [user.id]);
  return { user, identity, emails, mobiles, record: recordFrom(user, identity, emails, mobiles) };
}
