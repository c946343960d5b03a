import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    environment: 'node',
    env: { TZ: 'UTC' },
    // Each file boots its own database; PGlite takes a few seconds on two cores.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
