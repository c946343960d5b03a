'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';
import { CSV_FIELDS, type CsvDateFormat, type CsvField } from '@/lib/sources/csv';
import { type CsvImportResult, csvColumns, importCsv } from '@/lib/sources/csv-import';
import { parseInput } from '@/lib/validation';

/** The file's columns and the guessed mapping, for the mapping step. */
export type CsvColumns = {
  headers: string[];
  /** Each field's guessed column, by index; absent when nothing matched. */
  mapping: Partial<Record<CsvField, number>>;
  dateFormat: CsvDateFormat | null;
  rows: number;
};

// The page sends the file's text (read in the browser) as `text`; its problems
// belong to the file input, which is named `file`.
const fileSchema = z.object({
  file: z.string({ error: 'Choose a CSV file.' }).min(1, 'Choose a CSV file.'),
});

function fileText(formData: FormData): string {
  return parseInput(fileSchema, { file: formData.get('text') ?? undefined }).file;
}

/** Read an uploaded file's header: its columns, a guess at which holds what, and its row count. */
export async function readCsvColumnsAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<CsvColumns>> {
  const formData = formOf(formArgument);
  return runAction('sources.manage', async () => csvColumns(fileText(formData)));
}

/**
 * Try (dry run) or apply a file with the chosen mapping. Only `dryRun=false`
 * applies: anything else a request sends is a dry run, which writes nothing.
 */
export async function importCsvAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<CsvImportResult>> {
  const formData = formOf(formArgument);
  const result = await runAction('sources.manage', async (actor) => {
    const text = fileText(formData);
    const mapping = Object.fromEntries(
      (Object.keys(CSV_FIELDS) as CsvField[]).map((field) => {
        const value = formData.get(field);
        return [field, typeof value === 'string' ? value : null];
      }),
    );
    // Checked by importCsv, which names a refused choice by its own select.
    const dateFormat = String(formData.get('dateFormat') ?? '') as CsvDateFormat;
    return importCsv(
      await getDb(),
      actor,
      {
        propertyId: String(formData.get('propertyId') ?? ''),
        deviceIds: formData.getAll('deviceIds').map(String),
        text,
        mapping,
        dateFormat,
        dryRun: formData.get('dryRun') !== 'false',
      },
      clock.now(),
    );
  });
  if (result.ok && !result.data.dryRun) revalidatePath('/reservations');
  return result;
}
