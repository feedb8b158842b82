import { describe, expect, it } from "vitest";
import { POSTGRES_NOT_YET } from "@/lib/env";
import { skipWithoutPostgres, throwawayPostgres } from "@/test/postgres";
import { runCli } from "./run";

async function cliJson(env: Record<string, string>, ...argv: string[]) {
  let stdout = "";
  const code = await runCli([...argv, "--json"], { stdout: (t) => (stdout += t), stderr: () => undefined, env });
  return { code, json: JSON.parse(stdout.trim()) as Record<string, unknown> };
}

describe.skipIf(skipWithoutPostgres)("roster CLI on PostgreSQL", () => {
  it("migrates a PostgreSQL database, twice without harm, and says plainly what does not run there yet", async () => {
    const env = { DATABASE_URL: await throwawayPostgres("cli") };
    expect(await cliJson(env, "migrate")).toEqual({ code: 0, json: { ok: true, migrated: true } });
    expect(await cliJson(env, "migrate")).toEqual({ code: 0, json: { ok: true, migrated: true } });
    expect(await cliJson(env, "tenant", "list")).toEqual({ code: 2, json: { ok: false, error: POSTGRES_NOT_YET } });
  });
});

describe("DATABASE_URL", () => {
  it("names what it accepts when it is neither a SQLite file nor a PostgreSQL URL", async () => {
    const { code, json } = await cliJson({ DATABASE_URL: "mysql://localhost/roster" }, "migrate");
    expect(code).toBe(2);
    expect(String(json.error)).toContain('"postgres://user:password@host:5432/database"');
  });
});
