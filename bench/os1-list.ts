/**
 * OS1 ListUsers on a large tenant: times every SQLite statement listUsers runs, for each sort key
 * and direction at page 1 and at the deepest page allowed, and for common, rare, too broad and
 * Unicode queries, against the target of 50 ms for any single statement. A neighbouring tenant
 * of 15% as many users keeps the big tenant below DOMINANT_SHARE, so its queries take the slower
 * path that walks its tag's doclist. Prints a table, the slowest statement and its ratio to the
 * target; a report, so it exits 0 unless something crashed.
 *
 *   npm run bench:os1-list [-- --users 1000000] [--db FILE] [--runs 5]
 *
 * --db reuses a seeded database file in place (migrating it first if it is older); without it a
 * fresh database is seeded through the CLI in a temporary folder and removed afterwards.
 * `select` and `additionalInfo` only shape the JSON: they run the same statements as the rest.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type Database from "better-sqlite3";
import { openDatabase, sqliteClient } from "@/db/client";
import { listUsers, MAX_LIST_DEPTH, searchScope, USER_SORT_KEYS, type ListUsersInput } from "@/db/queries/user-list";
import { foldText } from "@/lib/domain/email";
import { prepareDatabase } from "@/lib/setup/database";
import { rosterCli } from "./lib/roster";
import { loadAverage, loadAverageLine } from "./lib/run";
import { median } from "./lib/stats";

const { values } = parseArgs({ options: { users: { type: "string", default: "1000000" }, db: { type: "string" }, runs: { type: "string", default: "5" } } });
const USERS = Number(values.users);
const RUNS = Number(values.runs);
const TARGET_MS = 50;
if (!Number.isInteger(USERS) || USERS <= 0 || !Number.isInteger(RUNS) || RUNS <= 0) {
  console.error("bench:os1-list: --users and --runs must be positive integers");
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-bench-os1-list-"));
const dbFile = values.db ? path.resolve(values.db) : path.join(dir, "roster.db");
const log = (line: string) => console.error(line);

/** Records the time of every statement the connection runs (get, all, run), by statement text. */
function timeStatements(sqlite: Database.Database, record: (sql: string, ms: number) => void): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const wrap = (statement: Database.Statement): Database.Statement => {
    const proxy: Database.Statement = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const started = performance.now();
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (property === "get" || property === "all" || property === "run") record(target.source, performance.now() - started);
          // raw(), pluck() and the like return the statement itself: keep timing it.
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  sqlite.prepare = ((source: string) => wrap(prepare(source))) as typeof sqlite.prepare;
}

