import { getLeaverJob, leaverJobSwitchesOff } from "@/db/queries/leaver-jobs";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { consoleLeaverJobViewer, consoleLeavers } from "@/lib/contracts/leavers";
import { leaverEndpoints } from "@/lib/leavers/endpoints";

// The leavers page: the API's leaver routes under the console's base, with its session and problem+json errors,
// and what the page asks of a job for the admin viewing it.
export const LEAVER_CONSOLE_ENDPOINTS = [
  ...leaverEndpoints({ contracts: consoleLeavers, dialect: consoleDialect, auth: "session", operationPrefix: "console" }),
  defineEndpoint({
    ...consoleLeaverJobViewer,
    dialect: consoleDialect,
    auth: "session",
    action: "readLeaverJobs",
    operationId: "consoleLeaverJobViewer",
    handler: async ({ db, principal, params }) => {
      const job = await getLeaverJob(db, principal.tenantId, params.id);
      if (!job) throw new ApiError("not_found", `No leaver job ${params.id}`);
      return { data: { data: { deactivatesYou: await leaverJobSwitchesOff(db, job, principal.userId) } } };
    },
  }),
];
