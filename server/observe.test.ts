import { describe, expect, it } from "vitest";
import { lookupUserIds } from "@/lib/api/endpoints/mendix";
import { getUser } from "@/lib/api/endpoints/os1-users";
import { routeRequest } from "@/lib/api/registry";
import { routeLabel } from "./observe";

const label = (method: string, path: string) => routeLabel(routeRequest(method, path), path);

describe("routeLabel", () => {
  it("names API requests by their endpoint's path template, never by the raw path", () => {
    expect(label("POST", lookupUserIds.path)).toBe(lookupUserIds.path);
    const concrete = getUser.path.replace(/\{\w+\}/, "someone@example.test");
    expect(label("GET", concrete)).toBe(getUser.path);
  });

  it("puts everything else into a few buckets", () => {
    expect(label("DELETE", lookupUserIds.path)).toBe("api");
    expect(label("GET", "/api/no-such-thing/at-all")).toBe("api");
    expect(label("GET", "/_next/static/chunks/app.js")).toBe("static");
    expect(label("GET", "/users/0b0c4e1a-1f1f-4c4c-9d9d-123456789abc")).toBe("page");
  });
});
