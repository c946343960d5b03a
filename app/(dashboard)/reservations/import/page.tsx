import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { getDb } from '@/db/client';
import { requirePageActor } from '@/lib/http/session';
import { listProperties } from '@/lib/properties';
import { locksByProperty } from '@/lib/reservations/options';
import {
  CSV_DATE_FORMATS,
  CSV_FIELDS,
  CSV_MAX_BYTES,
  CSV_MAX_ROWS,
  type CsvField,
  sizeInWords,
} from '@/lib/sources/csv';
import { CsvImport, type FieldChoice } from './csv-import';

export const metadata: Metadata = { title: 'Import reservations' };

// The lib's field list, as the browser needs it (csv.ts itself is server code).
const FIELDS: FieldChoice[] = (Object.keys(CSV_FIELDS) as CsvField[]).map((field) => ({
  field,
  label: CSV_FIELDS[field].label,
  required: CSV_FIELDS[field].required,
}));

export default async function ImportReservationsPage() {
  const actor = await requirePageActor('sources.manage');
  const db = await getDb();
  // Every property's locks at once, so changing the property keeps the chosen file.
  const [properties, locks] = await Promise.all([
    listProperties(db, actor),
    locksByProperty(db, actor),
  ]);

  return (
    <div className="mx-auto max-w-5xl space-y-5">
      <div>
        <Link
          href="/reservations"
          className="text-sm text-brand-700 underline-offset-2 hover:underline"
        >
          ← Reservations
        </Link>
        <h1 className="mt-1 text-xl font-semibold">Import reservations from CSV</h1>
        <p className="text-sm text-slate-600">
          Bring in stays from a spreadsheet or another system’s export. You see what every row would
          do before anything is saved, and importing the same file again changes nothing.
        </p>
      </div>
      {properties.length === 0 ? (
        <EmptyState>
          There is no property yet. A property and its locks are needed before stays can be
          imported.
        </EmptyState>
      ) : (
        <CsvImport
          properties={properties}
          locks={locks}
          fields={FIELDS}
          dateFormats={[...CSV_DATE_FORMATS]}
          limits={{
            maxBytes: CSV_MAX_BYTES,
            size: sizeInWords(CSV_MAX_BYTES),
            rows: CSV_MAX_ROWS.toLocaleString('en-US'),
          }}
        />
      )}
    </div>
  );
}
