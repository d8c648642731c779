/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // .next/standalone: the server and only the node_modules files it uses, which
  // is what the container image ships (see Dockerfile and docs/production.md).
  output: "standalone",
  // Next traces sharp (20 MB of libvips) for next/image, which Redrive does not use.
  outputFileTracingExcludes: { "*": ["node_modules/sharp/**", "node_modules/@img/**"] },
};

module.exports = nextConfig;
