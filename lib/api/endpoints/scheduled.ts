import { apiScheduledContracts as c } from "@/lib/contracts/scheduled";
import { cancelSchedule, scheduledPage, type ScheduleDto } from "@/lib/console/scheduled";
import { defineEndpoint, type Principal } from "../endpoint";
import { jitsudo } from "../dialects/jitsudo";

// Scheduled deactivations for automation, beside the leaver API whose files make most of them
// (docs/decisions/0024): list the live ones and cancel one, in the JITSudo dialect with a token.

const base = { dialect: jitsudo, auth: "token" } as const;
// Asked of the tenant, then of the schedule's user: no one cancels their own (no-self-deactivation).
const CANCEL_ACTION = "bulkDeactivateUsers";
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
    action: CANCEL_ACTION,
    operationId: "cancelScheduledDeactivation",
    docs: {
      summary: "Cancel a scheduled deactivation",
      description:
        "The user is not deactivated at that time; audited as `user.deactivation_cancelled`. One that already ran or ended is a 409; one of the token owner's own user is a 403 (no one stops their own deactivation).",
      parameters: { id: { description: "UUID of the schedule.", example: "5b0e4c1e-8a0f-4d55-9a44-0c6f9e0f2b7a" } },
    },
    errors: [400, 404, 409],
    handler: async ({ db, principal, params, requestId, authorize }) => {
      const input = { tenantId: principal.tenantId, id: params.id, actor: actorOf(principal), requestId };
      return { data: { data: view(await cancelSchedule(db, input, (user, context) => authorize(CANCEL_ACTION, user, context))) } };
    },
  }),
];
