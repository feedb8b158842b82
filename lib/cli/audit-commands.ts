import fs from "node:fs";
import { z } from "zod";
import type { Db } from "@/db/client";
import { writeCheckpoints } from "@/lib/audit/checkpoints";
import { checkpointKey, checkpointPublicKey } from "@/lib/audit/signing";
import { verifyAuditLog } from "@/lib/audit/verify";
import type { Env } from "@/lib/env";
import { parseArgsWith, UsageError, uuid } from "./args";
import { requireTenant, type CommandResult, type Flags } from "./command";

// `audit verify` and `audit checkpoint`: the tamper-evident audit log (docs/decisions/0020).

const verifyArgs = z.object({ tenant: uuid("--tenant").optional(), "public-key": z.string().min(1, "--public-key names a file").optional() });
const checkpointArgs = z.object({ tenant: uuid("--tenant").optional() });

function readKeyFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--public-key: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The public key to check signatures with: the file given, or the configured signing key's; none: signatures unchecked. */
function publicKeyFor(flags: z.infer<typeof verifyArgs>, env: Env) {
  try {
    if (flags["public-key"]) return checkpointPublicKey(readKeyFile(flags["public-key"]));
    return env.AUDIT_SIGNING_KEY ? checkpointKey(env.AUDIT_SIGNING_KEY).publicKey : undefined;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`the key is not usable: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Checks every tenant's chain (or one); fails (exit 1) naming the first broken event of each broken chain. */
export async function auditVerifyCommand(db: Db, flags: Flags, env: Env): Promise<CommandResult> {
  const args = parseArgsWith(verifyArgs, flags);
  if (args.tenant) await requireTenant(db, args.tenant);
  const reports = await verifyAuditLog(db, { tenantId: args.tenant, publicKey: publicKeyFor(args, env) });
  const broken = reports.filter((report) => report.firstBreak !== null);
  const text = reports.map((report) => {
    const where = `${report.tenantName} (${report.tenantId})`;
    if (report.firstBreak) return `BROKEN  ${where}: ${report.firstBreak.message}`;
    const signed =
      report.checkpoints === 0
        ? "no checkpoints"
        : `${report.checkpoints} checkpoint(s)${report.signaturesChecked ? ", signatures valid" : " (signatures not checked: no key)"}`;
    return `ok      ${where}: ${report.events.toLocaleString("en-US")} events chained, ${signed}`;
  });
  return { json: { ok: broken.length === 0, tenants: reports }, text: text.length ? text : ["No tenants."], exitCode: broken.length === 0 ? 0 : 1 };
}

/** Signs a checkpoint at the head of every chain (or one) that moved since its last one, now. */
export async function auditCheckpointCommand(db: Db, flags: Flags, env: Env): Promise<CommandResult> {
  const args = parseArgsWith(checkpointArgs, flags);
  if (args.tenant) await requireTenant(db, args.tenant);
  if (!env.AUDIT_SIGNING_KEY) throw new UsageError("AUDIT_SIGNING_KEY is not set: there is no key to sign checkpoints with");
  const written = await writeCheckpoints(db, checkpointKey(env.AUDIT_SIGNING_KEY), { tenantId: args.tenant });
  return { json: { ok: true, checkpoints: written }, text: [`Signed ${written} checkpoint(s).`] };
}
