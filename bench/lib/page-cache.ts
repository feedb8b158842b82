import { execFileSync } from "node:child_process";

// How much of a SQLite file the kernel's page cache holds. This machine pages out file cache it
// sees idle for about a minute (a DAMON scheme, see docs/performance.md), so a big
// database seeded minutes earlier can be partly on disk again, and random reads of it slower.

const GB = 1024 ** 3;

/** "1.21 of 2.39 GB" of `file` in the page cache (util-linux fincore), or null where fincore is missing. */
export function pageCacheResidency(file: string): string | null {
  try {
    const output = execFileSync("fincore", ["--bytes", "--noheadings", "--output", "RES,SIZE", file], { encoding: "utf8" });
    const [resident, size] = output.trim().split(/\s+/).map(Number);
    return `${(resident! / GB).toFixed(2)} of ${(size! / GB).toFixed(2)} GB`;
  } catch {
    return null;
  }
}
