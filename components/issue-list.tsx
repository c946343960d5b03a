import { cx } from '@/components/ui/cx';
import { describeIssue } from '@/lib/issues';

/** What a list needs of an issue: Seam's name and what was recorded. */
type IssueLike = { code: string; message: string };

const TONE_TEXT = { error: 'text-red-700', warning: 'text-amber-800' } as const;

/**
 * Issues on a code, a lock or a connection, as every page lists them: the
 * catalogue's title (lib/issues.ts), then what was recorded about this one,
 * with Seam's name in the tooltip.
 */
export function IssueList({
  errors = [],
  warnings = [],
  className,
  testId,
}: {
  errors?: IssueLike[];
  warnings?: IssueLike[];
  className?: string;
  testId?: string;
}) {
  const items = [
    ...errors.map((issue) => ({ issue, severity: 'error' as const })),
    ...warnings.map((issue) => ({ issue, severity: 'warning' as const })),
  ];
  if (items.length === 0) return null;
  return (
    <ul data-testid={testId} className={cx('space-y-1', className)}>
      {items.map(({ issue, severity }) => {
        const words = describeIssue(issue.code, severity);
        return (
          <li key={`${severity}:${issue.code}`} title={issue.code} className={TONE_TEXT[severity]}>
            <span className="font-medium">{words.title}</span>
            {issue.message && issue.message !== words.title ? ` — ${issue.message}` : null}
          </li>
        );
      })}
    </ul>
  );
}
