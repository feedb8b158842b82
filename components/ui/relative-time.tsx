"use client";

import { useHydrated, useNow } from "./use-hydrated";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function formatRelative(at: number, now: number): string {
  const diff = at - now;
  if (Math.abs(diff) < 45_000) return diff > 0 ? "in a moment" : "just now";
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === "minute") return relativeFormat.format(Math.round(diff / ms), unit);
  }
  return relativeFormat.format(Math.round(diff / 60_000), "minute");
}

/** Date, time and zone, in the browser's locale: what a hover on a relative time shows. */
export function formatExact(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" }).format(new Date(iso));
}

/** Date and time to the second, without the zone: compact enough for a table column. */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(iso));
}

/**
 * A time written for people, in the browser's zone: "5 minutes ago" (mode "relative") or
 * "Jan 2, 2025, 10:05:30 AM" (mode "datetime"); hovering shows the exact time with its zone.
 */
export function RelativeTime({ iso, mode = "relative", className }: { iso: string; mode?: "relative" | "datetime"; className?: string }) {
  const hydrated = useHydrated();
  const now = useNow();
  if (!hydrated) {
    // Server render: a neutral UTC form, replaced once the browser knows its zone.
    return (
      <time dateTime={iso} className={className}>
        {iso.slice(0, 16).replace("T", " ")} UTC
      </time>
    );
  }
  const exact = formatExact(iso);
  const relative = formatRelative(Date.parse(iso), now);
  return (
    <time dateTime={iso} title={mode === "relative" ? exact : `${exact} (${relative})`} className={className}>
      {mode === "relative" ? relative : formatDateTime(iso)}
    </time>
  );
}
