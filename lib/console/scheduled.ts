import type { z } from "zod";
import type { Db } from "@/db/client";
import {
  cancelScheduledDeactivation,
  getScheduledDeactivation,
  listScheduledDeactivations,
  liveScheduleOfUser,
  scheduleDeactivation,
  type ScheduleActor,
  type ScheduleCursor,
  type ScheduleListItem,
} from "@/db/queries/scheduled-deactivations";
import { setTenantTimeZone, tenantTimeZone } from "@/db/queries/tenant-time-zone";
import type { ScheduledDeactivation } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import type { PolicyContext, PolicyResource } from "@/lib/auth/policy";
import { SCHEDULE_PAGE_SIZE, type scheduledDeactivation } from "@/lib/contracts/scheduled";
import { isTimeZone, parseEffectiveAt } from "@/lib/scheduled/effective-at";

// What the console's scheduled-deactivation endpoints and the user page share (docs/decisions/0024).

export type ScheduleDto = z.input<typeof scheduledDeactivation>;

export function toScheduleDto(s: ScheduledDeactivation & Partial<Pick<ScheduleListItem, "email" | "name">>): ScheduleDto {
  return {
    id: s.id,
    userId: s.userId,
    email: s.email ?? null,
    name: s.name ?? null,
    effectiveAt: new Date(Number(s.effectiveAt)).toISOString(),
    status: s.status,
    source: s.source,
    jobId: s.jobId,
    row: s.rowNumber === null ? null : Number(s.rowNumber),
    reason: s.reason,
    ticket: s.ticket,
    createdBy: s.actorName,
    createdAt: new Date(Number(s.createdAt)).toISOString(),
    outcome: s.outcome,
  };
}

// The keyset cursor travels as "<effective_at ms>.<id>": opaque to the page, checked here.
const encodeCursor = (cursor: ScheduleCursor) => `${cursor.effectiveAt}.${cursor.id}`;
function decodeCursor(text: string | undefined): ScheduleCursor | undefined {
  if (!text) return undefined;
  const match = /^(\d{1,16})\.([0-9a-f-]{36})$/.exec(text);
  if (!match) throw new ApiError("invalid_input", "after is not a cursor this list gave", { details: { after: "not a cursor of this list" } });
  return { effectiveAt: Number(match[1]), id: match[2]! };
}

export async function scheduledPage(db: Db, tenantId: string, after: string | undefined) {
  const page = await listScheduledDeactivations(db, tenantId, { after: decodeCursor(after), limit: SCHEDULE_PAGE_SIZE });
  return {
    items: page.items.map(toScheduleDto),
    next: page.next && encodeCursor(page.next),
    timeZone: (await tenantTimeZone(db, tenantId)) ?? "UTC",
  };
}

/**
 * Cancels a schedule once `authorize` (the endpoint's policy action) allows it for the schedule's user: a
 * member never cancels their own (no-self-deactivation). Its user never changes, so asking before the
 * cancel's transaction decides for it.
 */
export async function cancelSchedule(
  db: Db,
  input: { tenantId: string; id: string; actor: ScheduleActor; requestId: string | null },
  authorize: (resource: PolicyResource, context: PolicyContext) => void,
) {
  const schedule = await getScheduledDeactivation(db, input.tenantId, input.id);
  if (!schedule) throw new ApiError("not_found", `No scheduled deactivation ${input.id}`);
  authorize({ type: "User", id: schedule.userId, tenantId: input.tenantId }, { isSelf: schedule.userId === input.actor.userId });
  const result = await cancelScheduledDeactivation(db, input);
  if (result.status === "not-found") throw new ApiError("not_found", `No scheduled deactivation ${input.id}`);
  if (result.status === "finished") throw new ApiError("conflict", `This deactivation is no longer scheduled (it is ${result.schedule.status})`);
  return toScheduleDto(result.schedule);
}

export async function liveScheduleDto(db: Db, tenantId: string, userId: string): Promise<ScheduleDto | null> {
  const live = await liveScheduleOfUser(db, tenantId, userId);
  return live ? toScheduleDto(live) : null;
}

/**
 * The instant of a console deactivation's `effectiveAt`, in the tenant's zone for a date: null
 * for now (absent, empty or past), a 400 naming the field when it does not parse.
 */
export async function futureInstant(db: Db, tenantId: string, effectiveAt: string | undefined, now = Date.now()): Promise<number | null> {
  if (!effectiveAt) return null;
  const parsed = parseEffectiveAt(effectiveAt, (await tenantTimeZone(db, tenantId)) ?? "UTC");
  if (!parsed.ok) throw new ApiError("invalid_input", parsed.problem.replace(/^effective_at/, "effectiveAt"), { details: { effectiveAt: parsed.problem } });
  return parsed.at !== null && parsed.at > now ? parsed.at : null;
}

export async function scheduleFromConsole(
  db: Db,
  input: { tenantId: string; userId: string; effectiveAt: number; actor: ScheduleActor; requestId: string | null },
) {
  return scheduleDeactivation(db, { ...input, source: "console" });
}

export async function readTimeZone(db: Db, tenantId: string) {
  return { timeZone: (await tenantTimeZone(db, tenantId)) ?? "UTC" };
}

export async function saveTimeZone(db: Db, tenantId: string, timeZone: string, actor: { id: string; name: string; requestId: string | null }) {
  if (!isTimeZone(timeZone))
    throw new ApiError("invalid_input", `${timeZone} is not an IANA time zone (e.g. Europe/Berlin)`, { details: { timeZone: "unknown time zone" } });
  if (!(await setTenantTimeZone(db, tenantId, timeZone, { type: "admin", ...actor }))) throw new ApiError("not_found", "No such tenant");
  return { timeZone };
}
