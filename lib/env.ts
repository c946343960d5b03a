import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { deriveKey } from './secret-box';

/** Empty environment variables mean "not set", as in most deploy tools' UIs. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== ''
      );
    } catch {
      return false;
    }
  },
  { message: 'must be a postgres:// or postgresql:// URL with a host' },
);

/** http(s) only, and no user:password in it: the credentials have their own settings. */
const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        url.hostname !== '' &&
        !url.username &&
        !url.password
      );
    } catch {
      return false;
    }
  },
  { message: 'must be an http:// or https:// URL without credentials' },
);

const envSchema = z.object({
  DATABASE_URL: optional(postgresUrl),
  DATA_DIR: optional(z.string()).transform((v) => resolve(/*turbopackIgnore: true*/ v ?? '.data')),
  PGLITE_DIR: optional(z.string()),
  AUTH_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  CRON_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  TICK_SECONDS: optional(z.coerce.number().int().min(0).max(3600)).transform((v) => v ?? 15),
  /** How often the tick reads each iCal feed (lib/sources/calendars.ts). */
  CALENDAR_REFRESH_MINUTES: optional(z.coerce.number().int().min(1).max(1440)).transform(
    (v) => v ?? 10,
  ),
  PROGRAMMING_LEAD_MINUTES: optional(z.coerce.number().int().min(0).max(10_080)).transform(
    (v) => v ?? 30,
  ),
  BACKUP_POOL_SIZE: optional(z.coerce.number().int().min(0).max(50)).transform((v) => v ?? 5),
  /** Defaults to on for the embedded database only: a production Postgres gets no demo users. */
  SEED_DEMO: optional(flag),
  DEMO_PASSWORD: optional(z.string().min(8, 'must be at least 8 characters')),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ).transform((v) => v ?? 'info'),
  SIGN_IN_MAX_FAILURES_PER_EMAIL: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 5),
  SIGN_IN_MAX_FAILURES_PER_IP: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 20),
  PORT: optional(z.coerce.number().int().min(1).max(65_535)).transform((v) => v ?? 3000),
  /**
   * How many reverse proxies in front of Keyhold append to X-Forwarded-For.
   * 0 (no proxy): the header is the client's own claim, so the per-IP sign-in
   * limit is not applied.
   */
  TRUSTED_PROXY_HOPS: optional(z.coerce.number().int().min(0).max(10)).transform((v) => v ?? 0),
  /**
   * Requests a second each API key may make to the Seam-style API, per
   * instance, after a burst of SEAM_API_RATE_BURST; 0 turns the limit off.
   */
  SEAM_API_RATE_PER_SECOND: optional(z.coerce.number().min(0).max(100_000)).transform(
    (v) => v ?? 20,
  ),
  SEAM_API_RATE_BURST: optional(z.coerce.number().int().min(1).max(1_000_000)).transform(
    (v) => v ?? 100,
  ),
  SIGN_IN_WINDOW_MINUTES: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 15),
  /** Guest email goes out over SMTP when this is set; otherwise messages are logged, not sent. */
  SMTP_HOST: optional(z.string().trim().min(1)),
  /** Defaults to 465 with SMTP_SECURE (TLS from the first byte), else 587 (STARTTLS if offered). */
  SMTP_PORT: optional(z.coerce.number().int().min(1).max(65_535)),
  SMTP_SECURE: optional(flag),
  SMTP_USER: optional(z.string()),
  SMTP_PASSWORD: optional(z.string()),
  /** The sender guests see, e.g. `Harbour Hotel <frontdesk@harbour.example>`. */
  SMTP_FROM: optional(z.string().trim().min(3)),
  /** Guest SMS goes out through a Twilio-compatible API when these three are set; otherwise logged. */
  SMS_ACCOUNT_SID: optional(z.string().trim().min(1)),
  SMS_AUTH_TOKEN: optional(z.string()),
  /** An E.164 number, or an alphanumeric sender id (1–11 letters, digits, spaces; one letter at least). */
  SMS_FROM: optional(
    z
      .string()
      .trim()
      .refine((v) => /^\+[1-9]\d{6,14}$/.test(v) || /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(v), {
        message:
          'must be a phone number like +14155550123 or a sender name of at most 11 letters, digits and spaces',
      }),
  ),
  /**
   * Encrypts lock-service credentials (a Seam API key) in the database. When
   * unset, a key is derived from AUTH_SECRET; changing either means entering
   * the keys again.
   */
  CREDENTIALS_KEY: optional(z.string().min(32, 'must be at least 32 characters')),
  /** Seam's API; a Seam-compatible server (Seam's fake in tests) when set. */
  SEAM_ENDPOINT: optional(httpUrl).transform((v) => v ?? 'https://connect.getseam.com'),
  /** Where the Twilio-compatible API lives; a test server or another provider's Twilio endpoint. */
  SMS_API_URL: optional(httpUrl).transform((v) => v ?? 'https://api.twilio.com'),
  /** The dashboard's address as staff reach it, for links in their notification emails. */
  PUBLIC_URL: optional(httpUrl),
});

