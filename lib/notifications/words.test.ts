import { afterEach, describe, expect, it } from 'vitest';
import { lockPath, stayPath } from './words';

const before = process.env.PUBLIC_URL;
afterEach(() => {
  if (before === undefined) delete process.env.PUBLIC_URL;
  else process.env.PUBLIC_URL = before;
});

describe('links in staff emails', () => {
  it('are full links to the dashboard when PUBLIC_URL is set, a trailing slash or not', () => {
    process.env.PUBLIC_URL = 'https://doors.harbor.example/';
    expect(stayPath('r-1')).toBe('https://doors.harbor.example/reservations/r-1');
    process.env.PUBLIC_URL = 'https://doors.harbor.example/keyhold';
    expect(lockPath('d-1')).toBe('https://doors.harbor.example/keyhold/locks/d-1');
  });

  it('are paths when PUBLIC_URL is unset or not an http(s) address', () => {
    delete process.env.PUBLIC_URL;
    expect(stayPath('r-1')).toBe('/reservations/r-1');
    process.env.PUBLIC_URL = 'ftp://doors.harbor.example';
    expect(lockPath('d-1')).toBe('/locks/d-1');
  });
});
