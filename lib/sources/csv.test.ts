import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import type { NormalizedBooking } from './booking';
import {
  bookingsFromCsv,
  CSV_FIELDS,
  type CsvMapping,
  type CsvRow,
  type CsvTable,
  csvMappingSchema,
  guessDateFormat,
  guessMapping,
  readCsv,
} from './csv';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The error readCsv or bookingsFromCsv refused with, for asserting what the user reads. */
function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const bookingsOf = (rows: CsvRow[]) =>
  rows.flatMap((r) => ('booking' in r ? [{ row: r.row, booking: r.booking }] : []));
const errorsOf = (rows: CsvRow[]) =>
  rows.flatMap((r) => ('errors' in r ? [{ row: r.row, errors: r.errors }] : []));

/** A small table with the usual columns, one row per object, in the order of COLUMNS. */
const COLUMNS = ['Reservation ID', 'Guest', 'Arrival', 'Departure', 'Status'] as const;
function table(rows: Partial<Record<(typeof COLUMNS)[number], string>>[]): CsvTable {
  return {
    headers: [...COLUMNS],
    rows: rows.map((row) => COLUMNS.map((column) => row[column] ?? '')),
  };
}
const BASE = {
  'Reservation ID': 'R-1',
  Guest: 'Ada Lovelace',
  Arrival: '2026-12-24',
  Departure: '2026-12-27',
  Status: 'confirmed',
};
const MAPPING: CsvMapping = { externalId: 0, guestName: 1, checkIn: 2, checkOut: 3, status: 4 };