export type Env = Omit<z.infer<typeof envSchema>, 'SEED_DEMO'> & {
  SEED_DEMO: boolean;
  AUTH_SECRET: string;
  CRON_SECRET: string;
  /** Where the embedded database lives when DATABASE_URL is unset. */
  pgliteDir: string;
};

/** A setting that cannot be used. Its message is one line naming the variable, never its value. */
export class EnvError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid setting ${variable}: ${problem}`);
    this.name = 'EnvError';
  }
}

/** Parse settings without touching the disk; throws EnvError. */
export function parseEnv(source: Record<string, string | undefined>) {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new EnvError(variable, issue?.message ?? 'invalid');
  }
  const settings = result.data;
  // A half-configured mail server would fail every send at 3 a.m.; refuse it at start-up.
  if (settings.SMTP_HOST && !settings.SMTP_FROM) {
    throw new EnvError('SMTP_FROM', 'must be set when SMTP_HOST is set');
  }
  if (settings.SMTP_PASSWORD && !settings.SMTP_USER) {
    throw new EnvError('SMTP_USER', 'must be set when SMTP_PASSWORD is set');
  }
  const sms = ['SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'] as const;
  const missingSms = sms.find((name) => !settings[name]);
  if (missingSms && sms.some((name) => settings[name])) {
    throw new EnvError(missingSms, `must be set with the other SMS settings (${sms.join(', ')})`);
  }
  return settings;
}

const secretsSchema = z.object({
  AUTH_SECRET: z.string().min(32),
  CRON_SECRET: z.string().min(16),
});
type Secrets = z.infer<typeof secretsSchema>;

function readSecrets(file: string): Secrets | undefined {
  try {
    return secretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Secrets a bare machine needs but nobody configured: generated once and kept
 * in the data directory so sessions survive restarts. Written to a temporary
 * file and linked into place, so a reader never sees half a file and the first
 * writer wins.
 */
function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = join(dataDir, 'secrets.json');
  const existing = readSecrets(file);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const fresh: Secrets = {
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    CRON_SECRET: randomBytes(24).toString('base64url'),
  };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch {
    // Another process linked first, or an unreadable file is in the way: replace it.
    if (!readSecrets(file)) renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  const kept = readSecrets(file);
  if (!kept) throw new EnvError('AUTH_SECRET', `could not keep a generated secret in ${file}`);
  return kept;
}

/** Settings from `source`, with missing secrets generated and kept in DATA_DIR. Throws EnvError. */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const parsed = parseEnv(source);
  if (parsed.DATABASE_URL) {
    // Several instances share one Postgres; secrets generated per machine would
    // not match between them.
    for (const name of ['AUTH_SECRET', 'CRON_SECRET'] as const) {
      if (!parsed[name]) {
        throw new EnvError(
          name,
          'must be set when DATABASE_URL is set (the same on every instance)',
        );
      }
    }
  }
  const needsSecrets = !parsed.AUTH_SECRET || !parsed.CRON_SECRET;
  const generated = needsSecrets ? loadOrCreateSecrets(parsed.DATA_DIR) : undefined;
  return {
    ...parsed,
    SEED_DEMO: parsed.SEED_DEMO ?? !parsed.DATABASE_URL,
    AUTH_SECRET: parsed.AUTH_SECRET ?? (generated as Secrets).AUTH_SECRET,
    CRON_SECRET: parsed.CRON_SECRET ?? (generated as Secrets).CRON_SECRET,
    pgliteDir: resolve(
      /*turbopackIgnore: true*/ parsed.PGLITE_DIR ?? join(parsed.DATA_DIR, 'pglite'),
    ),
  };
}

let cached: Env | undefined;

/** The validated settings, read once per process. */
export function env(): Env {
  cached ??= loadEnv(process.env);
  return cached;
}

/**
 * The dashboard's address for links in staff emails, or null when unset (the
 * emails then carry paths). Read on its own, so the tick's notifications need
 * no other setting; `env()` validates it with the rest at start.
 */
export function publicUrlFromEnv(): string | null {
  const parsed = optional(httpUrl).safeParse(process.env.PUBLIC_URL);
  return parsed.success && parsed.data ? parsed.data.replace(/\/+$/, '') : null;
}

/** The key that seals stored credentials (a Seam key, a feed's URL, a webhook's secret). */
export function credentialsKeyFromEnv(): Buffer {
  const settings = env();
  return deriveKey(settings.CREDENTIALS_KEY ?? `auth:${settings.AUTH_SECRET}`);
}
