import { describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { getLeaverPreview, listLeaverPreviewRows, type LeaverActor } from "@/db/queries/leaver-previews";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { LeaverFileError } from "./parse-csv";
import { previewLeaverFile } from "./preview";
import { runLeaverJob } from "./worker";

const db = createTestDb();
const bytes = (text: string) => new TextEncoder().encode(text);
const countOf = async (table: "leaver_previews" | "leaver_preview_rows") => (await prepared<{ n: number }>(db, `select count(*) as n from ${table}`).get())!.n;

async function setup() {
  const tenant = await makeTenant(db);
  const { admin, user } = await makeAdminWithToken(db, tenant.id);
  const actor: LeaverActor = { type: "admin", id: admin.id, name: "Ada Admin", userId: user.id };
  return { tenant, actor, adminUser: user };
}

describe("previewLeaverFile", () => {
  it("classifies every row and counts each class", async () => {
    const { tenant, actor, adminUser } = await setup();
    const active = await makeUser(db, tenant.id, { email: "Active.One@Example.test" });
    await makeUser(db, tenant.id, { email: "gone@example.test", active: false });
    const other = await makeTenant(db);
    await makeUser(db, other.id, { email: "elsewhere@example.test" });
    const csv = [
      "email,reason,ticket",
      "  ACTIVE.one@example.test ,left,T-1", // will deactivate (case and spaces do not matter)
      "gone@example.test,,", // already inactive
      "nobody@example.test,,", // not found
      "elsewhere@example.test,,", // another tenant's user: not found
      "not-an-email,,", // invalid
      "active.one@EXAMPLE.test,,", // duplicate of row 1
      `${adminUser.email.toUpperCase()},,`, // the admin themself
      ",,T-9", // empty email: invalid
    ].join("\n");
    const { preview, sameFileRun } = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: "leavers.csv", bytes: bytes(csv) });
    expect(sameFileRun).toBeNull();
    expect(preview.counts).toEqual({
      will_deactivate: 1,
      already_inactive: 1,
      not_found: 2,
      invalid_email: 2,
      duplicate: 1,
      self: 1,
      scheduled: 0,
      invalid_effective_at: 0,
    });
    expect(preview.totalRows).toBe(8);
    const rows = await listLeaverPreviewRows(db, preview.id, { limit: 100 });
    expect(rows.map((r) => r.class)).toEqual([
      "will_deactivate",
      "already_inactive",
      "not_found",
      "not_found",
      "invalid_email",
      "duplicate",
      "self",
      "invalid_email",
    ]);
    expect(rows[0]).toMatchObject({ userId: active.id, reason: "left", ticket: "T-1" });
    expect(rows[5]).toMatchObject({ duplicateOf: 1, userId: null });
    expect((await listLeaverPreviewRows(db, preview.id, { class: "not_found", limit: 100 })).map((r) => r.rowNumber)).toEqual([3, 4]);
    // Nothing changed before confirmation.
    expect((await getLeaverPreview(db, tenant.id, preview.id))?.jobId).toBeNull();
  });

  it("finds duplicates across the chunks a large file is streamed in", async () => {
    const { tenant, actor } = await setup();
    const user = await makeUser(db, tenant.id, { email: "early@example.test" });
    const filler = Array.from({ length: 2_400 }, (_, i) => `filler${i}@example.test`);
    const csv = `email\n${user.email}\n${filler.join("\n")}\nEARLY@example.test\n`;
    const { preview } = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: bytes(csv) });
    expect(preview.counts).toMatchObject({ will_deactivate: 1, not_found: 2_400, duplicate: 1 });
    expect(await listLeaverPreviewRows(db, preview.id, { class: "duplicate", limit: 10 })).toMatchObject([{ rowNumber: 2_402, duplicateOf: 1 }]);
  });

  it("stores nothing for a refused file, even when it fails after its first chunks", async () => {
    const { tenant, actor } = await setup();
    const before = { previews: await countOf("leaver_previews"), rows: await countOf("leaver_preview_rows") };
    const broken = `email\n${Array.from({ length: 2_500 }, (_, i) => `b${i}@example.test`).join("\n")}\n"unterminated@example.test\n`;
    await expect(previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: bytes(broken) })).rejects.toThrow(LeaverFileError);
    expect({ previews: await countOf("leaver_previews"), rows: await countOf("leaver_preview_rows") }).toEqual(before);
  });

  it("stores a large file a chunk per transaction, other work running between them, and shows it to no one until complete", async () => {
    const { tenant, actor } = await setup();
    const csv = `email\n${Array.from({ length: 3_500 }, (_, i) => `c${i}@example.test`).join("\n")}\n`;
    let settled = false;
    const previewing = previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: bytes(csv) }).finally(() => (settled = true));
    // What another request sees on each turn of the event loop while the file is stored.
    const seen: Array<{ storedRows: number; found: boolean; confirm: string }> = [];
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      const storing = await prepared<{ id: string }>(db, `select id from leaver_previews where tenant_id = ? and complete = false`).get(tenant.id);
      if (!storing || settled) continue;
      const look = {
        storedRows: (await prepared<{ n: number }>(db, `select count(*) as n from leaver_preview_rows where preview_id = ?`).get(storing.id))!.n,
        found: (await getLeaverPreview(db, tenant.id, storing.id)) !== undefined,
        confirm: (await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: storing.id, actor, requestId: null })).status,
      };
      // On PostgreSQL the upload goes on between these reads: a look counts only if the preview was still being stored after it.
      if (await prepared(db, `select id from leaver_previews where id = ? and complete = false`).get(storing.id)) seen.push(look);
    }
    const { preview } = await previewing;
    // Rows committed while more were still to come: a chunk per transaction, with turns between them.
    expect(seen.some((look) => look.storedRows > 0 && look.storedRows < 3_500)).toBe(true);
    expect(seen.every((look) => !look.found && look.confirm === "not-found")).toBe(true);
    expect(preview).toMatchObject({ totalRows: 3_500, counts: { not_found: 3_500 } });
    expect((await getLeaverPreview(db, tenant.id, preview.id))?.preview.totalRows).toBe(3_500);
  });

  it("stores nothing for a refused file", async () => {
    const { tenant, actor } = await setup();
    const before = await countOf("leaver_previews");
    await expect(previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: bytes("name\nx\n") })).rejects.toThrow(LeaverFileError);
    expect(await countOf("leaver_previews")).toBe(before);
  });

  it("warns when the same file was run in the tenant in the last 24 hours", async () => {
    const { tenant, actor } = await setup();
    await makeUser(db, tenant.id, { email: "x1@example.test" });
    const file = bytes("email\nx1@example.test\n");
    const first = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: file });
    expect((await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: file })).sameFileRun).toBeNull(); // previewed only
    const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: first.preview.id, actor, requestId: null });
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    await runLeaverJob(db, confirmed.job.id);
    expect((await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: file })).sameFileRun?.jobId).toBe(confirmed.job.id);
    // A day later, or in another tenant, no warning.
    expect((await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes: file }, Date.now() + 25 * 3600_000)).sameFileRun).toBeNull();
    const other = await setup();
    expect((await previewLeaverFile(db, { tenantId: other.tenant.id, actor: other.actor, fileName: null, bytes: file })).sameFileRun).toBeNull();
  });
});
