import { z } from "zod";

/** A signed checkpoint kept outside the database: a line the server logged, or `audit checkpoint`'s output. */
export type ExportedCheckpoint = { tenantId: string; seq: number; hash: string; keyId: string; signature: string };

/** The message of the server's log line for each checkpoint it stores (lib/audit/checkpoints.ts). */
export const CHECKPOINT_LOG_MESSAGE = "audit checkpoint";

const checkpointFields = z.object({
  tenantId: z.string().min(1),
  seq: z.union([
    z.number().int().positive(),
    z
      .string()
      .regex(/^[1-9]\d*$/)
      .transform(Number),
  ]),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "hash must be 64 hex digits"),
  keyId: z.string().min(1),
  signature: z.string().min(1),
});

/**
 * The checkpoints in JSON lines: the server's pino log lines "audit checkpoint" and bare checkpoint
 * objects. Other lines (other log messages, text) are skipped, so a whole log file can be given;
 * a line that claims to be a checkpoint but is not a whole one throws naming the line, since
 * skipping it would drop a position the chain must still have.
 */
export function parseExportedCheckpoints(text: string): ExportedCheckpoint[] {
  const checkpoints: ExportedCheckpoint[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!line.startsWith("{")) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    const claimed = record.msg === undefined ? "signature" in record : record.msg === CHECKPOINT_LOG_MESSAGE;
    if (!claimed) return;
    const parsed = checkpointFields.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`line ${index + 1} is not a whole audit checkpoint (${issue.path.join(".") || "line"}: ${issue.message})`);
    }
    checkpoints.push(parsed.data);
  });
  return checkpoints;
}
