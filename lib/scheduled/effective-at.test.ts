import { describe, expect, it } from "vitest";
import { formatInZone, isTimeZone, parseEffectiveAt } from "./effective-at";

describe("parseEffectiveAt", () => {
  it("reads an empty value as now", () => {
    expect(parseEffectiveAt("", "UTC")).toEqual({ ok: true, at: null });
    expect(parseEffectiveAt(null, "Europe/Berlin")).toEqual({ ok: true, at: null });
  });

  it("ends a date at 23:59:59.999 in the tenant's zone, summer and winter time alike", () => {
    expect(parseEffectiveAt("2026-12-03", "UTC")).toEqual({ ok: true, at: Date.parse("2026-12-03T23:59:59.999Z") });
    expect(parseEffectiveAt("2026-12-03", "Europe/Berlin")).toEqual({ ok: true, at: Date.parse("2026-12-03T23:59:59.999+01:00") });
    expect(parseEffectiveAt("2026-07-03", "Europe/Berlin")).toEqual({ ok: true, at: Date.parse("2026-07-03T23:59:59.999+02:00") });
    expect(parseEffectiveAt("2026-07-03", "America/New_York")).toEqual({ ok: true, at: Date.parse("2026-07-03T23:59:59.999-04:00") });
    // The day the clocks go back in Berlin is 25 hours long; it still ends at 23:59:59.999 local.
    expect(parseEffectiveAt("2026-10-25", "Europe/Berlin")).toEqual({ ok: true, at: Date.parse("2026-10-25T23:59:59.999+01:00") });
  });

  it("takes a date-time with an offset as the instant it names", () => {
    expect(parseEffectiveAt("2026-12-03T17:30+05:30", "Europe/Berlin")).toEqual({ ok: true, at: Date.parse("2026-12-03T12:00:00Z") });
    expect(parseEffectiveAt("2026-12-03T17:30:15.250Z", "Europe/Berlin")).toEqual({ ok: true, at: Date.parse("2026-12-03T17:30:15.250Z") });
  });

  it("refuses what is not an ISO date or date-time with offset, saying why", () => {
    expect(parseEffectiveAt("2026-12-03T17:30", "UTC")).toEqual({ ok: false, problem: expect.stringContaining("has no offset") });
    expect(parseEffectiveAt("2026-02-30", "UTC")).toEqual({ ok: false, problem: "effective_at 2026-02-30 is not a calendar date" });
    expect(parseEffectiveAt("03/12/2026", "UTC")).toEqual({ ok: false, problem: expect.stringContaining("is not an ISO date") });
    expect(parseEffectiveAt("2026-13-45T99:99Z", "UTC")).toEqual({ ok: false, problem: expect.stringContaining("not a valid date-time") });
  });

  it("refuses a date-time whose day or time does not exist, rather than rolling it over", () => {
    for (const text of ["2026-02-30T10:00Z", "2026-02-29T10:00+01:00", "2026-04-31T00:00:00-05:00", "2026-12-03T24:00Z", "2026-12-03T12:00:60Z"])
      expect(parseEffectiveAt(text, "UTC"), text).toEqual({ ok: false, problem: `effective_at ${text} is not a valid date-time` });
    // A leap day and a late-evening instant at a negative offset (the next day in UTC) are real.
    expect(parseEffectiveAt("2028-02-29T23:30-05:00", "UTC")).toEqual({ ok: true, at: Date.parse("2028-03-01T04:30:00Z") });
    expect(parseEffectiveAt("2026-12-31T23:59:59.999+14:00", "UTC")).toEqual({ ok: true, at: Date.parse("2026-12-31T09:59:59.999Z") });
  });
});

describe("time zones", () => {
  it("knows IANA names and refuses others", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  it("formats an instant as the tenant reads it", () => {
    expect(formatInZone(Date.parse("2026-12-03T22:59:59.999Z"), "Europe/Berlin")).toBe("2026-12-03 23:59 (Europe/Berlin)");
  });
});
