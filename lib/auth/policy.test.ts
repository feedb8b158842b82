import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { authorize, loadPolicies, type PolicyPrincipal } from "./policy";
import { SCOPES } from "./scopes";

const admin: PolicyPrincipal = { tokenId: "t-1", tenantId: "tenant-a", role: "admin", scopes: [...SCOPES] };
const ownTenant = { type: "Tenant", id: "tenant-a", tenantId: "tenant-a" } as const;
const ownUser = { type: "User", id: "u-1", tenantId: "tenant-a" } as const;

describe("Cedar policies", () => {
  it("loads every policy file with an @id per policy", () => {
    const policies = loadPolicies();
    expect(Object.keys(policies)).toEqual(
      expect.arrayContaining([
        "tenant-isolation",
        "tenant-members-may-act",
        "scope-required:users:read",
        "scope-required:mx:user-deactivation:write",
        "deactivation-requires-admin-role",
        "no-self-deactivation",
      ]),
    );
  });

  it("lets a fully scoped admin act in its own tenant", () => {
    for (const action of ["lookupUserIds", "deactivateUser", "readUsers", "listIdentities", "linkIdentity"] as const) {
      expect(authorize(admin, action, action === "deactivateUser" ? ownUser : ownTenant), action).toMatchObject({ allowed: true });
    }
  });

  it("denies another tenant's resources, naming the isolation policy", () => {
    expect(authorize(admin, "readUsers", { type: "User", id: "u-9", tenantId: "tenant-b" })).toEqual({ allowed: false, policyIds: ["tenant-isolation"] });
  });

  it("denies an action whose scope the token lacks", () => {
    const reader = { ...admin, scopes: ["users:read"] };
    expect(authorize(reader, "deactivateUser", ownUser)).toEqual({ allowed: false, policyIds: ["scope-required:mx:user-deactivation:write"] });
    expect(authorize(reader, "lookupUserIds", ownTenant).policyIds).toEqual(["scope-required:mx:mxid3:user-identifiers:uuid:read"]);
    expect(authorize(reader, "listIdentities", ownTenant).allowed).toBe(true);
  });

  it("keeps deactivation and linking for admins", () => {
    for (const role of ["helpdesk", "auditor"]) {
      const principal = { ...admin, role };
      expect(authorize(principal, "deactivateUser", ownUser).policyIds).toEqual(["deactivation-requires-admin-role"]);
      expect(authorize(principal, "linkIdentity", ownTenant).policyIds).toEqual(["linking-requires-admin-role"]);
      expect(authorize(principal, "readUsers", ownTenant).allowed).toBe(true);
    }
  });

  it("forbids deactivating oneself", () => {
    expect(authorize(admin, "deactivateUser", ownUser, { isSelf: true })).toEqual({ allowed: false, policyIds: ["no-self-deactivation"] });
  });

  it("forbids stopping one's own deactivation: a schedule of one's user, a bulk job that switches it off", () => {
    const job = { type: "LeaverJob", id: "j-1", tenantId: "tenant-a" } as const;
    for (const action of ["bulkDeactivateUsers", "rejectLeaverJob"] as const) {
      expect(authorize(admin, action, job, { isSelf: true }), action).toEqual({ allowed: false, policyIds: ["no-self-deactivation"] });
      expect(authorize(admin, action, job, { isSelf: false }).allowed, action).toBe(true);
    }
    expect(authorize(admin, "bulkDeactivateUsers", ownUser, { isSelf: true }).policyIds).toEqual(["no-self-deactivation"]);
  });

  it("answers a repeated question from its memo, identically", () => {
    const first = authorize(admin, "readUsers", ownTenant);
    expect(authorize({ ...admin, tokenId: "t-2" }, "readUsers", ownTenant)).toBe(first);
  });

  it("refuses a policy without an @id", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-policies-"));
    fs.writeFileSync(path.join(dir, "bad.cedar"), "permit (principal, action, resource);");
    expect(() => loadPolicies(dir)).toThrow(/needs an @id/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
