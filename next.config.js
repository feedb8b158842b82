// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and WebAssembly packages load their binaries from disk at run time: never bundle them.
  // Lets parallel builds (benchmarks, a second checkout's tests) use their own output folder.
  distDir: process.env.ROSTER_DIST_DIR || ".next",
  serverExternalPackages: ["better-sqlite3", "@cedar-policy/cedar-wasm"],
  // No page of the console may be framed by another site (clickjacking a "Deactivate" button).
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
