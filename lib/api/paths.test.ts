import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "./registry";

// A path written in several places drifts: each endpoint's path is written in one source file (its
// declaration or its contract); everything else takes it from there. Tests and docs may repeat it.
const NOT_SOURCE = [/\.test\.tsx?$/, /^e2e\//, /^test\//, /^docs\//, /^playwright\.config\.ts$/];

const sources = [...new Set(execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" }).split("\n"))]
  .filter((file) => /\.(ts|tsx|js|mjs|cjs)$/.test(file) && !NOT_SOURCE.some((pattern) => pattern.test(file)) && fs.existsSync(file))
  .map((file) => ({ file, text: fs.readFileSync(file, "utf8") }));

/** Whether the text writes the path itself, not as the tail of a longer path (`@/lib/observability/metrics` is not `/metrics`). */
const writes = (text: string, path: string) => new RegExp(`(?<![\\w@.~-])${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w/-])`).test(text);

describe("endpoint paths", () => {
  it("reads the sources it checks", () => {
    expect(sources.map((s) => s.file)).toEqual(expect.arrayContaining(["lib/api/endpoints/mendix.ts", "server/api-dispatch.ts", "app/api/[...path]/route.ts"]));
  });

  it("are each written in at most one source file", () => {
    const repeated = [...new Set(ENDPOINTS.map((endpoint) => endpoint.path))]
      .map((path) => ({ path, files: sources.filter((source) => writes(source.text, path)).map((source) => source.file) }))
      .filter(({ files }) => files.length > 1);
    expect(repeated).toEqual([]);
  });
});
