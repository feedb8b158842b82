import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { scheduledContracts as c } from "@/lib/contracts/scheduled";
import { cancelSchedule, readTimeZone, saveTimeZone, scheduledPage } from "../scheduled";

const session = { dialect: consoleDialect, auth: "session" } as const;
// Asked of the tenant, then of the schedule's user: no one cancels their own (no-self-deactivation).
const CANCEL_ACTION = "deactivateUser";
const actorOf = (principal: Principal) => ({ ...principal.actor, userId: principal.userId });

export const SCHEDULED_ENDPOINTS = [
  // The tenant's live scheduled deactivations, soonest first, keyset-paged
  defineEndpoint({
    ...c.list,
    ...session,
    operationId: "consoleListScheduledDeactivations",
    action: "readUsers",
    errors: [400],
    handler: async ({ db, principal, query }) => ({ data: { data: await scheduledPage(db, principal.tenantId, query.after) } }),
  }),
  // Cancel a scheduled deactivation (audited as user.deactivation_cancelled)
  defineEndpoint({
    ...c.cancel,
    ...session,
    operationId: "consoleCancelScheduledDeactivation",
    // It undoes a deactivation already decided, as reactivating does (docs/decisions/0023).
    stepUp: true,
    action: CANCEL_ACTION,
    errors: [400, 404, 409],
    handler: async ({ db, principal, params, requestId, authorize }) => {
      const input = { tenantId: principal.tenantId, id: params.id, actor: actorOf(principal), requestId };
      return { data: { data: await cancelSchedule(db, input, (user, context) => authorize(CANCEL_ACTION, user, context)) } };
    },
  }),
  // The tenant's time zone, in which a date-only effective_at ends
  defineEndpoint({
    ...c.readTimeZone,
    ...session,
    operationId: "consoleReadTimeZone",
    action: "readUsers",
    handler: async ({ db, principal }) => ({ data: { data: await readTimeZone(db, principal.tenantId) } }),
  }),
  // Change it (admins; audited as tenant.time_zone_changed)
  defineEndpoint({
    ...c.saveTimeZone,
    ...session,
    operationId: "consoleSaveTimeZone",
    // It decides when every date-only effective_at uploaded from now on ends: a zone far off delays leavers by up to a day (docs/decisions/0023).
    stepUp: true,
    action: "manageSignInSettings",
    errors: [400],
    handler: async ({ db, principal, body, requestId }) => ({
      data: { data: await saveTimeZone(db, principal.tenantId, body.timeZone, { id: principal.actor.id, name: principal.actor.name, requestId }) },
    }),
  }),
];
