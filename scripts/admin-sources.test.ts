import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, count, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { reservationSources, reservations } from '@/db/schema';
import { createOrganization } from '@/db/testing';
import { type FeedServer, startFeedServer } from '@/lib/sources/testing/feed-server';

// The source commands as an operator runs them: a real process on a throwaway
// embedded database, reading feeds from a real loopback server in this
// process (so the CLI is spawned, never run synchronously: the server must
// answer while it waits). The steps share one database and run in order.

const root = fileURLToPath(new URL('..', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'keyhold-admin-sources-'));
const pgliteDir = join(temp, 'pglite');
const childEnv: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: pgliteDir, DATA_DIR: temp };
delete childEnv.DATABASE_URL;
delete childEnv.LOG_LEVEL;

const outputs: string[] = [];

function admin(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      cwd: root,
      env: childEnv,
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.end();
    child.on('close', (status) => {
      outputs.push(stdout, stderr);
      resolve({ status, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean);

async function withDatabase<T>(
  fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>,
) {
  const database = await openDatabase({ pgliteDir });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

/** A date `days` from today, as a calendar or a file writes it. */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const icsDate = (days: number) => day(days).replaceAll('-', '');

const GUEST = 'Imogen Varga';
const EMAIL = 'imogen.varga@example.test';

/** A generic calendar: each event a stay named by its SUMMARY. */
function calendar(events: { uid: string; from: number; to: number }[]) {
  const body = events.flatMap((e) => [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART;VALUE=DATE:${icsDate(e.from)}`,
    `DTEND;VALUE=DATE:${icsDate(e.to)}`,
    `SUMMARY:${GUEST}`,
    `DESCRIPTION:Email: ${EMAIL}`,
    'END:VEVENT',
  ]);
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Keyhold test//EN',
    ...body,
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

let server: FeedServer;
let orgId = '';
let propertyId = '';
const lockIds: string[] = [];

beforeAll(async () => {
  server = await startFeedServer();
  await withDatabase(async (db) => {
    const made = await createOrganization(db, { name: 'Harbor', locks: 3 });
    orgId = made.org.id;
    propertyId = made.property.id;
    lockIds.push(...made.locks.map((l) => l.id));
  });
}, 60_000);

afterAll(async () => {
  await server.close();
  rmSync(temp, { recursive: true, force: true });
});

async function rows() {
  return withDatabase(async (db) => {
    const [sources] = await db.select({ n: count() }).from(reservationSources);
    const [stays] = await db.select({ n: count() }).from(reservations);
    return { sources: sources?.n, stays: stays?.n };
  });
}

describe('npm run admin: reservation sources', { timeout: 90_000 }, () => {
  const add = (extra: string[]) => [
    'add-calendar',
    '--organization',
    orgId,
    '--property',
    propertyId,
    '--name',
    'Loft calendar',
    ...extra,
  ];

  it.each([
    { args: ['--url', 'ftp://feeds.example/loft.ics'], flag: '--url' },
    { args: ['--url', 'http://127.0.0.1/x.ics', '--preset', 'expedia'], flag: '--preset' },
    { args: ['--url', 'http://127.0.0.1/x.ics', '--locks', 'room-12'], flag: '--locks' },
  ])(
    'add-calendar refuses a bad $flag with one line naming it and exit code 2',
    async ({ args, flag }) => {
      const result = await admin(add(args));
      expect(result.status).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`^Invalid ${flag}: `));
      expect(result.stdout).toBe('');
    },
  );

  it('add-calendar refuses a feed it cannot read, naming --url, and keeps nothing', async () => {
    const result = await admin(add(['--url', server.url('/nowhere.ics?s=secret-token')]));
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual([
      'Invalid --url: The calendar server has no feed at this address (HTTP 404). Copy the export link again. Nothing was added.',
    ]);
    expect(await rows()).toEqual({ sources: 0, stays: 0 });
  });

  it('add-calendar previews the first import without importing it', async () => {
    server.setFeed(
      '/loft.ics',
      calendar([
        { uid: 'loft-1', from: 3, to: 6 },
        { uid: 'loft-2', from: 8, to: 10 },
      ]),
    );
    const result = await admin(
      add(['--url', server.url('/loft.ics?s=secret-token'), '--locks', lockIds[0] ?? '']),
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = lines(result.stdout);
    expect(out[0]).toMatch(
      /^Added feed “Loft calendar” \(127\.0\.0\.1:\d+\/loft\.ics\), id [0-9a-f-]{36}\.$/,
    );
    expect(out[1]).toMatch(/^BOOKING +RESULT +DETAIL$/);
    expect(out[2]).toMatch(/^loft-1 +created +/);
    expect(out[3]).toMatch(/^loft-2 +created +/);
    expect(out).toContain('The first import would be: 2 created.');
    expect(await rows()).toEqual({ sources: 1, stays: 0 });
  });

  it('read-calendars reads no feed that was not applied', async () => {
    const result = await admin(['read-calendars']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual([
      'No feed is due to be read. --all reads every approved feed now.',
    ]);
  });

  let appliedId = '';
  it('add-calendar --apply imports at once and says so in JSON', async () => {
    server.setFeed('/room-102.ics', calendar([{ uid: 'r102-1', from: 2, to: 4 }]));
    const result = await admin([
      'add-calendar',
      '--organization',
      orgId,
      '--property',
      propertyId,
      '--name',
      'Room 102',
      '--url',
      server.url('/room-102.ics'),
      '--locks',
      lockIds[1] ?? '',
      '--apply',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      organizationId: orgId,
      applied: true,
      source: { name: 'Room 102', kind: 'ical', deviceIds: [lockIds[1]] },
      import: { kind: 'read', counts: { created: 1 } },
    });
    expect(json.source.approvedAt).not.toBeNull();
    appliedId = json.source.id;
    expect(await rows()).toEqual({ sources: 2, stays: 1 });
  });

  it('read-calendars --all reads every approved feed now; an unchanged one writes no stay', async () => {
    const unchanged = await admin(['read-calendars', '--organization', orgId, '--all', '--json']);
    expect(unchanged.stderr).toBe('');
    expect(unchanged.status).toBe(0);
    expect(JSON.parse(unchanged.stdout)).toMatchObject({
      feeds: [{ sourceId: appliedId, name: 'Room 102', result: 'unchanged', error: null }],
      totals: { feeds: 1, read: 0, unchanged: 1, failed: 0, created: 0 },
    });

    server.setFeed(
      '/room-102.ics',
      calendar([
        { uid: 'r102-1', from: 2, to: 4 },
        { uid: 'r102-2', from: 5, to: 7 },
      ]),
    );
    const changed = await admin(['read-calendars', '--organization', orgId, '--all']);
    expect(changed.stderr).toBe('');
    expect(changed.status).toBe(0);
    const out = lines(changed.stdout);
    expect(out[0]).toMatch(/^FEED +ID +RESULT +DETAIL +NEXT READ$/);
    expect(out[1]).toMatch(
      new RegExp(
        `^Room 102 +${appliedId} +read +1 created, 1 unchanged +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`,
      ),
    );
    expect(out[2]).toBe(
      '1 feed: 1 read, 0 unchanged, 0 failed. Stays: 1 created, 0 updated, 0 cancelled.',
    );
    expect(await rows()).toEqual({ sources: 2, stays: 2 });
  });

  it('read-calendars reads a due feed as the tick does, and one not due not at all', async () => {
    const notDue = await admin(['read-calendars', '--organization', orgId]);
    expect(lines(notDue.stdout)).toEqual([
      'No feed is due to be read. --all reads every approved feed now.',
    ]);
    await withDatabase((db) =>
      db
        .update(reservationSources)
        .set({ nextReadAt: new Date(Date.now() - 60_000) })
        .where(eq(reservationSources.id, appliedId)),
    );
    const due = await admin(['read-calendars']);
    expect(due.stderr).toBe('');
    expect(due.status).toBe(0);
    const out = lines(due.stdout);
    expect(out[1]).toMatch(new RegExp(`^Room 102 +${appliedId} +unchanged +- +`));
    expect(out[2]).toBe(
      '1 feed: 0 read, 1 unchanged, 0 failed. Stays: 0 created, 0 updated, 0 cancelled.',
    );
    const again = await admin(['read-calendars']);
    expect(lines(again.stdout)[0]).toBe(
      'No feed is due to be read. --all reads every approved feed now.',
    );
  });

  it('add-webhook-source prints the secret once and the path to post to', async () => {
    const bad = await admin([
      'add-webhook-source',
      '--organization',
      orgId,
      '--property',
      propertyId,
      '--name',
      'Hostaway',
      '--shape',
      'hostaway',
    ]);
    expect(bad.status).toBe(2);
    expect(lines(bad.stderr)).toEqual(['Invalid --shape: must be generic or guesty']);

    const result = await admin([
      'add-webhook-source',
      '--organization',
      orgId,
      '--property',
      propertyId,
      '--name',
      'Hostaway',
      '--locks',
      `${lockIds[2]}`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = lines(result.stdout);
    const id = /id ([0-9a-f-]{36})\.$/.exec(out[0] ?? '')?.[1];
    expect(out[0]).toBe(`Added webhook source “Hostaway” (generic shape), id ${id}.`);
    expect(out[1]).toContain(`/api/sources/${id}/webhook`);
    expect(out.filter((line) => line.startsWith('whsec_'))).toHaveLength(1);
    await withDatabase(async (db) => {
      const [source] = await db
        .select()
        .from(reservationSources)
        .where(and(eq(reservationSources.id, id ?? ''), isNotNull(reservationSources.approvedAt)));
      expect(source).toMatchObject({ kind: 'webhook', deviceIds: [lockIds[2]] });
      // Kept sealed: the secret printed is not in the database as written.
      expect(JSON.stringify(source)).not.toContain(out.at(-1));
    });
  });

  const csvFile = join(temp, 'bookings.csv');
  const importCsv = (extra: string[]) =>
    admin([
      'import-csv',
      '--organization',
      orgId,
      '--property',
      propertyId,
      '--file',
      csvFile,
      ...extra,
    ]);

  it.each([
    {
      args: ['--file', join(temp, 'missing.csv')],
      message: 'Invalid --file: cannot be read (ENOENT)',
    },
    {
      args: ['--date-format', 'DD.MM.YY'],
      message: 'Invalid --date-format: must be YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY',
    },
    {
      args: ['--locks', 'a,b'],
      message: 'Invalid --locks: must be a UUID (a lock id list-locks printed)',
    },
  ])('import-csv refuses $message with exit code 2', async ({ args, message }) => {
    writeFileSync(
      csvFile,
      'Reservation ID,Guest name,Check-in,Check-out\nB-1,Ann,2027-01-02,2027-01-04\n',
    );
    const [file, rest] = args[0] === '--file' ? [args[1] ?? '', args.slice(2)] : [csvFile, args];
    const result = await admin([
      'import-csv',
      '--organization',
      orgId,
      '--property',
      propertyId,
      '--file',
      file,
      ...rest,
    ]);
    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toEqual([message]);
  });

  it('import-csv refuses a file with no id column, naming --file, and one with ambiguous dates, naming --date-format', async () => {
    writeFileSync(csvFile, 'Guest name,Check-in,Check-out\nAnn,2027-01-02,2027-01-04\n');
    const noId = await importCsv([]);
    expect(noId.status).toBe(2);
    expect(lines(noId.stderr)).toEqual([
      'Invalid --file: no column is recognised as the Reservation ID; name the column like "Reservation ID".',
    ]);
    writeFileSync(
      csvFile,
      'Reservation ID,Guest name,Check-in,Check-out\nB-1,Ann,02/03/2027,04/03/2027\n',
    );
    const ambiguous = await importCsv([]);
    expect(ambiguous.status).toBe(2);
    expect(lines(ambiguous.stderr)[0]).toMatch(/^Invalid --date-format: required for this file/);
  });

  it('import-csv tries a file with --dry-run writing nothing, imports it, and a second import changes nothing', async () => {
    writeFileSync(
      csvFile,
      [
        'Reservation ID,Guest name,Guest email,Check-in,Check-out',
        `C-1,${GUEST},${EMAIL},${day(20)},${day(23)}`,
        `C-2,Tomás Ortega,,${day(24)},${day(22)}`,
        `C-3,Priya Raman,,${day(30)},${day(33)}`,
      ].join('\n'),
    );
    const before = await rows();
    const dry = await importCsv(['--dry-run', '--locks', lockIds[2] ?? '']);
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    const out = lines(dry.stdout);
    expect(out[0]).toContain('Reservation ID ← "Reservation ID"');
    expect(out[0]).toContain('Dates read as YYYY-MM-DD.');
    expect(out[1]).toMatch(/^ROW +RESERVATION ID +RESULT +DETAIL$/);
    expect(out[2]).toMatch(/^2 +C-1 +created +/);
    expect(out[3]).toMatch(/^3 +-? *.*error +.*[Cc]heck-out/);
    expect(out[4]).toMatch(/^4 +C-3 +created +/);
    expect(out).toContain('Dry run, nothing written. 3 rows: 2 created, 1 refused.');
    expect(await rows()).toEqual(before);

    const applied = await importCsv(['--locks', lockIds[2] ?? '', '--json']);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({
      dryRun: false,
      dateFormat: 'YYYY-MM-DD',
      counts: { created: 2, error: 1 },
      rows: [
        { row: 2, externalId: 'C-1', outcome: 'created' },
        { row: 3, outcome: 'error' },
        { row: 4, externalId: 'C-3', outcome: 'created' },
      ],
    });
    expect(await rows()).toEqual({
      sources: (before.sources ?? 0) + 1,
      stays: (before.stays ?? 0) + 2,
    });

    const again = await importCsv(['--locks', lockIds[2] ?? '']);
    expect(again.status).toBe(0);
    expect(lines(again.stdout).at(-1)).toBe('Imported. 3 rows: 2 unchanged, 1 refused.');
    expect(await rows()).toEqual({
      sources: (before.sources ?? 0) + 1,
      stays: (before.stays ?? 0) + 2,
    });
  });

  it('import-csv answers an unknown property with one line naming --property and exit code 1', async () => {
    const result = await admin([
      'import-csv',
      '--organization',
      orgId,
      '--property',
      '5b0e6f5e-3c1a-4d7e-9a51-2f0a9c1d7e42',
      '--file',
      csvFile,
    ]);
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual(['Invalid --property: Property not found.']);
  });

  it('never printed a guest name, email or a feed URL’s token', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(output).not.toContain(GUEST);
      expect(output).not.toContain(EMAIL);
      expect(output).not.toContain('secret-token');
    }
  });
});
