// Makes sure a system Chromium exists before the browser tests run: finds one, or installs
// Debian's package when we are root with apt-get, or stops with a one-line instruction.
import { execSync } from "node:child_process";
import { findChromium } from "./chromium.mjs";

let found = findChromium();
if (!found) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  let hasApt = false;
  try {
    execSync("command -v apt-get", { stdio: "ignore", shell: "/bin/sh" });
    hasApt = true;
  } catch {}
  if (isRoot && hasApt) {
    console.log("No system Chromium found: installing Debian's chromium package ...");
    try {
      execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", {
        stdio: "pipe",
        shell: "/bin/sh",
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (error) {
      console.error(
        String(error.stderr ?? error.message)
          .split("\n")
          .slice(-20)
          .join("\n"),
      );
    }
    found = findChromium();
  }
}
if (!found) {
  console.error("No Chromium found: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.");
  process.exit(1);
}
console.log(`Browser tests use ${found}`);
