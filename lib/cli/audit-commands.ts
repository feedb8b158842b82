import fs from "node:fs";
import { z } from "zod";
import type { Db } from "@/db/client";
import { writeCheckpoints } from "@/lib/audit/checkpoints";
import { parseExportedCheckpoints } from "@/lib/audit/exported-checkpoints";
import { checkpointKey, checkpointPublicKey } from "@/lib/audit/signing";
import { verifyAuditLog } from "@/lib/audit/verify";
import type { Env } from "@/lib/env";
import { parseArgsWith, UsageError, uuid } from "./args";
import { requireTenant, type CommandResult, type Flags } from "./command";

// `audit verify` and `audit checkpoint`: the tamper-evident audit log (docs/decisions/0020).

const keyFileName = z.string().min(1, "--public-key names a file");
const verifyArgs = z.object({
  tenant: uuid("--tenant").optional(),
  // Repeatable: after a key rotation, checkpoints signed with each earlier key still verify.
  "public-key": z
    .union([keyFileName, z.array(keyFileName)])
    .transform((files) => (typeof files === "string" ? [files] : files))
    .optional(),
  checkpoints: z.string().min(1, "--checkpoints names a file").optional(),
});
const checkpointArgs = z.object({ tenant: uuid("--tenant").optional() });

function readFileFor(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

const notUsable = (what: string, error: unknown) => new UsageError(`${what} is not usable: ${error instanceof Error ? error.message : String(error)}`);

/** The public keys to check signatures with: the files given, or the configured signing key's; none: signatures unchecked. */
function publicKeysFor(flags: z.infer<typeof verifyArgs>, env: Env) {
  if (flags["public-key"]) {
    return flags["public-key"].map((file) => {
      const pem = readFileFor("--public-key", file);
      try {
        return checkpointPublicKey(pem);
      } catch (error) {
        throw notUsable(`the key in ${file}`, error);
      }
    });
  }
  try {
    return env.AUDIT_SIGNING_KEY ? [checkpointKey(env.AUDIT_SIGNING_KEY).publicKey] : [];
  } catch (error) {
    throw notUsable("the key", error);
  }
}

function exportedCheckpointsIn(file: string) {
  let checkpoints;
  try {
    checkpoints = parseExportedCheckpoints(readFileFor("--checkpoints", file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--checkpoints: ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (checkpoints.length === 0) throw new UsageError(`--checkpoints: ${file} holds no audit checkpoints (log lines "audit checkpoint" or checkpoint objects)`);
  return checkpoints;
}

/**
 * Checks every tenant's chain (or one), and requires each exported checkpoint of `--checkpoints`
 * to match it; fails (exit 1) naming each break of each broken chain. A tenant whose row is
 * gone is still checked when a trace of its chain, or an exported checkpoint, remains.
 */
export async function auditVerifyCommand(db: Db, flags: Flags, env: Env): Promise<CommandResult> {
  const args = parseArgsWith(verifyArgs, flags);
  const publicKeys = publicKeysFor(args, env);
  const exported = args.checkpoints === undefined ? undefined : exportedCheckpointsIn(args.checkpoints);
  if (exported && publicKeys.length === 0)
    throw new UsageError("--checkpoints needs a key to check their signatures: --public-key FILE, or AUDIT_SIGNING_KEY set");
  const reports = await verifyAuditLog(db, { tenantId: args.tenant, publicKeys, exported });
  if (args.tenant && reports.length === 0)
    throw new UsageError(`no tenant with id ${args.tenant}, nor an audit chain of one (see: npm run roster -- tenant list)`);
  const broken = reports.filter((report) => report.firstBreak !== null);
  const text = reports.flatMap((report) => {
    const where = `${report.tenantName ?? "(no tenant row)"} (${report.tenantId})`;
    if (report.firstBreak) {
      const later = report.breaks.slice(1).map((chainBreak) => `        also: ${chainBreak.message}`);
      const more = report.breaksCapped ? [`        (the walk stopped after ${report.breaks.length} breaks)`] : [];
      return [`BROKEN  ${where}: ${report.firstBreak.message}`, ...later, ...more];
    }
    const signed =
      report.checkpoints === 0
        ? "no checkpoints"
        : `${report.checkpoints} checkpoint(s)${report.signaturesChecked ? ", signatures valid" : " (signatures not checked: no key)"}`;
    const matched = exported ? `, ${report.exportedCheckpoints} exported checkpoint(s) matched` : "";
    return [`ok      ${where}: ${report.events.toLocaleString("en-US")} events chained, ${signed}${matched}`];
  });
  return { json: { ok: broken.length === 0, tenants: reports }, text: text.length ? text : ["No tenants."], exitCode: broken.length === 0 ? 0 : 1 };
}

/**
 * Signs a checkpoint at the head of every chain (or one) that moved since its last one, now, and
 * prints each as a JSON line (append them to the file `audit verify --checkpoints` reads). A chain
 * broken since its newest checkpoint is not signed: exit 1, naming the break.
 */
export async function auditCheckpointCommand(db: Db, flags: Flags, env: Env): Promise<CommandResult> {
  const args = parseArgsWith(checkpointArgs, flags);
  if (args.tenant) await requireTenant(db, args.tenant);
  if (!env.AUDIT_SIGNING_KEY) throw new UsageError("AUDIT_SIGNING_KEY is not set: there is no key to sign checkpoints with");
  const { signed, refused } = await writeCheckpoints(db, checkpointKey(env.AUDIT_SIGNING_KEY), { tenantId: args.tenant });
  return {
    json: { ok: refused.length === 0, checkpoints: signed.length, signed, refused },
    text: [
      `Signed ${signed.length} checkpoint(s).`,
      ...signed.map((checkpoint) => JSON.stringify(checkpoint)),
      ...refused.map((refusal) => `NOT SIGNED  ${refusal.tenantId}: ${refusal.firstBreak.message}`),
    ],
    exitCode: refused.length === 0 ? 0 : 1,
  };
}
