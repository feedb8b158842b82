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
  {
    // The data layer is async: a query whose promise is dropped, tested for truth or awaited
    // needlessly is a bug these type-aware rules catch.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
    },
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