describe('readCsv', () => {
  it('reads an export with quoted commas, doubled quotes and a note spanning two lines', () => {
    const { headers, rows } = readCsv(fixture('reservations-export.csv'));
    expect(headers).toHaveLength(14);
    expect(headers.slice(0, 4)).toEqual(['Reservation ID', 'Channel', 'Listing', 'Guest name']);
    expect(rows).toHaveLength(4);
    expect(rows[0]?.[3]).toBe('Müller, Anna');
    expect(rows[1]?.[13]).toBe('Late arrival, will call\nfrom the airport');
    expect(rows[2]?.[3]).toBe('Jo "JJ" Kowalski');
    expect(rows[3]?.[0]).toBe('HA-100234');
  });

  it('reads a `;` file with a byte-order mark and CRLF line ends', () => {
    const { headers, rows } = readCsv(fixture('semicolon-bom.csv'));
    expect(headers).toEqual([
      'Booking ID',
      'Guest',
      'Arrival',
      'Departure',
      'Room',
      'E-mail',
      'Phone',
      'Status',
    ]);
    expect(rows).toHaveLength(3);
    expect(rows[1]?.[1]).toBe('Jansen; Pieter');
    expect(rows[2]?.[7]).toBe('confirmed');
  });

  it('takes the delimiter from the header line, so commas inside `;` cells stay in the cell', () => {
    const { headers, rows } = readCsv(
      'id;guest;arrival;departure\n1;Smith, John;2026-12-24;2026-12-27\n',
    );
    expect(headers).toEqual(['id', 'guest', 'arrival', 'departure']);
    expect(rows[0]).toEqual(['1', 'Smith, John', '2026-12-24', '2026-12-27']);
  });

  it('reads tab-separated exports too', () => {
    const { headers } = readCsv('id\tguest\tarrival\n1\tAda\t2026-12-24\n');
    expect(headers).toEqual(['id', 'guest', 'arrival']);
  });

  it('skips blank lines and counts them, so row numbers match the line in the file', () => {
    const text =
      'id,guest,arrival,departure\n1,"Ada\nLovelace",2026-12-24,2026-12-27\n\n2,Bob,2026-12-24,2026-12-27\n';
    const csv = readCsv(text);
    expect(csv.rows).toHaveLength(2);
    const rows = bookingsFromCsv(csv, { externalId: 0, guestName: 1, checkIn: 2, checkOut: 3 });
    expect(rows.map((r) => r.row)).toEqual([2, 5]);
  });

  it('names blank header cells by their position, so the mapping form can still offer them', () => {
    const { headers } = readCsv('id,,arrival\n1,Ada,2026-12-24\n');
    expect(headers).toEqual(['id', 'Column 2', 'arrival']);
  });

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n\r\n  \n'],
    ['a byte-order mark alone', '\uFEFF'],
  ])('refuses %s', (_, text) => {
    const error = refusal(() => readCsv(text));
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('file');
    expect(error.message).toBe('The file is empty.');
  });

  it('refuses a header with no bookings under it', () => {
    const error = refusal(() => readCsv('Reservation ID,Guest,Arrival,Departure\n'));
    expect(error.options.field).toBe('file');
    expect(error.message).toMatch(/no bookings/);
  });

  it('refuses a file whose first line is a booking rather than column names', () => {
    const error = refusal(() =>
      readCsv('R-1,Ada Lovelace,2026-12-24,2026-12-27\nR-2,Bob,2026-12-25,2026-12-28\n'),
    );
    expect(error.options.field).toBe('file');
    expect(error.message).toMatch(/first line must name the columns/);
    // The refusal quotes no cell of the file.
    expect(error.message).not.toMatch(/Ada|R-1/);
  });

  it('refuses more rows than allowed, saying the limit', () => {
    const text = `id,guest,arrival,departure\n${'1,Ada,2026-12-24,2026-12-27\n'.repeat(4)}`;
    expect(readCsv(text, { maxRows: 4 }).rows).toHaveLength(4);
    const error = refusal(() => readCsv(text, { maxRows: 3 }));
    expect(error.options.field).toBe('file');
    expect(error.message).toMatch(/more than 3 rows/);
  });

  it('refuses 10,001 rows by default', () => {
    const text = `id,guest,arrival,departure\n${'1,Ada,2026-12-24,2026-12-27\n'.repeat(10_001)}`;
    expect(refusal(() => readCsv(text)).message).toMatch(/more than 10,000 rows/);
  });

  it('refuses a file over the size limit, counting bytes rather than characters', () => {
    const text = 'id,guest\n1,Zoë\n'; // 15 characters, 16 bytes
    expect(readCsv(text, { maxBytes: 16 }).rows).toHaveLength(1);
    const error = refusal(() => readCsv(text, { maxBytes: 15 }));
    expect(error.options.field).toBe('file');
    expect(error.message).toMatch(/larger than/);
  });

  it('refuses a file over 5 MB by default', () => {
    const text = `id,notes\n1,${'x'.repeat(5 * 1024 * 1024)}\n`;
    expect(refusal(() => readCsv(text)).message).toBe('The file is larger than 5 MB.');
  });

  it('refuses a quote that is never closed, saying where to look, without quoting the file', () => {
    const error = refusal(() => readCsv('id,guest\n1,"Ada Lovelace\n2,Bob\n'));
    expect(error.options.field).toBe('file');
    expect(error.message).toMatch(/quote/);
    expect(error.message).not.toMatch(/Ada/);
  });

  it('keeps a quote inside an unquoted cell as written', () => {
    const { rows } = readCsv('id,guest\n1,Jo "JJ" Kowalski\n');
    expect(rows[0]?.[1]).toBe('Jo "JJ" Kowalski');
  });
});

