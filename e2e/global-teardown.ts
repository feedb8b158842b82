import { dropE2eDatabase } from "./fixtures/e2e-database";

/** Removes the run's database (SQLite file or PostgreSQL database) once every spec is done. */
export default async function globalTeardown() {
  await dropE2eDatabase();
}
