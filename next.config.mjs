/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at
  // run time; bundling it makes every database request fail. ws (the Z-Wave JS
  // adapter's client) loads its optional native helpers with a require that
  // bundling breaks, so it is loaded from node_modules too.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pino', 'ws'],
  poweredByHeader: false,
  experimental: {
    // A CSV import posts the file's text (lib/sources/csv.ts refuses over 5 MB,
    // with a message on the file) to a server action; Next's own limit is 1 MB.
    // Pages' requests pass the proxy, which reads bodies up to its own 10 MB
    // (proxyClientMaxBodySize); the API skips it and caps its bodies itself
    // (lib/http/body.ts).
    serverActions: { bodySizeLimit: '6mb' },
  },
  // Static files skip proxy.ts, which sets these (and the CSP) on pages; the
  // API's route shells set them (and the JSON policy) on their answers. The
  // JSON policy here covers what Next answers under /api itself (405, OPTIONS);
  // Auth.js's pages under /api/auth keep the page policy. It must equal
  // JSON_POLICY in lib/http/security-headers.ts (a test holds them together).
  async headers() {
    return [
      {
        source: '/api/:path((?!auth/).*)',
        headers: [
          { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" },
        ],
      },
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
