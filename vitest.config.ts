import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    environment: 'node',
    // next-auth imports 'next/server' without an extension, which Node's ESM loader refuses;
    // bundled by Vite it resolves, so tests can drive the real Auth.js handlers.
    server: { deps: { inline: ['next-auth'] } },
    env: { TZ: 'UTC' },
    // Each file boots its own database; PGlite takes a few seconds on two cores.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
