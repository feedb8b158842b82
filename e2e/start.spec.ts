import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

// `npm start` on an empty database, as a newcomer runs it: migrates, seeds the demo, prints the
// URL and the demo login, serves the production build. A port and database of its own.
test.describe("npm start", () => {
  let child: ChildProcess | undefined;
  let dir = "";
  test.afterAll(() => {
    // npm starts tsx which starts the server: signal the whole process group.
    if (child?.pid) process.kill(-child.pid, "SIGTERM");
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("brings up Roster with demo data and a demo login", async ({ request }) => {
    test.setTimeout(120_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-start-"));
    const port = 3000 + Math.floor(Math.random() * 1000) + 4000;
    child = spawn("npm", ["start"], {
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: `file:${path.join(dir, "roster.db")}` },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 90_000 }).toContain("Roster is running at");
    expect(output).toContain(`http://127.0.0.1:${port}`);
    expect(output).toMatch(/Sign in as admin@acme\.example with password [A-Za-z0-9_-]{20}/);

    const health = await request.get(`http://127.0.0.1:${port}/api/health`);
    expect(health.status()).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: { status: "ok" } });
  });
});
