// Reservation sources from the command line: add an iCal feed (previewed, or
// applied at once), read the feeds that are due, add a webhook source, import
// a CSV file. Each acts as the organization's operator, as every command does.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ReservationSource } from '../../db/schema';
import { env } from '../../lib/env';
import { AppError } from '../../lib/errors';
import {
  approveCalendar,
  type CalendarRead,
  type FeedReadResult,
  previewCalendar,
  readAllDueCalendars,
} from '../../lib/sources/calendars';
import {
  CSV_DATE_FORMATS,
  CSV_FIELDS,
  type CsvField,
  type CsvMapping,
  csvMappingSchema,
} from '../../lib/sources/csv';
import { csvColumns, importCsv } from '../../lib/sources/csv-import';
import type { IngestSummary } from '../../lib/sources/ingest';
import { INGEST_OUTCOMES, type IngestOutcome } from '../../lib/sources/outcomes';
import {
  calendarSourceSchema,
  createCalendarSource,
  createWebhookSource,
  deleteSource,
  findSource,
  webhookSourceSchema,
} from '../../lib/sources/sources';
import { WEBHOOK_SHAPES } from '../../lib/sources/webhook';
import { WEBHOOK_SIGNATURE_HEADER } from '../../lib/webhooks/signature';
import {
  actorFor,
  type Context,
  defineCommand,
  jsonFlag,
  organizationFlag,
  UsageError,
  uuidFlag,
} from './cli';
import { clean, formatInstant, plural, print, printJson, printTable } from './output';

/** `--locks id,id`: Keyhold lock ids (list-locks prints them), at most 20. */
const locksFlag = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(uuidFlag('a lock id list-locks printed'))
      .min(1, 'needs at least one lock id')
      .max(20, 'takes at most 20 locks'),
  )
  .optional()
  .transform((ids) => ids ?? []);

/** The flag behind each field the sources' functions may name. */
const SOURCE_FIELDS = {
  name: 'name',
  propertyId: 'property',
  deviceIds: 'locks',
  url: 'url',
  preset: 'preset',
};

const OUTCOME_WORDS: Record<IngestOutcome, string> = {
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  linked: 'linked to an existing stay',
  cancelled: 'cancelled',
  kept_cancelled: 'kept cancelled (staff cancelled it)',
  ignored: 'ignored',
  stale: 'stale',
  error: 'refused',
};

