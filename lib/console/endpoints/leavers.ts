import { consoleDialect } from "@/lib/api/dialects/console";
import { consoleLeavers } from "@/lib/contracts/leavers";
import { leaverEndpoints } from "@/lib/leavers/endpoints";

// The leavers page: the API's leaver routes under the console's base, with its session and problem+json errors.
export const LEAVER_CONSOLE_ENDPOINTS = leaverEndpoints({ contracts: consoleLeavers, dialect: consoleDialect, auth: "session", operationPrefix: "console" });
