import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/db/queries/audit";
import { auditQuery } from "@/lib/contracts/audit";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { auditLogCsv } from "./audit";

// The export carries each event's place in the chain and the text its hash covers, and the
// auditor's script (scripts/verify-audit-export.mjs, shown in the README) checks it offline.

const db = createTestDb();
let csv = "";

async function exportText(tenantId: string): Promise<string> {
  const { body } = await auditLogCsv(db, tenantId, auditQuery.parse({}));
  let text = "";
  for await (const chunk of body as AsyncIterable<string>) text += chunk;
  return text;
}

function checkExport(text: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "roster-audit-export-")), "export.csv");
  fs.writeFileSync(file, text);
  return spawnSync("node", ["scripts/verify-audit-export.mjs", file], { encoding: "utf8" });
}

describe("the audit CSV export, checked offline", () => {
  beforeAll(async () => {
    const tenant = await makeTenant(db);
    for (const [n, actorName] of ["Ada", "=HYPERLINK(1)", 'Bo, "the" admin', "Zed"].entries()) {
      await recordAuditEvent(db, {
        tenantId: tenant.id,
        actorType: "admin",
        actorName,
        action: `test.export.${n}`,
        outcome: "ok",
        details: { n, note: "a,b" },
        // A second apart: the export lists the newest first, and the tests below find rows by that order.
        createdAt: Date.UTC(2026, 0, 1) + n * 1_000,
      });
    }
    csv = await exportText(tenant.id);
  });

  it("verifies an untouched export, formula-like cells escaped and all", () => {
    expect(csv.split("\r\n")[0]).toMatch(/,event_id,chain_seq,prev_hash,hash,hashed_content$/);
    const result = checkExport(csv);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("ok: 4 events verified");
    expect(result.status).toBe(0);
  });

  it("names the row whose column was edited after the export", () => {
    const result = checkExport(csv.replace("test.export.2", "test.export.9"));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^BROKEN: event \S+ \(#3\): its action is not the one its hash covers/);
  });

  it("names the row whose details or hashed content were edited", () => {
    // Newest first: the first match is the last event's details column (which comes before its hashed content).
    const details = checkExport(csv.replace('""note"":""a,b""', '""note"":""a,c""'));
    expect(details.status).toBe(1);
    expect(details.stderr).toMatch(/\(#4\): its details are not the ones its hash covers/);
    const at = csv.lastIndexOf('""note"":""a,b""');
    const content = checkExport(`${csv.slice(0, at)}""note"":""a,c""${csv.slice(at + '""note"":""a,b""'.length)}`);
    expect(content.status).toBe(1);
    expect(content.stderr).toMatch(/its hash does not match its content/);
  });

  it("names a row whose actor was edited, and one that no longer follows the event before it", () => {
    expect(checkExport(csv.replace("Zed", "Zoe")).stderr).toMatch(/\(#4\): its actorName is not the one its hash covers/);
    const rows = csv.split("\r\n");
    const third = rows.find((row) => row.includes("test.export.2"))!;
    const hashes = third.match(/,([0-9a-f]{64}),([0-9a-f]{64}),/)!;
    // The third event's prev_hash column names another predecessor than the one its hash covers.
    const forged = csv.replace(third, third.replace(hashes[1]!, "f".repeat(64)));
    expect(checkExport(forged).stderr).toMatch(/BROKEN: event \S+ \(#3\): its prevHash is not the one its hash covers/);
  });
});
