import { describe, expect, it } from "vitest";
import { formatDateTime, formatExact, formatRelative, formatServerFallback, formatUtc } from "./time-format";

const NOW = Date.parse("2025-06-15T12:00:00Z");
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ago = (ms: number) => formatRelative(NOW - ms, NOW);
const ahead = (ms: number) => formatRelative(NOW + ms, NOW);

describe("formatRelative", () => {
  it("says just now / in a moment within 45 seconds", () => {
    expect(ago(0)).toBe("just now");
    expect(ago(44 * SECOND)).toBe("just now");
    expect(ahead(30 * SECOND)).toBe("in a moment");
    expect(ago(45 * SECOND)).toBe("1 minute ago");
  });

  it("writes the largest unit that reads as a whole number", () => {
    expect(ago(10 * MINUTE)).toBe("10 minutes ago");
    expect(ago(3 * HOUR - 5 * MINUTE)).toBe("3 hours ago");
    expect(ago(26 * HOUR)).toBe("yesterday");
    expect(ago(2 * DAY)).toBe("2 days ago");
    expect(ago(10 * DAY)).toBe("last week");
    expect(ago(45 * DAY)).toBe("2 months ago");
    expect(ago(400 * DAY)).toBe("last year");
    expect(ahead(90 * DAY - SECOND)).toBe("in 3 months");
    expect(ahead(3 * DAY)).toBe("in 3 days");
  });

  it("moves up a unit instead of rounding to the next unit's size", () => {
    expect(ago(59.6 * MINUTE)).toBe("1 hour ago");
    expect(ago(23.8 * HOUR)).toBe("yesterday");
    expect(ago(6.8 * DAY)).toBe("last week");
    expect(ago(29 * DAY)).toBe("last month");
    expect(ago(359 * DAY)).toBe("last year");
  });
});

describe("exact forms", () => {
  const iso = "2025-01-02T10:05:30.123Z";

  it("gives UTC to the second, whatever the reader's zone", () => {
    expect(formatUtc(iso)).toBe("2025-01-02 10:05:30 UTC");
    expect(formatServerFallback(iso)).toBe("2025-01-02 10:05 UTC");
  });

  it("writes the full local time with its zone", () => {
    const exact = formatExact(iso, "Asia/Kolkata");
    expect(exact).toContain("2025");
    expect(exact).toContain("3:35:30");
    expect(exact).toMatch(/GMT\+5:30|IST/);
  });

  it("writes a compact date and time for table columns", () => {
    expect(formatDateTime(iso, "UTC")).toMatch(/Jan 2, 2025.*10:05:30/);
  });
});
