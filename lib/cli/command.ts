import type { Db } from "@/db/client";
import { getTenant } from "@/db/queries/tenants";
import { UsageError } from "./args";

// What every command module shares: its result, its flags, who it acts as, and the tenant it names.

/** What a command returns: the JSON object for --json, the lines a person reads, and its exit code (0 when left out). */
export type CommandResult = { json: Record<string, unknown>; text: string[]; exitCode?: number };
export type Flags = Record<string, string | string[] | boolean | undefined>;

/** Who the audit log names for what the CLI does. */
export const CLI_ACTOR = { type: "system", name: "roster cli" } as const;

/** The tenant `--tenant` names, or a usage error that says how to find one. */
export async function requireTenant(db: Db, tenantId: string) {
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw new UsageError(`no tenant with id ${tenantId} (see: npm run roster -- tenant list)`);
  return tenant;
}
