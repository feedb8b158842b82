import { describe, expect, it } from "vitest";
import { serviceDialect } from "./dialects/service";
import { ENDPOINTS, router } from "./registry";

const ID = "c5f3afba-cc28-4f56-b922-1e606807bed4";
const concrete = (template: string) => template.replace(/\{\w+\}/g, ID);
const match = (method: string, path: string) => router.match(method, path, serviceDialect);

describe("the router derived from the registry", () => {
  it("finds every declared endpoint at its own path and method, with its parameters decoded", () => {
    for (const endpoint of ENDPOINTS) {
      const found = match(endpoint.method, concrete(endpoint.path));
      expect(found, `${endpoint.method} ${endpoint.path}`).toMatchObject({ kind: "endpoint", endpoint });
    }
    expect(match("GET", "/api/v1/users/user%3Ac5f3afba-cc28-4f56-b922-1e606807bed4")).toMatchObject({ params: { userId: `user:${ID}` } });
  });

  it("prefers static segments to parameters", () => {
    expect(match("GET", "/api/v1/users/email")).toMatchObject({ endpoint: { operationId: "getUserEmail" } });
    expect(match("GET", "/v1/leaver-jobs/previews")).toMatchObject({ kind: "method-not-allowed", allow: ["POST"] });
  });

  it("answers other methods with the path's methods, in declaration order, in the path's dialect", () => {
    expect(match("PUT", "/api/user-identifiers/v1/uuids")).toMatchObject({
      kind: "method-not-allowed",
      allow: ["POST", "GET"],
      dialect: { name: "mendix-identifiers" },
    });
    expect(match("OPTIONS", `/v1/users/${ID}/identities`)).toMatchObject({ kind: "method-not-allowed", allow: ["GET", "POST"], dialect: { name: "jitsudo" } });
    expect(match("DELETE", "/api/v1/users")).toMatchObject({ kind: "method-not-allowed", allow: ["GET"], dialect: { name: "os1" } });
    expect(match("HEAD", "/api/health")).toMatchObject({ kind: "endpoint", endpoint: { operationId: "getHealth" } });
  });

  it("answers a broken percent-encoding in the dialect of the path it was meant for, for every path with a parameter", () => {
    for (const endpoint of ENDPOINTS.filter((e) => e.path.includes("{"))) {
      const broken = endpoint.path.replace(/\{\w+\}/g, "%E0%A4%A");
      expect(match(endpoint.method, broken), endpoint.path).toEqual({ kind: "malformed", dialect: endpoint.dialect });
    }
  });

  it("answers unknown paths under a family of endpoints in that family's dialect, other API paths as a service, and leaves pages alone", () => {
    expect(match("GET", "/api/v1/users/a/b")).toMatchObject({ kind: "not-found", dialect: { name: "os1" } });
    expect(match("GET", "/api/console/nothing")).toMatchObject({ kind: "not-found", dialect: { name: "console" } });
    expect(match("GET", "/v1/leaver-jobs/a/b/c")).toMatchObject({ kind: "not-found", dialect: { name: "jitsudo" } });
    expect(match("GET", "/api/nothing")).toMatchObject({ kind: "not-found", dialect: { name: "service" } });
    expect(match("GET", "/api/nothing/%E0%A4%A")).toMatchObject({ kind: "malformed" });
    expect(match("GET", "/users")).toBeNull();
    expect(match("GET", "/")).toBeNull();
    expect(router.isApiPath("/v1/anything")).toBe(true);
    expect(router.isApiPath("/login")).toBe(false);
  });

  it("has one dialect per path and no method declared twice", () => {
    const seen = new Set<string>();
    for (const endpoint of ENDPOINTS) {
      const key = `${endpoint.method} ${endpoint.path}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });
});
