import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { sqlitePlan } from "@/test/search";
import { prepared } from "../prepared";
import type { LeaverClass, LeaverPreview } from "../schema";
import { ABANDONED_PREVIEW_MS } from "./leaver-preview-retention";
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
let tenantId: string;
let actor: LeaverActor;
beforeAll(async () => {
  tenantId = (await makeTenant(db)).id;
  const { admin, user } = await makeAdminWithToken(db, tenantId);
  actor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
});

/** A stored preview whose row n has the class classOf(n). */
function storePreview(total: number, classOf: (rowNumber: number) => LeaverClass) {
  const counts = { will_deactivate: 0, already_inactive: 0, not_found: 0, invalid_email: 0, duplicate: 0, self: 0, scheduled: 0, invalid_effective_at: 0 };
  return createLeaverPreview(db, { tenantId, actor, fileName: null, sha256: "0".repeat(64) }, async (write) => {
    const rows: NewPreviewRow[] = [];
    for (let n = 1; n <= total; n += 1) {
      const cls = classOf(n);
      counts[cls] += 1;
      rows.push({ rowNumber: n, email: `r${n}@example.test`, reason: null, ticket: null, class: cls, userId: null, duplicateOf: null });
    }
    await write(rows);
    return { totalRows: total, counts };
  });
}

// Rows 1-14 of a file, one class each; the expected review order by row number.
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
  "scheduled",
  "invalid_effective_at",
];
const REVIEWED = [3, 8, 14, 6, 10, 5, 2, 9, 7, 12, 13, 1, 4, 11];

