import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { ENDPOINTS, NOT_ALLOWED } from "@/lib/api/openapi-endpoints";
import { LEAVER_ENDPOINTS, LEAVER_NOT_ALLOWED } from "./openapi";

// The leaver entries must build into the document and cover every method the route files export,
// so that adding them to openapi-endpoints.ts is a two-line change.
describe("the leaver OpenAPI entries", () => {
  it("build into the document and cover every exported method of app/v1/leaver-jobs", () => {
    if (!ENDPOINTS.some((e) => e.path === "/v1/leaver-jobs")) {
      ENDPOINTS.push(...LEAVER_ENDPOINTS);
      NOT_ALLOWED.push(...LEAVER_NOT_ALLOWED);
    }
    const document = buildOpenApiDocument();
    const files = (fs.readdirSync("app/v1/leaver-jobs", { recursive: true }) as string[]).filter((f) => path.basename(f) === "route.ts").map((f) => path.join("app/v1/leaver-jobs", f));
    expect(files).toHaveLength(9);
    const missing: string[] = [];
    for (const file of files) {
      const urlPath = `/${file.replace(/^app\//, "").replace(/\/route\.ts$/, "").replace(/\[(.+?)\]/g, "{$1}")}`;
      const source = fs.readFileSync(file, "utf8");
      for (const [, method] of source.matchAll(/export const ([A-Z]+) =/g)) {
        if (!document.paths[urlPath]?.[method!.toLowerCase()]) missing.push(`${method} ${urlPath}`);
      }
    }
    expect(missing).toEqual([]);
    expect(document.paths["/v1/leaver-jobs/previews"]?.post).toMatchObject({ operationId: "createLeaverPreview" });
  });
});
