// @ts-check
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Next.js loads this file as CommonJS
const securityHeaders = require("./lib/http/security-headers.json");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Lets parallel builds (benchmarks, a second checkout's tests) use their own output folder.
  distDir: process.env.ROSTER_DIST_DIR || ".next",
  // Routes that only benchmarks serve (`*.bench.ts`) exist only in the benchmarks' own builds.
  pageExtensions: process.env.ROSTER_BENCH_ROUTES === "1" ? ["bench.ts", "tsx", "ts", "jsx", "js"] : ["tsx", "ts", "jsx", "js"],
  // Never bundled: native and WebAssembly packages load their binaries from disk at run time, and
  // rate-limiter-flexible's index loads its Drizzle store, which imports drizzle-orm with an
  // import() whose name the bundler cannot see (bundled, it throws "Cannot find module as
  // expression is too dynamic"), though we use a store of our own (lib/auth/rate-limiter-store.ts).
  serverExternalPackages: ["better-sqlite3", "@cedar-policy/cedar-wasm", "rate-limiter-flexible"],
  // The console's pages and routes load on their first request instead of at start: the server
  // answers the vendor APIs without Next.js (server/api-dispatch.ts), and an instance that only
  // serves automation would otherwise hold every page's modules (issue 13's RSS target).
  experimental: { preloadEntriesOnStart: false },
  // No page of the console may be framed by another site (clickjacking a "Deactivate" button), nor
  // any answer sniffed into another type. One list, which the API's answers on node:http carry too
  // (lib/api/pipeline.ts): they never pass through Next.js. The Content-Security-Policy is the
  // server's to set on what Next.js serves, with a new script nonce each time
  // (server/prepare-request.ts): a header set here would replace it.
  async headers() {
    const headers = Object.entries(securityHeaders).filter(([key]) => key !== "content-security-policy");
    return [{ source: "/:path*", headers: headers.map(([key, value]) => ({ key, value })) }];
  },
};

module.exports = nextConfig;