describe("leaver preview rows", () => {
  let small: LeaverPreview;
  beforeAll(async () => {
    small = await storePreview(SMALL.length, (n) => SMALL[n - 1]!);
  });

  it("are stored with every field, whole inserts and the remainder alike", async () => {
    const rows = Array.from({ length: 203 }, (_, i): NewPreviewRow => {
      const n = i + 1;
      return {
        rowNumber: n,
        email: `x${n}@example.test`,
        reason: n % 2 ? `r${n}` : null,
        ticket: n % 3 ? null : `T-${n}`,
        class: "duplicate",
        userId: null,
        duplicateOf: n - 1 || null,
        // Stored for every row; the text only where it explains the class (none here).
        effectiveAt: n % 4 ? null : Date.UTC(2026, 11, n % 28),
        effectiveAtText: null,
      };
    });
    const preview = await createLeaverPreview(db, { tenantId, actor, fileName: "x.csv", sha256: "1".repeat(64) }, async (write) => {
      await write(rows.slice(0, 150));
      await write(rows.slice(150));
      return {
        totalRows: rows.length,
        counts: { will_deactivate: 0, already_inactive: 0, not_found: 0, invalid_email: 0, duplicate: 203, self: 0, scheduled: 0, invalid_effective_at: 0 },
      };
    });
    expect(preview).toMatchObject({ totalRows: 203, fileName: "x.csv", counts: { duplicate: 203 } });
    expect(await listLeaverPreviewRows(db, preview.id, { limit: 1_000 })).toEqual(rows);
  });

  it("come problems first without a class: invalid, not found, self, duplicate, already inactive, scheduled, then will deactivate", async () => {
    const rows = await listLeaverPreviewPage(db, small, { offset: 0, limit: 100 });
    expect(rows.map((r) => r.rowNumber)).toEqual(REVIEWED);
    expect([...new Set(rows.map((r) => r.class))]).toEqual(PREVIEW_REVIEW_ORDER);
  });

  it("page through that order across the class boundaries, every row once", async () => {
    for (const size of [1, 2, 5, 7]) {
      const pages: number[] = [];
      for (let offset = 0; offset < SMALL.length + size; offset += size)
        pages.push(...(await listLeaverPreviewPage(db, small, { offset, limit: size })).map((r) => r.rowNumber));
      expect(pages, `page size ${size}`).toEqual(REVIEWED);
    }
  });

  it("of one class come by row number, and the CSV keeps file order", async () => {
    expect((await listLeaverPreviewPage(db, small, { class: "not_found", offset: 0, limit: 10 })).map((r) => r.rowNumber)).toEqual([6, 10]);
    expect((await listLeaverPreviewPage(db, small, { class: "will_deactivate", offset: 1, limit: 10 })).map((r) => r.rowNumber)).toEqual([4, 11]);
    expect((await listLeaverPreviewRows(db, small.id, { limit: 100 })).map((r) => r.rowNumber)).toEqual(SMALL.map((_, i) => i + 1));
  });

  it.skipIf(TEST_DIALECT !== "sqlite")("are read by walking the class index, never sorted (SQLite)", () => {
    const plan = sqlitePlan(db, { sql: CLASS_PAGE_SQL.sqlite, args: [small.id, "not_found", 100, 99_900] });
    expect(plan).toBe("SEARCH leaver_preview_rows USING INDEX leaver_preview_rows_class_idx (preview_id=? AND class=?)");
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  describe("of an upload that stopped before it completed", () => {
    /** A preview record as an upload leaves it, with rows 1…rows, written directly. */
    async function previewRecord(complete: boolean, createdAt: number, rows: number): Promise<string> {
      const id = randomUUID();
      await prepared(
        db,
        `insert into leaver_previews (id, tenant_id, actor_type, actor_id, actor_name, actor_user_id, file_name, file_sha256, total_rows, counts, complete, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, null, ?, ?, '{}', ${complete ? "true" : "false"}, ?, ?)`,
      ).run(id, tenantId, actor.type, actor.id, actor.name, actor.userId, "1".repeat(64), complete ? rows : 0, createdAt, createdAt);
      await prepared(
        db,
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
         insert into leaver_preview_rows (preview_id, row_number, email, class) select ?, i, 'r' || i || '@example.test', 'not_found' from n`,
      ).run(rows, id);
      return id;
    }
    const rowsOf = async (id: string) => (await prepared<{ n: number }>(db, `select count(*) as n from leaver_preview_rows where preview_id = ?`).get(id))!.n;
    const exists = async (id: string) => (await prepared(db, `select id from leaver_previews where id = ?`).get(id)) !== undefined;

    it("are discarded by the next upload once abandoned, rows and all; uploads under way and complete previews are kept", async () => {
      const now = Date.now();
      const abandoned = await previewRecord(false, now - ABANDONED_PREVIEW_MS - 1, 4_500);
      const underWay = await previewRecord(false, now - 60_000, 1_000);
      const oldComplete = await previewRecord(true, now - 2 * ABANDONED_PREVIEW_MS, 10);
      expect(await rowsOf(abandoned)).toBe(4_500);

      await storePreview(2, () => "not_found");

      expect({ abandoned: await exists(abandoned), rows: await rowsOf(abandoned) }).toEqual({ abandoned: false, rows: 0 });
      expect({ underWay: await exists(underWay), rows: await rowsOf(underWay) }).toEqual({ underWay: true, rows: 1_000 });
      expect({ oldComplete: await exists(oldComplete), rows: await rowsOf(oldComplete) }).toEqual({ oldComplete: true, rows: 10 });
    });
  });

  describe("of a 100,000-row file", () => {
    let big: LeaverPreview;
    beforeAll(async () => {
      // Every 10th row has a problem (not found), the rest will be deactivated.
      big = await storePreview(100_000, (n) => (n % 10 === 0 ? "not_found" : "will_deactivate"));
    }, 60_000);

    it("a deep page is still exact", async () => {
      expect((await listLeaverPreviewPage(db, big, { offset: 0, limit: 3 })).map((r) => r.rowNumber)).toEqual([10, 20, 30]);
      expect((await listLeaverPreviewPage(db, big, { offset: 9_999, limit: 3 })).map((r) => [r.rowNumber, r.class])).toEqual([
        [100_000, "not_found"],
        [1, "will_deactivate"],
        [2, "will_deactivate"],
      ]);
      expect((await listLeaverPreviewPage(db, big, { offset: 99_998, limit: 5 })).map((r) => r.rowNumber)).toEqual([99_998, 99_999]);
      expect(await listLeaverPreviewPage(db, big, { offset: 100_000, limit: 5 })).toEqual([]);
    });

    // PostgreSQL has no `indexed by`: its planner picks the class index (walked, or as a bitmap
    // whose one class it then sorts) or the primary key, by the statistics. What must never
    // happen is a scan of every preview's rows.
    it.skipIf(TEST_DIALECT !== "postgres")("is read through an index of the preview's rows, a rare class through the class index (PostgreSQL)", async () => {
      await db.exec("analyze leaver_preview_rows");
      type PlanNode = { "Node Type": string; "Index Name"?: string; Plans?: PlanNode[] };
      const planOf = async (cls: LeaverClass, offset: number) => {
        const explained = await prepared<{ "QUERY PLAN": string }>(db, `explain (format json) ${CLASS_PAGE_SQL.postgres}`).get(big.id, cls, 100, offset);
        const nodes: PlanNode[] = [];
        const walk = (node: PlanNode): void => {
          nodes.push(node);
          node.Plans?.forEach(walk);
        };
        walk((JSON.parse(explained!["QUERY PLAN"]) as { Plan: PlanNode }[])[0]!.Plan);
        return { types: nodes.map((n) => n["Node Type"]), indexes: nodes.flatMap((n) => n["Index Name"] ?? []) };
      };
      const rare = await planOf("not_found", 9_000);
      expect(rare.types).not.toContain("Seq Scan");
      expect(rare.indexes).toEqual(["leaver_preview_rows_class_idx"]);
      const common = await planOf("will_deactivate", 80_000);
      expect(common.types).not.toContain("Seq Scan");
      expect(common.indexes).toHaveLength(1);
    });
  });
});