describe('guessMapping', () => {
  it('maps a Hostaway-like export', () => {
    const { headers } = readCsv(fixture('reservations-export.csv'));
    expect(guessMapping(headers)).toEqual({
      externalId: 0,
      guestName: 3,
      guestEmail: 4,
      guestPhone: 5,
      checkIn: 6,
      checkInTime: 7,
      checkOut: 8,
      checkOutTime: 9,
      room: 10,
      confirmationCode: 11,
      status: 12,
    });
  });

  it('maps the `;` export', () => {
    const { headers } = readCsv(fixture('semicolon-bom.csv'));
    expect(guessMapping(headers)).toEqual({
      externalId: 0,
      guestName: 1,
      checkIn: 2,
      checkOut: 3,
      room: 4,
      guestEmail: 5,
      guestPhone: 6,
      status: 7,
    });
  });

  it("uses Airbnb's confirmation code as the reservation id when there is no other", () => {
    const headers = [
      'Confirmation code',
      'Status',
      'Guest name',
      'Contact',
      '# of adults',
      'Start date',
      'End date',
      '# of nights',
      'Booked',
      'Listing',
      'Earnings',
    ];
    expect(guessMapping(headers)).toEqual({
      externalId: 0,
      confirmationCode: 0,
      status: 1,
      guestName: 2,
      checkIn: 5,
      checkOut: 6,
    });
  });

  it('maps a Lodgify-like export with run-together names', () => {
    const headers = [
      'Id',
      'Type',
      'Name',
      'Email',
      'Phone',
      'DateArrival',
      'DateDeparture',
      'Status',
    ];
    expect(guessMapping(headers)).toEqual({
      externalId: 0,
      guestName: 2,
      guestEmail: 3,
      guestPhone: 4,
      checkIn: 5,
      checkOut: 6,
      status: 7,
    });
  });

  it('ignores case, spaces, underscores and hyphens', () => {
    expect(
      guessMapping(['RESERVATION_ID', ' guest ', 'check_in', 'CHECK OUT', 'check-in time']),
    ).toEqual({
      externalId: 0,
      guestName: 1,
      checkIn: 2,
      checkOut: 3,
      checkInTime: 4,
    });
  });

  it('guesses each field once and leaves unknown columns alone', () => {
    expect(guessMapping(['Notes', 'Guest', 'Name', 'Nights'])).toEqual({ guestName: 1 });
  });

  it("prefers a field's most telling name over the column order", () => {
    expect(
      guessMapping(['ID', 'Name', 'Start', 'Guest name', 'Reservation ID', 'Check-in date']),
    ).toEqual({ externalId: 4, guestName: 3, checkIn: 5 });
  });

  it('guesses every field from the names it lists', () => {
    for (const [field, spec] of Object.entries(CSV_FIELDS)) {
      for (const header of spec.headers) {
        expect(guessMapping([header]), `${field} from "${header}"`).toHaveProperty(field, 0);
      }
    }
  });
});

describe('csvMappingSchema', () => {
  it('reads column indexes as the form posts them, a blank choice meaning "not in this file"', () => {
    const mapping = csvMappingSchema.parse({
      externalId: '0',
      guestName: '3',
      checkIn: '6',
      checkOut: '8',
      guestEmail: '',
      room: '10',
    });
    expect(mapping).toEqual({ externalId: 0, guestName: 3, checkIn: 6, checkOut: 8, room: 10 });
  });

  it('names each required field that has no column', () => {
    const result = csvMappingSchema.safeParse({ externalId: '0', checkIn: '' });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(
      (result.error?.issues ?? []).map((issue) => [String(issue.path[0]), issue.message]),
    );
    expect(messages).toEqual({
      guestName: 'Choose the column that holds the guest name.',
      checkIn: 'Choose the column that holds the check-in date.',
      checkOut: 'Choose the column that holds the check-out date.',
    });
  });

  it('refuses what is not a column index', () => {
    for (const bad of ['-1', '1.5', 'Guest']) {
      const result = csvMappingSchema.safeParse({
        ...{ guestName: '1', checkIn: '2', checkOut: '3' },
        externalId: bad,
      });
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['externalId']);
    }
  });
});

