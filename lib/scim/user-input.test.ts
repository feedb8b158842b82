import { describe, expect, it } from "vitest";
import { ENTERPRISE_USER_SCHEMA } from "./attributes";
import { recordOf } from "./test-records";
import { readScimUser } from "./user-input";

const base = { userName: "Jane.Doe@Example.test", emails: [{ value: "jane.doe@example.test", type: "work", primary: true }] };

function refused(body: unknown, context?: Parameters<typeof readScimUser>[1]) {
  try {
    readScimUser(body, context);
  } catch (error) {
    return error as Error & { status: number; options: { scimType?: string; details?: Record<string, string> } };
  }
  throw new Error("read");
}

describe("readScimUser", () => {
  it("maps a full body onto Roster, ignoring password, groups and attributes Roster does not keep", () => {
    const write = readScimUser({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_USER_SCHEMA],
      userName: " Jane.Doe@Example.test ",
      externalId: "00u1abcd",
      name: { givenName: "Jane", familyName: "Doe", middleName: "Q" },
      displayName: "Jane Q. Doe",
      title: "Engineer",
      locale: "en-GB",
      password: "s3cret",
      groups: [{ value: "g1" }],
      addresses: [{ locality: "Utrecht" }],
      active: true,
      emails: [
        { value: "jane.doe@example.test", type: "Work", primary: true, display: "Jane" },
        { value: "jane@home.example", type: "home" },
      ],
      phoneNumbers: [{ value: "+31 6 12345678", type: "work" }, { value: "+91 98765 43210", type: "mobile", primary: "True" }, { value: "+44 20 7946 0958" }],
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: "EMP-1", department: "Research", costCenter: "CC-7", manager: { value: "mgr-1", displayName: "Boss" } },
    });
    expect(write).toMatchObject({
      userName: "Jane.Doe@Example.test",
      usernameKey: "jane.doe@example.test",
      externalId: "00u1abcd",
      email: "jane.doe@example.test",
      emailNormalized: "jane.doe@example.test",
      otherEmails: [{ email: "jane@home.example", emailNormalized: "jane@home.example", label: "home" }],
      // The primary phone first, then the next one; a third is not kept.
      mobiles: [
        { kind: "primary", countryCode: "+91", number: "9876543210" },
        { kind: "secondary", countryCode: "+31", number: "612345678" },
      ],
      name: "Jane Q. Doe",
      nameFolded: "jane q. doe",
      uniqueCode: { value: "EMP-1", folded: "emp-1" },
      employeeNumberGiven: true,
      department: "Research",
      active: true,
    });
    expect(write.attributes).toEqual({
      name: { givenName: "Jane", familyName: "Doe", middleName: "Q" },
      displayName: "Jane Q. Doe",
      title: "Engineer",
      locale: "en-GB",
      primaryEmailType: "work",
      phoneNumbers: [
        { value: "+91 98765 43210", type: "mobile" },
        { value: "+31 6 12345678", type: "work" },
      ],
      enterprise: { costCenter: "CC-7", manager: { value: "mgr-1", displayName: "Boss" } },
    });
    expect(JSON.stringify(write)).not.toMatch(/s3cret|g1|Utrecht/);
  });

  it("reads attribute names in any case, dotted and URN-prefixed keys, and Entra's string booleans", () => {
    const write = readScimUser({
      USERNAME: "jane",
      Emails: [{ Value: "jane@example.test", PRIMARY: "true" }],
      "name.givenName": "Jane",
      Name: { FamilyName: "Doe" },
      Active: "False",
      [`${ENTERPRISE_USER_SCHEMA.toUpperCase()}:Department`]: "Ops",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "mgr-2",
    });
    expect(write).toMatchObject({ userName: "jane", email: "jane@example.test", name: "Jane Doe", active: false, department: "Ops" });
    expect(write.attributes).toMatchObject({ name: { givenName: "Jane", familyName: "Doe" }, enterprise: { manager: { value: "mgr-2" } } });
    expect(readScimUser({ ...base, active: "TRUE" }).active).toBe(true);
    // Entra names extension attributes without their URN.
    expect(readScimUser({ ...base, department: "Sales", manager: [{ value: "m1" }] })).toMatchObject({
      department: "Sales",
      attributes: { enterprise: { manager: { value: "m1" } } },
    });
  });

  it("chooses the address: primary, else work, else the first, else userName when it is one", () => {
    const emails = [
      { value: "a@x.example", type: "home" },
      { value: "b@x.example", type: "work" },
      { value: "c@x.example", type: "other", primary: "True" },
    ];
    expect(readScimUser({ userName: "u", emails }).email).toBe("c@x.example");
    expect(readScimUser({ userName: "u", emails: emails.slice(0, 2) }).email).toBe("b@x.example");
    expect(readScimUser({ userName: "u", emails: emails.slice(0, 1) })).toMatchObject({ email: "a@x.example", attributes: { primaryEmailType: "home" } });
    expect(readScimUser({ userName: "Only.Me@x.example" })).toMatchObject({
      email: "Only.Me@x.example",
      emailNormalized: "only.me@x.example",
      otherEmails: [],
    });
    // The same address twice is one address.
    expect(readScimUser({ userName: "u", emails: [...emails, { value: "B@X.example", type: "home" }] }).otherEmails.map((e) => e.email)).toEqual([
      "a@x.example",
      "b@x.example",
    ]);
    expect(refused({ userName: "not-an-address" })).toMatchObject({
      status: 400,
      options: { scimType: "invalidValue" },
      message: expect.stringMatching(/email address is required/),
    });
    expect(
      refused({
        userName: "u",
        emails: [
          { value: "a@x.example", primary: true },
          { value: "b@x.example", primary: true },
        ],
      }).options.scimType,
    ).toBe("invalidValue");
  });

  it("derives the name: displayName, else name.formatted, else given and family, else userName", () => {
    expect(readScimUser({ ...base, displayName: "D", name: { formatted: "F", givenName: "G", familyName: "H" } }).name).toBe("D");
    expect(readScimUser({ ...base, name: { formatted: "F", givenName: "G", familyName: "H" } }).name).toBe("F");
    expect(readScimUser({ ...base, name: { givenName: "G", familyName: "H" } }).name).toBe("G H");
    expect(readScimUser({ ...base, name: { familyName: "H" } }).name).toBe("H");
    expect(readScimUser(base).name).toBe("Jane.Doe@Example.test");
    // Made from the userName: a POST linking an existing user keeps the user's own name.
    expect(readScimUser(base).nameGiven).toBe(false);
    expect(readScimUser({ ...base, name: { familyName: "H" } }).nameGiven).toBe(true);
  });

  it("gives a new user a generated unique code without employeeNumber; an update keeps the user's (null)", () => {
    const created = readScimUser(base);
    expect(created.uniqueCode?.value).toMatch(/^USR-[0-9A-F]{12}$/);
    expect(created.employeeNumberGiven).toBe(false);
    const current = recordOf(created);
    expect(readScimUser(base, { current, pathId: current.user.id }).uniqueCode).toBeNull();
  });

  it("keeps the current active state when an update leaves active out; a new user is active", () => {
    expect(readScimUser(base).active).toBe(true);
    const current = recordOf(readScimUser({ ...base, active: false }));
    expect(readScimUser(base, { current, pathId: current.user.id }).active).toBe(false);
  });

  it("splits phone numbers into country code and national number; keeps what it cannot parse whole", () => {
    const write = readScimUser({ ...base, phoneNumbers: [{ value: "tel:+1-201-555-0123" }, { value: "555-1234 ext. 9" }] });
    expect(write.mobiles).toEqual([
      { kind: "primary", countryCode: "+1", number: "2015550123" },
      { kind: "secondary", countryCode: "", number: "555-1234 ext. 9" },
    ]);
  });

  it("refuses a body without a usable userName or with wrong types as 400 invalidValue, naming the attribute", () => {
    expect(refused({ emails: base.emails })).toMatchObject({ options: { scimType: "invalidValue", details: { userName: "userName is required" } } });
    expect(refused({ ...base, userName: "  " }).options.details).toEqual({ userName: "userName must not be empty" });
    expect(refused({ ...base, emails: "not-a-list" }).options.details).toEqual({ emails: "emails must be an array" });
    expect(refused({ ...base, emails: [{ value: "nope" }] }).options.details).toEqual({ "emails.0.value": "value must be an email address" });
    expect(refused({ ...base, active: "perhaps" }).options.details).toEqual({ active: "active must be true or false" });
    expect(refused({ ...base, title: 5 }).options.details).toEqual({ title: "title must be a string" });
    expect(refused([base]).options.scimType).toBe("invalidSyntax");
  });

  it("refuses an id other than the path's as 400 mutability; the same id, or none, is fine", () => {
    const current = recordOf(readScimUser(base));
    expect(refused({ ...base, id: "another" }, { current, pathId: current.user.id })).toMatchObject({ status: 400, options: { scimType: "mutability" } });
    expect(readScimUser({ ...base, id: current.user.id }, { current, pathId: current.user.id }).email).toBe("jane.doe@example.test");
    // POST ignores a client's id (it is the server's to give).
    expect(readScimUser({ ...base, id: "mine" }).email).toBe("jane.doe@example.test");
  });
});
