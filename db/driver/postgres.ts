import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { from as copyFromStdin, type CopyStreamQuery } from "pg-copy-streams";
import { setBounded } from "./bounded-map";
import { toPostgres, valuesFor } from "./placeholders";
import { inTurn, scopeOf, type Scope } from "./scope";
import type { Db, Param, Statement, StatementOptions } from "./types";

// `ended`: the connection went back to the pool. A promise the work left running (not awaited)
// keeps the transaction's context; its statements then take a pooled connection like any other,
// never the released one, which another transaction may hold by then.
type Holder = { client: pg.PoolClient; depth: number; ended: boolean };

// Rows read the same on both databases: counts and epoch milliseconds (bigint) as numbers, flags
// as 1/0 like SQLite's, JSON as its text (query functions parse it, as they do SQLite's).
const parsers: Record<number, (value: string) => unknown> = {
  20: Number, // int8
  1700: Number, // numeric (sum() of bigints)
  16: (value) => (value === "t" ? 1 : 0), // bool
  114: (value) => value, // json
  3802: (value) => value, // jsonb
};
const types = {
  getTypeParser: ((oid: number, format?: string) => parsers[oid] ?? pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

const names = new Map<string, string>();
// Every statement text in db/ is one of a bounded set; past this many, a statement built from
// values by mistake runs unnamed rather than be kept prepared on every pooled connection forever.
const MAX_NAMED_STATEMENTS = 500;
// node-postgres prepares a named statement once per connection and reuses it by name.
const nameOf = (text: string): string | undefined => {
  let name = names.get(text);
  if (!name && names.size < MAX_NAMED_STATEMENTS) names.set(text, (name = `roster_${names.size + 1}`));
  return name;
};

const IDLE_IN_TRANSACTION_MS = 60_000;

export type PostgresOptions = { max?: number; applicationName?: string };

/**
 * node-postgres behind the async `Db`: statements outside a transaction take any pooled
 * connection; a transaction holds one connection, and statements from its async context
 * (AsyncLocalStorage) run on it.
 */
export class PostgresDb implements Db {
  readonly dialect = "postgres" as const;
  readonly pool: pg.Pool;
  private readonly statements = new Map<string, PostgresStatement<unknown>>();
  private readonly context = new AsyncLocalStorage<Scope<Holder>>();

  constructor(url: string, options: PostgresOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      application_name: options.applicationName ?? "roster",
      // Every transaction here is a few statements long: one left open (a hung instance) would hold its
      // row locks, a leaver batch's among them (its lease, docs/decisions/0016), so the server ends it.
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      // No JIT compilation: every statement here is short, and one whose estimate passes jit_above_cost
      // spends 15-25 ms compiling before a millisecond of work (the webhook claim, docs/decisions/0016).
      // After the operator's PGOPTIONS, which an explicit value would otherwise replace.
      options: [process.env.PGOPTIONS, "-c jit=off"].filter(Boolean).join(" "),
    });
    // An idle connection the server drops (a restart, a failover) must not crash the process.
    this.pool.on("error", () => {});
  }

  statement<Row = unknown>(sql: string, options: StatementOptions = {}): Statement<Row> {
    const key = options.planEachTime ? `${sql}\0planEachTime` : sql;
    let statement = this.statements.get(key);
    if (!statement) statement = setBounded(this.statements, key, new PostgresStatement(this, sql, !options.planEachTime), MAX_NAMED_STATEMENTS);
    return statement as Statement<Row>;
  }

  query<Row>(config: pg.QueryConfig): Promise<pg.QueryResult<Row & pg.QueryResultRow>> {
    const holder = this.context.getStore()?.transaction;
    return holder && !holder.ended ? holder.client.query(config) : this.pool.query(config);
  }

  /** A `copy … from stdin` stream on the current transaction's connection (bulk loads, pg-copy-streams). */
  copyFrom(sql: string): CopyStreamQuery {
    const holder = this.context.getStore()?.transaction;
    if (!holder || holder.ended) throw new Error("COPY runs inside a transaction (its rows commit with the transaction's work)");
    return holder.client.query(copyFromStdin(sql));
  }

  inTransaction(): boolean {
    const holder = this.context.getStore()?.transaction;
    return holder !== undefined && !holder.ended;
  }

  // No mode: PostgreSQL writers lock the rows they change as they go (see TransactionMode).
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    const scope = this.context.getStore();
    if (scope && !scope.transaction.ended) return inTurn(scope, () => this.savepoint(scope.transaction, work));
    const client = await this.pool.connect();
    const holder: Holder = { client, depth: 0, ended: false };
    let broken: unknown;
    try {
      await client.query("begin");
      try {
        const result = await this.context.run(scopeOf(holder), work);
        await client.query("commit");
        return result;
      } catch (error) {
        await client.query("rollback").catch((rollbackError: unknown) => (broken = rollbackError));
        throw error;
      }
    } finally {
      holder.ended = true;
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  private async savepoint<T>(holder: Holder, work: () => Promise<T>): Promise<T> {
    const name = `roster_${(holder.depth += 1)}`;
    await holder.client.query(`savepoint ${name}`);
    try {
      const result = await this.context.run(scopeOf(holder), work);
      await holder.client.query(`release savepoint ${name}`);
      return result;
    } catch (error) {
      await holder.client.query(`rollback to savepoint ${name}`);
      throw error;
    } finally {
      holder.depth -= 1;
    }
  }

  async exec(sql: string): Promise<void> {
    await this.query({ text: sql });
  }

  async close(): Promise<void> {
    // Shutdown paths may close a handle twice; pg's pool throws on a second end().
    if (!this.pool.ending) await this.pool.end();
  }
}

class PostgresStatement<Row> implements Statement<Row> {
  private readonly converted;
  private readonly name;

  constructor(
    private readonly db: PostgresDb,
    sql: string,
    named: boolean,
  ) {
    this.converted = toPostgres(sql);
    // Unnamed, node-postgres sends the statement each time and PostgreSQL plans it for its values.
    this.name = named ? nameOf(this.converted.text) : undefined;
  }

  private execute(params: Param[]) {
    return this.db.query<Row>({ name: this.name, text: this.converted.text, values: valuesFor(this.converted, params) });
  }

  async get(...params: Param[]): Promise<Row | undefined> {
    return (await this.execute(params)).rows[0];
  }

  async all(...params: Param[]): Promise<Row[]> {
    return (await this.execute(params)).rows;
  }

  async run(...params: Param[]): Promise<{ changes: number }> {
    return { changes: (await this.execute(params)).rowCount ?? 0 };
  }
}
