import * as z from "zod/mini";
import { SCHEDULE_SOURCES, SCHEDULE_STATUSES } from "@/db/constants";
import { isoTime, uuid } from "./common";
import { defineContract } from "./contract";

// Scheduled deactivations in the console (docs/decisions/0024): the Scheduled view, cancelling,
// and the tenant's time zone that a date-only effective_at ends in.

export const SCHEDULE_PAGE_SIZE = 50;

/** `effectiveAt` of the console's single deactivation: an ISO date or a date-time with offset; absent or past: now. */
export const effectiveAtField = z.optional(
  z.string({ error: "effectiveAt must be a string" }).check(z.trim(), z.maxLength(40, "effectiveAt is at most 40 characters")).register(z.globalRegistry, {
    description:
      "When the deactivation takes effect: an ISO date (ends at 23:59:59.999 in the tenant's time zone) or a date-time with offset (`2026-12-31T18:00+01:00`). Absent, empty or past: now. A future time schedules it and answers `status: scheduled`.",
  }),
);

export const scheduledDeactivation = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.nullable(z.string()),
  name: z.nullable(z.string()),
  effectiveAt: isoTime,
  status: z.enum(SCHEDULE_STATUSES),
  source: z.enum(SCHEDULE_SOURCES),
  jobId: z.nullable(z.string()),
  row: z.nullable(z.number()),
  reason: z.nullable(z.string()),
  ticket: z.nullable(z.string()),
  createdBy: z.string(),
  createdAt: isoTime,
  outcome: z.nullable(z.string()),
});

export const scheduleListQuery = z.object({
  // The keyset cursor of the next page, as the previous page answered it.
  after: z.optional(z.string().check(z.maxLength(200, "after is at most 200 characters"))),
});

export const scheduleListPage = z.object({
  items: z.array(scheduledDeactivation),
  /** The cursor of the next page; null on the last. */
  next: z.nullable(z.string()),
  timeZone: z.string(),
});

export const timeZoneSetting = z.object({ timeZone: z.string() });
export const timeZoneRequest = z.object({
  timeZone: z
    .string({ error: "timeZone is required" })
    .check(z.trim(), z.minLength(1, "timeZone is required"), z.maxLength(64, "timeZone is at most 64 characters")),
});

const idParams = z.object({ id: uuid("schedule id") });

export const scheduledContracts = {
  list: defineContract({
    method: "GET",
    path: "/api/console/scheduled-deactivations",
    query: scheduleListQuery,
    response: { status: 200, description: "One page of live schedules, soonest first", schema: z.object({ data: scheduleListPage }) },
  }),
  cancel: defineContract({
    method: "POST",
    path: "/api/console/scheduled-deactivations/{id}/cancel",
    params: idParams,
    response: { status: 200, description: "The schedule, cancelled", schema: z.object({ data: scheduledDeactivation }) },
  }),
  readTimeZone: defineContract({
    method: "GET",
    path: "/api/console/time-zone",
    response: { status: 200, description: "The tenant's time zone", schema: z.object({ data: timeZoneSetting }) },
  }),
  saveTimeZone: defineContract({
    method: "PUT",
    path: "/api/console/time-zone",
    body: timeZoneRequest,
    response: { status: 200, description: "The time zone as saved", schema: z.object({ data: timeZoneSetting }) },
  }),
};

// ---- the leaver API's view (JITSudo dialect: snake_case) ----------------------------------------
export const apiScheduledDeactivation = z.object({
  id: z.string(),
  user_id: z.string(),
  email: z.nullable(z.string()),
  effective_at: isoTime,
  status: z.enum(SCHEDULE_STATUSES),
  source: z.enum(SCHEDULE_SOURCES),
  job_id: z.nullable(z.string()),
  row: z.nullable(z.number()),
  reason: z.nullable(z.string()),
  ticket: z.nullable(z.string()),
  created_by: z.string(),
  created_at: isoTime,
  outcome: z.nullable(z.string()),
});

export const apiScheduledContracts = {
  list: defineContract({
    method: "GET",
    path: "/v1/scheduled-deactivations",
    query: scheduleListQuery,
    response: {
      status: 200,
      description: "One page of live schedules, soonest first; `next` is the cursor of the next page (null on the last)",
      schema: z.object({ data: z.array(apiScheduledDeactivation), next: z.nullable(z.string()) }),
    },
  }),
  cancel: defineContract({
    method: "POST",
    path: "/v1/scheduled-deactivations/{id}/cancel",
    params: idParams,
    response: { status: 200, description: "The schedule, cancelled", schema: z.object({ data: apiScheduledDeactivation }) },
  }),
};
