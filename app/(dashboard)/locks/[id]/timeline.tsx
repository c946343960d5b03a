'use client';

import { CONDITION_TITLES, type CodeCondition } from '@/lib/access-codes/describe';
import type { LockDetail, LockDetailCode } from '@/lib/devices/lock-detail';
import {
  type Bar,
  barFor,
  dayTicks,
  formatDayTick,
  offsetOf,
  packLanes,
  type TimelineRange,
} from '@/lib/devices/timeline';
import { formatInZone } from '@/lib/time';

const CONDITION_BAR: Record<CodeCondition, string> = {
  // Not on the lock yet: an outline, so "waiting" never reads as "working".
  not_yet_due: 'border-2 border-dashed border-slate-500 bg-white text-slate-800',
  stored: 'bg-emerald-700 text-white',
  being_set: 'bg-sky-700 text-white',
  set: 'bg-emerald-700 text-white',
  delayed: 'bg-amber-600 text-white',
  failed: 'bg-red-700 text-white',
  being_removed: 'bg-violet-700 text-white',
  removed: 'bg-slate-500 text-white',
};

export function codeLabel(code: LockDetailCode): string {
  if (code.isBackup && code.pulled && code.guestName) return `${code.guestName} (backup code)`;
  if (code.guestName) return code.guestName;
  if (code.isBackup) return code.pulled ? 'Pulled backup code' : 'Backup code';
  if (code.isPermanentBackup)
    return code.name ? `${code.name} (permanent)` : 'Permanent backup code';
  return code.name ?? 'Unnamed code';
}

export function windowWords(code: LockDetailCode, zone: string): string {
  if (!code.startsAt || !code.endsAt) return 'Ongoing';
  return `${formatInZone(new Date(code.startsAt), zone)} – ${formatInZone(new Date(code.endsAt), zone)}`;
}

function barDescription(code: LockDetailCode, zone: string): string {
  const parts = [codeLabel(code), windowWords(code, zone), code.state.title];
  for (const e of code.errors) parts.push(`error: ${e.message}`);
  for (const w of code.warnings) parts.push(`warning: ${w.message}`);
  return parts.join(', ');
}

type Placed = { code: LockDetailCode; bar: Bar };

/**
 * The lock's codes over the coming two weeks, one row per run of
 * non-overlapping windows. Each bar is a link to the code's row in the list.
 */
export function Timeline({ detail }: { detail: LockDetail }) {
  const zone = detail.timeZone;
  const range: TimelineRange = {
    start: new Date(detail.range.start),
    end: new Date(detail.range.end),
  };
  const now = offsetOf(range, new Date(detail.now));
  const ticks = dayTicks(range, zone);

  // Unpulled backups are the pool: one summary row, never a bar each.
  const shown = detail.codes.filter((c) => !(c.isBackup && !c.pulled));
  const placed: Placed[] = [];
  let offRange = 0;
  for (const code of shown) {
    const bar = barFor(range, {
      startsAt: code.startsAt ? new Date(code.startsAt) : null,
      endsAt: code.endsAt ? new Date(code.endsAt) : null,
    });
    if (bar) placed.push({ code, bar });
    else offRange += 1;
  }
  const lanes = packLanes(placed);
  const pool = detail.pool;
  const showPool = pool.enabled;

  return (
    <section aria-labelledby="timeline-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="timeline-heading" className="text-lg font-semibold">
          Next two weeks
        </h2>
        <p className="text-xs text-slate-500">Times in {zone}</p>
      </div>
      <Legend />
      <section
        aria-label="Timeline of the lock's codes; scrolls sideways"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls sideways on a phone, and the keyboard must be able to scroll it too.
        tabIndex={0}
        data-testid="timeline"
        className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
      >
        <div className="relative min-w-[52rem] px-2 pb-3">
          <div className="relative h-11 border-b border-slate-200 text-xs text-slate-600">
            {ticks.map((tick) => (
              <span
                key={tick.at.toISOString()}
                className="absolute top-1.5 pl-1 whitespace-nowrap"
                style={{ left: `${tick.left}%` }}
              >
                {formatDayTick(tick.at, zone)}
              </span>
            ))}
            {now !== null ? (
              <span
                className={`absolute bottom-1 rounded bg-red-700 px-1 text-[0.65rem] font-semibold text-white ${
                  // Just after midnight a centred tag would hang off the left edge.
                  now < 2 ? '' : '-translate-x-1/2'
                }`}
                style={{ left: `${now}%` }}
              >
                Now<span className="sr-only">: {formatInZone(new Date(detail.now), zone)}</span>
              </span>
            ) : null}
          </div>
          <div className="relative pt-2">
            {ticks.map((tick) => (
              <span
                key={tick.at.toISOString()}
                aria-hidden
                className="pointer-events-none absolute top-0 bottom-0 border-l border-slate-100"
                style={{ left: `${tick.left}%` }}
              />
            ))}
            {lanes.map((lane) => (
              <div key={lane[0]?.code.id} className="relative my-1.5 h-8">
                {lane.map(({ code, bar }) => (
                  <CodeBar key={code.id} code={code} bar={bar} zone={zone} />
                ))}
              </div>
            ))}
            <EntryMarks detail={detail} range={range} />
            {showPool ? (
              <div className="relative my-1.5 h-8">
                <a
                  href="#backup-pool"
                  data-testid="timeline-pool"
                  title={`Backup pool: ${pool.available} of ${pool.target} ready`}
                  className={`absolute inset-x-0 flex h-8 items-center truncate rounded-md px-2 text-xs font-medium ${
                    pool.available === 0
                      ? 'bg-red-100 text-red-900 ring-2 ring-red-600'
                      : pool.available < pool.target
                        ? 'bg-amber-100 text-amber-900'
                        : 'bg-emerald-50 text-emerald-900'
                  }`}
                >
                  Backup pool · {pool.available} of {pool.target} ready
                </a>
              </div>
            ) : null}
            {lanes.length === 0 && !showPool ? (
              <p className="relative py-6 text-center text-sm text-slate-600">
                No codes on this lock in the next two weeks.
              </p>
            ) : null}
            {now !== null ? (
              <span
                aria-hidden
                data-testid="timeline-now"
                className="pointer-events-none absolute top-0 bottom-0 w-0.5 bg-red-600"
                style={{ left: `${now}%` }}
              />
            ) : null}
          </div>
        </div>
      </section>
      {offRange > 0 ? (
        <p className="text-sm text-amber-800">
          {offRange === 1 ? 'One code is' : `${offRange} codes are`} outside these two weeks but
          still on the lock; see the list below.
        </p>
      ) : null}
    </section>
  );
}

