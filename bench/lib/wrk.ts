import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RequestSpec } from "./load";

// The throughput benches' load client: wrk, from Debian's package (docs/decisions/0026). A C
// client spends a fraction of the CPU per request that a Node client does, so on a 2-core machine
// the server, not the client, sets the figure; each run reports the client's CPU to show it.

const SCRIPT = path.join(process.cwd(), "bench/lib/wrk.lua");
// /proc counts CPU time in clock ticks.
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;

let checked: string | null = null;

/** wrk's version line; exits with a message saying how to install it when it is missing. */
export function wrkVersion(): string {
  if (checked) return checked;
  try {
    // wrk prints its usage (with the version) and exits 1 when run without a URL.
    execFileSync("wrk", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const failed = error as { code?: string; stdout?: string };
    if (failed.code === "ENOENT") {
      console.error("bench: wrk, the load client, is not installed: apt-get install -y wrk (Debian's package; .ci/run installs it)");
      process.exit(2);
    }
    checked = `wrk ${/^wrk (\S+)/.exec(failed.stdout ?? "")?.[1] ?? "(version unknown)"}`;
  }
  return (checked ??= "wrk");
}

export type WrkResult = {
  /** Answers with a status below 400 (wrk counts only 400 and above as errors); every request kind is probed for its exact answer before it is loaded. */
  ok: number;
  /** Answers of 400 or above, connection errors and timeouts. */
  errors: number;
  /** Requests wrk handed to a connection, answered or not: a "once" run spent that many of its lines. */
  sent: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU (user + system) the wrk process used, from the bench's reaped children's times. */
  clientCpuSeconds: number;
  firstError: string | null;
};

export type WrkOptions = {
  port: number;
  connections: number;
  /** Whole seconds: wrk takes no fractions. */
  durationSeconds: number;
  /** Sent in order; all with the first one's headers. */
  requests: readonly RequestSpec[];
  /** Each request at most once (distinct users), rather than cycling through them. */
  once: boolean;
};

/** User + system CPU of this process's waited-for children (fields 16 and 17 of /proc/self/stat), in seconds. */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / CLK_TCK;
}

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  wrkVersion();
  const first = options.requests[0];
  if (!first) throw new Error("runWrk: no requests");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-wrk-"));
  const file = path.join(dir, "requests.tsv");
  const line = (spec: RequestSpec) => {
    const body = spec.body?.toString("utf8") ?? "";
    if (/[\t\n]/.test(spec.path + body)) throw new Error(`runWrk: a tab or newline in ${spec.method} ${spec.path}`);
    return `${spec.method}\t${spec.path}\t${body}`;
  };
  fs.writeFileSync(file, `${options.requests.map(line).join("\n")}\n`);
  const headerArgs = Object.entries(first.headers ?? {}).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  const args = ["-t1", `-c${options.connections}`, `-d${options.durationSeconds}s`, "--timeout", "10s", "-s", SCRIPT, ...headerArgs];
  args.push(`http://127.0.0.1:${options.port}/`, "--", file, options.once ? "once" : "cycle");
  const cpuBefore = childrenCpuSeconds();
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text.slice(-500)}`))));
    });
    const clientCpuSeconds = childrenCpuSeconds() - cpuBefore;
    const json = output.split("\n").find((each) => each.startsWith("WRK_RESULT "));
    if (!json) throw new Error(`wrk printed no result: ${output.slice(-500)}`);
    const r = JSON.parse(json.slice("WRK_RESULT ".length)) as Record<string, number>;
    const socketErrors = r.connect! + r.read! + r.write! + r.timeout!;
    const ok = r.requests! - r.status!;
    const seconds = r.durationUs! / 1e6;
    const firstError =
      r.status! || socketErrors
        ? `${first.method} ${first.path}…: ${r.status} answers of 400 or above, ${r.connect} connect, ${r.read} read, ${r.write} write errors, ${r.timeout} timeouts`
        : null;
    return {
      ok,
      errors: r.status! + socketErrors,
      sent: r.sent!,
      seconds,
      rps: ok / seconds,
      p50: r.p50Us! / 1000,
      p99: r.p99Us! / 1000,
      clientCpuSeconds,
      firstError,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
