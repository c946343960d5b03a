import { defineConfig } from '@playwright/test';
import { E2E, ROLES, storageStatePath } from './e2e/settings';

// Debian's Chromium by default; set CHROMIUM_PATH (or empty it) for Playwright's own browser.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${E2E.port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: executablePath || undefined,
      args: [
        '--no-sandbox',
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'signed-out', testMatch: /signed-out\/.*\.spec\.ts/ },
    {
      name: 'accessibility',
      testMatch: /accessibility\/.*\.spec\.ts/,
      dependencies: ['setup'],
      use: { storageState: storageStatePath('admin') },
    },
    ...ROLES.map((role) => ({
      name: role,
      testMatch: /roles\/.*\.spec\.ts/,
      dependencies: ['setup'],
      use: { storageState: storageStatePath(role) },
      metadata: { role },
    })),
    {
      // Last: connecting Seam adds locks to the demo that the other specs count.
      name: 'seam',
      testMatch: /seam\/.*\.spec\.ts/,
      dependencies: ['signed-out', 'accessibility', ...ROLES],
      use: { storageState: storageStatePath('admin') },
      metadata: { role: 'admin' },
    },
    {
      // After Seam and Z-Wave are connected: a common door on their locks, which no role spec books.
      name: 'common-doors',
      testMatch: /common-doors\/.*\.spec\.ts/,
      dependencies: ['seam'],
      use: { storageState: storageStatePath('admin') },
      metadata: { role: 'admin' },
    },
    {
      // After Seam is connected: one code in every state, on four pages (uses Seam's slow lock).
      name: 'code-states',
      testMatch: /code-states\/.*\.spec\.ts/,
      dependencies: ['seam'],
      use: { storageState: storageStatePath('admin') },
      metadata: { role: 'admin' },
    },
  ],
  webServer: {
    command: 'npx tsx scripts/e2e-server.ts',
    url: `http://127.0.0.1:${E2E.port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
