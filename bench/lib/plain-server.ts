/**
 * The machine's limit for the API's requests: a plain node:http server doing the same indexed
 * queries as the API on the same database, without auth, rate limit, policy, audit or
 * validation: better-sqlite3 on a SQLite file, or a node-postgres pool (as many connections as the
 * server's default, DATABASE_POOL_MAX 10) with named prepared statements on PostgreSQL.
 * Started by bench/api.ts as its own process:
 *   PLAIN_DB=<file or postgres://…> PLAIN_TENANT=<id> PORT=<port> tsx bench/lib/plain-server.ts
 *   POST <any path>            a lookup of `{"emailAddresses":[{"emailAddress":"..."}]}` (Mendix)
 *   GET /api/v1/users/<uuid>   the user's row as JSON (OS1 GetUser by id)
 *   PATCH <path ending /uuid>  sets the user inactive and its update time: 204 (a deactivation)
 *   GET /health                ok
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
const BY_ID = "select * from users where tenant_id = $1 and id = $2";
const DEACTIVATE = "update users set active = false, updated_at = $3 where tenant_id = $1 and id = $2";

type Queries = {
  lookup(email: string): Promise<string | undefined>;
  byId(id: string): Promise<Record<string, unknown> | undefined>;
  deactivate(id: string): Promise<void>;
};

function sqliteQueries(path: string): Queries {
  const db = new Database(path, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  const prepare = (sql: string) => db.prepare(sql.replace(/\$\d/g, "?"));
  const [lookup, byId, deactivate] = [prepare(LOOKUP).pluck(), prepare(BY_ID), prepare(DEACTIVATE)];
  return {
    lookup: (email) => Promise.resolve(lookup.get(tenantId, email) as string | undefined),
    byId: (id) => Promise.resolve(byId.get(tenantId, id) as Record<string, unknown> | undefined),
    deactivate: (id) => Promise.resolve(void deactivate.run(tenantId, id, Date.now())),
  };
}

function postgresQueries(url: string): Queries {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const rows = async (name: string, text: string, values: unknown[]) => (await pool.query<Record<string, unknown>>({ name, text, values })).rows;
  return {
    lookup: async (email) => (await rows("plain_lookup", LOOKUP, [tenantId, email]))[0]?.id as string | undefined,
    byId: async (id) => (await rows("plain_by_id", BY_ID, [tenantId, id]))[0],
    deactivate: async (id) => void (await rows("plain_deactivate", DEACTIVATE, [tenantId, id, Date.now()])),
  };
}

const queries = /^postgres(ql)?:\/\//.test(file) ? postgresQueries(file) : sqliteQueries(file);

type Body = { emailAddresses?: { emailAddress?: unknown }[] };

async function lookup(res: http.ServerResponse, text: string): Promise<void> {
  let body: Body;
  try {
    body = JSON.parse(text) as Body;
  } catch {
    res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid JSON"}');
    return;
  }
  const identifiers: { emailAddress: string; uuid: string }[] = [];
  const missing: { emailAddress: string }[] = [];
  for (const item of body.emailAddresses ?? []) {
    const emailAddress = String(item.emailAddress);
    const uuid = await queries.lookup(emailAddress.trim().toLowerCase());
    if (uuid) identifiers.push({ emailAddress, uuid });
    else missing.push({ emailAddress });
  }
  const payload = JSON.stringify({ identifiers, error: missing.length ? { message: "not found", emailAddresses: missing } : {} });
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(payload);
}

async function answer(req: http.IncomingMessage, res: http.ServerResponse, text: string): Promise<void> {
  const id = (req.url ?? "").split("?")[0]?.split("/").pop() ?? "";
  if (req.method === "POST") return lookup(res, text);
  if (req.method === "PATCH") {
    await queries.deactivate(id);
    res.writeHead(204).end();
    return;
  }
  const user = await queries.byId(id);
  res.writeHead(user ? 200 : 404, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ data: user ?? null }));
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    answer(req, res, Buffer.concat(chunks).toString("utf8")).catch((error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(error)));
  });
});

server.listen(port, "127.0.0.1", () => console.log(`plain-server listening on 127.0.0.1:${port}`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
