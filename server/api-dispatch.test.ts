import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as userIdentifiers from "@/app/api/user-identifiers/v1/uuids/route";
import * as os1Users from "@/app/api/v1/users/route";
import * as os1User from "@/app/api/v1/users/[userId]/route";
import * as os1Emails from "@/app/api/v1/users/email/route";
import * as os1Mobiles from "@/app/api/v1/users/mobile/route";
import * as platformUser from "@/app/v1/platform-users/[uuid]/route";
import * as userIdentities from "@/app/v1/users/[id]/identities/route";
import { matchApiRoute } from "./api-dispatch";

const ID = "c5f3afba-cc28-4f56-b922-1e606807bed4";

describe("the API fast path", () => {
  it.each([
    ["/api/user-identifiers/v1/uuids", userIdentifiers, {}],
    [`/v1/platform-users/${ID}`, platformUser, { uuid: ID }],
    [`/v1/users/${ID}/identities`, userIdentities, { id: ID }],
    ["/api/v1/users", os1Users, {}],
    ["/api/v1/users/email", os1Emails, {}],
    ["/api/v1/users/mobile", os1Mobiles, {}],
    [`/api/v1/users/user:${ID}`, os1User, { userId: `user:${ID}` }],
  ])("sends %s to the route module Next.js would run", (pathname, module, params) => {
    const found = matchApiRoute(pathname);
    expect(found?.route.module).toBe(module);
    expect(Object.fromEntries(found!.route.params.map((name, i) => [name, found!.values[i]]))).toEqual(params);
  });

  it.each(["/api/health", "/api/console/users", "/v1/leaver-jobs", "/api/v1/users/", `/v1/users/${ID}`, "/users"])("leaves %s to Next.js", (pathname) => {
    expect(matchApiRoute(pathname)).toBeNull();
  });

  it("covers every vendor API route file", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name === "route.ts") files.push(full);
      }
    };
    for (const dir of ["app/api/user-identifiers", "app/v1/platform-users", "app/v1/users", "app/api/v1/users"]) walk(dir);
    const asPath = (file: string) => "/" + path.dirname(file).replace(/^app\//, "").replace(/\[[^\]]+\]/g, "x1");
    for (const file of files) expect(matchApiRoute(asPath(file)), file).not.toBeNull();
  });
});
