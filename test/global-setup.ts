import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server the tests may create databases on; empty when there is none (test/postgres.ts). */
    postgresUrl: string;
  }
}

/** Starts what the tests need beyond the process: a PostgreSQL server (scripts/ensure-postgres.mjs). */
export default function setup(project: TestProject): void {
  const url = execFileSync(process.execPath, ["scripts/ensure-postgres.mjs"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  project.provide("postgresUrl", url);
}
