import { spawn, type ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { freePort, ON_POSTGRES, ownDatabase, type OwnDatabase } from "./fixtures/server";

// `npm start` on an empty database, as a newcomer runs it: migrates, seeds the demo, prints the
// URL and the demo login, serves the production build. A port and database of its own (a new
// SQLite file, or with ROSTER_TEST_DATABASE=postgres an empty PostgreSQL database).
test.describe("npm start", () => {
  let child: ChildProcess | undefined;
  let database: OwnDatabase | undefined;
  test.afterAll(async () => {
    // npm starts the server in a shell: signal the whole process group, and wait for it before the database goes.
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child!.once("exit", () => resolve()));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
    await database?.remove();
  });

  test("brings up Roster with demo data and a demo login", async ({ request }) => {
    test.setTimeout(120_000);
    database = await ownDatabase("start");
    const port = await freePort();
    child = spawn("npm", ["start"], {
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: database.url },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 90_000 }).toContain("Roster is running at");
    expect(output).toContain(`http://127.0.0.1:${port} (production, ${ON_POSTGRES ? "PostgreSQL" : "SQLite"} database `);
    expect(output).toMatch(/Sign in as admin@acme\.example with password [A-Za-z0-9_-]{20}/);
    const password = /with password ([A-Za-z0-9_-]{20})/.exec(output)![1]!;

    const health = await request.get(`http://127.0.0.1:${port}/api/health`);
    expect(health.status()).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      database: ON_POSTGRES ? { status: "ok", dialect: "postgres" } : { status: "ok", dialect: "sqlite", journalMode: "wal" },
    });

    // The demo tenant requires MFA (docs/decisions/0022): the demo admin's first sign-in asks for a factor, and opens no session yet.
    const signIn = await request.post(`http://127.0.0.1:${port}/api/console/session`, { data: { email: "admin@acme.example", password } });
    expect(signIn.status()).toBe(200);
    expect((await signIn.json()) as unknown).toMatchObject({ data: { status: "enrol_factor" } });
    expect(signIn.headers()["set-cookie"]).toMatch(/^roster_sign_in=/);
    expect(signIn.headers()["set-cookie"]).not.toContain("roster_session=");
  });
});
