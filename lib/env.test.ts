import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, parseEnv } from './env';

describe('parseEnv', () => {
  it('works on a bare machine with defaults', () => {
    const settings = parseEnv({});
    expect(settings.DATABASE_URL).toBeUndefined();
    expect(settings.TICK_SECONDS).toBe(15);
    expect(settings.PROGRAMMING_LEAD_MINUTES).toBe(30);
    expect(settings.BACKUP_POOL_SIZE).toBe(5);
    expect(settings.DATA_DIR).toMatch(/\.data$/);
  });

  it('treats empty values as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', TICK_SECONDS: '' }).TICK_SECONDS).toBe(15);
  });

  it.each([
    'not a url',
    'mysql://root@localhost/keyhold',
    'postgres:///no-host',
    'http://example.com',
  ])('refuses DATABASE_URL=%s in one line naming the variable, not its value', (value) => {
    let thrown: unknown;
    try {
      parseEnv({ DATABASE_URL: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvError);
    const message = (thrown as EnvError).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('\n');
    expect(message).not.toContain(value);
  });

  it('accepts postgres and postgresql URLs', () => {
    expect(parseEnv({ DATABASE_URL: 'postgresql://u:p@db:5432/keyhold' }).DATABASE_URL).toBe(
      'postgresql://u:p@db:5432/keyhold',
    );
  });

  it('names the variable for other bad settings', () => {
    expect(() => parseEnv({ TICK_SECONDS: 'soon' })).toThrow(/TICK_SECONDS/);
    expect(() => parseEnv({ AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET/);
    expect(() => parseEnv({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
  });
});

describe('SMTP settings', () => {
  it('are all optional, so messages are logged on a bare machine', () => {
    const settings = parseEnv({});
    expect(settings.SMTP_HOST).toBeUndefined();
    expect(settings.SMTP_FROM).toBeUndefined();
  });

  it('parse port and TLS flag', () => {
    const settings = parseEnv({
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_USER: 'keyhold',
      SMTP_PASSWORD: 'pa55word-not-shown',
      SMTP_FROM: 'Front desk <desk@hotel.example>',
    });
    expect(settings).toMatchObject({ SMTP_PORT: 465, SMTP_SECURE: true });
  });

  it('refuse a host without a sender, and a password without a user, without echoing values', () => {
    expect(() => parseEnv({ SMTP_HOST: 'smtp.example.com' })).toThrow(/SMTP_FROM/);
    expect(() => parseEnv({ SMTP_PASSWORD: 'pa55word-not-shown' })).toThrow(/SMTP_USER/);
    expect(() => parseEnv({ SMTP_PASSWORD: 'pa55word-not-shown' })).not.toThrow(
      /pa55word-not-shown/,
    );
    expect(() => parseEnv({ SMTP_PORT: 'twenty-five' })).toThrow(/SMTP_PORT/);
  });
});

describe('SMS settings', () => {
  const complete = {
    SMS_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
    SMS_AUTH_TOKEN: 't0ken-not-shown',
    SMS_FROM: '+14155550123',
  };

  it('are all optional, so SMS is logged on a bare machine, with Twilio as the default API', () => {
    const settings = parseEnv({});
    expect(settings.SMS_ACCOUNT_SID).toBeUndefined();
    expect(settings.SMS_AUTH_TOKEN).toBeUndefined();
    expect(settings.SMS_FROM).toBeUndefined();
    expect(settings.SMS_API_URL).toBe('https://api.twilio.com');
  });

  it('accept an E.164 number or an alphanumeric sender id, and another API URL', () => {
    expect(parseEnv(complete)).toMatchObject(complete);
    expect(parseEnv({ ...complete, SMS_FROM: 'Harbour Inn' }).SMS_FROM).toBe('Harbour Inn');
    expect(parseEnv({ ...complete, SMS_API_URL: 'http://127.0.0.1:8080' }).SMS_API_URL).toBe(
      'http://127.0.0.1:8080',
    );
  });

  it.each(['SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'] as const)(
    'refuse a partial set missing %s, naming it without echoing values',
    (missing) => {
      const partial = { ...complete, [missing]: '' };
      let thrown: unknown;
      try {
        parseEnv(partial);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EnvError);
      expect(thrown).toMatchObject({ variable: missing });
      expect((thrown as EnvError).message).not.toContain('t0ken-not-shown');
      expect(() => parseEnv({ SMS_AUTH_TOKEN: 't0ken-not-shown' })).toThrow(/SMS_ACCOUNT_SID/);
    },
  );

  it.each([
    ['SMS_FROM', '4155550199'],
    ['SMS_FROM', '+0415555'],
    ['SMS_FROM', 'Harbour Hotel'],
    ['SMS_FROM', '12345'],
    ['SMS_API_URL', 'api.twilio.com'],
    ['SMS_API_URL', 'ftp://api.twilio.com'],
    ['SMS_API_URL', 'https://AC01:t0ken-not-shown@api.twilio.com'],
  ])('refuse %s=%s in one line naming the variable, not its value', (variable, value) => {
    let thrown: unknown;
    try {
      parseEnv({ ...complete, [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvError);
    const message = (thrown as EnvError).message;
    expect(message).toContain(variable);
    expect(message).not.toContain(value);
    expect(message).not.toContain('\n');
  });
});

describe('loadEnv', () => {
  it('generates secrets once and keeps them in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhold-env-'));
    const first = loadEnv({ DATA_DIR: dir });
    const second = loadEnv({ DATA_DIR: dir });
    expect(first.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(first.CRON_SECRET.length).toBeGreaterThanOrEqual(16);
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
    expect(second.CRON_SECRET).toBe(first.CRON_SECRET);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o077).toBe(0);
    expect(first.pgliteDir).toBe(join(dir, 'pglite'));
  });

  it('seeds the demo on the embedded database only, unless told', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhold-env-'));
    const secrets = { AUTH_SECRET: 'a'.repeat(40), CRON_SECRET: 'c'.repeat(20) };
    expect(loadEnv({ DATA_DIR: dir }).SEED_DEMO).toBe(true);
    const url = 'postgres://postgres@127.0.0.1/keyhold';
    expect(loadEnv({ DATA_DIR: dir, DATABASE_URL: url, ...secrets }).SEED_DEMO).toBe(false);
    expect(
      loadEnv({ DATA_DIR: dir, DATABASE_URL: url, SEED_DEMO: 'true', ...secrets }).SEED_DEMO,
    ).toBe(true);
  });

  it('requires shared secrets when several instances may share DATABASE_URL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhold-env-'));
    const url = 'postgres://postgres@127.0.0.1/keyhold';
    expect(() => loadEnv({ DATA_DIR: dir, DATABASE_URL: url })).toThrow(
      /^Invalid setting AUTH_SECRET: must be set when DATABASE_URL is set/,
    );
    expect(() =>
      loadEnv({ DATA_DIR: dir, DATABASE_URL: url, AUTH_SECRET: 'a'.repeat(32) }),
    ).toThrow(/CRON_SECRET/);
  });

  it('replaces a damaged secrets file instead of failing later', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhold-env-'));
    writeFileSync(join(dir, 'secrets.json'), '{"AUTH_SECRET": "short"');
    const settings = loadEnv({ DATA_DIR: dir });
    expect(settings.CRON_SECRET.length).toBeGreaterThanOrEqual(16);
    expect(loadEnv({ DATA_DIR: dir }).AUTH_SECRET).toBe(settings.AUTH_SECRET);
  });

  it('prefers configured secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhold-env-'));
    const settings = loadEnv({
      DATA_DIR: dir,
      AUTH_SECRET: 'a'.repeat(40),
      CRON_SECRET: 'c'.repeat(20),
    });
    expect(settings.AUTH_SECRET).toBe('a'.repeat(40));
    expect(settings.CRON_SECRET).toBe('c'.repeat(20));
  });
});
