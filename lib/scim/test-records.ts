import type { ScimUserRecord, ScimUserWrite } from "@/db/queries/scim-users";

// For lib/scim's unit tests: the record db/queries/scim-users.ts reads back after it stored a write
// (ADR 0017's mapping, write direction), so reading and rendering can be tested without a database.

export const ORIGIN = "https://roster.example";
const CREATED_AT = Date.UTC(2024, 4, 13, 4, 42, 34);

export function recordOf(write: ScimUserWrite, options: { id?: string; updatedAt?: number } = {}): ScimUserRecord {
  const id = options.id ?? "c5f3afba-cc28-4f56-b922-1e606807bed4";
  const updatedAt = options.updatedAt ?? CREATED_AT;
  const user = {
    id,
    email: write.email,
    name: write.name,
    active: write.active,
    uniqueCode: write.uniqueCode?.value ?? "USR-KEPT",
    department: write.department,
    createdAt: CREATED_AT,
    updatedAt,
  } satisfies ScimUserRecord["user"];
  return {
    user,
    identity: {
      id: "5b0c8f57-0bd9-4c4e-9a55-0d2b8f3e0c11",
      externalId: write.externalId,
      userName: write.userName,
      // As stored: JSON, so undefined members are gone.
      attributes: JSON.parse(JSON.stringify(write.attributes)) as Record<string, unknown>,
      lastSyncedAt: updatedAt,
      createdAt: CREATED_AT,
      updatedAt,
    },
    otherEmails: write.otherEmails.map(({ email, label }) => ({ email, label })),
    mobiles: write.mobiles,
  };
}
