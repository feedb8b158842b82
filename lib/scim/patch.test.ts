import { describe, expect, it } from "vitest";
import { ENTERPRISE_USER_SCHEMA } from "./attributes";
import { activeOnly, applyPatch, MAX_OPERATIONS, MAX_PATCH_VALUES } from "./patch";
import { ORIGIN, recordOf } from "./test-records";
import { readScimUser } from "./user-input";
import { patchableScimUser, renderScimUser } from "./user-resource";
import { PATCH_OP_SCHEMA } from "./wire";

const record = () =>
  recordOf(
    readScimUser({
      userName: "pat@example.test",
      displayName: "Pat Ching",
      nickName: "Pat",
      name: { givenName: "Pat", familyName: "Ching" },
      emails: [
        { value: "pat.ching@example.test", type: "work", primary: true },
        { value: "pat@home.example", type: "home" },
      ],
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: "EMP-7", department: "Ops", manager: { value: "mgr-1" } },
    }),
  );
const current = () => {
  const stored = record();
  return patchableScimUser(stored, renderScimUser(stored, ORIGIN));
};

const patch = (...operations: unknown[]) => applyPatch(current(), { schemas: [PATCH_OP_SCHEMA], Operations: operations });
const patchedWrite = (...operations: unknown[]) => readScimUser(patch(...operations));

