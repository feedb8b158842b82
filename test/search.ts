import { sqliteClient, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";

const COUNTS_OFF = "select count(*) as n from tenants t where t.user_count <> (select count(*) from users u where u.tenant_id = t.id)";

// PostgreSQL keeps one copy: the update time (db/migrations-postgres/0006); its search keys are indexes of users itself.
const POSTGRES_COPY_OFF = `select (select count(*) from users u left join users_updated_at a on a.user_id = u.id
    where a.user_id is null or a.tenant_id <> u.tenant_id or a.updated_at <> u.updated_at)
  + (select count(*) from users_updated_at a where not exists (select 1 from users u where u.id = a.user_id)) as n`;

/**
 * What the triggers left out of step with the users table, 0 when they did their work: tenants
 * whose user_count is off, and the users whose copy (SQLite: in users_search or users_updated_at;
 * PostgreSQL: in users_updated_at) differs from the row (or is missing), plus copies of no user.
 */
export async function searchCopyDiffers(db: Db): Promise<number> {
  const counts = (await prepared<{ n: number }>(db, COUNTS_OFF).get())!.n;
  if (db.dialect !== "sqlite") return counts + Number((await prepared<{ n: number }>(db, POSTGRES_COPY_OFF).get())!.n);
  const sqlite = sqliteClient(db);
  return (
    counts +
    (
      sqlite
        .prepare(
          "select count(*) as n from users u join tenants t on t.id = u.tenant_id left join users_search s on s.rowid = u.rowid " +
            "left join users_updated_at a on a.user_rowid = u.rowid " +
            "where s.rowid is null or s.tenant_tag is not t.search_tag or s.email_normalized is not u.email_normalized or s.name_folded is not u.name_folded " +
            "or s.unique_code_folded is not u.unique_code_folded or s.created_at is not u.created_at or a.updated_at is not u.updated_at or s.unique_code is not u.unique_code",
        )
        .get() as { n: number }
    ).n +
    (
      sqlite.prepare("select (select count(*) from users_search) + (select count(*) from users_updated_at) - 2 * (select count(*) from users) as n").get() as {
        n: number;
      }
    ).n
  );
}

type PlanNode = { "Node Type": string; "Scan Direction"?: string; "Index Name"?: string; "Relation Name"?: string; Plans?: PlanNode[] };

/** SQLite's plan of a statement, its steps' details joined by " | " (compared against the plans the tests expect). */
export function sqlitePlan(db: Db, statement: { sql: string; args: readonly unknown[] }): string {
  return (
    sqliteClient(db)
      .prepare(`explain query plan ${statement.sql}`)
      .all(...statement.args) as { detail: string }[]
  )
    .map((row) => row.detail)
    .join(" | ");
}

/**
 * PostgreSQL's plan of a statement (`explain (format json)`), one "<node type> [Backward] <index or
 * table>" per node, depth first. `indexesOnly` prices sequential scans and sorts out of the planner's
 * choice (a test table is small enough for either to look cheapest): what remains shows an index
 * that serves the statement's filter and order, which is what a million users leave it to use.
 */
export async function postgresPlan(db: Db, statement: { sql: string; args: readonly unknown[] }, options: { indexesOnly?: boolean } = {}): Promise<string[]> {
  return db.transaction(async () => {
    if (options.indexesOnly) await db.exec("set local enable_seqscan = off; set local enable_sort = off");
    const row = await prepared<{ "QUERY PLAN": string }>(db, `explain (format json) ${statement.sql}`).get(...(statement.args as (string | number)[]));
    const lines: string[] = [];
    const walk = (node: PlanNode) => {
      const backward = node["Scan Direction"] === "Backward" ? "Backward" : null;
      lines.push([node["Node Type"], backward, node["Index Name"] ?? node["Relation Name"]].filter(Boolean).join(" "));
      for (const child of node.Plans ?? []) walk(child);
    };
    walk((JSON.parse(row!["QUERY PLAN"]) as { Plan: PlanNode }[])[0]!.Plan);
    return lines;
  });
}
