import { expect } from "vitest";
import type { EnvSource } from "@/lib/env";
import { runCli } from "@/lib/cli/run";

/** Runs `npm run roster -- …` in process with `env` as its environment: its exit code and output. */
export function cliRunner(env: EnvSource) {
  const cli = async (...argv: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
    return { code, stdout, stderr };
  };
  /** The same with --json: exactly one JSON object on stdout, parsed. */
  const cliJson = async (...argv: string[]) => {
    const result = await cli(...argv, "--json");
    const lines = result.stdout.trim().split("\n");
    expect(lines, "exactly one JSON object on stdout").toHaveLength(1);
    return { ...result, json: JSON.parse(lines[0]!) as Record<string, unknown> & { ok: boolean } };
  };
  return { cli, cliJson };
}
