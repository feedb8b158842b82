import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";

export { freePort } from "../../scripts/free-port";

export type Managed = {
  name: string;
  child: ChildProcess;
  /** The last lines (at most 200) the process printed on stdout and stderr, for error messages. */
  tail(lines?: number): string;
  exited(): boolean;
  stop(): Promise<void>;
};

const running = new Set<Managed>();

/**
 * Starts a command in its own process group (so npx → tsx → node can be stopped together)
 * and keeps the tail of its output. stop() sends SIGTERM to the group, SIGKILL after 5 s.
 */
export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, echo = false): Managed {
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let exitedFlag = false;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (echo) process.stderr.write(`[${name}] ${text}`);
    lines.push(...text.split("\n").filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exitedFlag = true;
      resolve();
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const managed: Managed = {
    name,
    child,
    tail: (count = 30) => lines.slice(-count).join("\n"),
    exited: () => exitedFlag,
    async stop() {
      running.delete(managed);
      if (!child.pid) return;
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), 5000);
      await exitPromise;
      clearTimeout(timer);
      // The group may outlive its leader (npx exits first): make sure nothing is left.
      await new Promise((resolve) => setTimeout(resolve, 200));
      signalGroup("SIGKILL");
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process started here that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((managed) => managed.stop()));
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(2000, () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

/** Polls GET path until it answers 200; fails when the process exits or the time is up. */
export async function waitForHttp(managed: Managed, port: number, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed.exited()) throw new Error(`${managed.name} exited before answering ${path}:\n${managed.tail()}`);
    if ((await get(port, path)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${managed.name} did not answer ${path} within ${timeoutMs / 1000} s:\n${managed.tail()}`);
}

function listeningInode(port: number): string | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is the 10th field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A") return fields[9] ?? null;
    }
  }
  return null;
}

function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may contain spaces, so read after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i += 1) {
    for (const [pid, ppid] of parentOf) if (ppid === found[i]) found.push(pid);
  }
  return found;
}

/** The pid, among a started process and its descendants, that holds the socket listening on port. */
export function listeningPid(managed: Managed, port: number): number {
  const inode = listeningInode(port);
  if (!inode || !managed.child.pid) throw new Error(`nothing listens on port ${port}`);
  const target = `socket:[${inode}]`;
  for (const pid of descendants(managed.child.pid)) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  throw new Error(`no process of ${managed.name} holds the socket listening on port ${port}`);
}

/** VmRSS and VmHWM (peak) of a process, in MB (10^6 bytes). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: (kb("VmRSS") * 1024) / 1e6, peak: (kb("VmHWM") * 1024) / 1e6 };
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the benchmark targets

/** CPU time (user + system, all threads) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After "(comm)": state is field 3, utime field 14, stime field 15 (1-based, as in proc(5)).
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
