import { openDatabaseUrl } from "@/db/client";
import { settleAfterLoad, type BenchDatabase } from "./database";
import { log, seconds } from "./run";

// The API bench's data: a seeded tenant, its admin's token, and what the load will ask for.

export type ApiFixture = { tenantId: string; token: string; emails: string[]; deactivationIds: string[] };

/** Seeds the users, makes an admin with a token, and picks the addresses to look up and the users to deactivate. */
export async function prepareApiFixture({
  database,
  users: USERS,
  scopes: SCOPES,
  cli,
}: {
  database: BenchDatabase;
  users: number;
  scopes: string;
  cli: (args: string[]) => Record<string, unknown>;
}): Promise<ApiFixture> {
  let started = performance.now();
  log(`seed (${database.label}): ${USERS.toLocaleString("en-US")} users into ${database.where} ...`);
  const seeded = cli(["seed", "--users", String(USERS)]);
  const tenantId = String(seeded.tenantId);
  log(`seed (${database.label}): done in ${seconds(started)} (tenant ${tenantId})`);
  await settleAfterLoad(database, ["users"]);

  const adminEmail = "bench.admin@bench.example";
  const admin = cli(["admin", "create", "--tenant", tenantId, "--email", adminEmail, "--role", "admin"]);
  const issued = cli(["token", "create", "--tenant", tenantId, "--admin", adminEmail, "--scopes", SCOPES, "--name", "bench:api"]);

  started = performance.now();
  const db = openDatabaseUrl(database.url);
  try {
    const emails = (await db.statement<{ email: string }>("select email from users where tenant_id = ? order by random() limit 20000").all(tenantId)).map(
      (row) => row.email,
    );
    // Distinct active users, never the token's owner (self-deactivation is refused).
    const pool = Math.min(200_000, USERS);
    const deactivationIds = (
      await db
        .statement<{ id: string }>("select id from users where tenant_id = ? and active = true and id <> ? order by random() limit ?")
        .all(tenantId, String(admin.userId), pool)
    ).map((row) => row.id);
    log(
      `fixtures (${database.label}): ${emails.length.toLocaleString("en-US")} emails, ${deactivationIds.length.toLocaleString("en-US")} active users to deactivate (${seconds(started)})`,
    );
    return { tenantId, token: String(issued.token), emails, deactivationIds };
  } finally {
    await db.close();
  }
}
