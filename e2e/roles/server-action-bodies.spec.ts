import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

/**
 * Issue 18 finding 5: a server action posted with a body that cannot be
 * decoded (what a hand-made request sends) must be refused as bad input,
 * never answered 500. The actions' ids come from the build's manifest, so
 * every action of the dashboard is tried on the page that serves it.
 */

type Manifest = {
  node: Record<string, { exportedName?: string; workers: Record<string, unknown> }>;
};

/** The page a worker serves: 'app/(dashboard)/locks/[id]/page' → '/locks/…' (ids filled in). */
function pathOf(worker: string): string | null {
  const route = worker
    .replace(/^app/, '')
    .replace(/\/page$/, '')
    .replace(/\/\([^)]+\)/g, '')
    .replace(/\[[^\]]+\]/g, '00000000-0000-4000-8000-000000000000');
  return route === '' ? '/' : route;
}

const manifest = JSON.parse(
  readFileSync('.next/server/server-reference-manifest.json', 'utf8'),
) as Manifest;
const actions = Object.entries(manifest.node).flatMap(([id, entry]) => {
  const worker = Object.keys(entry.workers).find((w) => w.startsWith('app/(dashboard)/'));
  const path = worker ? pathOf(worker) : null;
  return path ? [{ id, name: entry.exportedName ?? id, path }] : [];
});

const BROKEN_BODIES = [
  { label: 'unterminated JSON', type: 'text/plain;charset=UTF-8', body: '["$K1", {"a":' },
  {
    label: 'a multipart body without its boundary',
    type: 'multipart/form-data; boundary=kh',
    body: 'garbage',
  },
  {
    label: 'undecodable form escapes',
    type: 'application/x-www-form-urlencoded',
    body: '%zz=%E0%A4%A',
  },
  { label: 'no body at all', type: 'text/plain;charset=UTF-8', body: '' },
];

test('every dashboard action refuses an undecodable body without a 500', async ({ request }) => {
  expect(actions.length).toBeGreaterThan(20);
  for (const action of actions) {
    for (const broken of BROKEN_BODIES) {
      const response = await request.post(action.path, {
        headers: {
          'Next-Action': action.id,
          'Content-Type': broken.type,
          Accept: 'text/x-component',
        },
        data: broken.body,
        maxRedirects: 0,
      });
      expect(
        response.status(),
        `${action.name} on ${action.path} with ${broken.label}`,
      ).toBeLessThan(500);
    }
  }
});
