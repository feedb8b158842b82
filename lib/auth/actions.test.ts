import { describe, expect, it } from "vitest";
import { ACTION_REQUIREMENTS, POLICY_ACTIONS } from "./actions";
import { authorize } from "./policy";
import { SCIM_SCOPE } from "@/db/constants";
import { SCOPES } from "./scopes";

const ROLES = ["admin", "helpdesk", "auditor", "provisioner"] as const;
const tenant = { type: "Tenant", id: "t-a", tenantId: "t-a" } as const;

/** Every subset of the scopes, the provisioning one included: 32 sets. */
const scopeSets = [...SCOPES, SCIM_SCOPE].reduce<string[][]>((sets, scope) => [...sets, ...sets.map((set) => [...set, scope])], [[]]);

describe("ACTION_REQUIREMENTS", () => {
  it("says exactly what the Cedar policies decide, for every action, role and scope set", () => {
    const disagreements: string[] = [];
    for (const action of POLICY_ACTIONS) {
      const { anyScope, roles } = ACTION_REQUIREMENTS[action];
      for (const role of ROLES) {
        for (const scopes of scopeSets) {
          const expected = (roles as readonly string[]).includes(role) && (anyScope.length === 0 || anyScope.some((scope) => scopes.includes(scope)));
          const decided = authorize({ tokenId: "tok", tenantId: "t-a", role, scopes }, action, tenant).allowed;
          if (decided !== expected) disagreements.push(`${action} ${role} [${scopes.join(" ")}]: policies ${decided}, table ${expected}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
