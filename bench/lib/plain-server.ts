/**
 * The machine's limit for the email → UUID lookup: a plain node:http server doing the same
 * indexed query as the API on the same database (read-only), without auth, rate limit, policy
 * or validation. Started by bench/api.ts as its own process:
 *   PLAIN_DB=<file> PLAIN_TENANT=<id> PORT=<port> tsx bench/lib/plain-server.ts
 * Any POST is a lookup of `{"emailAddresses":[{"emailAddress":"..."}]}`; GET /health answers ok.
 */
import http from "node:http";
import Database from "better-sqlite3";

const file = process.env.PLAIN_DB;
const tenantId = process.env.PLAIN_TENANT;
const port = Number(process.env.PORT);
if (!file || !tenantId || !Number.isInteger(port)) {
  console.error("plain-server: PLAIN_DB, PLAIN_TENANT and PORT are required");
  process.exit(2);
}

const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
const lookup = db.prepare("select id from users where tenant_id = ? and email_normalized = ?").pluck();

type Body = { emailAddresses?: { emailAddress?: unknown }[] };

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
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
      const uuid = lookup.get(tenantId, emailAddress.trim().toLowerCase()) as string | undefined;
      if (uuid) identifiers.push({ emailAddress, uuid });
      else missing.push({ emailAddress });
    }
    const payload = JSON.stringify({ identifiers, error: missing.length ? { message: "not found", emailAddresses: missing } : {} });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(payload);
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