/**
 * Who came in today, as marks on their own row: a guest's code in green, a
 * backup code in amber, an entry the lock did not attribute or a key in
 * slate, an entry after check-out in red. The words are describeEntry's.
 */
function EntryMarks({ detail, range }: { detail: LockDetail; range: TimelineRange }) {
  const marks = detail.entries.flatMap((entry) => {
    const left = offsetOf(range, new Date(entry.occurredAt));
    return left === null ? [] : [{ entry, left }];
  });
  if (marks.length === 0) return null;
  return (
    <ol aria-label="Entries" className="relative my-1.5 h-6" data-testid="timeline-entries">
      {marks.map(({ entry, left }) => {
        const label = entry.guestName ? `${entry.guestName}: ${entry.words}` : entry.words;
        const color = entry.afterCheckOut
          ? 'bg-red-700'
          : !entry.attributed
            ? 'bg-slate-600'
            : entry.isBackup
              ? 'bg-amber-500'
              : 'bg-emerald-700';
        return (
          <li
            key={entry.id}
            data-testid="timeline-entry"
            title={label}
            className="absolute top-0 flex h-6 -translate-x-1/2 items-center"
            style={{ left: `${left}%` }}
          >
            <span aria-hidden className={`block h-6 w-1.5 rounded-sm ${color}`} />
            <span className="sr-only">{label}</span>
          </li>
        );
      })}
    </ol>
  );
}

function CodeBar({ code, bar, zone }: { code: LockDetailCode; bar: Bar; zone: string }) {
  const hasErrors = code.errors.length > 0;
  const hasWarnings = !hasErrors && code.warnings.length > 0;
  const label = barDescription(code, zone);
  const ring = hasErrors
    ? 'ring-2 ring-red-600 ring-offset-1'
    : hasWarnings
      ? 'ring-2 ring-amber-500 ring-offset-1'
      : '';
  return (
    <a
      href={`#code-${code.id}`}
      aria-label={label}
      title={label}
      data-testid="timeline-bar"
      data-status={code.status}
      data-condition={code.state.condition}
      className={`absolute flex h-8 min-w-3 items-center gap-1 overflow-hidden rounded-md px-1.5 text-xs font-medium whitespace-nowrap ${
        CONDITION_BAR[code.state.condition]
      } ${ring} ${bar.startsBefore ? 'rounded-l-none' : ''} ${bar.endsAfter ? 'rounded-r-none' : ''} ${
        code.deleted ? 'line-through' : ''
      }`}
      style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
    >
      {hasErrors || hasWarnings ? (
        <span
          aria-hidden
          className={`inline-flex size-4 shrink-0 items-center justify-center rounded-full text-[0.65rem] font-bold ${
            hasErrors ? 'bg-red-600 text-white' : 'bg-amber-400 text-amber-950'
          }`}
        >
          !
        </span>
      ) : null}
      <span aria-hidden className="truncate">
        {codeLabel(code)}
      </span>
    </a>
  );
}

function Legend() {
  const shown: CodeCondition[] = [
    'not_yet_due',
    'being_set',
    'set',
    'delayed',
    'failed',
    'being_removed',
  ];
  const items = shown.map((condition) => ({
    label: CONDITION_TITLES[condition],
    swatch: CONDITION_BAR[condition],
  }));
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
      {items.map((item) => (
        <li key={item.label} className="inline-flex items-center gap-1.5">
          <span aria-hidden className={`inline-block h-3 w-5 rounded-sm ${item.swatch}`} />
          {item.label}
        </li>
      ))}
      <li className="inline-flex items-center gap-1.5">
        <span
          aria-hidden
          className="inline-flex size-4 items-center justify-center rounded-full bg-red-600 text-[0.65rem] font-bold text-white ring-2 ring-red-600 ring-offset-1"
        >
          !
        </span>
        Error
      </li>
      <li className="inline-flex items-center gap-1.5">
        <span
          aria-hidden
          className="inline-flex size-4 items-center justify-center rounded-full bg-amber-400 text-[0.65rem] font-bold text-amber-950 ring-2 ring-amber-500 ring-offset-1"
        >
          !
        </span>
        Warning
      </li>
      <li className="inline-flex items-center gap-1.5">
        <span aria-hidden className="inline-block h-3 w-0.5 bg-red-600" />
        Now
      </li>
      <li className="inline-flex items-center gap-1.5">
        <span aria-hidden className="inline-block h-3 w-1.5 rounded-sm bg-emerald-700" />
        Entry
      </li>
    </ul>
  );
}
