/**
 * bench:console's second subject: the console's reads that a large tenant's audit log and a pasted list
 * of addresses make, in process and for the record (no issue sets a target). Each of them once took
 * seconds on a million users (docs/decisions/0029): the audit page's target labels, its total, an
 * action filter's sort, an actor filter's walk of every event, and the paste's read of the users it found.
 */
import type { Db } from "@/db/client";
import { recordAuditEvents, type NewAuditEvent } from "@/db/queries/audit";
import { auditLogPage } from "@/lib/console/audit";
import { resolvePastedEmails } from "@/lib/console/users";
import { auditQuery } from "@/lib/contracts/audit";
import { firstThenRepeats, log, ms, seconds } from "./run";
import { percentile } from "./stats";

/** A log longer than the count's cap (AUDIT_COUNT_CAP), so that every page's total is "100,000+". */
const AUDIT_EVENTS = 120_000;
const PASTED = 1_000;

/** Adds the events a few leaver jobs would have written, unless the tenant's log is that long already. */
async function fillAuditLog(db: Db, tenantId: string): Promise<void> {
  const have = (await db.statement<{ n: number }>("select count(*) as n from audit_events where tenant_id = ?").get(tenantId))!.n;
  if (have >= AUDIT_EVENTS) return log(`audit log: reusing the tenant's ${have.toLocaleString("en-US")} events`);
  const started = performance.now();
  const users = await db.statement<{ id: string; email: string }>("select id, email from users where tenant_id = ? limit ?").all(tenantId, AUDIT_EVENTS);
  const at = Date.now() - AUDIT_EVENTS * 1_000;
  // One event per user: a run with fewer users (--users) gets a shorter log.
  for (let start = 0; start < users.length; start += 10_000) {
    const events = users.slice(start, start + 10_000).map((user, i): NewAuditEvent => ({
      tenantId,
      actorType: "token",
      actorId: "bench-token",
      actorName: "bench leaver job",
      action: "user.deactivate",
      targetType: "user",
      targetId: user.id,
      outcome: "deactivated",
      details: { email: user.email },
      createdAt: at + (start + i) * 1_000,
    }));
    await recordAuditEvents(db, events);
  }
  // An admin who acted three times among them: the actor filter's rare case.
  await recordAuditEvents(
    db,
    [0.25, 0.5, 0.75].map((when): NewAuditEvent => ({
      tenantId,
      actorType: "admin",
      actorId: "bench-rare-admin",
      actorName: "Rare Admin",
      action: "token.created",
      outcome: "success",
      createdAt: at + Math.round(when * users.length) * 1_000,
    })),
  );
  log(`audit log: ${users.length.toLocaleString("en-US")} events added in ${seconds(started)}`);
}

type RecordFigure = (figure: string, measured: string) => void;
/** The first call (cold caches), then the median of five, and what the first call answered. */
async function timed(run: () => Promise<string>): Promise<string> {
  const { first, samples, answer } = await firstThenRepeats(run);
  return `${ms(first)}, ${ms(percentile(samples, 50))} (${answer})`;
}

export async function measureAuditAndPaste(db: Db, tenantId: string, record: RecordFigure): Promise<void> {
  await fillAuditLog(db, tenantId);
  const pages: [string, Record<string, string>][] = [
    ["first page, no filter", {}],
    ["page 200 (deepest)", { page: "200" }],
    ['action "user." (most events)', { action: "user." }],
    ['action "token." (few events)', { action: "token." }],
    ['actor "bench" (most events)', { actor: "bench" }],
    ['actor "rare" (3 events)', { actor: "rare" }],
    ['actor "nobody" (no event)', { actor: "nobody" }],
  ];
  for (const [label, query] of pages) {
    const parsed = auditQuery.parse(query);
    const result = await timed(async () => {
      const page = await auditLogPage(db, tenantId, parsed);
      return `total ${page.total.toLocaleString("en-US")}${page.totalKind === "atLeast" ? "+" : ""}`;
    });
    record(`  audit log, ${label}: first, then p50 of 5`, result);
  }
  const pasted = (await db.statement<{ email: string }>("select email from users where tenant_id = ? order by random() limit ?").all(tenantId, PASTED)).map(
    (row) => row.email,
  );
  const result = await timed(async () => `${(await resolvePastedEmails(db, tenantId, pasted)).found.length.toLocaleString("en-US")} found`);
  record(`  paste ${PASTED.toLocaleString("en-US")} addresses: first, then p50 of 5`, result);
}
