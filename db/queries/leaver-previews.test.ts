import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import type { LeaverClass } from "../schema";
import {
  CLASS_PAGE_SQL,
  createLeaverPreview,
  listLeaverPreviewPage,
  listLeaverPreviewRows,
  PREVIEW_REVIEW_ORDER,
  type LeaverActor,
  type NewPreviewRow,
} from "./leaver-previews";

const db = createTestDb();
const tenant = makeTenant(db);
const { admin, user } = makeAdminWithToken(db, tenant.id);
const actor: LeaverActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };

/** A stored preview whose row n has the class classOf(n). */
function storePreview(total: number, classOf: (rowNumber: number) => LeaverClass) {
  const counts = { will_deactivate: 0, already_inactive: 0, not_found: 0, invalid_email: 0, duplicate: 0, self: 0 };
  return createLeaverPreview(db, { tenantId: tenant.id, actor, fileName: null, sha256: "0".repeat(64) }, (write) => {
    const rows: NewPreviewRow[] = [];
    for (let n = 1; n <= total; n += 1) {
      const cls = classOf(n);
      counts[cls] += 1;
      rows.push({ rowNumber: n, email: `r${n}@example.test`, reason: null, ticket: null, class: cls, userId: null, duplicateOf: null });
    }
    write(rows);
    return { totalRows: total, counts };
  });
}

// Rows 1-12 of a file, one class each; the expected review order by row number.
const SMALL: LeaverClass[] = [
  "will_deactivate",
  "duplicate",
  "invalid_email",
  "will_deactivate",
  "self",
  "not_found",
  "already_inactive",
  "invalid_email",
  "duplicate",
  "not_found",
  "will_deactivate",
  "already_inactive",
];
const REVIEWED = [3, 8, 6, 10, 5, 2, 9, 7, 12, 1, 4, 11];

describe("leaver preview rows", () => {
  const small = storePreview(SMALL.length, (n) => SMALL[n - 1]!);

  it("come problems first without a class: invalid, not found, self, duplicate, already inactive, then will deactivate", () => {
    const rows = listLeaverPreviewPage(db, small, { offset: 0, limit: 100 });
    expect(rows.map((r) => r.rowNumber)).toEqual(REVIEWED);
    expect([...new Set(rows.map((r) => r.class))]).toEqual(PREVIEW_REVIEW_ORDER);
  });

  it("page through that order across the class boundaries, every row once", () => {
    for (const size of [1, 2, 5, 7]) {
      const pages: number[] = [];
      for (let offset = 0; offset < SMALL.length + size; offset += size)
        pages.push(...listLeaverPreviewPage(db, small, { offset, limit: size }).map((r) => r.rowNumber));
      expect(pages, `page size ${size}`).toEqual(REVIEWED);
    }
  });

  it("of one class come by row number, and the CSV keeps file order", () => {
    expect(listLeaverPreviewPage(db, small, { class: "not_found", offset: 0, limit: 10 }).map((r) => r.rowNumber)).toEqual([6, 10]);
    expect(listLeaverPreviewPage(db, small, { class: "will_deactivate", offset: 1, limit: 10 }).map((r) => r.rowNumber)).toEqual([4, 11]);
    expect(listLeaverPreviewRows(db, small.id, { limit: 100 }).map((r) => r.rowNumber)).toEqual(SMALL.map((_, i) => i + 1));
  });

  it("are read by walking the class index, never sorted", () => {
    const plan = (db.$client.prepare(`explain query plan ${CLASS_PAGE_SQL}`).all(small.id, "not_found", 100, 99_900) as { detail: string }[])
      .map((r) => r.detail)
      .join(" | ");
    expect(plan).toBe("SEARCH leaver_preview_rows USING INDEX leaver_preview_rows_class_idx (preview_id=? AND class=?)");
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it("of a 100,000-row file: a deep page is still exact", () => {
    // Every 10th row has a problem (not found), the rest will be deactivated.
    const big = storePreview(100_000, (n) => (n % 10 === 0 ? "not_found" : "will_deactivate"));
    expect(listLeaverPreviewPage(db, big, { offset: 0, limit: 3 }).map((r) => r.rowNumber)).toEqual([10, 20, 30]);
    expect(listLeaverPreviewPage(db, big, { offset: 9_999, limit: 3 }).map((r) => [r.rowNumber, r.class])).toEqual([
      [100_000, "not_found"],
      [1, "will_deactivate"],
      [2, "will_deactivate"],
    ]);
    expect(listLeaverPreviewPage(db, big, { offset: 99_998, limit: 5 }).map((r) => r.rowNumber)).toEqual([99_998, 99_999]);
    expect(listLeaverPreviewPage(db, big, { offset: 100_000, limit: 5 })).toEqual([]);
  });
});