function refused(body: unknown) {
  try {
    applyPatch(current(), body);
  } catch (error) {
    return error as Error & { status: number; options: { scimType?: string } };
  }
  throw new Error("applied");
}
const refusedOps = (...operations: unknown[]) => refused({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

describe("applyPatch", () => {
  it("adds, replaces and removes by path, in any case", () => {
    expect(patch({ op: "replace", path: "NAME.GIVENNAME", value: "Patricia" }).name).toEqual({ givenName: "Patricia", familyName: "Ching" });
    expect(patch({ op: "add", path: "title", value: "Lead" }).title).toBe("Lead");
    expect(patch({ op: "remove", path: "nickName" })).not.toHaveProperty("nickName");
    expect(patch({ op: "remove", path: "name.familyName" }).name).toEqual({ givenName: "Pat" });
    expect(patch({ op: "replace", path: "name", value: { FamilyName: "Chang" } }).name).toEqual({ givenName: "Pat", familyName: "Chang" });
  });

  it("applies a path-less value object attribute by attribute, keeping unnamed sub-attributes", () => {
    const patched = patch({ op: "add", value: { title: "Lead", DisplayName: "Pat C.", "name.givenName": "P", password: "x", groups: [] } });
    expect(patched).toMatchObject({ title: "Lead", displayName: "Pat C.", name: { givenName: "P", familyName: "Ching" }, nickName: "Pat" });
    expect(patched).not.toHaveProperty("password");
    expect(patch({ op: "replace", value: { name: { givenName: "Q" } } }).name).toEqual({ givenName: "Q", familyName: "Ching" });
  });

  it("speaks Okta: a path-less replace of active", () => {
    expect(patchedWrite({ op: "replace", value: { active: false } }).active).toBe(false);
  });

  it("speaks Entra: capitalized ops, string booleans, enterprise paths, manager ids, value-filter adds", () => {
    expect(patchedWrite({ op: "Replace", path: "active", value: "False" }).active).toBe(false);
    expect(patch({ op: "Replace", path: "active", value: "True" }).active).toBe(true);
    const department = patchedWrite({ op: "Replace", path: `${ENTERPRISE_USER_SCHEMA}:department`, value: "Finance" });
    expect(department.department).toBe("Finance");
    expect(patch({ op: "Replace", path: `${ENTERPRISE_USER_SCHEMA.toUpperCase()}:Manager`, value: "mgr-2" })[ENTERPRISE_USER_SCHEMA]).toMatchObject({
      manager: { value: "mgr-2" },
    });
    expect(patch({ op: "Remove", path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: [{ value: "mgr-1" }] })[ENTERPRISE_USER_SCHEMA]).not.toHaveProperty(
      "manager",
    );
    const added = patchedWrite({ op: "Add", path: 'emails[type eq "other"].value', value: "pat.other@example.test" });
    expect(added.otherEmails.map((email) => [email.email, email.label])).toEqual([
      ["pat@home.example", "home"],
      ["pat.other@example.test", "other"],
    ]);
    expect(patch({ op: "Add", path: ENTERPRISE_USER_SCHEMA, value: { CostCenter: "CC-1" } })[ENTERPRISE_USER_SCHEMA]).toMatchObject({
      costCenter: "CC-1",
      department: "Ops",
    });
    expect(patch({ op: "remove", path: ENTERPRISE_USER_SCHEMA })).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
    // Unqualified extension attributes, and a single-valued attribute as a list of one.
    const unqualified = patch(
      { op: "Add", path: "manager", value: [{ $ref: "https://idp.example/Users/m3", value: "mgr-3" }] },
      { op: "replace", path: "Department", value: "Sales" },
    );
    expect(unqualified[ENTERPRISE_USER_SCHEMA]).toMatchObject({ manager: { value: "mgr-3", $ref: "https://idp.example/Users/m3" }, department: "Sales" });
    expect(refusedOps({ op: "add", path: "manager", value: [{ value: "a" }, { value: "b" }] }).options.scimType).toBe("invalidValue");
  });

  it("replaces and removes through value filters (names and types in any case)", () => {
    const work = patchedWrite({ op: "replace", path: 'Emails[Type eq "Work"].Value', value: "patricia@example.test" });
    expect(work.email).toBe("patricia@example.test");
    expect(patch({ op: "remove", path: 'emails[type eq "home"]' }).emails).toEqual([{ value: "pat.ching@example.test", type: "work", primary: true }]);
    expect(patch({ op: "remove", path: 'emails[value co "home" or primary eq "True"]' })).not.toHaveProperty("emails");
  });

  it("moves primary to the newly primary value", () => {
    const moved = patchedWrite({ op: "replace", path: 'emails[type eq "home"].primary', value: true });
    expect(moved.email).toBe("pat@home.example");
    expect(moved.otherEmails.map((email) => email.email)).toEqual(["pat.ching@example.test"]);
  });

  it("applies several operations in order, on a copy: the current resource is never changed", () => {
    const before = current();
    const patched = applyPatch(before, {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [
        { op: "add", path: "title", value: "Manager" },
        { op: "replace", path: "title", value: "Director" },
        { op: "remove", path: "nickName" },
      ],
    });
    expect(patched).toMatchObject({ title: "Director" });
    expect(before).toEqual(current());
  });

  it("is all or nothing: the first failing operation's error, whatever came before", () => {
    expect(
      refusedOps({ op: "replace", path: "displayName", value: "Half" }, { op: "replace", path: 'emails[type eq "fax"]', value: { value: "f@x.example" } }),
    ).toMatchObject({
      status: 400,
      options: { scimType: "noTarget" },
      message: expect.stringMatching(/^Operations\[1\]/),
    });
    expect(refusedOps({ op: "replace", path: 'emails[value co "nomatch"].value', value: "f@x.example" }).options.scimType).toBe("noTarget");
  });

  it("ignores operations on attributes Roster does not keep", () => {
    expect(patch({ op: "replace", path: 'addresses[type eq "work"].locality', value: "Utrecht" }, { op: "add", path: "password", value: "x" })).toEqual(
      current(),
    );
  });

  it("refuses read-only attributes (mutability), missing or bad paths, and malformed PatchOps", () => {
    expect(refusedOps({ op: "replace", path: "id", value: "0000" }).options.scimType).toBe("mutability");
    expect(refusedOps({ op: "add", value: { id: "0000" } }).options.scimType).toBe("mutability");
    expect(refusedOps({ op: "replace", path: "meta.created", value: "2001-01-01T00:00:00Z" }).options.scimType).toBe("mutability");
    expect(refusedOps({ op: "replace", value: { meta: {} } }).options.scimType).toBe("mutability");
    expect(refusedOps({ op: "remove" }).options.scimType).toBe("noTarget");
    for (const path of ["emails[type eq", "name.givenName.more", 'emails[type eq "work"].nosuch', 'title[value eq "x"]', "bad path"]) {
      expect(refusedOps({ op: "replace", path, value: "x" }).options.scimType, path).toBe("invalidPath");
    }
    expect(refusedOps({ op: "frobnicate", path: "title", value: "x" })).toMatchObject({
      options: { scimType: "invalidSyntax" },
      message: expect.stringMatching(/add, remove or replace/),
    });
    expect(refusedOps({ path: "title", value: "x" }).options.scimType).toBe("invalidSyntax");
    expect(refusedOps({ op: "add", path: "title" }).options.scimType).toBe("invalidSyntax");
    expect(refusedOps({ op: "add", value: "not an object" }).options.scimType).toBe("invalidValue");
    expect(refused({ Operations: [{ op: "replace", path: "title", value: "x" }] }).options.scimType).toBe("invalidSyntax");
    expect(refused({ schemas: [PATCH_OP_SCHEMA], Operations: [] }).options.scimType).toBe("invalidSyntax");
    expect(refused({ schemas: [PATCH_OP_SCHEMA] }).options.scimType).toBe("invalidSyntax");
    expect(refused("a string").options.scimType).toBe("invalidSyntax");
    const tooMany = Array.from({ length: MAX_OPERATIONS + 1 }, (_, i) => ({ op: "replace", path: "title", value: `t${i}` }));
    expect(refusedOps(...tooMany)).toMatchObject({ status: 400, message: expect.stringMatching(/at most 100/) });
  });

  it("refuses a value filter with raw control characters, and more values of multi-valued attributes than it accepts", () => {
    const controlled = refusedOps({ op: "remove", path: `emails[value eq "${"\n".repeat(18)}x]` });
    expect(controlled.options.scimType).toBe("invalidPath");
    expect(controlled.message).toMatch(/the value filter contains a control character \(U\+000A\)/);
    const emails = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ value: `extra-${from + i}@example.test`, type: "other" }));
    const many = refusedOps(
      { op: "add", path: "emails", value: emails(MAX_PATCH_VALUES / 2 + 1) },
      { op: "add", value: { emails: emails(MAX_PATCH_VALUES / 2, 500) } },
    );
    expect(many.options.scimType).toBe("invalidValue");
    expect(many.message).toMatch(/carries 201 values of multi-valued attributes; at most 200/);
    expect(() => patch({ op: "add", path: "emails", value: emails(MAX_PATCH_VALUES / 2) })).not.toThrow();
  });

  it("reads keys of the PatchOp in any case", () => {
    expect(applyPatch(current(), { SCHEMAS: [PATCH_OP_SCHEMA.toUpperCase()], operations: [{ op: "replace", path: "title", value: "x" }] }).title).toBe("x");
  });

  it("leaves a resource that reads like a PUT body: removing userName is refused there", () => {
    expect(() => readScimUser(patch({ op: "remove", path: "userName" }))).toThrow(
      expect.objectContaining({ options: expect.objectContaining({ scimType: "invalidValue" }) }),
    );
    const unchanged = renderScimUser(recordOf(readScimUser(patch({ op: "replace", path: "title", value: "T" }))), ORIGIN);
    expect(unchanged.title).toBe("T");
  });
});

