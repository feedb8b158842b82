/**
 * The machine's limit for the API's requests: a plain node:http server doing the same indexed
 * queries as the API on the same database, without auth, rate limit, policy, audit or
 * validation: better-sqlite3 on a SQLite file, or a node-postgres pool (as many connections as the
 * server's default, DATABASE_POOL_MAX 10) with named prepared statements on PostgreSQL.
 * Started by bench/api.ts as its own process:
 *   PLAIN_DB=<file or postgres://…> PLAIN_TENANT=<id> PORT=<port> tsx bench/lib/plain-server.ts
 *   POST <any path>            a lookup of `{"emailAddresses":[{"emailAddress":"..."}]}` (Mendix)
 *   GET /api/v1/users/<uuid>   the user's row as JSON (OS1 GetUser by id)
 *   PATCH <path ending /uuid>  a deactivation's writes in one transaction: the user row, its tokens and
 *                              console sessions revoked, one audit event (no hash chain): 204
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
// The writes of a deactivation (db/queries/user-status.ts applyDeactivation), so that the ratio compares
// the same work: written every time, also when the user is inactive already (the pool repeats users).
const DEACTIVATE_USER = `update users set active = false, state = 'inactive:deactivated', deactivated_at = $3, deactivated_by = $4,
  updated_at = $3, updated_by = $4 where tenant_id = $1 and id = $2`;
const REVOKE = (table: string, user: string, now: string) =>
  `update ${table} set revoked_at = ${now}, updated_at = ${now} where admin_id in (select id from admins where user_id = ${user}) and revoked_at is null`;
const AUDIT = `insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, details, created_at)
  values ($1, $2, 'token', 'plain', 'plain', 'user.deactivate', 'user', $3, 'deactivated', $4, $5)`;
const ACTOR = JSON.stringify({ id: "plain", name: "plain" });
// PostgreSQL: the same writes as one statement, its own transaction.
const DEACTIVATE_PG = `with switched as (${DEACTIVATE_USER} returning id, email),
  tokens as (${REVOKE("personal_access_tokens", "$2", "$3")}),
  sessions as (${REVOKE("sessions", "$2", "$3")})
  insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, details, created_at)
  select gen_random_uuid()::text, $1, 'token', 'plain', 'plain', 'user.deactivate', 'user', id, 'deactivated', jsonb_build_object('email', email), $3 from switched`;

type Queries = {
  lookup(email: string): Promise<string | undefined>;
  byId(id: string): Promise<Record<string, unknown> | undefined>;
  deactivate(id: string): Promise<void>;
};

function sqliteQueries(path: string): Queries {
  const db = new Database(path, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  // PostgreSQL's $1… as better-sqlite3's named parameters, which (unlike "?") may repeat and come in any order.
  const prepare = (sql: string) => db.prepare(sql.replace(/\$(\d)/g, "@p$1"));
  const bind = (...values: unknown[]) => Object.fromEntries(values.map((value, i) => [`p${i + 1}`, value]));
  const [lookup, byId, user] = [prepare(LOOKUP).pluck(), prepare(BY_ID), prepare(DEACTIVATE_USER)];
  const [tokens, sessions, audit, email] = [
    prepare(REVOKE("personal_access_tokens", "$1", "$2")),
    prepare(REVOKE("sessions", "$1", "$2")),
    prepare(AUDIT),
    prepare("select email from users where id = $1").pluck(),
  ];
  const deactivate = db.transaction((id: string, now: number) => {
    user.run(bind(tenantId, id, now, ACTOR));
    tokens.run(bind(id, now));
    sessions.run(bind(id, now));
    audit.run(bind(crypto.randomUUID(), tenantId, id, JSON.stringify({ email: email.get(bind(id)) }), now));
  });
  return {
    lookup: (email) => Promise.resolve(lookup.get(bind(tenantId, email)) as string | undefined),
    byId: (id) => Promise.resolve(byId.get(bind(tenantId, id)) as Record<string, unknown> | undefined),
    deactivate: (id) => Promise.resolve(void deactivate.immediate(id, Date.now())),
  };
}

function postgresQueries(url: string): Queries {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const rows = async (name: string, text: string, values: unknown[]) => (await pool.query<Record<string, unknown>>({ name, text, values })).rows;
  return {
    lookup: async (email) => (await rows("plain_lookup", LOOKUP, [tenantId, email]))[0]?.id as string | undefined,
    byId: async (id) => (await rows("plain_by_id", BY_ID, [tenantId, id]))[0],
    deactivate: async (id) => void (await rows("plain_deactivate", DEACTIVATE_PG, [tenantId, id, Date.now(), ACTOR])),
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
