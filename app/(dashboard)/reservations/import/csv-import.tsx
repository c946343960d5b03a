'use client';

import { type FormEvent, useEffect, useRef, useState, useTransition } from 'react';
import { LockCheckboxes } from '@/components/lock-checkboxes';
import { PropertyField } from '@/components/property-field';
import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { cx } from '@/components/ui/cx';
import { DataTable, Td } from '@/components/ui/data-table';
import { Field, FormProblem, type Refusal } from '@/components/ui/field';
import { useFocusFirstError } from '@/components/ui/use-form-action';
import type { StayLock } from '@/lib/reservations/list';
import type { CsvImportResult, CsvRowResult } from '@/lib/sources/csv-import';
import { CHANGES_A_STAY, type IngestOutcome } from '@/lib/sources/outcomes';
import { type CsvColumns, importCsvAction, readCsvColumnsAction } from './actions';

/** A booking field the file's columns can be matched to (from lib/sources/csv.ts's CSV_FIELDS). */
export type FieldChoice = { field: string; label: string; required: boolean };

/** The file, where it goes, and what its header says: kept between steps, never uploaded twice by hand. */
type Upload = {
  text: string;
  fileName: string;
  propertyId: string;
  propertyName: string;
  deviceIds: string[];
  columns: CsvColumns;
};

/** What the mapping step chose: each field's column index ('' for none) and the date format. */
type Choices = { mapping: Record<string, string>; dateFormat: string };

// Said here before sending, as lib/sources/csv.ts's readCsv says it: a bigger
// body would be refused by Next (bodySizeLimit) before the lib could answer.
/** What the import takes at most (lib/sources/csv.ts), in bytes and in words. */
type FileLimits = { maxBytes: number; size: string; rows: string };

const STEPS = ['Choose the file', 'Match the columns', 'Check and apply'] as const;

const count = (n: number) => n.toLocaleString('en-US');
const rowsWord = (n: number) => `${count(n)} ${n === 1 ? 'row' : 'rows'}`;

/** What a failed round trip (a dropped connection, a body Next refused) says. */
const NOT_SENT: Refusal = {
  ok: false,
  error: 'The file could not be sent. Check the connection and try again.',
  fieldErrors: {},
};

async function send<T>(
  work: () => Promise<{ ok: true; data: T } | Refusal>,
): Promise<{ ok: true; data: T } | Refusal> {
  try {
    return await work();
  } catch {
    return NOT_SENT;
  }
}

/** The import action's form: the file, the property and locks, the mapping, and whether to apply. */
function importForm(upload: Upload, choices: Choices, dryRun: boolean): FormData {
  const form = new FormData();
  form.set('text', upload.text);
  form.set('propertyId', upload.propertyId);
  for (const id of upload.deviceIds) form.append('deviceIds', id);
  for (const [field, column] of Object.entries(choices.mapping)) form.set(field, column);
  form.set('dateFormat', choices.dateFormat);
  form.set('dryRun', dryRun ? 'true' : 'false');
  return form;
}

/** Upload, match the columns, try it, apply: the CSV import in three steps. */
export function CsvImport({
  properties,
  locks,
  fields,
  dateFormats,
  limits,
}: {
  properties: { id: string; name: string }[];
  /** Each property's locks, by property id. */
  locks: Record<string, StayLock[]>;
  fields: FieldChoice[];
  dateFormats: string[];
  limits: FileLimits;
}) {
  const [upload, setUpload] = useState<Upload | null>(null);
  const [choices, setChoices] = useState<Choices | null>(null);
  const [result, setResult] = useState<CsvImportResult | null>(null);
  // The cursor follows the steps once the user has moved on, never on first load.
  const [moved, setMoved] = useState(false);
  const step = !upload ? 0 : !result ? 1 : 2;

  const restart = () => {
    setUpload(null);
    setChoices(null);
    setResult(null);
    setMoved(true);
  };

  return (
    <div className="space-y-5">
      <ol className="flex flex-wrap gap-x-6 gap-y-1 text-sm" aria-label="Steps">
        {STEPS.map((name, i) => (
          <li
            key={name}
            aria-current={i === step ? 'step' : undefined}
            className={cx(i === step ? 'font-semibold text-brand-700' : 'text-slate-500')}
          >
            {i + 1}. {name}
          </li>
        ))}
      </ol>
      {!upload ? (
        <UploadStep
          properties={properties}
          locks={locks}
          limits={limits}
          focus={moved}
          onRead={(read) => {
            setUpload(read);
            setChoices(null);
            setMoved(true);
          }}
        />
      ) : !result || !choices ? (
        <MapStep
          upload={upload}
          fields={fields}
          dateFormats={dateFormats}
          choices={choices}
          onBack={restart}
          onTried={(chosen, tried) => {
            setChoices(chosen);
            setResult(tried);
          }}
        />
      ) : (
        <ResultsStep
          upload={upload}
          choices={choices}
          result={result}
          onApplied={setResult}
          onChangeMapping={() => setResult(null)}
          onRestart={restart}
        />
      )}
    </div>
  );
}

