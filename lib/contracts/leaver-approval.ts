import * as z from "zod/mini";
import { LEAVER_APPROVAL_NOTE_MAX } from "@/db/constants";
import { int, isoTime } from "./common";
import { defineContract } from "./contract";
import { leaverIdParams } from "./leavers";

// The tenant's "bulk jobs above N rows need a second admin" setting (docs/decisions/0025), on the
// console's Leavers page. Deciding jobs is in ./leavers.ts (approve, reject).

export const MAX_APPROVAL_THRESHOLD = 1_000_000;

/** A looser threshold one admin asked for, waiting for another (docs/decisions/0025). */
export const thresholdRequest = z.object({
  id: z.string(),
  /** The threshold asked for (null: off), and the one it would replace. */
  threshold: z.nullable(int()),
  from: z.nullable(int()),
  requestedBy: z.string(),
  requestedAt: isoTime,
  expiresAt: isoTime,
  /** Yours: you may withdraw it (reject), not approve it. */
  mine: z.boolean(),
  canDecide: z.boolean(),
});

export const approvalSetting = z.object({
  /** Rows to deactivate above which a job waits for a second admin; null: never. */
  threshold: z.nullable(int()),
  canChange: z.boolean(),
  pending: z.nullable(thresholdRequest),
});
const answer = z.object({ data: approvalSetting });
const decisionBody = z.object({
  note: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(LEAVER_APPROVAL_NOTE_MAX, `note is at most ${LEAVER_APPROVAL_NOTE_MAX} characters`)))),
});

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
    response: {
      status: 200,
      description:
        "The threshold as it now is (a change is audited). A looser one (higher, or off) waits as `pending` for another admin while the tenant has one",
      schema: answer,
    },
  }),
  approve: defineContract({
    method: "POST",
    path: "/api/console/leaver-approval/requests/{id}/approve",
    params: leaverIdParams,
    body: decisionBody,
    response: { status: 200, description: "Another admin's approval: the requested threshold applies", schema: answer },
  }),
  reject: defineContract({
    method: "POST",
    path: "/api/console/leaver-approval/requests/{id}/reject",
    params: leaverIdParams,
    body: decisionBody,
    response: { status: 200, description: "Rejected by another admin, or withdrawn by its requester: the threshold stays", schema: answer },
  }),
};
