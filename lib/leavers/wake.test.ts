import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { getLeaverJob } from "@/db/queries/leaver-jobs";
import type { AnyEndpoint, Principal } from "@/lib/api/endpoint";
import { LEAVER_API_ENDPOINTS } from "@/lib/api/endpoints/leavers";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { previewLeaverFile } from "./preview";
import { runLeaverJob } from "./worker";
import { onRunnableLeaverJob } from "./wake";

// The endpoints that make a job runnable announce it to this process's worker (./wake.ts), and
// only those: a job waiting for a second admin has nothing to run yet.

const db = createTestDb();
let announcements = 0;
const stopListening = onRunnableLeaverJob(() => void (announcements += 1));
afterEach(() => void (announcements = 0));
afterAll(stopListening);

const endpoint = (operationId: string) => LEAVER_API_ENDPOINTS.find((e) => e.operationId === operationId)!;

async function adminOf(db: Db, tenantId: string, name: string): Promise<Principal> {
  const { admin, user, tokenId } = await makeAdminWithToken(db, tenantId);
  return { tokenId, tenantId, role: "admin", scopes: [], adminId: admin.id, userId: user.id, userName: name, actor: { type: "token", id: tokenId, name } };
}

async function call(target: AnyEndpoint, principal: Principal, input: { params?: unknown; body?: unknown }) {
  const context = { db, principal, params: input.params, body: input.body, query: {}, requestId: "test", authorize: () => undefined };
  const result = (await target.handler(context as never)) as { data: { data: { id: string; status: string } } };
  return result.data.data;
}

/** A confirmed job deactivating `count` new users of the tenant. */
async function confirmJob(tenantId: string, principal: Principal, count: number) {
  const users = await Promise.all(Array.from({ length: count }, () => makeUser(db, tenantId)));
  const bytes = new TextEncoder().encode(`email\n${users.map((user) => user.email).join("\n")}\n`);
  const actor = { ...principal.actor, userId: principal.userId };
  const { preview } = await previewLeaverFile(db, { tenantId, actor, fileName: null, bytes });
  return call(endpoint("confirmLeaverPreview"), principal, { body: { previewId: preview.id } });
}

describe("the endpoints that make a leaver job runnable", () => {
  it("announce a confirmed job and its undo", async () => {
    const tenant = await makeTenant(db);
    const ada = await adminOf(db, tenant.id, "Ada");
    const job = await confirmJob(tenant.id, ada, 2);
    expect({ status: job.status, announcements }).toEqual({ status: "queued", announcements: 1 });
    await runLeaverJob(db, job.id);
    const undo = await call(endpoint("undoLeaverJob"), ada, { params: { id: job.id } });
    expect({ status: undo.status, announcements }).toEqual({ status: "queued", announcements: 2 });
  });

  it("announce a job waiting for a second admin when it is approved, not before", async () => {
    const tenant = await makeTenant(db, undefined, { approvalThreshold: 1 });
    const [ada, grace] = [await adminOf(db, tenant.id, "Ada"), await adminOf(db, tenant.id, "Grace")];
    const job = await confirmJob(tenant.id, ada, 2);
    expect({ status: job.status, announcements }).toEqual({ status: "awaiting_approval", announcements: 0 });
    await call(endpoint("approveLeaverJob"), grace, { params: { id: job.id }, body: { note: null } });
    expect({ status: (await getLeaverJob(db, tenant.id, job.id))?.status, announcements }).toEqual({ status: "queued", announcements: 1 });
  });
});