/** A step's heading, which takes the cursor when the step opens after another. */
function StepHeading({ focus, children }: { focus: boolean; children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <h2 ref={ref} tabIndex={-1} className="text-base font-semibold focus:outline-none">
      {children}
    </h2>
  );
}

const card = 'space-y-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6';

function UploadStep({
  properties,
  locks,
  limits,
  focus,
  onRead,
}: {
  properties: { id: string; name: string }[];
  locks: Record<string, StayLock[]>;
  limits: FileLimits;
  focus: boolean;
  onRead: (upload: Upload) => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [propertyId, setPropertyId] = useState(properties[0]?.id ?? '');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [pending, startTransition] = useTransition();
  const fieldErrors = refusal?.fieldErrors ?? {};
  const propertyLocks = locks[propertyId] ?? [];

  useFocusFirstError(formRef, refusal);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    const deviceIds = form.getAll('deviceIds').map(String);
    const refuseFile = (message: string) =>
      setRefusal({ ok: false, error: message, fieldErrors: { file: message } });
    if (!(file instanceof File) || (file.name === '' && file.size === 0)) {
      refuseFile('Choose a CSV file.');
      return;
    }
    if (file.size > limits.maxBytes) {
      refuseFile(`The file is larger than ${limits.size}.`);
      return;
    }
    startTransition(async () => {
      const text = await file.text();
      const body = new FormData();
      body.set('text', text);
      const answer = await send(() => readCsvColumnsAction(null, body));
      if (!answer.ok) {
        setRefusal(answer);
        return;
      }
      setRefusal(null);
      onRead({
        text,
        fileName: file.name,
        propertyId,
        propertyName: properties.find((p) => p.id === propertyId)?.name ?? '',
        deviceIds,
        columns: answer.data,
      });
    });
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className={card} aria-busy={pending}>
      <StepHeading focus={focus}>Choose the file</StepHeading>
      <FormProblem refusal={refusal} fields={['file', 'propertyId', 'deviceIds']} />
      <Field
        name="file"
        label="CSV file"
        hint={`A spreadsheet saved as CSV, or another system’s export: a first line of column names, then one booking a line. At most ${limits.size} and ${limits.rows} rows.`}
        error={fieldErrors.file}
      >
        {(control) => (
          <input
            {...control}
            type="file"
            accept=".csv,text/csv"
            className={cx(control.className, 'file:mr-3 file:border-0 file:bg-transparent')}
          />
        )}
      </Field>
      <PropertyField
        properties={properties}
        defaultValue={propertyId}
        hint="Every row becomes a stay here."
        error={fieldErrors.propertyId}
        className="sm:w-80"
        onChange={(e) => setPropertyId(e.target.value)}
      />
      <LockCheckboxes
        key={propertyId}
        legend="Locks for rows without a room"
        hint="A row whose room matches a lock’s name or room number opens that lock. A row with no room opens the locks chosen here."
        locks={propertyLocks}
        error={fieldErrors.deviceIds}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Reading the file…' : 'Read the file'}
        </Button>
        <span role="status" className="text-sm text-slate-600">
          {pending ? 'Reading the file…' : ''}
        </span>
      </div>
    </form>
  );
}

const DATE_FORMAT_LABELS: Record<string, string> = {
  'YYYY-MM-DD': 'Year-month-day (2026-12-24)',
  'DD/MM/YYYY': 'Day/month/year (24/12/2026)',
  'MM/DD/YYYY': 'Month/day/year (12/24/2026)',
};