function seed(): void {
  const env = { ...process.env, DATABASE_URL: `file:${dbFile}` };
  const neighbours = Math.round(USERS * 0.15);
  const started = performance.now();
  log(`seed: ${USERS.toLocaleString("en-US")} users and a neighbouring tenant of ${neighbours.toLocaleString("en-US")} into ${dbFile} ...`);
  for (const args of [
    ["--users", String(USERS)],
    ["--users", String(neighbours), "--tenant", "Neighbours"],
  ]) {
    rosterCli(env, ["seed", ...args]);
  }
  log(`seed: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

type Request = { label: string; input: Omit<ListUsersInput, "tenantId"> };

function requests(): Request[] {
  const list: Request[] = [];
  const deepest = MAX_LIST_DEPTH / 100;
  for (const sortKey of USER_SORT_KEYS) {
    for (const sortDirection of ["asc", "desc"] as const) {
      list.push({ label: `sortKey=${sortKey}&sortBy=${sortDirection}&size=100`, input: { page: 1, size: 100, sortKey, sortDirection } });
      list.push({ label: `sortKey=${sortKey}&sortBy=${sortDirection}&size=100&page=${deepest}`, input: { page: deepest, size: 100, sortKey, sortDirection } });
    }
  }
  const queries: [string, number, ListUsersInput["sortKey"]][] = [
    ["0000123", 1, "createdAt"], // a unique code and a few addresses: rare
    ["zoltan.zhang.99", 1, "name"], // rare, long
    ["liam.chen", 1, "email"], // a few hundred
    ["kavya.k", 1, "updatedAt"], // about a thousand
    ["sofia.s", 17, "name"], // a few thousand, last page
    ["tomás", 1, "createdAt"], // Unicode, common: too broad
    ["MÜLLER", 1, "name"], // Unicode capitals, common: too broad
    ["acme.example", 1, "createdAt"], // every user: too broad
    ["chen", 1, "uniqueCode"], // first and last name: too broad
    ["emple", 1, "createdAt"], // common trigrams, never together: too broad
    ["a.sa", 1, "email"], // …a.sato…: about 9,600 matches, too broad
    ["na.k", 1, "email"], // …na.kumar…, …na.kim…: about 5,000 candidates, too broad
    ["ma.r", 1, "email"], // …ma.rao…, …ma.reddy…: about 2,500 candidates, the most a query reads and sorts
    ["ma.r", 25, "createdAt"], // the same, its last page
    ["ma.r", 1, "updatedAt"], // the same, sorted on the update time kept beside the index
    ["qxz", 1, "createdAt"], // a trigram nobody has
  ];
  for (const [term, page, sortKey] of queries) {
    list.push({
      label: `query=${term}&sortKey=${sortKey}&page=${page}&size=100`,
      input: { page, size: 100, query: foldText(term), sortKey, sortDirection: "asc" },
    });
  }
  return list;
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  if (!values.db) seed();
  const db = openDatabase(dbFile);
  try {
    const migrating = performance.now();
    await prepareDatabase(db);
    log(`migrate + refold: ${((performance.now() - migrating) / 1000).toFixed(1)} s`);
    const tenant = await db.statement<{ id: string; n: number }>("select id, user_count as n from tenants order by user_count desc limit 1").get();
    if (!tenant || tenant.n === 0) throw new Error(`${dbFile} has no users: seed it first, or leave --db out`);
    const tagged = !(await searchScope(db, tenant.id))!.dominant;
    log(
      `tenant ${tenant.id}: ${tenant.n.toLocaleString("en-US")} users, its tag ${tagged ? "in" : "left out of"} index queries; ${RUNS} timed runs of each request after one warm-up\n`,
    );

    let current: number[] = [];
    const statementTimes = new Map<string, number[]>();
    timeStatements(sqliteClient(db), (sql, ms) => {
      current.push(ms);
      if (!statementTimes.has(sql)) statementTimes.set(sql, []);
      statementTimes.get(sql)!.push(ms);
    });

    // Per request: the slowest statement of each run, as the worst run and the median run, and the whole call.
    console.log(
      `${"request".padEnd(58)} ${"answer".padEnd(16)} ${"stmts".padStart(5)} ${"slowest stmt".padStart(12)} ${"p50 slowest".padStart(11)} ${"p50 call".padStart(9)}`,
    );
    let slowest = { ms: 0, label: "" };
    for (const request of requests()) {
      const slowestPerRun: number[] = [];
      const calls: number[] = [];
      let answer = "";
      let statements = 0;
      for (let run = 0; run <= RUNS; run++) {
        current = [];
        const started = performance.now();
        const result = await listUsers(db, { tenantId: tenant.id, ...request.input });
        const call = performance.now() - started;
        answer = result.kind === "page" ? `${result.total} total` : result.kind;
        statements = current.length;
        if (run === 0) continue; // warm-up: statements prepared, pages cached
        calls.push(call);
        slowestPerRun.push(Math.max(...current));
      }
      const worst = Math.max(...slowestPerRun);
      if (worst > slowest.ms) slowest = { ms: worst, label: request.label };
      const columns = [
        `${worst.toFixed(2)} ms`.padStart(12),
        `${median(slowestPerRun).toFixed(2)} ms`.padStart(11),
        `${median(calls).toFixed(2)} ms`.padStart(9),
      ];
      console.log(`${request.label.padEnd(58)} ${answer.padEnd(16)} ${String(statements).padStart(5)} ${columns.join(" ")}`);
    }
    console.log(`\nstatements seen: ${statementTimes.size}; slowest single statement: ${slowest.ms.toFixed(2)} ms (${slowest.label})`);
    console.log(`ratio to the ${TARGET_MS} ms target: ${(slowest.ms / TARGET_MS).toFixed(2)} (must be < 1) — ${slowest.ms < TARGET_MS ? "PASS" : "FAIL"}`);
    console.log(loadAverageLine(loadBefore));
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
