import { TZDate } from "@date-fns/tz";

// effective_at as a leaver file, the leaver API and the console write it (docs/decisions/0024):
// an ISO date, which ends at the last millisecond of that day in the tenant's time zone, or an
// ISO date-time with an offset (Z or ±HH:MM), which names its instant. Zone arithmetic is
// @date-fns/tz's (the IANA rules of the runtime's Intl), never offsets computed here.

export type EffectiveAt = { ok: true; at: number | null } | { ok: false; problem: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|([+-])(\d{2}):(\d{2}))$/i;
const DATE_TIME_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i;

/** Whether the runtime knows `zone` as an IANA time zone (what `tenant set --time-zone` accepts). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The last millisecond of a calendar day in a zone (23:59:59.999 local, whatever the day's length). */
export function endOfDayIn(year: number, month: number, day: number, zone: string): number | null {
  const date = new TZDate(year, month - 1, day, 23, 59, 59, 999, zone);
  // Date rolls 2026-02-30 over into March: such a day does not exist.
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return date.getTime();
}

// Date.parse rolls 2026-02-30T10:00Z over into March 2 (and 24:00 into the next day): the instant,
// read back at the written offset, must show the fields as written.
function writtenAsParsed(fields: RegExpExecArray, at: number): boolean {
  const [, year, month, day, hour, minute, second = "00", zulu, sign, offsetHours = "0", offsetMinutes = "0"] = fields;
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return false;
  const offset = zulu?.toUpperCase() === "Z" ? 0 : (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  const local = new Date(at + offset * 60_000);
  const written = [year, month, day, hour, minute, second].map(Number);
  const read = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
  return written.every((value, i) => value === read[i]);
}

/** Parses an effective_at value; empty means "now" (`at: null`). */
export function parseEffectiveAt(value: string | null | undefined, zone: string): EffectiveAt {
  const text = (value ?? "").trim();
  if (text === "") return { ok: true, at: null };
  const date = DATE.exec(text);
  if (date) {
    const at = endOfDayIn(Number(date[1]), Number(date[2]), Number(date[3]), zone);
    return at === null ? { ok: false, problem: `effective_at ${text} is not a calendar date` } : { ok: true, at };
  }
  const dateTime = DATE_TIME.exec(text);
  if (dateTime) {
    const at = Date.parse(text);
    if (Number.isFinite(at) && writtenAsParsed(dateTime, at)) return { ok: true, at };
    return { ok: false, problem: `effective_at ${text} is not a valid date-time` };
  }
  if (DATE_TIME_WITHOUT_OFFSET.test(text))
    return { ok: false, problem: `effective_at ${text} has no offset: write a date (YYYY-MM-DD) or a date-time with Z or ±HH:MM` };
  return { ok: false, problem: `effective_at ${text.slice(0, 40)} is not an ISO date (YYYY-MM-DD) or date-time with offset (YYYY-MM-DDTHH:MM±HH:MM)` };
}

/** An instant as the tenant reads it, e.g. "2026-12-03 23:59 (Europe/Berlin)". */
export function formatInZone(at: number, zone: string): string {
  const d = new TZDate(at, zone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())} (${zone})`;
}
