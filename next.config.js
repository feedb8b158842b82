// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and WebAssembly packages load their binaries from disk at run time: never bundle them.
  serverExternalPackages: ["better-sqlite3", "@cedar-policy/cedar-wasm"],
};

module.exports = nextConfig;
