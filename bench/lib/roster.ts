import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { log, seconds } from "./run";

// The two ways a benchmark drives Roster from outside: its CLI and its production build.

/** Runs `roster <args> --json` (lib/cli/main.ts) on the environment's database; its JSON answer, or a throw with what it printed. */
export function rosterCli(env: NodeJS.ProcessEnv, args: string[]): Record<string, unknown> {
  const command = `roster ${args.slice(0, 2).join(" ")}`;
  let output: string;
  try {
    output = execFileSync("npx", ["tsx", "lib/cli/main.ts", ...args, "--json"], {
      env,
      encoding: "utf8",
      maxBuffer: 1 << 24,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message?: string };
    throw new Error(`${command} failed: ${failed.stdout ?? ""}${failed.stderr ?? failed.message ?? ""}`);
  }
  const result = JSON.parse(output) as Record<string, unknown>;
  if (result.ok !== true) throw new Error(`${command} failed: ${output}`);
  return result;
}

/**
 * `next build` into `distDir` (ROSTER_DIST_DIR), for the production server; `reuse` keeps a build
 * already there (--skip-build). `env` adds to the build's environment (e.g. ROSTER_BENCH_ROUTES).
 */
export function buildNext(options: { distDir: string; reuse: boolean; env: NodeJS.ProcessEnv }): void {
  const buildId = path.join(process.cwd(), options.distDir, "BUILD_ID");
  if (options.reuse && fs.existsSync(buildId)) {
    log(`build: --skip-build, using ${options.distDir} (built ${fs.statSync(buildId).mtime.toISOString()})`);
    return;
  }
  const started = performance.now();
  log(`build: ROSTER_DIST_DIR=${options.distDir} next build ...`);
  try {
    execFileSync("npx", ["next", "build"], {
      env: { ...options.env, NODE_ENV: "production", ROSTER_DIST_DIR: options.distDir, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  }
  log(`build: done in ${seconds(started)}`);
}