describe('bookingsFromCsv', () => {
  it('turns the Hostaway-like export into bookings', () => {
    const csv = readCsv(fixture('reservations-export.csv'));
    const rows = bookingsFromCsv(csv, guessMapping(csv.headers));
    expect(errorsOf(rows)).toEqual([]);
    expect(bookingsOf(rows)).toEqual([
      {
        row: 2,
        booking: {
          externalId: 'HA-100231',
          guestName: 'Müller, Anna',
          guestEmail: 'anna.mueller@example.com',
          guestPhone: '+49 30 901820',
          checkIn: { date: '2026-12-22', time: '15:00' },
          checkOut: { date: '2026-12-27', time: '11:00' },
          room: 'Loft 2',
          confirmationCode: 'HMQX4K8ZRT',
          status: 'confirmed',
        },
      },
      {
        row: 3,
        booking: {
          externalId: 'HA-100232',
          guestName: 'Tomás Ortega',
          guestEmail: 'tomas@example.org',
          guestPhone: '+34 612 345 678',
          checkIn: { date: '2026-12-23', time: '15:00' },
          checkOut: { date: '2026-12-26', time: '10:30' },
          room: '12',
          confirmationCode: '4438172651',
          status: 'confirmed',
        },
      },
      {
        // The note above spans two lines, so this booking starts on line 5.
        row: 5,
        booking: {
          externalId: 'HA-100233',
          guestName: 'Jo "JJ" Kowalski',
          guestEmail: null,
          guestPhone: null,
          checkIn: { date: '2026-12-24', time: null },
          checkOut: { date: '2026-12-28', time: null },
          room: '14',
          confirmationCode: null,
          status: 'cancelled',
        },
      },
      {
        row: 6,
        booking: {
          externalId: 'HA-100234',
          guestName: 'Priya Raman',
          guestEmail: 'priya.raman@example.net',
          guestPhone: '+1 415 555 0123',
          checkIn: { at: new Date('2026-12-28T15:00:00Z') },
          checkOut: { at: new Date('2027-01-02T09:00:00Z') },
          room: 'Loft 2',
          confirmationCode: 'HA-7788',
          status: 'confirmed',
        },
      },
    ] satisfies { row: number; booking: NormalizedBooking }[]);
  });

  it('refuses day/month dates until the file says which comes first', () => {
    const csv = readCsv(fixture('semicolon-bom.csv'));
    const mapping = guessMapping(csv.headers);

    const unsure = bookingsFromCsv(csv, mapping);
    expect(bookingsOf(unsure)).toEqual([]);
    expect(errorsOf(unsure)[0]).toEqual({
      row: 2,
      errors: {
        checkIn:
          'Check-in \'24/12/2026\' in column "Arrival" is not a date like 2026-12-24. If the file writes dates as day/month/year or month/day/year, choose that date format.',
        checkOut:
          'Check-out \'27/12/2026\' in column "Departure" is not a date like 2026-12-24. If the file writes dates as day/month/year or month/day/year, choose that date format.',
      },
    });

    const rows = bookingsFromCsv(csv, mapping, { dateFormat: 'DD/MM/YYYY' });
    expect(errorsOf(rows)).toEqual([]);
    expect(
      bookingsOf(rows).map(({ row, booking }) => [
        row,
        booking.externalId,
        booking.checkIn,
        booking.checkOut,
        booking.status,
      ]),
    ).toEqual([
      [
        2,
        'B-5501',
        { date: '2026-12-24', time: null },
        { date: '2026-12-27', time: null },
        'confirmed',
      ],
      [
        3,
        'B-5502',
        { date: '2027-01-02', time: null },
        { date: '2027-01-05', time: null },
        'cancelled',
      ],
      [
        4,
        'B-5503',
        { date: '2027-01-05', time: null },
        { date: '2027-01-09', time: null },
        'confirmed',
      ],
    ]);
    expect(bookingsOf(rows)[1]?.booking).toMatchObject({
      guestName: 'Jansen; Pieter',
      room: '102',
      guestEmail: null,
    });
  });

  it('leaves out the fields whose column is not mapped, and sends blank mapped cells as null', () => {
    const [row] = bookingsFromCsv(table([BASE]), {
      externalId: 0,
      guestName: 1,
      checkIn: 2,
      checkOut: 3,
    });
    expect(row).toEqual({
      row: 2,
      booking: {
        externalId: 'R-1',
        guestName: 'Ada Lovelace',
        checkIn: { date: '2026-12-24', time: null },
        checkOut: { date: '2026-12-27', time: null },
        status: 'confirmed',
      },
    });
  });

  it('trims cells', () => {
    const [row] = bookingsFromCsv(
      table([
        { ...BASE, 'Reservation ID': ' R-1 ', Guest: '  Ada Lovelace ', Arrival: ' 2026-12-24 ' },
      ]),
      MAPPING,
    );
    expect(row).toMatchObject({
      booking: { externalId: 'R-1', guestName: 'Ada Lovelace', checkIn: { date: '2026-12-24' } },
    });
  });

  describe.each([
    // [cell, dateFormat, what the check-in becomes]
    ['2026-12-24', undefined, { date: '2026-12-24', time: null }],
    ['2026-12-24 15:00', undefined, { date: '2026-12-24', time: '15:00' }],
    ['2026-12-24T15:30:00', undefined, { date: '2026-12-24', time: '15:30' }],
    ['2026-12-24T15:00:00Z', undefined, { at: new Date('2026-12-24T15:00:00Z') }],
    ['2026-12-24T15:00:00-05:00', undefined, { at: new Date('2026-12-24T20:00:00Z') }],
    ['2026-12-24T15:00:00.000+0530', undefined, { at: new Date('2026-12-24T09:30:00Z') }],
    ['24/12/2026', 'DD/MM/YYYY', { date: '2026-12-24', time: null }],
    ['4/1/2027', 'DD/MM/YYYY', { date: '2027-01-04', time: null }],
    ['24.12.2026', 'DD/MM/YYYY', { date: '2026-12-24', time: null }],
    ['24-12-2026 3:00 PM', 'DD/MM/YYYY', { date: '2026-12-24', time: '15:00' }],
    ['12/24/2026', 'MM/DD/YYYY', { date: '2026-12-24', time: null }],
    // A spreadsheet saves a date-only cell as midnight; that is no time, not a 00:00 arrival.
    ['2026-12-24 00:00:00', undefined, { date: '2026-12-24', time: null }],
    ['12/24/2026 12:00:00 AM', 'MM/DD/YYYY', { date: '2026-12-24', time: null }],
    ['1/4/2027 14:00', 'MM/DD/YYYY', { date: '2027-01-04', time: '14:00' }],
    // ISO stays readable whatever format the rest of the file uses.
    ['2026-12-24', 'MM/DD/YYYY', { date: '2026-12-24', time: null }],
  ] as const)('check-in %s (%s)', (cell, dateFormat, checkIn) => {
    it('is read as the stay begins', () => {
      const [row] = bookingsFromCsv(table([{ ...BASE, Arrival: cell }]), MAPPING, { dateFormat });
      expect(row).toMatchObject({ booking: { checkIn } });
    });
  });

  it.each([
    [
      '2026-02-30',
      undefined,
      'Check-in \'2026-02-30\' in column "Arrival" is not a date like 2026-12-24.',
    ],
    [
      '2026-13-01',
      undefined,
      'Check-in \'2026-13-01\' in column "Arrival" is not a date like 2026-12-24.',
    ],
    [
      '31/04/2027',
      'DD/MM/YYYY',
      'Check-in \'31/04/2027\' in column "Arrival" is not a date like 24/12/2026 (DD/MM/YYYY).',
    ],
    [
      '12/24/2026',
      'DD/MM/YYYY',
      'Check-in \'12/24/2026\' in column "Arrival" is not a date like 24/12/2026 (DD/MM/YYYY).',
    ],
    [
      '24/12/2026',
      'MM/DD/YYYY',
      'Check-in \'24/12/2026\' in column "Arrival" is not a date like 12/24/2026 (MM/DD/YYYY).',
    ],
    [
      '24/12/26',
      'DD/MM/YYYY',
      'Check-in \'24/12/26\' in column "Arrival" is not a date like 24/12/2026 (DD/MM/YYYY).',
    ],
    [
      '2026-12-24 25:00',
      undefined,
      'Check-in \'2026-12-24 25:00\' in column "Arrival" is not a date like 2026-12-24.',
    ],
    ['Christmas Eve', undefined, 'Check-in in column "Arrival" is not a date like 2026-12-24.'],
    ['', undefined, 'Check-in is empty in column "Arrival".'],
  ] as const)('refuses check-in %j (%s)', (cell, dateFormat, message) => {
    const [row] = bookingsFromCsv(table([{ ...BASE, Arrival: cell }]), MAPPING, { dateFormat });
    expect(row).toEqual({ row: 2, errors: { checkIn: message } });
  });

  it.each([
    ['15:00', '15:00'],
    ['9:05', '09:05'],
    ['15:00:00', '15:00'],
    ['3:00 PM', '15:00'],
    ['3 pm', '15:00'],
    ['11:30am', '11:30'],
    ['12:00 AM', '00:00'],
    ['12:15 PM', '12:15'],
    ['', null],
  ])('reads check-in time %j as %j', (cell, time) => {
    const csv: CsvTable = {
      headers: [...COLUMNS, 'Check-in time'],
      rows: [[...Object.values(BASE), cell]],
    };
    const [row] = bookingsFromCsv(csv, { ...MAPPING, checkInTime: 5 });
    expect(row).toMatchObject({ booking: { checkIn: { date: '2026-12-24', time } } });
  });

  it.each(['25:00', '13:00 PM', '3:60', 'noon'])('refuses check-in time %j', (cell) => {
    const csv: CsvTable = { headers: [...COLUMNS, 'ETA'], rows: [[...Object.values(BASE), cell]] };
    const [row] = bookingsFromCsv(csv, { ...MAPPING, checkInTime: 5 });
    expect(row).toEqual({
      row: 2,
      errors: {
        checkInTime: expect.stringMatching(
          /in column "ETA" is not a time like 15:00 or 3:00 PM\.$/,
        ),
      },
    });
  });

  it("keeps a date cell's own time over the time column, and an instant as given", () => {
    const csv: CsvTable = {
      headers: ['id', 'guest', 'in', 'out', 'in time', 'out time'],
      rows: [['1', 'Ada', '2026-12-24 14:00', '2026-12-27T10:00:00Z', '16:00', '11:00']],
    };
    const [row] = bookingsFromCsv(csv, {
      externalId: 0,
      guestName: 1,
      checkIn: 2,
      checkOut: 3,
      checkInTime: 4,
      checkOutTime: 5,
    });
    expect(row).toMatchObject({
      booking: {
        checkIn: { date: '2026-12-24', time: '14:00' },
        checkOut: { at: new Date('2026-12-27T10:00:00Z') },
      },
    });
  });

  it.each([
    ['confirmed', 'confirmed'],
    ['Confirmed', 'confirmed'],
    ['CANCELLED', 'cancelled'],
    ['canceled', 'cancelled'],
    [' Cancelled ', 'cancelled'],
  ] as const)('reads status %j', (cell, status) => {
    const [row] = bookingsFromCsv(table([{ ...BASE, Status: cell }]), MAPPING);
    expect(row).toMatchObject({ booking: { status } });
  });

  it.each(['inquiry', 'pending', ''])('refuses status %j', (cell) => {
    const [row] = bookingsFromCsv(table([{ ...BASE, Status: cell }]), MAPPING);
    expect(row).toEqual({
      row: 2,
      errors: { status: 'Status in column "Status" must be confirmed or cancelled.' },
    });
  });

  it('refuses a reservation id seen earlier in the file, on the later row only', () => {
    const rows = bookingsFromCsv(
      table([BASE, { ...BASE, 'Reservation ID': 'R-2' }, { ...BASE, Guest: 'Someone Else' }]),
      MAPPING,
    );
    expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(bookingsOf(rows).map((r) => r.booking.externalId)).toEqual(['R-1', 'R-2']);
    expect(errorsOf(rows)).toEqual([
      {
        row: 4,
        errors: { externalId: 'Reservation ID in column "Reservation ID" repeats row 2.' },
      },
    ]);
  });

  it('lists every problem of a row at once', () => {
    const [row] = bookingsFromCsv(
      table([
        {
          'Reservation ID': '',
          Guest: ' ',
          Arrival: '2026-12-24',
          Departure: 'soon',
          Status: 'inquiry',
        },
      ]),
      MAPPING,
    );
    expect(row).toEqual({
      row: 2,
      errors: {
        externalId: 'Reservation ID is empty in column "Reservation ID".',
        guestName: 'Guest name is empty in column "Guest".',
        checkOut: 'Check-out in column "Departure" is not a date like 2026-12-24.',
        status: 'Status in column "Status" must be confirmed or cancelled.',
      },
    });
  });

  it('reads cells missing from a short row as empty', () => {
    const [row] = bookingsFromCsv(
      { headers: [...COLUMNS], rows: [['R-1', 'Ada', '2026-12-24']] },
      MAPPING,
    );
    expect(row).toEqual({
      row: 2,
      errors: {
        checkOut: 'Check-out is empty in column "Departure".',
        status: 'Status in column "Status" must be confirmed or cancelled.',
      },
    });
  });

  it('refuses an email that is not one, without repeating it', () => {
    const csv: CsvTable = {
      headers: [...COLUMNS, 'Email'],
      rows: [[...Object.values(BASE), 'ada at example.com']],
    };
    const [row] = bookingsFromCsv(csv, { ...MAPPING, guestEmail: 5 });
    expect(row).toEqual({
      row: 2,
      errors: { guestEmail: 'Guest email in column "Email" is not an email address.' },
    });
  });

  it('never quotes a name, email or phone, even from a column mapped to a date by mistake', () => {
    const csv: CsvTable = {
      headers: ['id', 'guest', 'email', 'phone'],
      rows: [['1', 'Ada Lovelace', 'ada@example.com', '06.12.34.56.78']],
    };
    const [row] = bookingsFromCsv(csv, {
      externalId: 0,
      guestName: 1,
      checkIn: 3,
      checkOut: 2,
      checkInTime: 1,
      status: 1,
    });
    expect(row).toEqual({
      row: 2,
      errors: {
        checkIn: 'Check-in in column "phone" is not a date like 2026-12-24.',
        checkOut: 'Check-out in column "email" is not a date like 2026-12-24.',
        checkInTime: 'Check-in time in column "guest" is not a time like 15:00 or 3:00 PM.',
        status: 'Status in column "guest" must be confirmed or cancelled.',
      },
    });
  });

  it('refuses a mapping that leaves out a required field or points past the last column', () => {
    const csv = table([BASE]);
    const missing = refusal(() => bookingsFromCsv(csv, { externalId: 0, checkIn: 2, checkOut: 3 }));
    expect(missing.code).toBe('invalid_input');
    expect(missing.options.field).toBe('guestName');
    expect(missing.message).toBe('Choose the column that holds the guest name.');

    const past = refusal(() => bookingsFromCsv(csv, { ...MAPPING, room: 5 }));
    expect(past.options.field).toBe('room');
    expect(past.message).toBe('Room: the file has no column 6.');
  });

  it('reads 1,000 rows with 10 bad ones as 990 bookings and 10 errors on the right rows', () => {
    const header = 'Reservation ID,Guest name,Email,Phone,Arrival,Departure,Arrival time,Status';
    const names: string[] = [];
    const line = (i: number, change: Partial<Record<string, string>> = {}) => {
      const cells: Record<string, string> = {
        id: `R-${i}`,
        name: `Guest Number${i}`,
        email: `guest${i}@example.com`,
        phone: `+1 415 555 ${String(i).padStart(4, '0')}`,
        in: '2027-03-01',
        out: '2027-03-04',
        time: '15:00',
        status: i % 7 === 0 ? 'cancelled' : 'confirmed',
        ...change,
      };
      names.push(cells.name ?? '', cells.email ?? '', cells.phone ?? '');
      const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
      return [
        cells.id,
        cells.name,
        cells.email,
        cells.phone,
        cells.in,
        cells.out,
        cells.time,
        cells.status,
      ]
        .map((v) => quote(v ?? ''))
        .join(',');
    };
    // Row i of the data sits on line i + 2.
    const bad: Record<number, [Partial<Record<string, string>>, string]> = {
      3: [{ in: '2027-02-30' }, 'checkIn'],
      150: [{ name: '' }, 'guestName'],
      151: [{ out: '' }, 'checkOut'],
      298: [{ out: 'next friday' }, 'checkOut'],
      402: [{ id: 'R-401' }, 'externalId'],
      555: [{ status: 'inquiry' }, 'status'],
      612: [{ in: '03/01/2027' }, 'checkIn'],
      777: [{ time: '27:00' }, 'checkInTime'],
      880: [{ email: 'guest880-at-example.com' }, 'guestEmail'],
      998: [{ id: '' }, 'externalId'],
    };
    const lines = Array.from({ length: 1000 }, (_, i) => line(i, bad[i]?.[0]));
    // A quoted name with a comma, to be sure quoting survives at scale.
    lines[500] = line(500, { name: 'Lovelace, Ada' });

    const csv = readCsv(`${header}\n${lines.join('\n')}\n`);
    const rows = bookingsFromCsv(csv, guessMapping(csv.headers));

    expect(rows).toHaveLength(1000);
    expect(bookingsOf(rows)).toHaveLength(990);
    const errors = errorsOf(rows);
    expect(errors.map((e) => [e.row, Object.keys(e.errors)])).toEqual(
      Object.entries(bad).map(([i, [, field]]) => [Number(i) + 2, [field]]),
    );
    expect(bookingsOf(rows).find((r) => r.row === 502)?.booking.guestName).toBe('Lovelace, Ada');
    expect(bookingsOf(rows).filter((r) => r.booking.status === 'cancelled')).toHaveLength(142);

    const messages = errors.flatMap((e) => Object.values(e.errors)).join('\n');
    for (const guestData of names.filter(Boolean)) expect(messages).not.toContain(guestData);
  });
});

describe('guessDateFormat', () => {
  const mapping = { externalId: 0, guestName: 1, checkIn: 2, checkOut: 3 };
  const dates = (...pairs: [string, string][]): CsvTable => ({
    headers: ['id', 'guest', 'in', 'out'],
    rows: pairs.map(([a, b], i) => [String(i), 'Ada', a, b]),
  });

  it.each([
    ['ISO dates', dates(['2026-12-24', '2026-12-27']), 'YYYY-MM-DD'],
    [
      'a day above 12 first',
      dates(['01/02/2027', '03/02/2027'], ['24/12/2026', '27/12/2026']),
      'DD/MM/YYYY',
    ],
    [
      'a day above 12 second',
      dates(['02/01/2027', '02/03/2027'], ['12/24/2026', '12/27/2026']),
      'MM/DD/YYYY',
    ],
    ['only days up to 12', dates(['01/02/2027', '03/02/2027']), null],
    ['both orders at once', dates(['24/12/2026', '12/27/2026']), null],
  ] as const)('with %s says %s', (_, csv, format) => {
    expect(guessDateFormat(csv, mapping)).toBe(format);
  });
});
