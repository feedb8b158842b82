import type Database from "better-sqlite3";
import type { Db } from "../client";
import type { EmailKey } from "../schema";

/**
 * Email key → user id within one tenant, for up to a thousand addresses in one indexed query.
 */
export function findUserIdsByEmails(db: Db, tenantId: string, emails: readonly EmailKey[]): Map<EmailKey, string> {
  const normalized = [...new Set(emails)];
  const found = new Map<EmailKey, string>();
  if (normalized.length === 0) return found;
  const statement = lookupStatement(db.$client, normalized.length);
  for (const row of statement.all(tenantId, ...normalized) as { email: EmailKey; id: string }[]) found.set(row.email, row.id);
  return found;
}

// Raw SQL on the (tenant_id, email_normalized) unique index: the hot path of the lookup API.
// Statements are cached per connection and address count (most calls ask for one address).
const statements = new WeakMap<Database.Database, Map<number, Database.Statement>>();
const MAX_CACHED_SIZES = 64;

function lookupStatement(sqlite: Database.Database, count: number): Database.Statement {
  let bySize = statements.get(sqlite);
  if (!bySize) statements.set(sqlite, (bySize = new Map()));
  let statement = bySize.get(count);
  if (!statement) {
    statement = sqlite.prepare(`select email_normalized as email, id from users where tenant_id = ? and email_normalized in (${Array(count).fill("?").join(",")})`);
    if (bySize.size >= MAX_CACHED_SIZES) bySize.clear();
    bySize.set(count, statement);
  }
  return statement;
}
