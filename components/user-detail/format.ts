const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 1_000],
  ["minute", 60_000],
  ["hour", 3_600_000],
  ["day", 86_400_000],
  ["month", 30 * 86_400_000],
  ["year", 365 * 86_400_000],
];
// When to move to the next unit: 45 s → minutes, 45 min → hours, 22 h → days, 26 d → months, 11 mo → years.
const THRESHOLDS = [45, 45, 22, 26, 11, Infinity];

/** "3 hours ago", "yesterday", "in 2 minutes": the coarsest unit that still reads naturally. */
export function formatRelative(at: number, now: number): string {
  const diff = at - now;
  if (Math.abs(diff) < 45_000) return relative.format(0, "second");
  for (let i = 1; i < STEPS.length; i++) {
    const [unit, ms] = STEPS[i]!;
    const value = Math.round(diff / ms);
    if (Math.abs(value) < THRESHOLDS[i]! || i === STEPS.length - 1) return relative.format(value, unit);
  }
  return relative.format(Math.round(diff / 86_400_000), "day");
}

/** The exact time in the reader's own locale and time zone (only ever rendered in the browser). */
export function formatExact(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "full", timeStyle: "long" });
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
