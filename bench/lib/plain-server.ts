/**
 * The machine's limit for the email → UUID lookup: a plain node:http server doing the same
 * indexed query as the API on the same database (read-only), without auth, rate limit, policy
 * or validation: better-sqlite3 on a SQLite file, or a node-postgres pool (as many connections
 * as the server's default, DATABASE_POOL_MAX 10) with a named prepared statement on PostgreSQL.
 * Started by bench/api.ts as its own process:
 *   PLAIN_DB=<file or postgres://…> PLAIN_TENANT=<id> PORT=<port> tsx bench/lib/plain-server.ts
 * Any POST is a lookup of `{"emailAddresses":[{"emailAddress":"..."}]}`; GET /health answers ok.
 */
import http from "node:http";
import Database from "better-sqlite3";
import pg from "pg";

const file = process.env.PLAIN_DB;
const tenantId = process.env.PLAIN_TENANT;
const port = Number(process.env.PORT);
if (!file || !tenantId || !Number.isInteger(port)) {
  console.error("plain-server: PLAIN_DB, PLAIN_TENANT and PORT are required");
  process.exit(2);
}

const LOOKUP = "select id from users where tenant_id = $1 and email_normalized = $2";

function sqliteLookup(path: string): (email: string) => Promise<string | undefined> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  const statement = db.prepare(LOOKUP.replace(/\$\d/g, "?")).pluck();
  return (email) => Promise.resolve(statement.get(tenantId, email) as string | undefined);
}

function postgresLookup(url: string): (email: string) => Promise<string | undefined> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return async (email) => (await pool.query<{ id: string }>({ name: "plain_lookup", text: LOOKUP, values: [tenantId, email] })).rows[0]?.id;
}

const lookup = /^postgres(ql)?:\/\//.test(file) ? postgresLookup(file) : sqliteLookup(file);

type Body = { emailAddresses?: { emailAddress?: unknown }[] };

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    answer().catch((error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(error)));
  });
  const answer = async () => {
    let body: Body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Body;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid JSON"}');
      return;
    }
    const identifiers: { emailAddress: string; uuid: string }[] = [];
    const missing: { emailAddress: string }[] = [];
    for (const item of body.emailAddresses ?? []) {
      const emailAddress = String(item.emailAddress);
      const uuid = await lookup(emailAddress.trim().toLowerCase());
      if (uuid) identifiers.push({ emailAddress, uuid });
      else missing.push({ emailAddress });
    }
    const payload = JSON.stringify({ identifiers, error: missing.length ? { message: "not found", emailAddresses: missing } : {} });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(payload);
  };
});

server.listen(port, "127.0.0.1", () => console.log(`plain-server listening on 127.0.0.1:${port}`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
