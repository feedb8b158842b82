// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Lets parallel builds (benchmarks, a second checkout's tests) use their own output folder.
  distDir: process.env.ROSTER_DIST_DIR || ".next",
  // Never bundled: native and WebAssembly packages load their binaries from disk at run time, and
  // rate-limiter-flexible's Drizzle store loads drizzle-orm with an import() whose name the
  // bundler cannot see (bundled, it throws "Cannot find module as expression is too dynamic").
  serverExternalPackages: ["better-sqlite3", "@cedar-policy/cedar-wasm", "rate-limiter-flexible"],
};

module.exports = nextConfig;
