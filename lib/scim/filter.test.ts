import { describe, expect, it } from "vitest";
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from "./attributes";
import { compileFilter, MAX_FILTER_DEPTH } from "./filter";

const invalidFilter = (filter: string) => {
  try {
    compileFilter(filter);
  } catch (error) {
    expect(error, filter).toMatchObject({ status: 400, options: { scimType: "invalidFilter" } });
    return (error as Error).message;
  }
  throw new Error(`${filter} compiled`);
};

describe("compileFilter", () => {
  it("compiles every comparison operator on userName to its key (trimmed, lower-cased)", () => {
    for (const op of ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const) {
      expect(compileFilter(`userName ${op} " Jane.Doe@Example.TEST "`), op).toEqual({ op, field: "userName", value: "jane.doe@example.test" });
    }
    expect(compileFilter("userName pr")).toEqual({ op: "pr", field: "userName" });
  });

  it("normalizes values by field: addresses as email keys, dates as epoch ms, booleans (Entra's strings too), other text as given", () => {
    expect(compileFilter('emails.value eq "JANE@Example.test"')).toEqual({ op: "eq", field: "email", value: "jane@example.test" });
    expect(compileFilter('emails co "@Example"')).toEqual({ op: "co", field: "email", value: "@example" });
    expect(compileFilter('meta.lastModified gt "2024-05-13T04:42:34Z"')).toEqual({ op: "gt", field: "lastModified", value: Date.UTC(2024, 4, 13, 4, 42, 34) });
    expect(compileFilter('meta.created le "2024-05-13"')).toEqual({ op: "le", field: "created", value: Date.UTC(2024, 4, 13) });
    expect(compileFilter("active eq false")).toEqual({ op: "eq", field: "active", value: false });
    expect(compileFilter('active ne "True"')).toEqual({ op: "ne", field: "active", value: true });
    expect(compileFilter('externalId eq "Ext-1"')).toEqual({ op: "eq", field: "externalId", value: "Ext-1" });
    expect(compileFilter('displayName sw "Jane"')).toEqual({ op: "sw", field: "displayName", value: "Jane" });
    expect(compileFilter('name.givenName ew "ne"')).toEqual({ op: "ew", field: "givenName", value: "ne" });
    expect(compileFilter('name.familyName eq "Doe"')).toEqual({ op: "eq", field: "familyName", value: "Doe" });
    expect(compileFilter('id eq "c5f3afba-cc28-4f56-b922-1e606807bed4"')).toEqual({ op: "eq", field: "id", value: "c5f3afba-cc28-4f56-b922-1e606807bed4" });
  });

  it("keeps and/or/not and grouping, with and binding tighter than or", () => {
    expect(compileFilter('userName sw "a" or userName sw "b" and active eq true')).toEqual({
      op: "or",
      conditions: [
        { op: "sw", field: "userName", value: "a" },
        {
          op: "and",
          conditions: [
            { op: "sw", field: "userName", value: "b" },
            { op: "eq", field: "active", value: true },
          ],
        },
      ],
    });
    expect(compileFilter('(userName sw "a" or userName sw "b") and not (externalId pr)')).toEqual({
      op: "and",
      conditions: [
        {
          op: "or",
          conditions: [
            { op: "sw", field: "userName", value: "a" },
            { op: "sw", field: "userName", value: "b" },
          ],
        },
        { op: "not", condition: { op: "pr", field: "externalId" } },
      ],
    });
    expect(compileFilter('((name.givenName eq "Dave"))')).toEqual({ op: "eq", field: "givenName", value: "Dave" });
  });

  it("compiles value paths on emails: type and primary narrow the addresses, value compares them", () => {
    expect(compileFilter('emails[type eq "Work" and value co "@x.example"]')).toEqual({ op: "co", field: "email", value: "@x.example", emailType: "work" });
    expect(compileFilter("emails[primary eq true]")).toEqual({ op: "co", field: "email", value: "", emailPrimary: true });
    expect(compileFilter('emails[type eq "home" or value eq "a@x.example"]')).toEqual({
      op: "or",
      conditions: [
        { op: "co", field: "email", value: "", emailType: "home" },
        { op: "eq", field: "email", value: "a@x.example" },
      ],
    });
    // The parser splits `emails[…].value op v` in two; both are about the same address.
    expect(compileFilter('emails[type eq "work"].value eq "Jane@X.example"')).toEqual({ op: "eq", field: "email", value: "jane@x.example", emailType: "work" });
    expect(compileFilter('userName pr and emails[type eq "home"].value sw "j"')).toEqual({
      op: "and",
      conditions: [
        { op: "pr", field: "userName" },
        { op: "sw", field: "email", value: "j", emailType: "home" },
      ],
    });
  });

  it("takes attribute names and operators in any case, and fully qualified URNs", () => {
    expect(compileFilter('USERNAME EQ "a"')).toEqual({ op: "eq", field: "userName", value: "a" });
    expect(compileFilter('Name.FamilyName Eq "Clark"')).toEqual({ op: "eq", field: "familyName", value: "Clark" });
    expect(compileFilter('EMAILS[TYPE eq "HOME"].VALUE co "home"')).toEqual({ op: "co", field: "email", value: "home", emailType: "home" });
    expect(compileFilter(`${CORE_USER_SCHEMA}:userName eq "b"`)).toEqual({ op: "eq", field: "userName", value: "b" });
    expect(compileFilter(`${CORE_USER_SCHEMA.toUpperCase()}:name.familyName eq "Anders"`)).toEqual({ op: "eq", field: "familyName", value: "Anders" });
  });

  it("refuses what it cannot answer exactly with 400 invalidFilter and a message that says what to do", () => {
    for (const filter of [
      "userName eq",
      'userName xx "a"',
      'userName eq "unterminated',
      "(userName pr",
      'userName eq "a" and',
      "",
      'emails[value eq "a"',
      'urn:example:unknown:2.0:User:userName eq "x"',
      `${ENTERPRISE_USER_SCHEMA}:department eq "x"`,
      'emails[display eq "x"]',
      'emails[nosuch eq "x"]',
      'emails[type ne "work"]',
      'emails[not (type eq "work")]',
      'emails[value sw "a" and value ew "b"]',
      'phoneNumbers[type eq "work"]',
    ]) {
      invalidFilter(filter);
    }
    expect(invalidFilter('title eq "Engineer"')).toMatch(/Filtering on title is not supported; filter on userName, .*emails\.value/);
    expect(invalidFilter("active gt true")).toMatch(/active is true or false: compare it with eq or ne/);
    expect(invalidFilter('active eq "maybe"')).toMatch(/true or false/);
    expect(invalidFilter('meta.lastModified gt "yesterday"')).toMatch(/ISO 8601 date-time/);
    expect(invalidFilter('meta.created co "2024"')).toMatch(/date-time: compare it with eq/);
    expect(invalidFilter("userName eq 12")).toMatch(/quoted string/);
    expect(invalidFilter("userName eq null")).toMatch(/not \(userName pr\)/);
  });

  it("refuses filters longer than 2,000 characters or nested deeper than 16 levels", () => {
    const long = Array.from({ length: 120 }, (_, i) => `userName eq "someone-${i}@example.test"`).join(" or ");
    expect(invalidFilter(long)).toMatch(/at most 2,000/);
    const deep = `${"(".repeat(MAX_FILTER_DEPTH + 1)}userName pr${")".repeat(MAX_FILTER_DEPTH + 1)}`;
    expect(invalidFilter(deep)).toMatch(/nests more than 16/);
    const notDeep = `${"not (".repeat(MAX_FILTER_DEPTH + 1)}userName pr${")".repeat(MAX_FILTER_DEPTH + 1)}`;
    invalidFilter(notDeep);
    const fine = `${"(".repeat(MAX_FILTER_DEPTH)}userName pr${")".repeat(MAX_FILTER_DEPTH)}`;
    expect(compileFilter(fine)).toEqual({ op: "pr", field: "userName" });
    // Parentheses inside quoted values are values, not nesting.
    expect(compileFilter(`displayName eq "${"(".repeat(40)}"`)).toEqual({ op: "eq", field: "displayName", value: "(".repeat(40) });
  });

  it("refuses raw control characters before the parser sees them: an open quote over line feeds backtracks exponentially there", () => {
    // 18 line feeds take the library ~3 ms; each one more doubles it (~36 would hold the thread for minutes).
    expect(invalidFilter(`userName eq "${"\n".repeat(18)}x`)).toMatch(/The filter contains a control character \(U\+000A\) at position 14/);
    expect(invalidFilter('userName eq "a\tb"')).toMatch(/control character \(U\+0009\)/);
    // Escaped, as JSON writes them, they are values.
    expect(compileFilter('displayName eq "a\\nb"')).toMatchObject({ op: "eq", field: "displayName" });
  });
});
