import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { announceDemo } from './boot';

const seed = {
  organizationName: 'Harbor Hotel',
  password: 'Sunny-Harbor-42',
  users: [{ email: 'admin@harbor.example', name: 'Alex', role: 'admin' as const }],
};

afterEach(() => vi.restoreAllMocks());

describe('announceDemo', () => {
  it.each([true, false])(
    'keeps the password in a private file, and prints it only on a terminal (tty: %s)',
    (tty) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'keyhold-demo-'));
      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
      announceDemo(seed, { dataDir, passwordFromEnv: false, port: 3000, tty });
      const file = join(dataDir, 'demo-credentials.txt');
      expect(readFileSync(file, 'utf8')).toContain('Password: Sunny-Harbor-42');
      expect(statSync(file).mode & 0o077).toBe(0);
      const output = printed.join('\n');
      expect(output).toContain('admin@harbor.example');
      expect(output.includes('Sunny-Harbor-42')).toBe(tty);
      expect(output).toContain(tty ? 'also saved in' : `saved in ${file}`);
    },
  );
});
