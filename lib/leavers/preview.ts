import { createHash } from "node:crypto";
import type { Db } from "@/db/client";
import { createLeaverPreview, findRecentRunOfFile, type LeaverActor } from "@/db/queries/leaver-previews";
import { getTenant } from "@/db/queries/tenants";
import { findUsersByEmails } from "@/db/queries/user-lookup";
import type { LeaverPreview } from "@/db/schema";
import { createLeaverClassifier, emailsToLookUp } from "./classify";
import { parseLeaverCsv } from "./parse-csv";

export const SAME_FILE_WINDOW_MS = 24 * 60 * 60 * 1000;

export type SameFileWarning = { jobId: string; createdAt: number };

/**
 * Parses, classifies and stores an uploaded leaver file, streaming: PapaParse hands over chunks
 * of rows, each chunk is looked up, classified and written in a transaction of its own, and no
 * chunk is kept. A bad file throws LeaverFileError and what was stored of it is discarded.
 */
export async function previewLeaverFile(
  db: Db,
  input: { tenantId: string; actor: LeaverActor; fileName: string | null; bytes: Uint8Array },
  now = Date.now(),
): Promise<{ preview: LeaverPreview; sameFileRun: SameFileWarning | null }> {
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const timeZone = (await getTenant(db, input.tenantId))?.timeZone ?? "UTC";
  const classifier = createLeaverClassifier(input.actor.userId, { now, timeZone });
  const preview = await createLeaverPreview(
    db,
    { tenantId: input.tenantId, actor: input.actor, fileName: input.fileName, sha256 },
    async (writeRows) => {
      const file = await parseLeaverCsv(input.bytes, {
        async onRows(rows) {
          const users = await findUsersByEmails(db, input.tenantId, emailsToLookUp(rows));
          await writeRows(classifier.classify(rows, users));
        },
      });
      return { totalRows: file.rowCount, counts: classifier.counts };
    },
    now,
  );
  return { preview, sameFileRun: (await sameFileRun(db, input.tenantId, sha256, now)) ?? null };
}

export function sameFileRun(db: Db, tenantId: string, sha256: string, now = Date.now()): Promise<SameFileWarning | undefined> {
  return findRecentRunOfFile(db, tenantId, sha256, now - SAME_FILE_WINDOW_MS);
}
