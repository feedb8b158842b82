// How times read in the console. Pure functions (the clock and the zone are arguments or the
// runtime's), so they are tested without a browser.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Smallest first; a month and a year are the usual 30 and 365 days. */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["minute", MINUTE],
  ["hour", HOUR],
  ["day", DAY],
  ["week", 7 * DAY],
  ["month", 30 * DAY],
  ["year", 365 * DAY],
];

const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/**
 * "just now", "3 hours ago", "yesterday", "in 3 months": the largest unit that still reads as a
 * whole number. A value moves up a unit as soon as rounding would reach it, so a time 59.6 minutes
 * ago reads "1 hour ago", never "60 minutes ago".
 */
export function formatRelative(at: number, now: number): string {
  const diff = at - now;
  if (Math.abs(diff) < 45 * SECOND) return diff > 0 ? "in a moment" : "just now";
  for (let i = 0; i < UNITS.length; i++) {
    const [unit, ms] = UNITS[i]!;
    const next = UNITS[i + 1];
    if (next && Math.abs(diff) >= next[1] - ms / 2) continue;
    // Rounded away from zero alike for past and future (Math.round alone rounds -1.5 to -1).
    return relativeFormat.format(Math.sign(diff) * Math.round(Math.abs(diff) / ms), unit);
  }
  throw new Error("unreachable: the last unit always answers");
}

/** Date, time and zone in the reader's locale and zone: what the tooltip of a time shows first. */
export function formatExact(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long", timeZone }).format(new Date(iso));
}

/** The same instant in UTC, to the second, so people in different zones can compare notes. */
export function formatUtc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Date and time to the second without the zone: compact enough for a table column. */
export function formatDateTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium", timeZone }).format(new Date(iso));
}

/** What the server renders before the browser's zone is known: UTC to the minute. */
export function formatServerFallback(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
