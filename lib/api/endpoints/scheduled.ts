import { apiScheduledContracts as c } from "@/lib/contracts/scheduled";
import { cancelSchedule, scheduledPage, type ScheduleDto } from "@/lib/console/scheduled";
import { defineEndpoint, type Principal } from "../endpoint";
import { jitsudo } from "../dialects/jitsudo";

// Scheduled deactivations for automation, beside the leaver API whose files make most of them
// (docs/decisions/0024): list the live ones and cancel one, in the JITSudo dialect with a token.

const base = { dialect: jitsudo, auth: "token" } as const;
const actorOf = (principal: Principal) => ({ ...principal.actor, userId: principal.userId });
const view = (s: ScheduleDto) => ({
  id: s.id,
  user_id: s.userId,
  email: s.email,
  effective_at: s.effectiveAt,
  status: s.status,
  source: s.source,
  job_id: s.jobId,
  row: s.row,
  reason: s.reason,
  ticket: s.ticket,
  created_by: s.createdBy,
  created_at: s.createdAt,
  outcome: s.outcome,
});

export const SCHEDULED_API_ENDPOINTS = [
  defineEndpoint({
    ...c.list,
    ...base,
    action: "readLeaverJobs",
    operationId: "listScheduledDeactivations",
    docs: {
      summary: "Scheduled deactivations",
      description:
        "Your tenant's live scheduled deactivations (from leaver files' `effective_at` and the console), soonest first, 50 a page. Pass the answer's `next` as `after` for the next page (keyset: no page is slower than the first).",
      parameters: { after: { description: "The `next` cursor of the previous page." } },
    },
    errors: [400],
    handler: async ({ db, principal, query }) => {
      const page = await scheduledPage(db, principal.tenantId, query.after);
      return { data: { data: page.items.map(view), next: page.next } };
    },
  }),
  defineEndpoint({
    ...c.cancel,
    ...base,
    action: "bulkDeactivateUsers",
    operationId: "cancelScheduledDeactivation",
    docs: {
      summary: "Cancel a scheduled deactivation",
      description: "The user is not deactivated at that time; audited as `user.deactivation_cancelled`. One that already ran or ended is a 409.",
      parameters: { id: { description: "UUID of the schedule.", example: "5b0e4c1e-8a0f-4d55-9a44-0c6f9e0f2b7a" } },
    },
    errors: [400, 404, 409],
    handler: async ({ db, principal, params, requestId }) => ({
      data: { data: view(await cancelSchedule(db, { tenantId: principal.tenantId, id: params.id, actor: actorOf(principal), requestId })) },
    }),
  }),
];
