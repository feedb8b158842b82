import { getTableColumns, is, SQL } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  type PgColumn,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
} from "drizzle-orm/pg-core";
import { getTableConfig, SQLiteTable, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as sqliteSchema from "../schema";

/**
 * The PostgreSQL schema, derived from the SQLite one (db/schema/) rather than written twice:
 * the same tables, columns, keys, indexes and foreign keys, each column in PostgreSQL's type for
 * what it holds. drizzle-kit generates db/migrations-postgres/ from it (drizzle.postgres.config.ts).
 * What SQL alone maintains (triggers, the search index) is written per dialect in the migrations.
 */

type AnyPgTable = PgTableWithColumns<never>;

function pgColumn(column: SQLiteColumn): PgColumnBuilderBase {
  const name = column.name;
  let builder;
  switch (column.columnType) {
    case "SQLiteText":
      builder = text(name, column.enumValues?.length ? { enum: column.enumValues as [string, ...string[]] } : {});
      break;
    case "SQLiteTextJson":
      builder = jsonb(name);
      break;
    // Epoch milliseconds and counts: beyond 32 bits, and read back as JavaScript numbers.
    case "SQLiteInteger":
      builder = bigint(name, { mode: "number" });
      break;
    case "SQLiteBoolean":
      builder = boolean(name);
      break;
    case "SQLiteTimestamp":
      builder = timestamp(name, { mode: "date", precision: 3, withTimezone: true });
      break;
    default:
      throw new Error(`db/postgres/schema.ts: no PostgreSQL type for ${column.columnType} (${name})`);
  }
  if (column.notNull) builder = builder.notNull();
  if (column.default !== undefined) builder = builder.default(column.default as never);
  if (column.primary) builder = builder.primaryKey();
  return builder;
}

const derived = new Map<SQLiteTable, AnyPgTable>();

function derive(table: SQLiteTable): AnyPgTable {
  const config = getTableConfig(table);
  const keyOf = new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [column as SQLiteColumn, key]));
  const columns = Object.fromEntries([...keyOf].map(([column, key]) => [key, pgColumn(column)]));
  // The extra configuration is read lazily (by drizzle-kit and queries), when every table exists.
  const pg = pgTable(config.name, columns, (own) => {
    const mine = (column: SQLiteColumn) => (own as Record<string, PgColumn>)[keyOf.get(column)!]!;
    const theirs = (column: SQLiteColumn) => {
      const parent = derived.get(column.table as SQLiteTable)!;
      const parentKey = Object.entries(getTableColumns(column.table as SQLiteTable)).find(([, value]) => value === column)![0];
      return (parent as unknown as Record<string, PgColumn>)[parentKey]!;
    };
    return [
      ...config.indexes.map((sqliteIndex) => {
        const { name, columns: on, unique } = sqliteIndex.config;
        const [first, ...rest] = on.map((column) => {
          if (is(column, SQL)) throw new Error(`db/postgres/schema.ts: ${name} indexes an expression, which is not derived`);
          return mine(column as SQLiteColumn);
        });
        return (unique ? uniqueIndex(name) : index(name)).on(first!, ...rest);
      }),
      ...config.primaryKeys.map((key) =>
        primaryKey({ name: key.getName(), columns: key.columns.map((column) => mine(column as SQLiteColumn)) as [PgColumn, ...PgColumn[]] }),
      ),
      ...config.foreignKeys.map((key) => {
        const reference = key.reference();
        const built = foreignKey({
          name: key.getName(),
          columns: reference.columns.map((column) => mine(column as SQLiteColumn)) as [PgColumn, ...PgColumn[]],
          foreignColumns: reference.foreignColumns.map((column) => theirs(column as SQLiteColumn)) as [PgColumn, ...PgColumn[]],
        });
        return key.onDelete ? built.onDelete(key.onDelete) : built;
      }),
    ];
  });
  derived.set(table, pg as unknown as AnyPgTable);
  return pg as unknown as AnyPgTable;
}

const sqliteTables = (Object.entries(sqliteSchema) as [string, unknown][]).filter((entry): entry is [string, SQLiteTable] => is(entry[1], SQLiteTable));

/** Every table of db/schema/, under the same export names. */
export const postgresTables: Record<string, AnyPgTable> = Object.fromEntries(sqliteTables.map(([key, table]) => [key, derive(table)]));

// drizzle-kit reads a schema module's exported tables by name.
export const {
  tenants,
  users,
  userEmails,
  userMobiles,
  usersToRefold,
  identityProviders,
  identities,
  admins,
  personalAccessTokens,
  sessions,
  auditEvents,
  auditChainHeads,
  auditCheckpoints,
  healthChecks,
  maintenanceMarks,
  rateLimits,
  leaverPreviews,
  leaverPreviewRows,
  leaverJobs,
  leaverJobRows,
  leaverJobApprovals,
  approvalThresholdRequests,
  scheduledDeactivations,
  scimTokens,
  webhookEndpoints,
  webhookEvents,
  webhookDeliveries,
  webhookAttempts,
  webhookRelay,
  ssoConfigs,
  ssoDomains,
  oidcLogins,
  adminSsoSubjects,
  mfaFactors,
  mfaRecoveryCodes,
  pendingSignIns,
  mfaChallenges,
} = postgresTables;
