import { describe, expect, it } from "vitest";
import { twoProcessDatabases } from "@/test/two-processes";
import { addToWindow, currentRateLimit, deleteEndedRateLimits, deleteRateLimit, upsertRateLimit } from "./rate-limits";

// Two handles on one database stand for two server processes.
const [first, second] = twoProcessDatabases("rate_limits");

describe("addToWindow", () => {
  it("adds several points at once: a process's reservation", async () => {
    expect(await addToWindow(first, "api:token:chunks", 5, 60_000, 3_000_000)).toEqual({ points: 5, expiresAt: 3_060_000 });
    expect(await addToWindow(second, "api:token:chunks", 3, 60_000, 3_000_001)).toEqual({ points: 8, expiresAt: 3_060_000 });
  });

  it("counts every process's requests into one window", async () => {
    const now = 1_000_000;
    const counts: number[] = [];
    for (let i = 0; i < 6; i += 1) counts.push((await addToWindow(i % 2 ? second : first, "api:token:shared", 1, 60_000, now + i)).points);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await addToWindow(first, "api:token:other", 1, 60_000, now)).toEqual({ points: 1, expiresAt: now + 60_000 });
  });

  it("counts concurrent additions exactly: the upsert is atomic", async () => {
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => addToWindow(i % 2 ? second : first, "api:token:burst", 1, 60_000, 7_000_000)));
    expect(counts.map((count) => count.points).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("starts a new window once the last one has ended, and keeps the window's end until then", async () => {
    const start = 2_000_000;
    expect(await addToWindow(first, "api:ip:a", 1, 1_000, start)).toEqual({ points: 1, expiresAt: start + 1_000 });
    expect(await addToWindow(second, "api:ip:a", 1, 1_000, start + 999)).toEqual({ points: 2, expiresAt: start + 1_000 });
    expect(await addToWindow(first, "api:ip:a", 1, 1_000, start + 1_000)).toEqual({ points: 1, expiresAt: start + 2_000 });
  });

  it("keeps today's times to the millisecond", async () => {
    const now = 1_796_176_438_365;
    expect(await addToWindow(first, "api:ip:today", 1, 1_001, now)).toEqual({ points: 1, expiresAt: now + 1_001 });
    expect(await currentRateLimit(second, "api:ip:today", now + 1_000)).toEqual({ points: 1, expiresAt: now + 1_001 });
    expect(await currentRateLimit(second, "api:ip:today", now + 1_001)).toBeUndefined();
  });

  it("sweeps only the counters that ended before the given time", async () => {
    await addToWindow(first, "api:ip:gone", 1, 1_000, 10);
    await addToWindow(first, "api:ip:current", 1, 1_000, 5_000_000);
    expect(await deleteEndedRateLimits(second, 4_000_000)).toBeGreaterThanOrEqual(1);
    expect((await addToWindow(first, "api:ip:gone", 1, 1_000, 20)).points).toBe(1);
    expect((await addToWindow(first, "api:ip:current", 1, 1_000, 5_000_001)).points).toBe(2);
  });
});

describe("the sign-in throttle's counters", () => {
  it("refunds, forces a block's end, never ends a counter without one, and deletes", async () => {
    const now = 9_000_000;
    await upsertRateLimit(first, { key: "t:a", points: 3, expiresAt: now + 1_000, force: false }, now);
    expect(await upsertRateLimit(second, { key: "t:a", points: -1, expiresAt: now + 5_000, force: false }, now + 1)).toEqual({
      points: 2,
      expiresAt: now + 1_000,
    });
    expect(await upsertRateLimit(second, { key: "t:a", points: 9, expiresAt: now + 60_000, force: true }, now + 2)).toEqual({
      points: 9,
      expiresAt: now + 60_000,
    });
    await upsertRateLimit(first, { key: "t:forever", points: 1, expiresAt: null, force: false }, now);
    expect(await upsertRateLimit(first, { key: "t:forever", points: 1, expiresAt: now + 1, force: false }, now + 10_000)).toEqual({
      points: 2,
      expiresAt: null,
    });
    expect(await currentRateLimit(second, "t:forever", now + 10_000_000)).toEqual({ points: 2, expiresAt: null });
    expect(await deleteRateLimit(second, "t:a")).toBe(true);
    expect(await deleteRateLimit(second, "t:a")).toBe(false);
    expect(await currentRateLimit(first, "t:a", now)).toBeUndefined();
  });
});
