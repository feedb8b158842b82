/**
 * SCIM against the production server (server/start.ts on a `next build`), on a seeded tenant whose
 * every user an identity provider has provisioned (an identity of the provider, as SCIM creates it):
 *   - SCIM's user list (listScimUsersEndpoint) with `filter=userName eq "…"`, sequential (one connection): p95 ≤ 10 ms;
 *   - `filter=userName sw "…"` (the first 6 characters of an address, a page of up to 100): p95 ≤ 20 ms;
 *   - SCIM PATCH deactivations (`{"op":"replace","value":{"active":false}}`, distinct users, answered 204 as
 *     Okta and Entra take them, ADR 0017) against the Mendix deactivation (deactivatePlatformUser) in the same interleaved rounds: ≥ 0.8 ×.
 *
 *   npm run bench:scim [-- --users 1000000] [--skip-build] [--duration 25] [--rounds 5] [--warmup 10] [--connections 16] [--postgres [URL]]
 *                      [--profile DIR]   (V8 CPU profile of the Roster server, written to DIR)
 *
 * The deactivations are loaded by wrk (bench/lib/wrk.ts), each kind warmed up for --warmup seconds
 * first; the sequential queries by the Node client (bench/lib/load.ts), one connection.
 * A report: exits 0 unless something crashed. ROSTER_DIST_DIR picks the build folder (default .next-bench).
 */
import { parseArgs } from "node:util";
import { prepareApiFixture } from "./lib/api-fixture";
import { postgresOption, runDatabase, settleAfterLoad, withOptionalValues } from "./lib/database";
import { runLoad, type LoadResult, type RequestSpec } from "./lib/load";
import { memoryMb } from "./lib/processes";
import { buildNext, rosterCli, startRoster } from "./lib/roster";
import { benchRun, log, machine, requireCounts, seconds } from "./lib/run";
import { interleaved, medianRatio, probe, type Load, type Series } from "./lib/series";
import { percentile } from "./lib/stats";
import { printTable, verdict } from "./lib/table";
import { wrkVersion } from "./lib/wrk";
import { openDatabaseUrl } from "@/db/client";
import { deactivatePlatformUser } from "@/lib/api/endpoints/mendix";
import { listScimUsersEndpoint, patchScimUserEndpoint } from "@/lib/api/endpoints/scim";
import { contractPath } from "@/lib/contracts/contract";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    "skip-build": { type: "boolean", default: false },
    duration: { type: "string", default: "25" },
    warmup: { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
    connections: { type: "string", default: "16" },
    queries: { type: "string", default: "2000" },
    profile: { type: "string" },
    ...postgresOption,
  },
  args: withOptionalValues(process.argv.slice(2)),
});
const USERS = Number(values.users);
const DURATION_MS = Number(values.duration) * 1000;
const WARMUP_SECONDS = Number(values.warmup);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const QUERIES = Number(values.queries);
// Requests for each of the unfiltered list's pages measured (the first, the last).
const LIST_PAGES = 20;
const DIST_DIR = process.env.ROSTER_DIST_DIR || ".next-bench";
const TARGETS = { eqP95Ms: 10, swP95Ms: 20, patchRatio: 0.8 };
requireCounts("scim", {
  "--users": USERS,
  "--duration": DURATION_MS,
  "--warmup": WARMUP_SECONDS,
  "--rounds": ROUNDS,
  "--connections": CONNECTIONS,
  "--queries": QUERIES,
});

const bench = benchRun("scim");

// What SCIM's POST /Users writes for a user, for every user of the tenant at once: provisioning a
// million users through the API would take the benchmark an hour. Username key and external id as
// lib/scim and db/queries/scim-users.ts make them (the address, lower-cased; the provider's id).
// Every user linked to the provider as a SCIM POST would have left it: its attributes hold the
// displayName, the primary address's type and the mobiles as the provider wrote them, so that a
// PATCH deactivation changes `active` and nothing else.
const PHONE_VALUE = "case when m.country_code = '' then m.number else m.country_code || ' ' || m.number end";
const ATTRIBUTES = {
  sqlite: `case when exists (select 1 from user_mobiles m where m.user_id = u.id)
    then json_object('displayName', u.name, 'primaryEmailType', 'work', 'phoneNumbers',
      json((select json_group_array(json_object('value', value, 'type', 'mobile')) from (select ${PHONE_VALUE} as value from user_mobiles m where m.user_id = u.id order by m.kind))))
    else json_object('displayName', u.name, 'primaryEmailType', 'work') end`,
  postgres: `jsonb_build_object('displayName', u.name, 'primaryEmailType', 'work') || coalesce((select jsonb_build_object('phoneNumbers',
    jsonb_agg(jsonb_build_object('value', ${PHONE_VALUE}, 'type', 'mobile') order by m.kind)) from user_mobiles m where m.user_id = u.id having count(*) > 0), '{}'::jsonb)`,
} as const;
const provision = (
  dialect: keyof typeof ATTRIBUTES,
) => `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, external_username, external_email,
    external_display_name, linked_by, last_synced_at, username_key, scim_attributes, created_at, updated_at)
  select 'scim-' || u.id, u.tenant_id, u.id, ?, 'ext-' || u.id, u.email, u.email, u.name, 'scim', ?, u.email_normalized, ${ATTRIBUTES[dialect]}, ?, ?
  from users u where u.tenant_id = ?`;

