import { leaverContracts } from "@/lib/contracts/leavers";
import { leaverEndpoints } from "@/lib/leavers/endpoints";
import { jitsudo } from "../dialects/jitsudo";

// /v1/leaver-jobs… — bulk leavers for automation, in the JITSudo dialect with a token (the console
// has the same routes under its own base: lib/console/endpoints/leavers.ts).
export const LEAVER_API_ENDPOINTS = leaverEndpoints({ contracts: leaverContracts("/v1/leaver-jobs"), dialect: jitsudo, auth: "token", operationPrefix: "" });
