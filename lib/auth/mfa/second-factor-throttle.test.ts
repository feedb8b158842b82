import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { createSecondFactorThrottle, SECOND_FACTOR_LIMIT, throttledSecondFactor } from "./second-factor-throttle";

// The account-wide budget of second-factor attempts, on whichever database the suite runs: it is
// the bound on guessing a six-digit code, so concurrent attempts must not get past it.
const db = createTestDb();

type Outcome = { ok: boolean; reason?: string; retryAfterSeconds?: number };
const freshThrottle = (points: number = SECOND_FACTOR_LIMIT.points) =>
  createSecondFactorThrottle(db, { ...SECOND_FACTOR_LIMIT, points, keyPrefix: randomUUID() });
const blocked = async (retryAfterSeconds: number): Promise<Outcome> => ({ ok: false, reason: "throttled", retryAfterSeconds });

/** A check that answers `answer` after a moment (as a database round trip would), counting its calls. */
function countingCheck(answer: () => Outcome) {
  const counter = {
    calls: 0,
    check: async (): Promise<Outcome> => {
      counter.calls++;
      await sleep(5);
      return answer();
    },
  };
  return counter;
}
const wrong = (): Outcome => ({ ok: false, reason: "invalid" });
const right = (): Outcome => ({ ok: true });

describe("throttledSecondFactor", () => {
  it(`checks at most ${SECOND_FACTOR_LIMIT.points} of many wrong codes sent at once; the rest are refused unchecked`, async () => {
    const throttle = freshThrottle();
    const adminId = randomUUID();
    const counter = countingCheck(wrong);
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => throttledSecondFactor(throttle, adminId, counter.check, blocked)));
    expect(counter.calls).toBe(SECOND_FACTOR_LIMIT.points);
    expect(outcomes.filter((o) => o.reason === "invalid")).toHaveLength(SECOND_FACTOR_LIMIT.points);
    const refused = outcomes.filter((o) => o.reason === "throttled");
    expect(refused).toHaveLength(60 - SECOND_FACTOR_LIMIT.points);
    for (const refusal of refused) {
      expect(refusal.retryAfterSeconds).toBeGreaterThanOrEqual(60);
      expect(refusal.retryAfterSeconds).toBeLessThanOrEqual(SECOND_FACTOR_LIMIT.blockDuration);
    }
    // And the account stays held off afterwards, even for the right code.
    const later = countingCheck(right);
    expect(await throttledSecondFactor(throttle, adminId, later.check, blocked)).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: SECOND_FACTOR_LIMIT.blockDuration,
    });
    expect(later.calls).toBe(0);
  });

  it("refuses the attempt after the limit with the window's end, as before", async () => {
    const throttle = freshThrottle(3);
    const adminId = randomUUID();
    const counter = countingCheck(wrong);
    for (let i = 0; i < 3; i++) expect(await throttledSecondFactor(throttle, adminId, counter.check, blocked)).toEqual({ ok: false, reason: "invalid" });
    expect(await throttledSecondFactor(throttle, adminId, counter.check, blocked)).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: 900 });
    expect(counter.calls).toBe(3);
  });

  it("takes a right code after a few wrong ones, and the count starts again", async () => {
    const throttle = freshThrottle(3);
    const adminId = randomUUID();
    const wrongs = countingCheck(wrong);
    for (let i = 0; i < 2; i++) await throttledSecondFactor(throttle, adminId, wrongs.check, blocked);
    expect(await throttledSecondFactor(throttle, adminId, countingCheck(right).check, blocked)).toEqual({ ok: true });
    // Three more wrong codes are checked (the budget is whole again); only the fourth waits.
    for (let i = 0; i < 3; i++) expect(await throttledSecondFactor(throttle, adminId, wrongs.check, blocked)).toEqual({ ok: false, reason: "invalid" });
    expect(await throttledSecondFactor(throttle, adminId, wrongs.check, blocked)).toMatchObject({ ok: false, reason: "throttled" });
    expect(wrongs.calls).toBe(5);
  });

  it("gives the point back for an answer that is neither right nor wrong, and keeps it when the check throws", async () => {
    const throttle = freshThrottle(2);
    const adminId = randomUUID();
    const expired = countingCheck(() => ({ ok: false, reason: "expired" }));
    for (let i = 0; i < 5; i++) expect(await throttledSecondFactor(throttle, adminId, expired.check, blocked)).toEqual({ ok: false, reason: "expired" });
    const failing = async (): Promise<Outcome> => {
      throw new Error("the database went away");
    };
    for (let i = 0; i < 2; i++) await expect(throttledSecondFactor(throttle, adminId, failing, blocked)).rejects.toThrow("went away");
    expect(await throttledSecondFactor(throttle, adminId, expired.check, blocked)).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("counts per admin: one admin's wrong codes leave another's alone", async () => {
    const throttle = freshThrottle(2);
    const [a, b] = [randomUUID(), randomUUID()];
    const counter = countingCheck(wrong);
    await Promise.all(Array.from({ length: 6 }, () => throttledSecondFactor(throttle, a, counter.check, blocked)));
    expect(counter.calls).toBe(2);
    expect(await throttledSecondFactor(throttle, b, countingCheck(right).check, blocked)).toEqual({ ok: true });
  });
});
