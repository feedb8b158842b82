import * as z from "zod/mini";
import { int } from "./common";
import { defineContract } from "./contract";

// The tenant's "bulk jobs above N rows need a second admin" setting (docs/decisions/0025), on the
// console's Leavers page. Deciding jobs is in ./leavers.ts (approve, reject).

export const MAX_APPROVAL_THRESHOLD = 1_000_000;

export const approvalSetting = z.object({
  /** Rows to deactivate above which a job waits for a second admin; null: never. */
  threshold: z.nullable(int()),
  canChange: z.boolean(),
});
const answer = z.object({ data: approvalSetting });

export const leaverApprovalContracts = {
  get: defineContract({
    method: "GET",
    path: "/api/console/leaver-approval",
    response: { status: 200, description: "The tenant's approval threshold for bulk leaver jobs, and whether you may change it", schema: answer },
  }),
  set: defineContract({
    method: "PUT",
    path: "/api/console/leaver-approval",
    body: z.object({
      threshold: z.nullable(
        z
          .number({ error: "threshold must be a whole number or null" })
          .check(
            z.refine(
              (n) => Number.isInteger(n) && n >= 1 && n <= MAX_APPROVAL_THRESHOLD,
              `threshold must be a whole number from 1 to ${MAX_APPROVAL_THRESHOLD}, or null for off`,
            ),
          ),
      ),
    }),
    response: { status: 200, description: "The threshold as it now is (a change is audited)", schema: answer },
  }),
};
