import { leaverContracts } from "@/lib/contracts/leavers";
import { leaverEndpoints } from "@/lib/leavers/endpoints";
import { jitsudo } from "../dialects/jitsudo";

// Bulk leavers for automation, in the JITSudo dialect with a token (the console has the same routes
// under its own base: lib/console/endpoints/leavers.ts).
export const apiLeavers = leaverContracts("/v1/leaver-jobs");
export const LEAVER_API_ENDPOINTS = leaverEndpoints({ contracts: apiLeavers, dialect: jitsudo, auth: "token", operationPrefix: "" });
