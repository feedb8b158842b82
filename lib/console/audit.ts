import type { z } from "zod";
import type { Db } from "@/db/client";
import { auditActorKeys } from "@/db/queries/audit-actors";
import {
  auditEventChunks,
  auditReadPlan,
  auditTargetIds,
  auditTargetLabels,
  countAuditEvents,
  listAuditEvents,
  type AuditLogFilters,
} from "@/db/queries/audit-log";
import { chainContent } from "@/db/queries/audit-chain";
import type { AuditEvent } from "@/db/schema";
import { AUDIT_COUNT_CAP, MAX_AUDIT_EXPORT_ROWS, type auditEvent, type auditPage, type AuditQuery } from "@/lib/contracts/audit";
import { normalizeEmail } from "@/lib/domain/email";
import type { FileBody } from "@/lib/http/types";
import { toCsv, type CsvColumn } from "./csv";

type AuditEventDto = z.input<typeof auditEvent>;

async function toFilters(db: Db, tenantId: string, query: AuditQuery): Promise<AuditLogFilters> {
  const target = query.target;
  // The tenant's actors the text names, looked up by; too many to list, the text is tested on each event.
  const actorKeys = query.actor ? await auditActorKeys(db, tenantId, query.actor) : null;
  return {
    ...(actorKeys ? { actorKeys } : { actor: query.actor }),
    action: query.action,
    targetIds: target ? await auditTargetIds(db, tenantId, target, target.includes("@") ? normalizeEmail(target) : null) : undefined,
    from: query.from,
    to: query.to,
  };
}

export function toAuditEventDto(event: AuditEvent, targetLabel: string | null): AuditEventDto {
  return {
    id: event.id,
    at: new Date(event.createdAt).toISOString(),
    actorType: event.actorType,
    actorName: event.actorName,
    actorId: event.actorId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    targetLabel,
    outcome: event.outcome,
    requestId: event.requestId,
    details: event.details,
  };
}

async function withLabels(db: Db, tenantId: string, events: AuditEvent[]): Promise<AuditEventDto[]> {
  const labels = await auditTargetLabels(db, tenantId, events);
  return events.map((event) => toAuditEventDto(event, (event.targetId && labels.get(event.targetId)) ?? null));
}

/** One page of the tenant's audit log; also used by the page's server render. */
export async function auditLogPage(db: Db, tenantId: string, query: AuditQuery): Promise<z.input<typeof auditPage>> {
  const filters = await toFilters(db, tenantId, query);
  const { events, ...count } = await listAuditEvents(db, { tenantId, filters, page: query.page, size: query.size, countCap: AUDIT_COUNT_CAP });
  return { events: await withLabels(db, tenantId, events), ...count, page: query.page, size: query.size };
}

/** An exported event: what the log shows, and its place in the tenant's chain with the exact text its hash covers. */
type ExportedEvent = AuditEventDto & { chainSeq: number | null; prevHash: string | null; hash: string | null; hashed: string | null };

const CSV_COLUMNS: CsvColumn<ExportedEvent>[] = [
  { header: "time", value: (e) => e.at },
  { header: "actor_type", value: (e) => e.actorType },
  { header: "actor_name", value: (e) => e.actorName },
  { header: "actor_id", value: (e) => e.actorId },
  { header: "action", value: (e) => e.action },
  { header: "target_type", value: (e) => e.targetType },
  { header: "target_id", value: (e) => e.targetId },
  { header: "target", value: (e) => e.targetLabel },
  { header: "outcome", value: (e) => e.outcome },
  { header: "request_id", value: (e) => e.requestId },
  { header: "details", value: (e) => e.details },
  { header: "event_id", value: (e) => e.id },
  { header: "chain_seq", value: (e) => e.chainSeq },
  { header: "prev_hash", value: (e) => e.prevHash },
  { header: "hash", value: (e) => e.hash },
  // JSON starting with "{": never escaped as a formula, so an auditor reads back exactly what was hashed.
  { header: "hashed_content", value: (e) => e.hashed },
];

async function exported(db: Db, tenantId: string, events: AuditEvent[]): Promise<ExportedEvent[]> {
  return (await withLabels(db, tenantId, events)).map((dto, i) => {
    const event = events[i]!;
    const chained = event.chainSeq !== null && event.prevHash !== null;
    return {
      ...dto,
      chainSeq: event.chainSeq,
      prevHash: event.prevHash,
      hash: event.hash,
      hashed: chained ? chainContent(event.prevHash!, event.chainSeq!, event) : null,
    };
  });
}

/** CSV text in parts: one database chunk at a time, read only when the client takes the previous one. */
async function* csvChunks(db: Db, tenantId: string, chunks: AsyncGenerator<AuditEvent[], void, undefined>): AsyncGenerator<string> {
  let first = true;
  for await (const events of chunks) {
    yield toCsv(await exported(db, tenantId, events), CSV_COLUMNS, { header: first });
    first = false;
  }
  if (first) yield toCsv([], CSV_COLUMNS);
}

/** The filtered log as a CSV download, newest first, at most MAX_AUDIT_EXPORT_ROWS events. */
export async function auditLogCsv(db: Db, tenantId: string, query: AuditQuery, now = new Date()): Promise<FileBody> {
  const filters = await toFilters(db, tenantId, query);
  // One plan for the count and the rows: on SQLite choosing it counts an actor's or an action's events.
  const plan = await auditReadPlan(db, tenantId, filters);
  const { total, totalKind } = await countAuditEvents(db, tenantId, filters, MAX_AUDIT_EXPORT_ROWS, plan);
  const stamp = now.toISOString().replace(/[-:]/g, "").slice(0, 15);
  return {
    contentType: "text/csv; charset=utf-8",
    fileName: `roster-audit-${stamp}Z.csv`,
    body: csvChunks(db, tenantId, auditEventChunks(db, { tenantId, filters, limit: MAX_AUDIT_EXPORT_ROWS, plan })),
    headers: {
      ...(totalKind === "exact"
        ? { "x-total-count": String(total) }
        : { "x-export-truncated": `only the newest ${MAX_AUDIT_EXPORT_ROWS} of more than ${MAX_AUDIT_EXPORT_ROWS} events` }),
    },
  };
}