describe("activeOnly", () => {
  const ops = (...operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });
  const id = record().user.id;

  it("reads the active that Okta's and Entra's deactivations set, and a reactivation", () => {
    expect(activeOnly(ops({ op: "replace", value: { active: false } }), id)).toBe(false);
    expect(activeOnly(ops({ op: "Replace", path: "active", value: "False" }), id)).toBe(false);
    expect(activeOnly(ops({ op: "add", path: "ACTIVE", value: true }), id)).toBe(true);
    expect(activeOnly(ops({ op: "replace", path: "active", value: true }, { op: "replace", path: "active", value: false }), id)).toBe(false);
    expect(activeOnly(ops({ op: "replace", value: { active: false, id } }), id)).toBe(false);
  });

  it("is undefined for a PATCH that does anything else, so that it is applied whole", () => {
    expect(activeOnly(ops({ op: "replace", value: { active: false, displayName: "Pat" } }), id)).toBeUndefined();
    expect(activeOnly(ops({ op: "replace", path: "active", value: false }, { op: "replace", path: "title", value: "x" }), id)).toBeUndefined();
    expect(activeOnly(ops({ op: "remove", path: "active" }), id)).toBeUndefined();
    expect(activeOnly(ops({ op: "replace", path: "active", value: "maybe" }), id)).toBeUndefined();
    expect(activeOnly(ops({ op: "replace", path: "nickName", value: "P" }), id)).toBeUndefined();
  });

  it("refuses what applyPatch refuses, with the same error", () => {
    for (const body of [ops({ op: "replace", value: { active: false, id: "0000" } }), { Operations: [{ op: "replace", path: "active", value: false }] }, "x"]) {
      const error = (() => {
        try {
          activeOnly(body, id);
        } catch (thrown) {
          return thrown as Error;
        }
      })();
      expect(error).toEqual(refused(body));
    }
  });
});
