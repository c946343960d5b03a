/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at
  // run time; bundling it makes every database request fail.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pino'],
  poweredByHeader: false,
  // Static files skip proxy.ts, which sets these (and the CSP) on everything else.
  async headers() {
    return [
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
