import { z } from "zod";
import type { Db } from "@/db/client";
import { auditEventChunks, auditTargetIds, countAuditEvents, listAuditEvents, type AuditLogFilters } from "@/db/queries/audit-log";
import type { AuditEvent } from "@/db/schema";
import { jitsudo } from "@/lib/api/dialects/jitsudo";
import type { Dialect } from "@/lib/api/dialects/types";
import { apiRoute } from "@/lib/api/route";
import type { AuditEventDto, AuditPageDto } from "@/lib/query/audit";
import { normalizeEmail } from "@/lib/domain/email";
import { toCsv, type CsvColumn } from "./csv";

export const MAX_EXPORT_ROWS = 100_000;
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

const optionalText = (name: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${name} is at most ${max} characters`)
    .optional()
    .transform((value) => value || undefined);

const instant = (name: "from" | "to") =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const at = parseInstant(value, name === "to");
      if (at === null) {
        ctx.addIssue({ code: "custom", message: `${name} must be an ISO date or date-time, e.g. 2025-01-31 or 2025-01-31T09:30Z` });
        return z.NEVER;
      }
      return at;
    });

const wholeNumber = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return fallback;
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(n >= min && n <= max)) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number from ${min} to ${max.toLocaleString("en-US")}` });
        return z.NEVER;
      }
      return n;
    });

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
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: "from must not be after to", path: ["from"] });

export type AuditQuery = z.output<typeof auditQuery>;

function toFilters(db: Db, tenantId: string, query: AuditQuery): AuditLogFilters {
  return {
    actor: query.actor,
    action: query.action,
    targetIds: query.target ? auditTargetIds(db, tenantId, query.target, query.target.includes("@") ? normalizeEmail(query.target) : null) : undefined,
    from: query.from,
    to: query.to,
  };
}

export function toAuditEventDto(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    at: new Date(event.createdAt).toISOString(),
    actorType: event.actorType,
    actorName: event.actorName,
    actorId: event.actorId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    outcome: event.outcome,
    requestId: event.requestId,
    details: event.details,
  };
}

/** One page of the tenant's audit log; also used by the page's server render. */
export function auditPage(db: Db, tenantId: string, query: AuditQuery): AuditPageDto {
  const { total, events } = listAuditEvents(db, { tenantId, filters: toFilters(db, tenantId, query), page: query.page, size: query.size });
  return { events: events.map(toAuditEventDto), total, page: query.page, size: query.size };
}

// GET /api/console/audit — admins and auditors (policy audit-log-requires-admin-or-auditor-role)
export const listAuditLog = apiRoute({ dialect: jitsudo, auth: "session", action: "readAuditLog", query: auditQuery }, ({ db, principal, query }) => ({
  status: 200,
  data: { data: auditPage(db, principal.tenantId, query) },
}));

const CSV_COLUMNS: CsvColumn<AuditEventDto>[] = [
  { header: "time", value: (e) => e.at },
  { header: "actor_type", value: (e) => e.actorType },
  { header: "actor_name", value: (e) => e.actorName },
  { header: "actor_id", value: (e) => e.actorId },
  { header: "action", value: (e) => e.action },
  { header: "target_type", value: (e) => e.targetType },
  { header: "target_id", value: (e) => e.targetId },
  { header: "outcome", value: (e) => e.outcome },
  { header: "request_id", value: (e) => e.requestId },
  { header: "details", value: (e) => e.details },
];

/** CSV text in parts: one database chunk at a time, read only when the client takes the previous one. */
function csvStream(chunks: Generator<AuditEvent[], void, undefined>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let first = true;
  return new ReadableStream({
    pull(controller) {
      const next = chunks.next();
      if (next.done) {
        if (first) controller.enqueue(encoder.encode(toCsv([], CSV_COLUMNS)));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(toCsv(next.value.map(toAuditEventDto), CSV_COLUMNS, { header: first })));
      first = false;
    },
    cancel() {
      chunks.return();
    },
  });
}

// The JITSudo dialect (errors included), except that a handler may answer with a file.
const jitsudoOrFile: Dialect = { ...jitsudo, success: (data, status, context) => (data instanceof Response ? data : jitsudo.success(data, status, context)) };

// GET /api/console/audit/export — the filtered log as CSV, newest first, at most MAX_EXPORT_ROWS rows
export const exportAuditLog = apiRoute({ dialect: jitsudoOrFile, auth: "session", action: "readAuditLog", query: auditQuery }, ({ db, principal, query }) => {
  const filters = toFilters(db, principal.tenantId, query);
  const total = countAuditEvents(db, principal.tenantId, filters);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  const file = new Response(csvStream(auditEventChunks(db, { tenantId: principal.tenantId, filters, limit: MAX_EXPORT_ROWS })), {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="roster-audit-${stamp}Z.csv"`,
      "x-total-count": String(total),
      ...(total > MAX_EXPORT_ROWS && { "x-export-truncated": `only the newest ${MAX_EXPORT_ROWS} of ${total} events` }),
    },
  });
  return { status: 200, data: file };
});
