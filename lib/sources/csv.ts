// A CSV export of reservations (a PMS's, a channel's, a spreadsheet) read as
// normalized bookings: read the file, guess which column holds what, then turn
// each row into a booking or a list of that row's problems. No database: the
// ingestion core decides what the bookings change.
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { InvalidInputError } from '@/lib/validation';
import type { NormalizedBooking, StayEdge } from './booking';

/**
 * A file's cells. `lines` has the line of the file where each row starts
 * (the header is line 1), counting blank lines and cells that span lines;
 * without it, row i is taken to start on line i + 2.
 */
export type CsvTable = { headers: string[]; rows: string[][]; lines?: number[] };

export type ReadCsvOptions = { maxRows?: number; maxBytes?: number };

const MEGABYTE = 1024 * 1024;

/** The largest file and the most rows an import takes (readCsv's defaults). */
export const CSV_MAX_BYTES = 5 * MEGABYTE;
export const CSV_MAX_ROWS = 10_000;

function fileError(message: string, internal?: string): AppError {
  return new AppError('invalid_input', message, { field: 'file', internal });
}

export function sizeInWords(bytes: number): string {
  if (bytes >= MEGABYTE && bytes % MEGABYTE === 0) return `${bytes / MEGABYTE} MB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * The delimiter the header line uses: the most frequent of `,`, `;` and tab
 * outside quotes. Read from the header alone because a European export's
 * cells are full of commas ("Smith, John", "12,50") while its header is not.
 */
function headerDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char in counts) counts[char] = (counts[char] ?? 0) + 1;
  }
  let best = ',';
  for (const [delimiter, count] of Object.entries(counts)) {
    if (count > (counts[best] ?? 0)) best = delimiter;
  }
  return best;
}

/** Why csv-parse gave up, in a user's words, never quoting the file. */
function csvProblem(error: CsvError): string {
  const line = typeof error.lines === 'number' ? error.lines : null;
  const where = line ? ` on or before line ${line}` : '';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `The file is not valid CSV: a quote opened${where} is never closed.`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `The file is not valid CSV: a quoted cell${line ? ` on line ${line}` : ''} has text after its closing quote.`;
    case 'CSV_MAX_RECORD_SIZE':
      return `The file is not valid CSV: a row${where} is too long. Check its quotes.`;
    default:
      return 'The file could not be read as CSV.';
  }
}

/**
 * A CSV file's header and rows. Quoted cells may hold commas, quotes and line
 * breaks; a byte-order mark is dropped; `;` and tab files are recognised from
 * their header line. Blank lines are skipped (and counted in `lines`); rows
 * shorter or longer than the header are kept as they are.
 *
 * Refuses, on the `file` field: a file over `maxBytes` (5 MB) or `maxRows`
 * (10,000 rows), an empty file, a file with no bookings under its header, a
 * first line that is a booking rather than column names, and broken quoting.
 */
export function readCsv(
  text: string,
  { maxRows = CSV_MAX_ROWS, maxBytes = CSV_MAX_BYTES }: ReadCsvOptions = {},
): Required<CsvTable> {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw fileError(`The file is larger than ${sizeInWords(maxBytes)}.`);
  }
  const body = text.replace(/^\uFEFF/, '');
  if (!/\S/.test(body)) throw fileError('The file is empty.');

  let records: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    records = parse(body, {
      delimiter: headerDelimiter(body),
      info: true,
      relax_column_count: true,
      // `Jo "JJ" Kowalski` typed into a spreadsheet and saved unquoted.
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) throw fileError(csvProblem(error), error.code);
    throw error;
  }

  // csv-parse reports the line a record ends on; it starts after the previous
  // record's last line and any blank lines skipped since.
  const table: { cells: string[]; line: number }[] = [];
  let lastLine = 0;
  let lastEmpty = 0;
  for (const { record, info } of records) {
    const line = lastLine + 1 + (info.empty_lines - lastEmpty);
    lastLine = info.lines;
    lastEmpty = info.empty_lines;
    if (record.some((cell) => cell.trim() !== '')) table.push({ cells: record, line });
  }

  const [header, ...rows] = table;
  if (!header) throw fileError('The file is empty.');
  if (header.cells.some((cell) => DATE_PREFIX.test(cell.trim()))) {
    throw fileError(
      'The first line must name the columns (like "Reservation ID", "Guest", "Arrival"), but it looks like a booking.',
    );
  }
  if (rows.length === 0) throw fileError('The file has column names but no bookings under them.');
  if (rows.length > maxRows) {
    const limit = maxRows.toLocaleString('en-US');
    throw fileError(
      `The file has more than ${limit} rows. Split it into files of at most ${limit} rows.`,
    );
  }
  return {
    headers: header.cells.map((cell, i) => cell.trim() || `Column ${i + 1}`),
    rows: rows.map((row) => row.cells),
    lines: rows.map((row) => row.line),
  };
}

type CsvFieldSpec = {
  label: string;
  /** What the column holds, in "Choose the column that holds the …". */
  holds: string;
  required: boolean;
  /** Header names this field is guessed from, compared without case, spaces or punctuation. */
  headers: readonly string[];
};

/** The booking fields a file's columns can be mapped to, in the order a form shows them. */
export const CSV_FIELDS = {
  externalId: {
    label: 'Reservation ID',
    holds: 'reservation ID',
    required: true,
    headers: [
      'Reservation ID',
      'Reservation number',
      'Reservation no',
      'Reservation reference',
      'Booking ID',
      'Booking number',
      'Booking no',
      'Booking reference',
      'Reference',
      'Ref',
      'ID',
      'External ID',
    ],
  },
  guestName: {
    label: 'Guest name',
    holds: 'guest name',
    required: true,
    headers: [
      'Guest',
      'Guest name',
      'Guest full name',
      'Name',
      'Full name',
      'Customer',
      'Customer name',
      'Booker',
      'Booker name',
      'Lead guest',
      'Primary guest',
    ],
  },
  checkIn: {
    label: 'Check-in',
    holds: 'check-in date',
    required: true,
    headers: [
      'Check-in',
      'Check-in date',
      'Arrival',
      'Arrival date',
      'Date arrival',
      'Arrive',
      'Start date',
      'Start',
      'From',
      'Date from',
    ],
  },
  checkOut: {
    label: 'Check-out',
    holds: 'check-out date',
    required: true,
    headers: [
      'Check-out',
      'Check-out date',
      'Departure',
      'Departure date',
      'Date departure',
      'Depart',
      'End date',
      'End',
      'To',
      'Date to',
    ],
  },
  checkInTime: {
    label: 'Check-in time',
    holds: 'check-in time',
    required: false,
    headers: ['Check-in time', 'Arrival time', 'Time of arrival', 'ETA'],
  },
  checkOutTime: {
    label: 'Check-out time',
    holds: 'check-out time',
    required: false,
    headers: ['Check-out time', 'Departure time', 'Time of departure', 'ETD'],
  },
  guestEmail: {
    label: 'Guest email',
    holds: 'guest email',
    required: false,
    headers: ['Email', 'Email address', 'Guest email', 'Mail'],
  },
  guestPhone: {
    label: 'Guest phone',
    holds: 'guest phone',
    required: false,
    headers: [
      'Phone',
      'Phone number',
      'Guest phone',
      'Mobile',
      'Mobile phone',
      'Telephone',
      'Tel',
      'Cell phone',
    ],
  },
  room: {
    label: 'Room',
    holds: 'room or lock name',
    required: false,
    headers: [
      'Room',
      'Room number',
      'Room no',
      'Room name',
      'Unit',
      'Unit name',
      'Unit number',
      'Door',
      'Lock',
    ],
  },
  confirmationCode: {
    label: 'Confirmation code',
    holds: 'confirmation code',
    required: false,
    headers: [
      'Confirmation code',
      'Confirmation number',
      'Confirmation',
      'Channel confirmation code',
      'Channel reference',
      'Channel reservation ID',
    ],
  },
  status: {
    label: 'Status',
    holds: 'booking status',
    required: false,
    headers: ['Status', 'Booking status', 'Reservation status'],
  },
} as const satisfies Record<string, CsvFieldSpec>;

export type CsvField = keyof typeof CSV_FIELDS;
const FIELDS = Object.keys(CSV_FIELDS) as CsvField[];

/** Each field's column, by its 0-based index in the header (names can repeat; positions cannot). */
export type CsvMapping = Partial<Record<CsvField, number>>;

const missingMessage = (field: CsvField) =>
  `Choose the column that holds the ${CSV_FIELDS[field].holds}.`;

const columnNumber = (field: CsvField) =>
  z
    .number({
      error: (issue) =>
        issue.input === undefined ? missingMessage(field) : 'Choose a column of the file.',
    })
    .int('Choose a column of the file.')
    .min(0, 'Choose a column of the file.');

/** A form posts strings; its "not in this file" choice is blank. */
function formColumn(value: unknown): unknown {
  if (value === '' || value === null) return undefined;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return value;
}

type RequiredColumn = z.ZodPipe<z.ZodTransform<unknown, unknown>, z.ZodNumber>;
type OptionalColumn = z.ZodPipe<z.ZodTransform<unknown, unknown>, z.ZodOptional<z.ZodNumber>>;
type MappingShape = {
  [F in CsvField]: (typeof CSV_FIELDS)[F]['required'] extends true
    ? RequiredColumn
    : OptionalColumn;
};

/**
 * The mapping form's answer: each field's column as its 0-based index in the
 * header, as a number or the string a form posts; blank or absent for a
 * column the file does not have. The four required fields must have one.
 * Whether each index exists in the file is checked by `bookingsFromCsv`.
 */
export const csvMappingSchema = z
  .object(
    // Built from CSV_FIELDS so which fields are required is said once.
    Object.fromEntries(
      FIELDS.map((field) => {
        const index = columnNumber(field);
        return [
          field,
          z.preprocess(formColumn, CSV_FIELDS[field].required ? index : index.optional()),
        ];
      }),
    ) as unknown as MappingShape,
  )
  .transform(
    (mapping): CsvMapping =>
      Object.fromEntries(Object.entries(mapping).filter(([, index]) => index !== undefined)),
  );

export type CsvMappingInput = z.input<typeof csvMappingSchema>;

const headerKey = (header: string) =>
  header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * Each field's column, guessed from the header's names, ignoring case, spaces
 * and punctuation. A field takes the column matching the earliest name in its
 * list ("Guest name" before "Name", which may be a listing's), and a column
 * serves one field. With no reservation id column, the confirmation code
 * (Airbnb's only id) is used as the id too.
 */
export function guessMapping(headers: string[]): CsvMapping {
  const keys = headers.map(headerKey);
  const taken = new Set<number>();
  const mapping: CsvMapping = {};
  for (const field of FIELDS) {
    for (const name of CSV_FIELDS[field].headers) {
      const index = keys.findIndex((key, i) => key === headerKey(name) && !taken.has(i));
      if (index === -1) continue;
      mapping[field] = index;
      taken.add(index);
      break;
    }
  }
  if (mapping.externalId === undefined && mapping.confirmationCode !== undefined) {
    mapping.externalId = mapping.confirmationCode;
  }
  return mapping;
}

export const CSV_DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY'] as const;
export type CsvDateFormat = (typeof CSV_DATE_FORMATS)[number];
export const csvDateFormatSchema = z
  .enum(CSV_DATE_FORMATS, { error: 'Choose one of the date formats.' })
  .default('YYYY-MM-DD');

const DATE_EXAMPLE: Record<CsvDateFormat, string> = {
  'YYYY-MM-DD': '2026-12-24',
  'DD/MM/YYYY': '24/12/2026 (DD/MM/YYYY)',
  'MM/DD/YYYY': '12/24/2026 (MM/DD/YYYY)',
};

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\s*(.*))?$/i;
/** Day and month in either order, with `/`, `.` or `-`; a two-digit year is matched only to be refused. */
const PARTS_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[T ]\s*(.*))?$/i;
/** The beginning of anything written as a date; used to tell a header from a booking. */
const DATE_PREFIX = /^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4}))(?:$|[T ])/i;
/** Room after a date for a time and zone; longer, and it is no date a cell should echo. */
const DATE_TAIL = /^[\d:.\sapmAPMzZ+-]{0,24}$/;
const ZONED_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;
const TIME_24 = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const TIME_12 = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m\.?$/i;
const TIME_SHAPE = /^\d{1,2}(?::\d{1,2}){0,2}\s*(?:[ap]\.?\s*m\.?)?$/i;

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` for a real calendar day, or null. */
function calendarDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** `HH:MM` (24-hour) from `15:00`, `9:05`, `15:00:00`, `3 PM` or `3:00 p.m.`; seconds are dropped. */
function readTime(text: string): string | null {
  const h24 = TIME_24.exec(text);
  if (h24) {
    const [hours, minutes, seconds] = [Number(h24[1]), Number(h24[2]), Number(h24[3] ?? 0)];
    return hours <= 23 && minutes <= 59 && seconds <= 59 ? `${pad(hours)}:${pad(minutes)}` : null;
  }
  const h12 = TIME_12.exec(text);
  if (h12) {
    const [hours, minutes, seconds] = [Number(h12[1]), Number(h12[2] ?? 0), Number(h12[3] ?? 0)];
    if (hours < 1 || hours > 12 || minutes > 59 || seconds > 59) return null;
    const pm = h12[4]?.toLowerCase() === 'p';
    return `${pad((hours % 12) + (pm ? 12 : 0))}:${pad(minutes)}`;
  }
  return null;
}

/** The instant a local date and time with a UTC offset (`Z`, `+01:00`, `-0500`) names. */
function zonedInstant(date: string, time: RegExpExecArray): Date | null {
  const [hours, minutes, seconds] = [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const zone = (time[5] ?? 'Z').toUpperCase();
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [zoneHours, zoneMinutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (zoneHours > 23 || zoneMinutes > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const millis = Number(`0.${time[4] ?? '0'}`) * 1000;
  return new Date(
    Date.UTC(year, month - 1, day, hours, minutes, seconds, millis) - offsetMinutes * 60_000,
  );
}

type DateRead =
  | { edge: StayEdge }
  /** `choose_format`: the cell is day/month-ordered and the file's order was not chosen. */
  | { problem: 'not_a_date' | 'choose_format' };

/**
 * One end of a stay from a date cell: an ISO date (always, whatever the
 * file's format), or day and month in the chosen order; maybe followed by a
 * local time (midnight counts as none), or an ISO time with an offset,
 * which makes it an instant.
 */
function readDate(cell: string, format: CsvDateFormat): DateRead {
  const notADate = { problem: 'not_a_date' } as const;
  let date: string | null = null;
  let rest: string | undefined;
  const iso = ISO_DATE.exec(cell);
  const parts = iso ? null : PARTS_DATE.exec(cell);
  if (iso) {
    date = calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    rest = iso[4];
  } else if (parts) {
    if (format === 'YYYY-MM-DD') return { problem: 'choose_format' };
    if (parts[4]?.length !== 4) return notADate;
    const [first, second] = [Number(parts[1]), Number(parts[3])];
    const [day, month] = format === 'DD/MM/YYYY' ? [first, second] : [second, first];
    date = calendarDate(Number(parts[4]), month, day);
    rest = parts[5];
  }
  if (!date) return notADate;
  if (rest === undefined || rest.trim() === '') return { edge: { date, time: null } };

  const zoned = iso ? ZONED_TIME.exec(rest.trim()) : null;
  if (zoned) {
    const at = zonedInstant(date, zoned);
    return at ? { edge: { at } } : notADate;
  }
  const time = readTime(rest.trim());
  if (!time) return notADate;
  // Spreadsheets save a date-only cell as midnight. Read as a time it would
  // end a stay at the start of its check-out day, so it means "no time given";
  // a real midnight belongs in a time column.
  return { edge: { date, time: time === '00:00' ? null : time } };
}

/** Whether a cell reads as a date, so an error may quote it without quoting a name or phone. */
function looksLikeDate(cell: string): boolean {
  const match = /^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}([/.-])\d{1,2}\2\d{2,4})(?:[T ](.*))?$/i.exec(cell);
  return match !== null && DATE_TAIL.test(match[3] ?? '');
}

/**
 * The date order a file's date columns show, to preselect in the form: ISO
 * dates say `YYYY-MM-DD`; a first number above 12 says day first, a second
 * above 12 month first. Null when the cells do not tell (every day up to 12)
 * or disagree.
 */
export function guessDateFormat(table: CsvTable, mapping: CsvMapping): CsvDateFormat | null {
  const columns = [mapping.checkIn, mapping.checkOut].filter((c) => c !== undefined);
  let iso = false;
  let dayFirst = false;
  let monthFirst = false;
  let parts = false;
  for (const row of table.rows) {
    for (const column of columns) {
      const cell = (row[column] ?? '').trim();
      if (ISO_DATE.test(cell)) iso = true;
      const match = PARTS_DATE.exec(cell);
      if (!match) continue;
      parts = true;
      if (Number(match[1]) > 12) dayFirst = true;
      if (Number(match[3]) > 12) monthFirst = true;
    }
  }
  if (dayFirst !== monthFirst) return dayFirst ? 'DD/MM/YYYY' : 'MM/DD/YYYY';
  return iso && !parts ? 'YYYY-MM-DD' : null;
}

export type CsvRow =
  /** `row`: the line of the file the row starts on; the header is line 1. */
  | { row: number; booking: NormalizedBooking }
  /** Each refused field's problem by its CsvField name, naming the column and never quoting guest details. */
  | { row: number; errors: Record<string, string> };

export type BookingsFromCsvOptions = {
  /** How day/month dates are ordered; with the default, only ISO dates are read. */
  dateFormat?: CsvDateFormat | undefined;
};

/** Refuse a mapping that misses a required field or names a column the file does not have. */
function checkMapping(mapping: CsvMapping, headers: string[]): void {
  const problems: Partial<Record<CsvField, string>> = {};
  for (const field of FIELDS) {
    const index = mapping[field];
    if (index === undefined) {
      if (CSV_FIELDS[field].required) problems[field] = missingMessage(field);
    } else if (!Number.isInteger(index) || index < 0 || index >= headers.length) {
      problems[field] = `${CSV_FIELDS[field].label}: the file has no column ${index + 1}.`;
    }
  }
  if (Object.keys(problems).length > 0) throw new InvalidInputError(problems);
}

const emailSchema = z.email();

/**
 * Each row of the file as a booking, or as the problems that kept it from
 * being one; a bad row never stops the others. Fields whose column is not
 * mapped are left out (the file does not say); a blank mapped cell is sent as
 * null. Without a status column every booking is confirmed. A reservation id
 * seen on an earlier row is refused on the later one. Whether check-out
 * follows check-in is the ingestion core's rule, not checked here.
 *
 * Throws InvalidInputError, keyed by field, for a mapping without a required
 * field or with a column past the file's last.
 */
export function bookingsFromCsv(
  table: CsvTable,
  mapping: CsvMapping,
  { dateFormat = 'YYYY-MM-DD' }: BookingsFromCsvOptions = {},
): CsvRow[] {
  checkMapping(mapping, table.headers);
  const firstRowOfId = new Map<string, number>();

  return table.rows.map((cells, i): CsvRow => {
    const row = table.lines?.[i] ?? i + 2;
    const errors: Record<string, string> = {};
    const column = (field: CsvField) => `column "${table.headers[mapping[field] ?? -1]}"`;
    const cell = (field: CsvField): string | undefined => {
      const index = mapping[field];
      return index === undefined ? undefined : (cells[index] ?? '').trim();
    };
    const required = (field: CsvField): string => {
      const value = cell(field) ?? '';
      if (!value) errors[field] = `${CSV_FIELDS[field].label} is empty in ${column(field)}.`;
      return value;
    };
    /** A mapped optional cell, null when blank; undefined when the file has no such column. */
    const optional = (field: CsvField) => {
      const value = cell(field);
      return value === undefined ? undefined : value || null;
    };

    const externalId = required('externalId');
    if (externalId) {
      const earlier = firstRowOfId.get(externalId);
      if (earlier === undefined) firstRowOfId.set(externalId, row);
      else errors.externalId = `Reservation ID in ${column('externalId')} repeats row ${earlier}.`;
    }
    const guestName = required('guestName');

    const time = (field: 'checkInTime' | 'checkOutTime'): string | null => {
      const value = optional(field);
      if (!value) return null;
      const read = readTime(value);
      if (read) return read;
      const quoted = TIME_SHAPE.test(value) ? ` '${value}'` : '';
      errors[field] =
        `${CSV_FIELDS[field].label}${quoted} in ${column(field)} is not a time like 15:00 or 3:00 PM.`;
      return null;
    };
    const edge = (
      field: 'checkIn' | 'checkOut',
      timeField: 'checkInTime' | 'checkOutTime',
    ): StayEdge | null => {
      const value = required(field);
      const ownTime = time(timeField);
      if (!value) return null;
      const read = readDate(value, dateFormat);
      if ('edge' in read) {
        // The date cell's own time, when it has one, is the booking's word on it.
        if ('date' in read.edge && !read.edge.time) return { date: read.edge.date, time: ownTime };
        return read.edge;
      }
      const quoted = looksLikeDate(value) ? ` '${value}'` : '';
      const hint =
        read.problem === 'choose_format'
          ? ' If the file writes dates as day/month/year or month/day/year, choose that date format.'
          : '';
      errors[field] =
        `${CSV_FIELDS[field].label}${quoted} in ${column(field)} is not a date like ${DATE_EXAMPLE[dateFormat]}.${hint}`;
      return null;
    };
    const checkIn = edge('checkIn', 'checkInTime');
    const checkOut = edge('checkOut', 'checkOutTime');

    const guestEmail = optional('guestEmail');
    if (guestEmail && !emailSchema.safeParse(guestEmail).success) {
      errors.guestEmail = `Guest email in ${column('guestEmail')} is not an email address.`;
    }

    let status: NormalizedBooking['status'] = 'confirmed';
    const statusCell = cell('status');
    if (statusCell !== undefined) {
      const word = statusCell.toLowerCase();
      if (word === 'cancelled' || word === 'canceled') status = 'cancelled';
      else if (word !== 'confirmed') {
        // Not quoted: a status column mapped by mistake could hold names.
        errors.status = `Status in ${column('status')} must be confirmed or cancelled.`;
      }
    }

    if (Object.keys(errors).length > 0 || !checkIn || !checkOut) return { row, errors };

    const booking: NormalizedBooking = { externalId, guestName, checkIn, checkOut, status };
    const extras = {
      guestEmail,
      guestPhone: optional('guestPhone'),
      room: optional('room'),
      confirmationCode: optional('confirmationCode'),
    };
    for (const [key, value] of Object.entries(extras)) {
      if (value !== undefined) Object.assign(booking, { [key]: value });
    }
    return { row, booking };
  });
}
