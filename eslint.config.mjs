import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    // Dependencies point one way (app → lib → db); a cycle is a layering mistake, so it fails the lint.
    rules: { "import/no-cycle": ["error", { ignoreExternal: true }] },
  },
  globalIgnores([
    ".next/**",
    ".next-*/**",
    "dist/**",
    "node_modules/**",
    "data/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    "db/migrations/**",
  ]),
]);
