import { describe, expect, it } from "vitest";
import { claimValues, mappedRole } from "./sso-roles";

const MAP = { "roster-admins": "admin", "roster-helpdesk": "helpdesk", "roster-auditors": "auditor" } as const;

describe("claimValues", () => {
  it("reads an array of strings or a single string, and nothing else", () => {
    expect(claimValues({ groups: ["a", 7, "b", null] }, "groups")).toEqual(["a", "b"]);
    expect(claimValues({ groups: "roster-admins" }, "groups")).toEqual(["roster-admins"]);
    expect(claimValues({ groups: { a: 1 } }, "groups")).toEqual([]);
    expect(claimValues({}, "groups")).toEqual([]);
  });

  it("takes a claim named with dots as is first, then as a path into nested claims (Keycloak's realm_access.roles)", () => {
    expect(claimValues({ "https://example.com/groups": ["x"] }, "https://example.com/groups")).toEqual(["x"]);
    expect(claimValues({ realm_access: { roles: ["roster-admins"] } }, "realm_access.roles")).toEqual(["roster-admins"]);
    expect(claimValues({ realm_access: "flat" }, "realm_access.roles")).toEqual([]);
  });
});

describe("mappedRole", () => {
  it("grants the highest mapped role: admin over helpdesk over auditor, whatever the order", () => {
    expect(mappedRole(["roster-auditors", "roster-admins", "roster-helpdesk"], MAP)).toBe("admin");
    expect(mappedRole(["roster-auditors", "roster-helpdesk"], MAP)).toBe("helpdesk");
    expect(mappedRole(["other", "roster-auditors"], MAP)).toBe("auditor");
  });

  it("grants nothing for values the map does not name, matching case exactly and ignoring inherited keys", () => {
    expect(mappedRole([], MAP)).toBeNull();
    expect(mappedRole(["Roster-Admins", "everyone"], MAP)).toBeNull();
    expect(mappedRole(["constructor", "__proto__", "toString"], MAP)).toBeNull();
  });
});
