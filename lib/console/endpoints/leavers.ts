import { consoleDialect } from "@/lib/api/dialects/console";
import { consoleLeavers } from "@/lib/contracts/leavers";
import { leaverEndpoints } from "@/lib/leavers/endpoints";

// /api/console/leaver-jobs… — the leavers page: the API's leaver routes with the console's session and problem+json errors.
export const LEAVER_CONSOLE_ENDPOINTS = leaverEndpoints({ contracts: consoleLeavers, dialect: consoleDialect, auth: "session", operationPrefix: "console" });
