import { defineConfig } from "drizzle-kit";

// PostgreSQL's migrations, from the schema derived from db/schema/ (db/postgres/schema.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/postgres/schema.ts",
  out: "./db/migrations-postgres",
});
