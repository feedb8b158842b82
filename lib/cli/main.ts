import { runCli } from "./run";

// `npm run roster -- <command>`: see lib/cli/run.ts for the commands.
void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
