import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "@/db/client";
import { prepareDatabase } from "@/lib/setup/database";
import { tempDatabaseFile } from "@/test/db";
import { addToWindow, deleteEndedRateLimits } from "./rate-limits";

// Two connections on one file stand for two server processes on one database.
const file = tempDatabaseFile("rate-limits");
const first = openDatabase(file);
prepareDatabase(first);
const second = openDatabase(file);
afterAll(() => [first, second].forEach(closeDatabase));

describe("addToWindow", () => {
  it("adds several points at once: a process's reservation", () => {
    expect(addToWindow(first, "api:token:chunks", 5, 60_000, 3_000_000)).toEqual({ points: 5, expiresAt: 3_060_000 });
    expect(addToWindow(second, "api:token:chunks", 3, 60_000, 3_000_001)).toEqual({ points: 8, expiresAt: 3_060_000 });
  });

  it("counts every process's requests into one window", () => {
    const now = 1_000_000;
    const counts = Array.from({ length: 6 }, (_, i) => addToWindow(i % 2 ? second : first, "api:token:shared", 1, 60_000, now + i).points);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(addToWindow(first, "api:token:other", 1, 60_000, now)).toEqual({ points: 1, expiresAt: now + 60_000 });
  });

  it("starts a new window once the last one has ended, and keeps the window's end until then", () => {
    const start = 2_000_000;
    expect(addToWindow(first, "api:ip:a", 1, 1_000, start)).toEqual({ points: 1, expiresAt: start + 1_000 });
    expect(addToWindow(second, "api:ip:a", 1, 1_000, start + 999)).toEqual({ points: 2, expiresAt: start + 1_000 });
    expect(addToWindow(first, "api:ip:a", 1, 1_000, start + 1_000)).toEqual({ points: 1, expiresAt: start + 2_000 });
  });

  it("sweeps only the counters that ended before the given time", () => {
    addToWindow(first, "api:ip:gone", 1, 1_000, 10);
    addToWindow(first, "api:ip:current", 1, 1_000, 5_000_000);
    expect(deleteEndedRateLimits(second, 4_000_000)).toBeGreaterThanOrEqual(1);
    expect(addToWindow(first, "api:ip:gone", 1, 1_000, 20).points).toBe(1);
    expect(addToWindow(first, "api:ip:current", 1, 1_000, 5_000_001).points).toBe(2);
  });
});
