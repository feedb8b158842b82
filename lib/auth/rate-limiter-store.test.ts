import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { currentRateLimit, upsertRateLimit } from "@/db/queries/rate-limits";
import { twoProcessDatabases } from "@/test/two-processes";
import { sweepEndedCounters } from "./rate-limit-sweep";
import { RateLimiterDb } from "./rate-limiter-store";

// Two handles on one database stand for two server processes.
const [first, second] = twoProcessDatabases("limiter_store");

const limiters = (options = { points: 2, duration: 60, blockDuration: 600 }) => {
  const keyPrefix = randomUUID();
  return [new RateLimiterDb(first, { keyPrefix, ...options }), new RateLimiterDb(second, { keyPrefix, ...options })] as const;
};

describe("RateLimiterDb", () => {
  it("counts one key's points from every process, then blocks it for blockDuration", async () => {
    const [one, other] = limiters();
    expect(await one.consume("k")).toMatchObject({ consumedPoints: 1, remainingPoints: 1, isFirstInDuration: true });
    expect(await other.consume("k")).toMatchObject({ consumedPoints: 2, remainingPoints: 0, isFirstInDuration: false });
    const refusal: unknown = await one.consume("k").catch((rejection: unknown) => rejection);
    expect(refusal).toMatchObject({ consumedPoints: 3, remainingPoints: 0 });
    const blocked = await other.get("k");
    expect(blocked?.consumedPoints).toBe(3);
    // The block's end, not the window's: ten minutes from now.
    expect(blocked!.msBeforeNext).toBeGreaterThan(590_000);
    expect(blocked!.msBeforeNext).toBeLessThanOrEqual(600_000);
  });

  it("refunds, deletes, and reads an unknown key as nothing", async () => {
    const [one, other] = limiters();
    await one.consume("k", 2);
    expect(await other.reward("k", 1)).toMatchObject({ consumedPoints: 1 });
    expect(await one.get("k")).toMatchObject({ consumedPoints: 1 });
    expect(await other.delete("k")).toBe(true);
    expect(await one.get("k")).toBeNull();
    expect(await one.delete("k")).toBe(false);
  });
});

describe("sweepEndedCounters", () => {
  it("deletes counters that ended over an hour ago, at most every five minutes per process", async () => {
    const now = Date.now();
    const [gone, recent, later] = ["gone", "recent", "later"].map((name) => `sweep:${randomUUID()}:${name}`) as [string, string, string];
    await upsertRateLimit(first, { key: gone, points: 1, expiresAt: now - 60 * 60_000 - 1, force: false }, now - 2 * 60 * 60_000);
    await upsertRateLimit(first, { key: recent, points: 1, expiresAt: now - 60_000, force: false }, now - 2 * 60_000);
    await sweepEndedCounters(second, now);
    const exists = async (key: string) => (await currentRateLimit(first, key, 0)) !== undefined;
    expect([await exists(gone), await exists(recent)]).toEqual([false, true]);
    await upsertRateLimit(first, { key: later, points: 1, expiresAt: now - 2 * 60 * 60_000, force: false }, now - 3 * 60 * 60_000);
    await sweepEndedCounters(second, now + 60_000);
    expect(await exists(later)).toBe(true);
    await sweepEndedCounters(second, now + 5 * 60_000);
    expect(await exists(later)).toBe(false);
  });
});
