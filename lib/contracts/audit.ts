import * as z from "zod/mini";
import { ACTOR_TYPES } from "@/db/constants";
import { int, optionalText, wholeNumber } from "./common";
import { defineContract } from "./contract";

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * An ISO date or date-time as epoch milliseconds; a time without a zone is UTC. As the end of a
 * range (`to`) it covers the whole unit it names: a date to the end of that day, a time given to
 * the minute to the end of that minute, so "to 10:05" includes an event at 10:05:30.
 */
export function parseInstant(text: string, end: boolean): number | null {
  if (DATE_ONLY.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(start) ? null : end ? start + DAY_MS - 1 : start;
  }
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const at = Date.parse(match[4] ? text : `${text}Z`);
  if (Number.isNaN(at)) return null;
  if (!end || match[3]) return at;
  return at + (match[2] ? 999 : 59_999);
}

const instant = (name: "from" | "to") =>
  z.pipe(
    z.optional(z.string().check(z.trim())),
    z.transform((value: string | undefined, ctx) => {
      if (!value) return undefined;
      const at = parseInstant(value, name === "to");
      if (at !== null) return at;
      ctx.issues.push({ code: "custom", message: `${name} must be an ISO date or date-time, e.g. 2025-01-31 or 2025-01-31T09:30Z`, input: value });
      return z.NEVER;
    }),
  );

/**
 * How deep the log's pages go (page × size): an offset walks the index row by row, half a second at a
 * million events. Older events are reached by moving `to` back, which the index seeks to.
 */
export const AUDIT_LIST_DEPTH = 10_000;

/** The audit log's query string, shared by the list, the export and the page's first render. */
export const auditQuery = z
  .object({
    actor: optionalText("actor", 200),
    action: optionalText("action", 100),
    target: optionalText("target", 320),
    from: instant("from"),
    to: instant("to"),
    page: wholeNumber("page", 1, 100_000, 1),
    size: wholeNumber("size", 1, 100, 50),
  })
  .check(
    z.refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: "from must not be after to", path: ["from"] }),
    z.refine((query) => (query.page - 1) * query.size < AUDIT_LIST_DEPTH, {
      message: `pages go ${AUDIT_LIST_DEPTH.toLocaleString("en-US")} events deep at most: to see older ones, set the “to” filter to an earlier time`,
      path: ["page"],
    }),
  );

export type AuditQuery = z.output<typeof auditQuery>;

const text = z.nullable(z.string());

export const auditEvent = z.object({
  id: z.string(),
  /** ISO time of the event. */
  at: z.string(),
  actorType: z.enum(ACTOR_TYPES),
  actorName: text,
  actorId: text,
  action: z.string(),
  targetType: text,
  targetId: text,
  /** Who or what the target is for a person: a user's or admin's email, a token's name; null when only the id is known. */
  targetLabel: text,
  outcome: z.string(),
  requestId: text,
  details: z.nullable(z.record(z.string(), z.unknown())),
});

export const MAX_AUDIT_EXPORT_ROWS = 100_000;

/**
 * How far the log counts the events that match: as far as the export reaches, so that the page can
 * say whether the export holds them all. Past it the total is a lower bound ("100,000+"): an exact
 * count would walk every event of the tenant on every page, and the log only grows.
 */
export const AUDIT_COUNT_CAP = MAX_AUDIT_EXPORT_ROWS;

export const auditPage = z.object({
  events: z.array(auditEvent),
  total: int(),
  /** "atLeast": more than AUDIT_COUNT_CAP events match, and `total` is that cap. */
  totalKind: z.enum(["exact", "atLeast"]),
  page: int(),
  size: int(),
});

export const auditContracts = {
  list: defineContract({
    method: "GET",
    path: "/api/console/audit",
    query: auditQuery,
    response: { status: 200, description: "One page of the audit log", schema: z.object({ data: auditPage }) },
  }),
  exportCsv: defineContract({
    method: "GET",
    path: "/api/console/audit/export",
    query: auditQuery,
    response: { status: 200, description: "The filtered log as CSV", contentType: "text/csv" },
  }),
};
