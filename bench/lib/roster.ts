import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort, listeningPid, memoryMb, startProcess, waitForHttp, type Managed } from "./processes";
import { log, seconds } from "./run";
import { health } from "@/lib/api/endpoints/service";

// The two ways a benchmark drives Roster from outside: its CLI and its production build.

/** The command line of `roster` in this checkout (its CLI, lib/cli/main.ts). */
export const ROSTER_COMMAND = ["npx", "tsx", "lib/cli/main.ts"] as const;

/** Runs `roster <args> --json` (lib/cli/main.ts) on the environment's database; its JSON answer, or a throw with what it printed. */
export function rosterCli(env: NodeJS.ProcessEnv, args: string[]): Record<string, unknown> {
  const command = `roster ${args.slice(0, 2).join(" ")}`;
  let output: string;
  try {
    const [program, ...prefix] = ROSTER_COMMAND;
    output = execFileSync(program, [...prefix, ...args, "--json"], {
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

export type RosterServer = { port: number; pid: number; managed: Managed };

/**
 * The production server (`npm start`: the esbuild bundle on the `next build` in `distDir`) on
 * 127.0.0.1 and a free port, once its health endpoint answers. With `profile`, node runs server/start.ts
 * through tsx's loader with --cpu-prof instead (refused in NODE_OPTIONS; one process, whose
 * profile is written to that folder when it stops).
 */
export async function startRoster(
  label: string,
  options: { env: NodeJS.ProcessEnv; distDir: string; profile?: string; echo?: boolean },
): Promise<RosterServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    ROSTER_DIST_DIR: options.distDir,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const [command, args] = options.profile
    ? [process.execPath, ["--cpu-prof", `--cpu-prof-dir=${path.resolve(options.profile)}`, "--import", "tsx", "server/start.ts"]]
    : ["npm", ["start"]];
  if (options.profile) fs.mkdirSync(options.profile, { recursive: true });
  const started = performance.now();
  const managed = startProcess(label, command, args, env, options.echo);
  await waitForHttp(managed, port, health.path, 180_000);
  const pid = listeningPid(managed, port);
  log(`${label}: up on 127.0.0.1:${port} in ${seconds(started)} (pid ${pid}, RSS ${memoryMb(pid).rss.toFixed(0)} MB)`);
  return { port, pid, managed };
}
