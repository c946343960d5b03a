/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at
  // run time; bundling it makes every database request fail.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pino'],
  poweredByHeader: false,
};

export default nextConfig;
