import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { confirmLeaverPreview } from "./leaver-job-lifecycle";
import type { LeaverActor } from "./leaver-jobs";
import { MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN, UNCONFIRMED_PREVIEW_MS } from "./leaver-preview-retention";
import { createLeaverPreview, getLeaverPreview } from "./leaver-previews";

const db = createTestDb();

async function admin(tenantId: string): Promise<LeaverActor> {
  const { admin, user } = await makeAdminWithToken(db, tenantId);
  return { type: "admin", id: admin.id, name: "Ada", userId: user.id };
}

/** A complete preview of `rows` not-found rows, uploaded by `actor` at `at`. */
function upload(tenantId: string, actor: LeaverActor, at: number, rows = 3) {
  const counts = { will_deactivate: 0, already_inactive: 0, not_found: rows, invalid_email: 0, duplicate: 0, self: 0, scheduled: 0, invalid_effective_at: 0 };
  return createLeaverPreview(
    db,
    { tenantId, actor, fileName: "leavers.csv", sha256: "0".repeat(64) },
    async (write) => {
      const file = Array.from({ length: rows }, (_, i) => ({
        rowNumber: i + 1,
        email: `r${i + 1}@example.test`,
        reason: null,
        ticket: null,
        class: "not_found" as const,
        userId: null,
        duplicateOf: null,
      }));
      await write(file);
      return { totalRows: rows, counts };
    },
    at,
  );
}

const rowsOf = async (previewId: string) =>
  (await prepared<{ n: number }>(db, `select count(*) as n from leaver_preview_rows where preview_id = ?`).get(previewId))!.n;
const kept = async (tenantId: string, previewId: string) => ({
  found: (await getLeaverPreview(db, tenantId, previewId)) !== undefined,
  rows: await rowsOf(previewId),
});

describe("retention of leaver previews", () => {
  it("an upload discards previews not confirmed within a week, rows and all; confirmed and recent ones stay", async () => {
    const tenant = await makeTenant(db);
    const ada = await admin(tenant.id);
    const now = Date.now();
    const stale = await upload(tenant.id, ada, now - UNCONFIRMED_PREVIEW_MS - 1, 4_100);
    const confirmed = await upload(tenant.id, ada, now - 2 * UNCONFIRMED_PREVIEW_MS);
    expect(await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: confirmed.id, actor: ada, requestId: null })).toMatchObject({ status: "created" });
    const recent = await upload(tenant.id, ada, now - UNCONFIRMED_PREVIEW_MS + 60_000);
    expect(await kept(tenant.id, stale.id)).toEqual({ found: true, rows: 4_100 });

    // Another tenant's upload sweeps every tenant's stale previews.
    const other = await makeTenant(db);
    await upload(other.id, await admin(other.id), now);

    expect(await kept(tenant.id, stale.id)).toEqual({ found: false, rows: 0 });
    expect(await kept(tenant.id, confirmed.id)).toEqual({ found: true, rows: 3 });
    expect(await kept(tenant.id, recent.id)).toEqual({ found: true, rows: 3 });
    // A discarded preview cannot be confirmed.
    expect(await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: stale.id, actor: ada, requestId: null })).toEqual({ status: "not-found" });
  });

  it(`an admin keeps at most ${MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN} unconfirmed previews: an upload beyond discards their oldest, not others'`, async () => {
    const tenant = await makeTenant(db);
    const [ada, bob] = [await admin(tenant.id), await admin(tenant.id)];
    const start = Date.now() - 60 * 60_000;
    const bobs = await upload(tenant.id, bob, start - 1);
    const confirmed = await upload(tenant.id, ada, start);
    await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: confirmed.id, actor: ada, requestId: null });
    const adas = [];
    for (let i = 1; i <= MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN; i += 1) adas.push(await upload(tenant.id, ada, start + i * 1_000));
    expect(await kept(tenant.id, adas[0]!.id)).toEqual({ found: true, rows: 3 });

    const newest = await upload(tenant.id, ada, start + 60_000);

    expect(await kept(tenant.id, adas[0]!.id)).toEqual({ found: false, rows: 0 });
    for (const preview of [...adas.slice(1), newest, confirmed, bobs]) expect(await kept(tenant.id, preview.id), preview.id).toEqual({ found: true, rows: 3 });
  });
});
