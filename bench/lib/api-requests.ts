import type { ApiFixture } from "./api-fixture";
import type { RequestSpec } from "./load";
import { listeningPid, startProcess, waitForHttp } from "./processes";
import { log, seconds } from "./run";
import type { Load } from "./series";
import { deactivatePlatformUser, lookupUserIds } from "@/lib/api/endpoints/mendix";
import { getUser } from "@/lib/api/endpoints/os1-users";
import { contractPath } from "@/lib/contracts/contract";

// What bench:api sends: the same requests go to the Roster servers and to the plain one, so that
// each ratio compares the same work.

export const BARE_PATH = "/api/bench/constant";
export const BATCH = 1000;

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const lookupBody = (emails: readonly string[]) => json({ emailAddresses: emails.map((emailAddress) => ({ emailAddress })) });
const deactivationBody = json({ active: false });

function headers(token: string, body: boolean): Record<string, string> {
  const result: Record<string, string> = { accept: "application/json", authorization: `MxToken ${token}` };
  if (body) result["content-type"] = "application/json";
  return result;
}

export type Requests = {
  bare: (i: number) => RequestSpec;
  lookup: (i: number) => RequestSpec;
  getUser: (i: number) => RequestSpec;
  /** Distinct users: the fixture's pool but its last few, in order; null once it is spent. */
  deactivation: (i: number) => RequestSpec | null;
  /** The pool's last few users, again and again: the plain server's update writes the row either way. */
  plainDeactivation: (i: number) => RequestSpec;
  batch: (i: number) => RequestSpec;
};

export function apiRequests(fixture: ApiFixture): Requests {
  const read = headers(fixture.token, false);
  const write = headers(fixture.token, true);
  // OS1's dialect takes its token and tenant in headers of its own.
  const os1 = { accept: "application/json", "x-coreos-access": fixture.token, "x-coreos-tid": fixture.tenantId };
  const lookups = fixture.emails.map((email) => lookupBody([email]));
  const ids = fixture.deactivationIds;
  // Roster's deactivations need a distinct user each; the plain server's can share a few.
  const rosterShare = ids.length - Math.max(1, Math.min(1000, Math.floor(ids.length / 10)));
  const batches: Buffer[] = [];
  for (let i = 0; i < 50; i += 1) {
    const start = (i * 397) % Math.max(1, fixture.emails.length - BATCH);
    batches.push(lookupBody(fixture.emails.slice(start, start + BATCH)));
  }
  const patch = (uuid: string): RequestSpec => ({
    method: "PATCH",
    path: contractPath(deactivatePlatformUser, { uuid }),
    headers: write,
    body: deactivationBody,
  });
  return {
    bare: () => ({ method: "GET", path: BARE_PATH, headers: read }),
    lookup: (i) => ({ method: "POST", path: lookupUserIds.path, headers: write, body: lookups[i % lookups.length] }),
    getUser: (i) => ({ method: "GET", path: contractPath(getUser, { userId: ids[i % ids.length] as string }), headers: os1 }),
    deactivation: (i) => (i < rosterShare ? patch(ids[i] as string) : null),
    plainDeactivation: (i) => patch(ids[rosterShare + (i % (ids.length - rosterShare))] as string),
    batch: (i) => ({ method: "POST", path: lookupUserIds.path, headers: write, body: batches[i % batches.length] }),
  };
}

/**
 * The plain node:http server (bench/lib/plain-server.ts) on the database under test, and its
 * loads: the same lookups, GetUsers and deactivations as the Roster server's.
 */
export async function startPlain(options: { db: string; tenantId: string; port: number; requests: Requests; kind: string; echo: boolean }) {
  const started = performance.now();
  const env = { ...process.env, PLAIN_DB: options.db, PLAIN_TENANT: options.tenantId, PORT: String(options.port) };
  const managed = startProcess("plain-server", "npx", ["tsx", "bench/lib/plain-server.ts"], env, options.echo);
  await waitForHttp(managed, options.port, "/health", 60_000);
  const pid = listeningPid(managed, options.port);
  log(`plain server (${options.kind}): up on 127.0.0.1:${options.port} in ${seconds(started)} (pid ${pid})`);
  const { port, requests } = options;
  const loads: Load[] = [
    { name: "plain lookups", port, pid, next: requests.lookup },
    { name: "plain GetUser", port, pid, next: requests.getUser },
    { name: "plain deactivations", port, pid, next: requests.plainDeactivation },
  ];
  return { managed, pid, loads };
}
