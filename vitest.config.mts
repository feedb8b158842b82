import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    pool: "forks",
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "node", include: ["{lib,db,server,test}/**/*.test.ts"], environment: "node" } },
      // Components render into a DOM (jsdom), as a browser would show them.
      { extends: true, test: { name: "dom", include: ["components/**/*.test.{ts,tsx}"], environment: "jsdom", setupFiles: ["./components/test-setup.ts"] } },
    ],
  },
});
