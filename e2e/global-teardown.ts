import fs from "node:fs";

/** Removes the run's database file (and its WAL files) once every spec is done. */
export default function globalTeardown() {
  const file = process.env.ROSTER_E2E_DB;
  if (!file) return;
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
}
