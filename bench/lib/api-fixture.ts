import Database from "better-sqlite3";
import { log, seconds } from "./run";

// The API bench's data: a seeded tenant, its admin's token, and what the load will ask for.

export type ApiFixture = { tenantId: string; token: string; emails: string[]; deactivationIds: string[] };

/** Seeds the users, makes an admin with a token, and picks the addresses to look up and the users to deactivate. */
export function prepareApiFixture({
  dbFile,
  users: USERS,
  scopes: SCOPES,
  cli,
}: {
  dbFile: string;
  users: number;
  scopes: string;
  cli: (args: string[]) => Record<string, unknown>;
}): ApiFixture {
  let started = performance.now();
  log(`seed: ${USERS.toLocaleString("en-US")} users into ${dbFile} ...`);
  const seeded = cli(["seed", "--users", String(USERS)]);
  const tenantId = String(seeded.tenantId);
  log(`seed: done in ${seconds(started)} (tenant ${tenantId})`);

  const adminEmail = "bench.admin@bench.example";
  const admin = cli(["admin", "create", "--tenant", tenantId, "--email", adminEmail, "--role", "admin"]);
  const issued = cli(["token", "create", "--tenant", tenantId, "--admin", adminEmail, "--scopes", SCOPES, "--name", "bench:api"]);

  started = performance.now();
  const db = new Database(dbFile, { readonly: true });
  try {
    const emails = db.prepare("select email from users where tenant_id = ? order by random() limit 20000").pluck().all(tenantId) as string[];
    // Distinct active users, never the token's owner (self-deactivation is refused).
    const pool = Math.min(200_000, USERS);
    const deactivationIds = db
      .prepare("select id from users where tenant_id = ? and active = 1 and id <> ? order by random() limit ?")
      .pluck()
      .all(tenantId, String(admin.userId), pool) as string[];
    log(
      `fixtures: ${emails.length.toLocaleString("en-US")} emails, ${deactivationIds.length.toLocaleString("en-US")} active users to deactivate (${seconds(started)})`,
    );
    return { tenantId, token: String(issued.token), emails, deactivationIds };
  } finally {
    db.close();
  }
}
