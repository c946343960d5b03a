import { describe, expect, it } from 'vitest';
import { issueDeviceToken, verifiedDevice, withDeviceToken } from './device';

const SECRET = 'a-test-secret-of-at-least-32-characters';

describe('device tokens', () => {
  it('verify only for the email and secret they were made with', () => {
    const token = issueDeviceToken(SECRET, 'desk@example.com');
    expect(verifiedDevice(SECRET, 'desk@example.com', token)).toBe(token.split('.')[0]);
    expect(verifiedDevice(SECRET, 'other@example.com', token)).toBeNull();
    expect(verifiedDevice(`${SECRET}!`, 'desk@example.com', token)).toBeNull();
    expect(verifiedDevice(SECRET, 'desk@example.com', `${token.slice(0, -2)}AA`)).toBeNull();
    expect(verifiedDevice(SECRET, 'desk@example.com', 'garbage')).toBeNull();
    expect(verifiedDevice(SECRET, 'desk@example.com', undefined)).toBeNull();
  });

  it('keep one token per email on a shared browser, up to five', () => {
    let cookie: string | undefined;
    for (let i = 0; i < 7; i++) cookie = withDeviceToken(SECRET, `user${i}@example.com`, cookie);
    expect(cookie?.split(' ')).toHaveLength(5);
    expect(verifiedDevice(SECRET, 'user6@example.com', cookie)).not.toBeNull();
    expect(verifiedDevice(SECRET, 'user0@example.com', cookie)).toBeNull();
    const again = withDeviceToken(SECRET, 'user4@example.com', cookie);
    expect(verifiedDevice(SECRET, 'user4@example.com', again)).toBe(
      verifiedDevice(SECRET, 'user4@example.com', cookie),
    );
    expect(again.split(' ')).toHaveLength(5);
  });
});
