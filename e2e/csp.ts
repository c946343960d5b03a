import { expect, type Page } from '@playwright/test';

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/**
 * Records every Content Security Policy violation the browser reports on the
 * page, from the console and from `securitypolicyviolation` events (the init
 * script runs before the page's own, and is not itself subject to the policy).
 */
export async function watchForCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) fromConsole.push(message.text());
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations?.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  return async () => [...fromConsole, ...(await page.evaluate(() => window.__cspViolations ?? []))];
}

/**
 * Opens a page, waits for it to settle and checks that it was served with a
 * nonce policy, that Next put that nonce on its scripts (the ones it loads
 * later carry none: 'strict-dynamic' trusts them), and that nothing was blocked.
 */
export async function expectNoCspViolations(page: Page, path: string) {
  const violations = await watchForCspViolations(page);
  const response = await page.goto(path);
  await page.waitForLoadState('networkidle');
  const policy = (await response?.headerValue('content-security-policy')) ?? '';
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce, `a nonce in the policy of ${path}`).toBeTruthy();
  expect(policy).toContain("frame-ancestors 'none'");
  const scripts = await page.evaluate(() =>
    Array.from(document.scripts, (s) => ({ src: s.src || 'inline', nonce: s.nonce })),
  );
  expect(scripts.filter((s) => s.nonce === nonce).length).toBeGreaterThan(0);
  expect(scripts.filter((s) => s.nonce && s.nonce !== nonce)).toEqual([]);
  expect(await violations()).toEqual([]);
}