function MapStep({
  upload,
  fields,
  dateFormats,
  choices,
  onBack,
  onTried,
}: {
  upload: Upload;
  fields: FieldChoice[];
  dateFormats: string[];
  /** The last choices, when coming back from the results; else the guess. */
  choices: Choices | null;
  onBack: () => void;
  onTried: (choices: Choices, result: CsvImportResult) => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [pending, startTransition] = useTransition();
  const fieldErrors = refusal?.fieldErrors ?? {};
  const { columns } = upload;
  const formats = columns.dateFormat ?? dateFormats[0] ?? '';

  useFocusFirstError(formRef, refusal);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const chosen: Choices = {
      mapping: Object.fromEntries(
        fields.map(({ field }) => [field, String(form.get(field) ?? '')]),
      ),
      dateFormat: String(form.get('dateFormat') ?? ''),
    };
    startTransition(async () => {
      const answer = await send(() => importCsvAction(null, importForm(upload, chosen, true)));
      if (!answer.ok) {
        setRefusal(answer);
        return;
      }
      setRefusal(null);
      onTried(chosen, answer.data);
    });
  };

  const defaultColumn = (field: string) => {
    if (choices) return choices.mapping[field] ?? '';
    const guessed = columns.mapping[field as keyof CsvColumns['mapping']];
    return guessed === undefined ? '' : String(guessed);
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className={card} aria-busy={pending}>
      <div className="space-y-1">
        <StepHeading focus>Match the columns</StepHeading>
        <p className="text-sm text-slate-600">
          {rowsWord(columns.rows)} in {upload.fileName}, for {upload.propertyName}. Check which
          column holds what; blank means the file does not have it.
        </p>
      </div>
      <FormProblem refusal={refusal} fields={[...fields.map((f) => f.field), 'dateFormat']} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {fields.map(({ field, label, required }) => (
          <Field
            key={field}
            name={field}
            label={
              <>
                {label}{' '}
                <span className="font-normal text-slate-500">
                  ({required ? 'required' : 'optional'})
                </span>
              </>
            }
            error={fieldErrors[field]}
          >
            {(control) => (
              <select {...control} defaultValue={defaultColumn(field)} required={required}>
                <option value="">Not in this file</option>
                {columns.headers.map((header, index) => (
                  // Headers can repeat; their positions cannot.
                  // biome-ignore lint/suspicious/noArrayIndexKey: the index is the column's identity
                  <option key={index} value={String(index)}>
                    {header}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ))}
      </div>
      <Field
        name="dateFormat"
        label="Date format"
        hint={
          columns.dateFormat
            ? 'As the file’s dates show. Dates written 2026-12-24 are read whichever is chosen.'
            : 'The file’s dates do not tell whether the day or the month comes first: check one row.'
        }
        error={fieldErrors.dateFormat}
        className="sm:w-80"
      >
        {(control) => (
          <select {...control} defaultValue={choices?.dateFormat ?? formats}>
            {dateFormats.map((format) => (
              <option key={format} value={format}>
                {DATE_FORMAT_LABELS[format] ?? format}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? `Trying ${rowsWord(columns.rows)}…` : 'Try it (dry run)'}
        </Button>
        <Button onClick={onBack} disabled={pending}>
          Choose another file
        </Button>
        <span role="status" className="text-sm text-slate-600">
          {pending ? `Trying ${rowsWord(columns.rows)}… Nothing is saved.` : ''}
        </span>
      </div>
    </form>
  );
}

const OUTCOMES: Record<IngestOutcome, { one: string; many: string; label: string }> = {
  created: { one: 'created', many: 'created', label: 'Created' },
  updated: { one: 'updated', many: 'updated', label: 'Updated' },
  unchanged: { one: 'unchanged', many: 'unchanged', label: 'Unchanged' },
  cancelled: { one: 'cancelled', many: 'cancelled', label: 'Cancelled' },
  linked: {
    one: 'linked to a stay Keyhold has',
    many: 'linked to stays Keyhold has',
    label: 'Linked to an existing stay',
  },
  kept_cancelled: {
    one: 'kept cancelled by staff',
    many: 'kept cancelled by staff',
    label: 'Kept cancelled (staff cancelled it)',
  },
  ignored: { one: 'ignored', many: 'ignored', label: 'Ignored' },
  stale: {
    one: 'older than Keyhold’s',
    many: 'older than Keyhold’s',
    label: 'Older than Keyhold’s',
  },
  error: { one: 'error', many: 'errors', label: 'Error' },
};

/** Always shown, zero or not: what the brief of an import is. The rest only when they happen. */
const MAIN_OUTCOMES: IngestOutcome[] = [
  'created',
  'updated',
  'unchanged',
  'cancelled',
  'linked',
  'error',
];

const OUTCOME_TONE: Partial<Record<IngestOutcome, string>> = {
  created: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  updated: 'bg-sky-50 text-sky-900 ring-sky-200',
  cancelled: 'bg-amber-50 text-amber-900 ring-amber-200',
  error: 'bg-red-50 text-red-800 ring-red-200',
};

function ResultsStep({
  upload,
  choices,
  result,
  onApplied,
  onChangeMapping,
  onRestart,
}: {
  upload: Upload;
  choices: Choices;
  result: CsvImportResult;
  onApplied: (result: CsvImportResult) => void;
  onChangeMapping: () => void;
  onRestart: () => void;
}) {
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [pending, startTransition] = useTransition();
  const [onlyProblems, setOnlyProblems] = useState(false);
  const { counts, rows, dryRun } = result;
  const changes = rows.filter((r) => CHANGES_A_STAY.has(r.outcome)).length;
  const shown = onlyProblems ? rows.filter((r) => r.outcome === 'error') : rows;

  const apply = () => {
    startTransition(async () => {
      const answer = await send(() => importCsvAction(null, importForm(upload, choices, false)));
      if (!answer.ok) {
        setRefusal(answer);
        return;
      }
      setRefusal(null);
      setOnlyProblems(false);
      onApplied(answer.data);
    });
  };

  const outcomes = (Object.keys(OUTCOMES) as IngestOutcome[]).filter(
    (o) => MAIN_OUTCOMES.includes(o) || counts[o] > 0,
  );

  return (
    <section className={card} aria-busy={pending}>
      <div className="space-y-1">
        <StepHeading focus>
          {dryRun ? 'Dry run: what this file would do' : 'Imported: what was done'}
        </StepHeading>
        <p className="text-sm text-slate-600">
          {rowsWord(rows.length)} in {upload.fileName}, for {upload.propertyName}.
        </p>
      </div>

      {dryRun ? (
        <Alert tone="info">
          Nothing has been saved yet. Apply to make these changes; rows with errors are left out.
        </Alert>
      ) : (
        <Alert tone="success">
          The file is imported. Codes are made for each new stay and put on its locks shortly before
          check-in.
        </Alert>
      )}
      {refusal ? <Alert tone="error">{refusal.error}</Alert> : null}

      <ul className="flex flex-wrap gap-2" aria-label="Counts">
        {outcomes.map((outcome) => {
          const n = counts[outcome];
          const words = OUTCOMES[outcome];
          return (
            <li
              key={outcome}
              data-testid={`count-${outcome}`}
              className={cx(
                'rounded-full px-3 py-1 text-sm ring-1',
                n > 0
                  ? (OUTCOME_TONE[outcome] ?? 'bg-slate-100 text-slate-700 ring-slate-200')
                  : 'bg-white text-slate-500 ring-slate-200',
              )}
            >
              {count(n)} {n === 1 ? words.one : words.many}
            </li>
          );
        })}
      </ul>

      <div className="flex flex-wrap items-center gap-3">
        {dryRun ? (
          <>
            <Button variant="primary" onClick={apply} disabled={pending || changes === 0}>
              {pending ? `Importing ${rowsWord(rows.length)}…` : 'Apply'}
            </Button>
            <Button onClick={onChangeMapping} disabled={pending}>
              Change the columns
            </Button>
          </>
        ) : (
          <>
            <ButtonLink variant="primary" href="/reservations">
              Open Reservations
            </ButtonLink>
            <Button onClick={onRestart}>Import another file</Button>
          </>
        )}
        <span role="status" className="text-sm text-slate-600">
          {pending
            ? `Importing ${rowsWord(rows.length)}…`
            : dryRun && changes === 0
              ? 'There is nothing to apply: no row would change a stay.'
              : ''}
        </span>
      </div>

      {counts.error > 0 && counts.error < rows.length ? (
        <label className="flex min-h-11 w-fit cursor-pointer items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={onlyProblems}
            onChange={(e) => setOnlyProblems(e.target.checked)}
            className="size-4 accent-brand-600"
          />
          Show only rows with errors
        </label>
      ) : null}

      <RowsTable rows={shown} />
    </section>
  );
}

function RowsTable({ rows }: { rows: CsvRowResult[] }) {
  return (
    <DataTable
      columns={[
        { label: 'Line' },
        { label: 'Reservation ID' },
        { label: 'Outcome' },
        { label: 'Message' },
      ]}
      empty={rows.length === 0 ? <p>No rows to show.</p> : undefined}
    >
      {rows.map((row) => (
        <tr key={row.row} data-testid="csv-row" className="align-top">
          <Td className="tabular-nums text-slate-600">{row.row}</Td>
          <Td className="font-mono text-xs break-all">{row.externalId ?? '—'}</Td>
          <Td>
            <span
              className={cx(
                'inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1',
                OUTCOME_TONE[row.outcome] ?? 'bg-slate-100 text-slate-700 ring-slate-200',
              )}
            >
              {OUTCOMES[row.outcome].label}
            </span>
          </Td>
          <Td className={cx('min-w-48', row.outcome === 'error' && 'text-red-800')}>
            {row.message ?? ''}
          </Td>
        </tr>
      ))}
    </DataTable>
  );
}
