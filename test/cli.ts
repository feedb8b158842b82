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
  /** A refusal: exit 2 and one line on stderr matching `message`, nothing on stdout, the same as JSON with --json, and `state()` as before. */
  const expectRefused = async (argv: string[], message: RegExp, state: () => Promise<unknown>) => {
    const before = await state();
    const text = await cli(...argv);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr.trim().split("\n")).toHaveLength(1);
    expect(text.stderr).toMatch(message);
    const json = await cliJson(...argv);
    expect(json.code).toBe(2);
    expect(json.json).toEqual({ ok: false, error: expect.stringMatching(message) });
    expect(await state()).toEqual(before);
  };
  return { cli, cliJson, expectRefused };
}
