// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and WebAssembly packages load their binaries from disk at run time: never bundle them.
  // Lets parallel builds (benchmarks, a second checkout's tests) use their own output folder.
  distDir: process.env.ROSTER_DIST_DIR || ".next",
  serverExternalPackages: ["better-sqlite3", "@cedar-policy/cedar-wasm"],
};

module.exports = nextConfig;
