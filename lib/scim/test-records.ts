import type { ScimUserRecord, ScimUserWrite } from "@/db/queries/scim-users";
import type { User } from "@/db/schema";
import { foldText } from "@/lib/domain/email";

// For lib/scim's unit tests: the record db/queries/scim-users.ts reads back after it stored a write
// (ADR 0017's mapping, write direction), so reading and rendering can be tested without a database.

export const ORIGIN = "https://roster.example";
const CREATED_AT = Date.UTC(2024, 4, 13, 4, 42, 34);

export function recordOf(write: ScimUserWrite, options: { id?: string; updatedAt?: number } = {}): ScimUserRecord {
  const id = options.id ?? "c5f3afba-cc28-4f56-b922-1e606807bed4";
  const updatedAt = options.updatedAt ?? CREATED_AT;
  const user = {
    id,
    tenantId: "8e9f0a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b",
    email: write.email,
    emailNormalized: write.emailNormalized,
    name: write.name,
    nameFolded: write.nameFolded,
    active: write.active,
    state: write.active ? "active" : "inactive:deactivated",
    uniqueCode: write.uniqueCode?.value ?? "USR-KEPT",
    uniqueCodeFolded: write.uniqueCode?.folded ?? foldText("USR-KEPT"),
    userCode: null,
    aaaId: null,
    participantType: "users",
    category: null,
    subCategory: null,
    templateId: null,
    properties: {
      workLocations: [],
      teams: [],
      identification: null,
      fileID: null,
      userType: "",
      department: write.department,
      aaaGroups: [],
      designation: "",
      employmentType: "",
    },
    createdBy: null,
    updatedBy: null,
    deactivatedAt: null,
    deactivatedBy: null,
    createdAt: CREATED_AT,
    updatedAt,
  } satisfies User;
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