/** "2 created, 1 refused": the outcomes that happened, or "no bookings". */
function describeCounts(counts: Record<IngestOutcome, number>): string {
  const parts = INGEST_OUTCOMES.filter((o) => (counts[o] ?? 0) > 0).map(
    (o) => `${counts[o]} ${OUTCOME_WORDS[o]}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no bookings';
}

/** What a read says, without the rolled-back ids of a preview's stays. */
function readJson(read: Exclude<CalendarRead, { kind: 'unchanged' }>, preview: boolean) {
  if (read.kind === 'failed') return read;
  const { summary, skipped } = read;
  return {
    kind: read.kind,
    counts: summary.counts,
    pendingCancellation: summary.pendingCancellation,
    cancelledMissing: summary.cancelledMissing,
    distrusted: summary.distrusted,
    skipped,
    bookings: summary.results.map(({ reservationId, ...result }) =>
      preview ? result : { ...result, reservationId },
    ),
  };
}

function printBookings(summary: IngestSummary) {
  if (summary.results.length === 0) return;
  printTable(
    ['BOOKING', 'RESULT', 'DETAIL'],
    summary.results.map((r) => [clean(r.externalId), r.outcome, clean(r.message) || '-']),
  );
}

export const addCalendarCommand = defineCommand({
  summary:
    'Add an iCal feed at a property and show what its first import would do. Nothing is imported until it is applied (--apply, or the app). A feed that cannot be read is not added.',
  synopsis:
    '--organization <id> --property <id> --name "Airbnb · Loft" --url <feed url> [--preset airbnb|vrbo|booking|generic] [--locks <id>,<id>] [--apply] [--json]',
  flags: {
    organization: 'string',
    property: 'string',
    name: 'string',
    url: 'string',
    preset: 'string',
    locks: 'string',
    apply: 'boolean',
    json: 'boolean',
  },
  required: ['organization', 'property', 'name', 'url'],
  fields: SOURCE_FIELDS,
  schema: z.object({
    organization: organizationFlag,
    property: uuidFlag('a property id'),
    name: calendarSourceSchema.shape.name,
    url: calendarSourceSchema.shape.url,
    preset: calendarSourceSchema.shape.preset,
    locks: locksFlag,
    apply: z.boolean().default(false),
    json: jsonFlag,
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { db } = context.database;
    const now = context.now;
    // A feed whose first read fails is refused with nothing kept. Not one transaction:
    // that would hold a database connection for as long as the channel takes to answer.
    const made = await createCalendarSource(db, actor, {
      name: input.name,
      propertyId: input.property,
      deviceIds: input.locks,
      url: input.url,
      preset: input.preset,
    });
    const read = input.apply
      ? await approveCalendar(db, actor, made.id, {
          now,
          refreshMinutes: env().CALENDAR_REFRESH_MINUTES,
        })
      : await previewCalendar(db, actor, made.id, { now });
    if (read.kind === 'failed') {
      await deleteSource(db, actor, made.id);
      throw new AppError('invalid_input', `${read.error} Nothing was added.`, { field: 'url' });
    }
    // Approval stamped the row; print it as it now is.
    const source = await findSource(db, actor, made.id);
    if (read.kind === 'unchanged') throw new Error('a first read answered unchanged');
    if (input.json) {
      return printJson({
        organizationId: actor.organizationId,
        source: sourceJson(source),
        applied: input.apply,
        [input.apply ? 'import' : 'preview']: readJson(read, !input.apply),
      });
    }
    print(`Added feed “${clean(source.name)}” (${source.urlLabel ?? 'iCal'}), id ${source.id}.`);
    printBookings(read.summary);
    const skipped = read.skipped.map((s) => `${s.count} ${clean(s.reason)}`).join('; ');
    if (skipped) print(`Left out: ${skipped}.`);
    if (input.apply) {
      print(`Imported: ${describeCounts(read.summary.counts)}. The tick reads it from now on.`);
    } else {
      print(`The first import would be: ${describeCounts(read.summary.counts)}.`);
      print('Nothing is imported yet: apply it in the app, or add the feed again with --apply.');
    }
  },
});

/** A source as a script may keep it: never the sealed URL or secret. */
function sourceJson(source: ReservationSource) {
  const { id, kind, name, propertyId, deviceIds, preset, urlLabel, approvedAt } = source;
  return { id, kind, name, propertyId, deviceIds, preset, urlLabel, approvedAt };
}

type FeedResult = {
  sourceId: string;
  organizationId: string;
  name: string;
  result: 'read' | 'unchanged' | 'failed';
  counts?: Record<IngestOutcome, number>;
  error: string | null;
  nextReadAt: Date | null;
};

/** A feed's read as the command prints it. */
function feedResult({ read, ...feed }: FeedReadResult): FeedResult {
  const about = { ...feed, nextReadAt: read.nextReadAt };
  if (read.kind === 'failed') return { ...about, result: 'failed', error: read.error };
  if (read.kind === 'unchanged') return { ...about, result: 'unchanged', error: null };
  return {
    ...about,
    result: 'read',
    counts: read.summary.counts,
    error: read.summary.distrusted,
  };
}

export const readCalendarsCommand = defineCommand({
  summary:
    "Read the approved iCal feeds that are due, as the tick does (every organization's, leased). With --organization, that organization's; with --all, every approved feed now, due or not.",
  synopsis: '[--organization <id>] [--all] [--json]',
  flags: { organization: 'string', all: 'boolean', json: 'boolean' },
  required: [],
  schema: z.object({
    organization: organizationFlag.optional(),
    all: z.boolean().default(false),
    json: jsonFlag,
  }),
  async run(input, context: Context) {
    const { db } = context.database;
    const refreshMinutes = env().CALENDAR_REFRESH_MINUTES;
    // An unknown organization is one line, not "no feeds".
    if (input.organization) await actorFor(context, input.organization);
    // The tick's own read (leased, so no instance reads a feed twice), until none is left.
    const { feeds: read, ...stats } = await readAllDueCalendars(db, {
      now: context.now,
      refreshMinutes,
      organizationId: input.organization,
      ignoreSchedule: input.all,
    });
    const feeds = read.map(feedResult).sort((a, b) => a.name.localeCompare(b.name));
    const totals = { feeds: feeds.length, ...stats };
    if (input.json) return printJson({ feeds, totals });
    if (feeds.length === 0) {
      return print(
        input.all
          ? 'No approved feeds to read.'
          : 'No feed is due to be read. --all reads every approved feed now.',
      );
    }
    printTable(
      ['FEED', 'ID', 'RESULT', 'DETAIL', 'NEXT READ'],
      feeds.map((f) => [
        clean(f.name),
        f.sourceId,
        f.result,
        clean(f.error) || (f.counts ? describeCounts(f.counts) : '-'),
        f.nextReadAt ? formatInstant(f.nextReadAt) : '-',
      ]),
    );
    print(
      `${plural(totals.feeds, 'feed')}: ${totals.read} read, ${totals.unchanged} unchanged, ${totals.failed} failed. Stays: ${totals.created} created, ${totals.updated} updated, ${totals.cancelled} cancelled.`,
    );
  },
});

export const addWebhookSourceCommand = defineCommand({
  summary:
    'Add a webhook source at a property for a PMS to POST bookings to. Its signing secret is printed once and never again.',
  synopsis:
    '--organization <id> --property <id> --name "Hostaway" [--shape generic|guesty] [--locks <id>,<id>] [--json]',
  flags: {
    organization: 'string',
    property: 'string',
    name: 'string',
    shape: 'string',
    locks: 'string',
    json: 'boolean',
  },
  required: ['organization', 'property', 'name'],
  fields: { ...SOURCE_FIELDS, preset: 'shape' },
  schema: z.object({
    organization: organizationFlag,
    property: uuidFlag('a property id'),
    name: webhookSourceSchema.shape.name,
    shape: z.enum(WEBHOOK_SHAPES, { error: `must be ${WEBHOOK_SHAPES.join(' or ')}` }).optional(),
    locks: locksFlag,
    json: jsonFlag,
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { source, secret } = await createWebhookSource(context.database.db, actor, {
      name: input.name,
      propertyId: input.property,
      deviceIds: input.locks,
      preset: input.shape,
    });
    const path = `/api/sources/${source.id}/webhook`;
    if (input.json) {
      return printJson({
        organizationId: actor.organizationId,
        source: sourceJson(source),
        path,
        signatureHeader: WEBHOOK_SIGNATURE_HEADER,
        secret,
      });
    }
    print(
      `Added webhook source “${clean(source.name)}” (${source.preset} shape), id ${source.id}.`,
    );
    print(`The PMS posts each booking event to ${path} on this server,`);
    print(
      `signed in the ${WEBHOOK_SIGNATURE_HEADER} header with this secret. Copy it now; it is not shown again:`,
    );
    print(secret);
  },
});

/** The guessed mapping, or the field no column was recognised as. */
function checkedMapping(mapping: CsvMapping): CsvMapping {
  const parsed = csvMappingSchema.safeParse(mapping);
  if (parsed.success) return parsed.data;
  const field = String(parsed.error.issues[0]?.path[0] ?? '') as CsvField;
  const label = Object.hasOwn(CSV_FIELDS, field) ? CSV_FIELDS[field].label : field;
  throw new UsageError(
    `Invalid --file: no column is recognised as the ${label}; name the column like "${label}".`,
  );
}

export const importCsvCommand = defineCommand({
  summary:
    "Import a CSV file of bookings at a property (columns guessed from its header), printing every row's result. --dry-run writes nothing. Importing the same file again changes nothing.",
  synopsis:
    '--organization <id> --property <id> --file bookings.csv [--dry-run] [--locks <id>,<id>] [--date-format YYYY-MM-DD|DD/MM/YYYY|MM/DD/YYYY] [--json]',
  flags: {
    organization: 'string',
    property: 'string',
    file: 'string',
    'dry-run': 'boolean',
    locks: 'string',
    'date-format': 'string',
    json: 'boolean',
  },
  required: ['organization', 'property', 'file'],
  fields: {
    propertyId: 'property',
    deviceIds: 'locks',
    text: 'file',
    file: 'file',
    mapping: 'file',
    dateFormat: 'date-format',
  },
  schema: z.object({
    organization: organizationFlag,
    property: uuidFlag('a property id'),
    file: z.string().min(1, 'needs a path'),
    'dry-run': z.boolean().default(false),
    locks: locksFlag,
    'date-format': z
      .enum(CSV_DATE_FORMATS, { error: `must be ${CSV_DATE_FORMATS.join(', ')}` })
      .optional(),
    json: jsonFlag,
    // Filled by prepare from the file, before the database opens.
    text: z.string().default(''),
    mapping: z.custom<CsvMapping>().default({}),
    headers: z.array(z.string()).default([]),
  }),
  prepare(input) {
    let text: string;
    try {
      text = readFileSync(input.file, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      throw new UsageError(
        `Invalid --file: cannot be read (${typeof code === 'string' ? code : 'unreadable'})`,
      );
    }
    let columns: ReturnType<typeof csvColumns>;
    try {
      columns = csvColumns(text);
    } catch (error) {
      if (error instanceof AppError) throw new UsageError(`Invalid --file: ${error.message}`);
      throw error;
    }
    const dateFormat = input['date-format'] ?? columns.dateFormat;
    if (!dateFormat) {
      throw new UsageError(
        `Invalid --date-format: required for this file, whose dates do not tell day from month; give ${CSV_DATE_FORMATS.join(', ')}`,
      );
    }
    return {
      ...input,
      text,
      mapping: checkedMapping(columns.mapping),
      headers: columns.headers,
      'date-format': dateFormat,
    };
  },
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const dryRun = input['dry-run'];
    const result = await importCsv(
      context.database.db,
      actor,
      {
        propertyId: input.property,
        deviceIds: input.locks,
        text: input.text,
        mapping: input.mapping,
        dateFormat: input['date-format'],
        dryRun,
      },
      context.now,
    );
    const mapping = Object.fromEntries(
      Object.entries(input.mapping).map(([field, i]) => [field, input.headers[i] ?? null]),
    );
    if (input.json) {
      return printJson({
        organizationId: actor.organizationId,
        dateFormat: input['date-format'],
        mapping,
        ...result,
      });
    }
    print(
      `Columns: ${Object.entries(mapping)
        .map(([field, header]) => `${CSV_FIELDS[field as CsvField].label} ← "${clean(header)}"`)
        .join(', ')}. Dates read as ${input['date-format']}.`,
    );
    printTable(
      ['ROW', 'RESERVATION ID', 'RESULT', 'DETAIL'],
      result.rows.map((r) => [
        String(r.row),
        clean(r.externalId) || '-',
        r.outcome,
        clean(r.message) || '-',
      ]),
    );
    const summary = `${plural(result.rows.length, 'row')}: ${describeCounts(result.counts)}.`;
    if (dryRun) {
      print(`Dry run, nothing written. ${summary}`);
      print('Run it again without --dry-run to import.');
    } else {
      print(`Imported. ${summary}`);
    }
  },
});