const scimHeaders = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/scim+json", accept: "application/scim+json" });
const listPath = (filter: string, count = 100) => `${listScimUsersEndpoint.path}?filter=${encodeURIComponent(filter)}&count=${count}`;

/** Sequential requests (one connection): the latencies a provisioning client sees. */
async function sequential(port: number, specs: RequestSpec[]): Promise<LoadResult> {
  return runLoad({ port, connections: 1, durationMs: 120_000, maxRequests: specs.length, next: (i) => specs[i] ?? null, expectStatus: 200 });
}

async function main(): Promise<void> {
  // Before the seed's minutes, not after them: the deactivations need wrk.
  const client = wrkVersion();
  const database = await runDatabase(bench, "scim", values.postgres);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url };
  const cli = (args: string[]) => rosterCli(env, args);
  const fixture = await prepareApiFixture({ database, users: USERS, scopes: "mx:user-deactivation:write", cli });
  const scim = cli(["scim", "token", "create", "--tenant", fixture.tenantId, "--provider", "Bench IdP"]) as { token: string; providerId: string };

  const started = performance.now();
  const db = openDatabaseUrl(database.url);
  const now = Date.now();
  const provisioned = (await db.statement(provision(db.dialect)).run(scim.providerId, now, now, now, fixture.tenantId)).changes;
  await db.close();
  log(`provision: ${provisioned.toLocaleString("en-US")} users linked to the SCIM provider in ${seconds(started)}`);
  await settleAfterLoad(database, ["identities"]);

  buildNext({ distDir: DIST_DIR, reuse: values["skip-build"], env });
  const server = await startRoster(`roster (${database.label})`, {
    env: { ...env, RATE_LIMIT_REQUESTS: "10000000" },
    distDir: DIST_DIR,
    profile: values.profile,
  });
  const { port, pid } = server;

  const headers = scimHeaders(scim.token);
  const addresses = fixture.emails.slice(0, QUERIES);
  const eqSpecs = addresses.map((email): RequestSpec => ({ method: "GET", path: listPath(`userName eq "${email}"`), headers }));
  const swSpecs = addresses.map((email): RequestSpec => ({ method: "GET", path: listPath(`userName sw "${email.slice(0, 6)}"`), headers }));
  const found = (text: string) => (JSON.parse(text) as { totalResults: number }).totalResults >= 1;
  await probe("userName eq", port, eqSpecs[0]!, 200, (text) => (JSON.parse(text) as { totalResults: number }).totalResults === 1);
  await probe("userName sw", port, swSpecs[0]!, 200, found);
  // Okta's import pages through the unfiltered list: its first page and its last, with their totals.
  const pageSpec = (startIndex: number): RequestSpec => ({ method: "GET", path: `${listScimUsersEndpoint.path}?startIndex=${startIndex}&count=100`, headers });
  const firstPages = Array.from({ length: LIST_PAGES }, () => pageSpec(1));
  const lastStart = Math.max(1, provisioned - 99);
  const lastPages = Array.from({ length: LIST_PAGES }, () => pageSpec(lastStart));
  const wholeList = (text: string) => (JSON.parse(text) as { totalResults: number }).totalResults === provisioned;
  await probe("unfiltered list, last page", port, lastPages[0]!, 200, wholeList);

  // Half of the pool for each kind of deactivation; the Mendix token's owner is never among them.
  const half = Math.floor(fixture.deactivationIds.length / 2);
  const scimIds = fixture.deactivationIds.slice(0, half);
  const mendixIds = fixture.deactivationIds.slice(half);
  const patchBody = Buffer.from(
    JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", value: { active: false } }] }),
  );
  const mendixBody = Buffer.from(JSON.stringify({ active: false }));
  const mendixHeaders = { authorization: `MxToken ${fixture.token}`, "content-type": "application/json" };
  const scimPatch = (i: number): RequestSpec | null => {
    const id = scimIds[i];
    return id ? { method: "PATCH", path: contractPath(patchScimUserEndpoint, { id }), headers, body: patchBody } : null;
  };
  const mendixPatch = (i: number): RequestSpec | null => {
    const id = mendixIds[i];
    return id ? { method: "PATCH", path: contractPath(deactivatePlatformUser, { uuid: id }), headers: mendixHeaders, body: mendixBody } : null;
  };
  // The probes take the pools' last users: the loads start at their first.
  await probe("SCIM PATCH deactivation", port, scimPatch(scimIds.length - 1)!, 204);
  await probe("Mendix PATCH deactivation", port, mendixPatch(mendixIds.length - 1)!, 204);

  log(`warm-up, then ${QUERIES.toLocaleString("en-US")} sequential queries of each kind:`);
  await sequential(port, eqSpecs.slice(0, 200));
  await sequential(port, swSpecs.slice(0, 200));
  const eq = await sequential(port, eqSpecs);
  const sw = await sequential(port, swSpecs);
  const firstPage = await sequential(port, firstPages);
  const lastPage = await sequential(port, lastPages);
  const loads: Load[] = [
    { name: "scim", port, pid, next: scimPatch, once: true },
    { name: "mendix", port, pid, next: mendixPatch, once: true },
  ];
  const roundSeconds = Math.max(1, Math.round(DURATION_MS / ROUNDS / 1000));
  log(`deactivations: warm-up ${WARMUP_SECONDS} s each, then ${ROUNDS} interleaved rounds of ${roundSeconds} s each, ${CONNECTIONS} connections (${client})`);
  await interleaved(loads, { rounds: 1, roundSeconds: WARMUP_SECONDS, connections: CONNECTIONS });
  const measured = await interleaved(loads, { rounds: ROUNDS, roundSeconds, connections: CONNECTIONS });
  const scimSeries = measured.get("scim") as Series;
  const mendixSeries = measured.get("mendix") as Series;
  const memory = memoryMb(pid);
  await server.managed.stop();
  await database.drop();

  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const latencyRow = (figure: string, result: LoadResult, limit: number) => {
    const p95 = percentile(result.latenciesMs, 95);
    return {
      figure,
      measured: `p50 ${ms(result.p50)}, p95 ${ms(p95)}, p99 ${ms(result.p99)}`,
      target: `p95 ≤ ${limit} ms`,
      result: verdict(p95 <= limit, result.errors),
    };
  };
  const pageRow = (figure: string, result: LoadResult) => ({
    figure,
    measured: `p50 ${ms(result.p50)}, max ${ms(Math.max(...result.latenciesMs))}`,
    target: "for the record",
    result: result.errors > 0 ? verdict(false, result.errors) : "-",
  });
  const ratio = medianRatio(scimSeries, mendixSeries);
  const label = database.label;
  console.log("");
  console.log(`SCIM benchmark on ${label}: ${USERS.toLocaleString("en-US")} users provisioned by one SCIM provider, ${machine()}`);
  console.log("");
  printTable(
    [
      ["figure", "figure"],
      ["measured", "measured"],
      ["target", "target"],
      ["result", "result"],
    ],
    [
      latencyRow(`userName eq, ${eq.ok} sequential (${label})`, eq, TARGETS.eqP95Ms),
      latencyRow(`userName sw (6 characters, page of ≤ 100), ${sw.ok} sequential (${label})`, sw, TARGETS.swP95Ms),
      pageRow(`unfiltered list, first page of 100, ${firstPage.ok} sequential (${label})`, firstPage),
      pageRow(`unfiltered list, last page (startIndex ${lastStart.toLocaleString("en-US")}), ${lastPage.ok} sequential (${label})`, lastPage),
      {
        figure: `SCIM PATCH deactivations / Mendix PATCH (${label})`,
        measured: `${scimSeries.rps.toFixed(0)} / ${mendixSeries.rps.toFixed(0)} req/s, CPU ${scimSeries.cpuPerRequestUs.toFixed(0)} / ${mendixSeries.cpuPerRequestUs.toFixed(0)} µs`,
        target: `≥ ${TARGETS.patchRatio} ×, ratio ${ratio.toFixed(2)}`,
        result: verdict(ratio >= TARGETS.patchRatio, scimSeries.errors + mendixSeries.errors),
      },
      {
        figure: `server RSS after the run (${label})`,
        measured: `${memory.rss.toFixed(0)} MB (peak ${memory.peak.toFixed(0)} MB)`,
        target: "for the record",
        result: "-",
      },
    ],
  );
  for (const series of [scimSeries, mendixSeries]) if (series.firstError) log(`${series.name}: first error ${series.firstError}`);
}

void bench.run(main);
