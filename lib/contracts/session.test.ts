import { describe, expect, it } from "vitest";
import { safeNextPath } from "./session";

const ORIGIN = "http://127.0.0.1:3000";

describe("safeNextPath", () => {
  it.each(["/users", "/users/abc?tab=audit#history", "/leavers?job=1"])("keeps a path on this origin: %s", (next) => {
    expect(safeNextPath(next, ORIGIN)).toBe(next);
  });

  it.each([
    ["a backslash after the slash", "/\\evil.example"],
    ["a tab after the slash", "/\t/evil.example"],
    ["a newline after the slash", "/\n/evil.example"],
    ["a protocol-relative URL", "//evil.example/users"],
    ["an absolute URL elsewhere", "https://evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a data: URL", "data:text/html,<script>alert(1)</script>"],
    ["three slashes", "///evil.example"],
    ["a dot segment before two slashes", "/.//evil.example/login"],
    ["an encoded dot segment", "/%2e//evil.example"],
    ["a parent segment", "/..//evil.example"],
    ["a dot segment and a backslash", "/./\\evil.example"],
  ])("refuses %s", (_, next) => {
    expect(safeNextPath(next, ORIGIN)).toBe("/users");
  });

  it("falls back on nothing, arrays and garbage", () => {
    expect(safeNextPath(undefined, ORIGIN)).toBe("/users");
    expect(safeNextPath(["/a", "/b"], ORIGIN)).toBe("/users");
    expect(safeNextPath("", ORIGIN, "/tokens")).toBe("/tokens");
  });
});
