import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { TEST_DIALECT, tempDatabaseFile } from "@/test/db";
import { throwawayPostgres } from "@/test/postgres";

// The process's own database (getDb), as the server opens it: a file, or a PostgreSQL database.
process.env.DATABASE_URL = TEST_DIALECT === "postgres" ? throwawayPostgres("api_rate_limit") : `file:${tempDatabaseFile("api-rate-limit")}`;
process.env.RATE_LIMIT_REQUESTS = "100";
process.env.RATE_LIMIT_WINDOW_SECONDS = "60";

const { consumeRateLimit, MAX_HELD_ALLOWANCES, rateLimitHeaders } = await import("./rate-limit");
const { prepareDatabase } = await import("@/lib/setup/database");
const { closeDb, getDb } = await import("@/lib/db");
beforeAll(() => prepareDatabase(getDb()));
afterAll(() => closeDb());

type Process = { rosterAllowances?: Map<string, unknown> };
const processState = globalThis as unknown as Process;
/** Runs `work` as another server process would: with its own allowances, on the same database. */
async function asProcess<T>(allowances: Map<string, unknown>, work: () => Promise<T>): Promise<T> {
  const own = processState.rosterAllowances;
  processState.rosterAllowances = allowances;
  try {
    return await work();
  } finally {
    processState.rosterAllowances = own;
  }
}

const stored = async (key: string) => (await prepared<{ points: number }>(getDb(), "select points from rate_limits where key = ?").get(`api:${key}`))?.points;

describe("consumeRateLimit", () => {
  it("admits exactly the limit in one process, then refuses until the window ends", async () => {
    const now = Date.now();
    const answers = [];
    for (let i = 0; i < 103; i++) answers.push(await consumeRateLimit("token:t1", now + i));
    expect(answers.filter((a) => !a.limited)).toHaveLength(100);
    expect(answers.slice(0, 3).map((a) => a.remaining)).toEqual([99, 98, 97]);
    expect(answers[99]).toMatchObject({ remaining: 0, limited: false });
    expect(answers[100]).toMatchObject({ limit: 100, remaining: 0, limited: true, resetSeconds: 60 });
    expect(rateLimitHeaders(answers[100]!)).toMatchObject({ "RateLimit-Remaining": "0", "Retry-After": "60" });
    expect(rateLimitHeaders(answers[0]!)).not.toHaveProperty("Retry-After");
    // Another key has a budget of its own, and the same key a fresh one after the window.
    expect(await consumeRateLimit("token:t2", now)).toMatchObject({ remaining: 99, limited: false });
    expect(await consumeRateLimit("token:t1", now + 60_000)).toMatchObject({ remaining: 99, limited: false });
  });

  it("reserves points in batches, so that most requests do not write", async () => {
    const now = Date.now();
    await consumeRateLimit("token:batches", now);
    expect(await stored("token:batches")).toBe(1);
    await consumeRateLimit("token:batches", now);
    // The second request reserved a sixteenth of what was left: 6 points, 5 of them for later requests.
    expect(await stored("token:batches")).toBe(7);
    for (let i = 0; i < 5; i++) await consumeRateLimit("token:batches", now);
    expect(await stored("token:batches")).toBe(7);
  });

  it("admits concurrent requests of one process while the budget lasts (one reservation at a time)", async () => {
    const now = Date.now();
    await consumeRateLimit("token:burst", now);
    const answers = await Promise.all(Array.from({ length: 60 }, () => consumeRateLimit("token:burst", now)));
    expect(answers.filter((answer) => answer.limited)).toEqual([]);
    expect(await stored("token:burst")).toBeLessThanOrEqual(100);
  });

  it("never admits more than the limit across processes, and leaves little of it unused", async () => {
    const now = Date.now();
    const processes = [new Map<string, unknown>(), new Map<string, unknown>(), new Map<string, unknown>()];
    let admitted = 0;
    for (let i = 0; i < 150; i++) {
      const answer = await asProcess(processes[i % 3]!, () => consumeRateLimit("token:shared", now));
      if (!answer.limited) admitted += 1;
    }
    expect(admitted).toBeLessThanOrEqual(100);
    expect(admitted).toBeGreaterThanOrEqual(97);
    // A process that starts late finds the budget spent.
    expect(await asProcess(new Map(), () => consumeRateLimit("token:shared", now))).toMatchObject({ limited: true });
  });

  it("drops allowances whose window ended as it reserves for other keys", async () => {
    const now = Date.now();
    const allowances = new Map<string, unknown>();
    await asProcess(allowances, async () => {
      for (const key of ["a", "b", "c"]) await consumeRateLimit(`token:ended-${key}`, now);
      expect(allowances.size).toBe(3);
      await consumeRateLimit("token:ended-d", now + 60_000);
    });
    expect([...allowances.keys()]).toEqual(["token:ended-d"]);
  });

  it("holds at most MAX_HELD_ALLOWANCES, and a key dropped early still gets no more than its limit", async () => {
    const now = Date.now();
    const allowances = new Map<string, unknown>();
    const admitted = await asProcess(allowances, async () => {
      let count = 0;
      for (let i = 0; i < 50; i++) if (!(await consumeRateLimit("token:evicted", now)).limited) count += 1;
      for (let start = 0; start < MAX_HELD_ALLOWANCES; start += 100)
        await Promise.all(Array.from({ length: 100 }, (_, i) => consumeRateLimit(`ip:flood-${start + i}`, now)));
      expect(allowances.size).toBe(MAX_HELD_ALLOWANCES);
      expect(allowances.has("token:evicted")).toBe(false);
      for (let i = 0; i < 100; i++) if (!(await consumeRateLimit("token:evicted", now)).limited) count += 1;
      return count;
    });
    expect(admitted).toBeLessThanOrEqual(100);
    expect(admitted).toBeGreaterThanOrEqual(90);
    expect(await stored("token:evicted")).toBeGreaterThanOrEqual(100);
  });
});
