import { describe, expect, it } from "vitest";
import { DEFAULT_COUNT, MAX_COUNT, readListParams, readProjection } from "./list-params";

function refused(input: unknown) {
  try {
    readListParams(input);
  } catch (error) {
    return error as Error & { status: number; options: { scimType?: string } };
  }
  throw new Error("read");
}

describe("readListParams", () => {
  it("defaults to the first page of 100 in id order, unfiltered and unprojected", () => {
    expect(readListParams({})).toEqual({
      query: { filter: undefined, sortBy: undefined, descending: false, offset: 0, limit: DEFAULT_COUNT },
      startIndex: 1,
      count: DEFAULT_COUNT,
      projection: { attributes: [], excludedAttributes: [] },
    });
  });

  it("reads a query string and a SearchRequest alike", () => {
    const fromQuery = readListParams({
      filter: 'userName eq "A"',
      startIndex: "3",
      count: "2",
      sortBy: "Name.FamilyName",
      sortOrder: "Descending",
      attributes: "userName, emails",
    });
    const fromBody = readListParams({
      filter: 'userName eq "A"',
      startIndex: 3,
      count: 2,
      sortBy: "name.familyName",
      sortOrder: "descending",
      attributes: ["userName", "emails"],
    });
    expect(fromQuery).toEqual(fromBody);
    expect(fromQuery).toEqual({
      query: { filter: { op: "eq", field: "userName", value: "a" }, sortBy: "familyName", descending: true, offset: 2, limit: 2 },
      startIndex: 3,
      count: 2,
      projection: { attributes: ["userName", "emails"], excludedAttributes: [] },
    });
  });

  it("reads out-of-range numbers as RFC 7644 says: startIndex below 1 is 1, a negative count 0, a count above the cap the cap", () => {
    expect(readListParams({ startIndex: "0" }).startIndex).toBe(1);
    expect(readListParams({ startIndex: "-5" }).query.offset).toBe(0);
    expect(readListParams({ count: "-3" }).query.limit).toBe(0);
    expect(readListParams({ count: "0" }).count).toBe(0);
    expect(readListParams({ count: "500" }).query.limit).toBe(MAX_COUNT);
    expect(readListParams({ count: "", filter: "  " }).query).toMatchObject({ limit: DEFAULT_COUNT, filter: undefined });
  });

  it("sorts by any filterable attribute, in any case and with URNs", () => {
    expect(readListParams({ sortBy: "USERNAME" }).query.sortBy).toBe("userName");
    expect(readListParams({ sortBy: "meta.created" }).query.sortBy).toBe("created");
    expect(readListParams({ sortBy: "emails" }).query.sortBy).toBe("email");
    expect(readListParams({ sortBy: "urn:ietf:params:scim:schemas:core:2.0:User:externalId" }).query.sortBy).toBe("externalId");
  });

  it("refuses what it cannot read: 400 invalidValue, invalidFilter for the filter", () => {
    for (const input of [
      { startIndex: "one" },
      { count: "1.5" },
      { count: true },
      { sortBy: "title" },
      { sortOrder: "up" },
      { attributes: 5 },
      { filter: 7 },
    ]) {
      expect(refused(input).options.scimType, JSON.stringify(input)).toBe("invalidValue");
    }
    expect(refused({ sortBy: "title" }).message).toMatch(/Cannot sort by title; sort by userName/);
    expect(refused({ filter: "userName eq" }).options.scimType).toBe("invalidFilter");
  });

  it("reads attributes and excludedAttributes alone for a single resource", () => {
    expect(readProjection({ attributes: "userName", excludedAttributes: "emails,name" })).toEqual({
      attributes: ["userName"],
      excludedAttributes: ["emails", "name"],
    });
    expect(readProjection(undefined)).toEqual({ attributes: [], excludedAttributes: [] });
  });
});
